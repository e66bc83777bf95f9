"""`Idempotency-Key` on submit: a retried POST gets the first answer, never a second comment.

A key is scoped to the client IP and the post, and lives in the shared cache (Redis in
production, the file cache when embedded) for COMMENTS["IDEMPOTENCY_TTL_SECONDS"]. The
first request claims the key atomically (`cache.add`); a concurrent twin waits for its
answer; a later retry gets the stored answer; the same key with a different body is
refused (422). Only successful answers are kept: after a 4xx the client may fix the
request and send it again with the same key.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from comments.clientip import client_ip
from comments.conf import comments_setting

HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# How long an unfinished claim blocks its key (a crashed request frees it after this).
PENDING_SECONDS = 60
# How long a concurrent twin waits for the first request's answer.
WAIT_SECONDS = 15.0


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used for a different request; "
        "send a new key with a new comment."
    )
    default_code = "idempotency_key_reused"


class KeyInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "A request with this Idempotency-Key is still being processed; retry in a moment."
    )
    default_code = "idempotency_key_in_progress"


def slot_for(request: Request, post_slug: str) -> str | None:
    """Return the cache key for this request's Idempotency-Key, or None when it sent none."""
    key = request.META.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {
                "Idempotency-Key": [
                    f"Use 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID."
                ]
            }
        )
    scope = f"{client_ip(request) or 'unknown'}\0{post_slug}\0{key}"
    return "idempotency:" + hashlib.sha256(scope.encode()).hexdigest()


def answered(slot: str | None) -> bool:
    """Whether this key already has a stored answer (a retry: not counted by throttles)."""
    record = cache.get(slot) if slot else None
    return isinstance(record, dict) and record.get("state") == "done"


def run_once(slot: str, data: Any, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per key and body; answer retries with the first answer."""
    fingerprint = _fingerprint(data)
    stored = _claim(slot, fingerprint)
    if stored is not None:
        return _replay(stored)
    try:
        response = handler()
    except BaseException:
        cache.delete(slot)
        raise
    if status.is_success(response.status_code):
        cache.set(slot, _record(fingerprint, response), comments_setting("IDEMPOTENCY_TTL_SECONDS"))
    else:
        cache.delete(slot)
    return response


def _claim(slot: str, fingerprint: str) -> dict[str, Any] | None:
    """Claim the key (None), or return the finished first answer; refuse reuse and overlap."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(slot, {"state": "pending", "fingerprint": fingerprint}, PENDING_SECONDS):
            return None
        record = cache.get(slot)
        if record is None:
            continue  # expired or released between add and get: try to claim again
        if record["fingerprint"] != fingerprint:
            raise KeyReused()
        if record["state"] == "done":
            return record  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise KeyInProgress()
        time.sleep(0.05)


def _fingerprint(data: Any) -> str:
    if hasattr(data, "lists"):
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _record(fingerprint: str, response: Response) -> dict[str, Any]:
    return {
        "state": "done",
        "fingerprint": fingerprint,
        "status": response.status_code,
        "body": json.loads(json.dumps(response.data, default=str)),
        "location": response.get("Location", ""),
    }


def _replay(record: dict[str, Any]) -> Response:
    headers = {REPLAYED_HEADER: "true"}
    if record["location"]:
        headers["Location"] = record["location"]
    return Response(record["body"], status=record["status"], headers=headers)
