"""`Idempotency-Key` on submit: a retried POST gets the first answer, never a second comment.

A key is scoped to the client IP and the post, and lives in the shared cache (Redis in
production, the file cache when embedded) for COMMENTS["IDEMPOTENCY_TTL_SECONDS"]. The
first request claims the key atomically (`cache.add`); a concurrent twin waits for its
answer; a later retry gets the stored answer; the same key with a different body is
refused (422). Only successful answers are kept: after a 4xx the client may fix the
request and send it again with the same key.

The stored answer holds the comment's edit token, and a cache is easy to dump (Redis has
no access control by default), so it is sealed with AES-GCM under a key derived from the
Idempotency-Key, its scope and SECRET_KEY. The cache sees only a hash of the key: its
content neither reveals the token nor identifies the request, and erasing a person's
data removes the answers to their comments too (`answers_forget`).
"""

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
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


@dataclass(frozen=True)
class Slot:
    """Where one key's answer lives (`cache_key`) and the key that seals it (never stored)."""

    cache_key: str
    secret: bytes

    def fingerprint(self, data: Any) -> str:
        """Return a keyed digest of the request body: equal bodies match, nothing is guessable."""
        if hasattr(data, "lists"):
            data = dict(data.lists())
        canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
        return hmac.new(self.secret, canonical.encode(), hashlib.sha256).hexdigest()

    def seal(self, answer: dict[str, Any]) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.secret).encrypt(
            nonce, json.dumps(answer).encode(), self.cache_key.encode()
        )
        return base64.b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> dict[str, Any] | None:
        raw = base64.b64decode(sealed)
        try:
            plain = AESGCM(self.secret).decrypt(raw[:12], raw[12:], self.cache_key.encode())
        except InvalidTag:  # SECRET_KEY changed since: treat as no answer
            return None
        return json.loads(plain)  # type: ignore[no-any-return]


def slot_for(request: Request, post_slug: str) -> Slot | None:
    """Return the slot for this request's Idempotency-Key, or None when it sent none."""
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
    scope = f"{client_ip(request) or 'unknown'}\0{post_slug}\0{key}".encode()
    secret = hmac.new(_master_key(), scope, hashlib.sha256).digest()
    return Slot(cache_key="idempotency:" + hashlib.sha256(scope).hexdigest(), secret=secret)


def answered(slot: Slot | None) -> bool:
    """Whether this key already has a stored answer (a retry: not counted by throttles)."""
    record = cache.get(slot.cache_key) if slot else None
    return isinstance(record, dict) and record.get("state") == "done"


def run_once(slot: Slot, data: Any, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per key and body; answer retries with the first answer."""
    fingerprint = slot.fingerprint(data)
    stored = _claim(slot, fingerprint)
    if stored is not None:
        return _replay(stored)
    try:
        response = handler()
    except BaseException:
        cache.delete(slot.cache_key)
        raise
    if status.is_success(response.status_code):
        _store(slot, fingerprint, response)
    else:
        cache.delete(slot.cache_key)
    return response


def answers_forget(comment_ids: Iterable[int]) -> None:
    """Delete the stored submit answers of these comments (erasure of personal data)."""
    index_keys = [_index_key(pk) for pk in comment_ids]
    slots = cache.get_many(index_keys)
    cache.delete_many([*slots.values(), *index_keys])


def _master_key() -> bytes:
    return hashlib.sha256(b"threadkeeper.idempotency\0" + settings.SECRET_KEY.encode()).digest()


def _index_key(comment_id: int) -> str:
    return f"idempotency:comment:{comment_id}"


def _store(slot: Slot, fingerprint: str, response: Response) -> None:
    ttl = comments_setting("IDEMPOTENCY_TTL_SECONDS")
    record = {"state": "done", "fingerprint": fingerprint, "sealed": slot.seal(_answer(response))}
    cache.set(slot.cache_key, record, ttl)
    comment_id = response.data.get("id") if isinstance(response.data, dict) else None
    if isinstance(comment_id, int):
        cache.set(_index_key(comment_id), slot.cache_key, ttl)


def _claim(slot: Slot, fingerprint: str) -> dict[str, Any] | None:
    """Claim the key (None), or return the finished first answer; refuse reuse and overlap."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        pending = {"state": "pending", "fingerprint": fingerprint}
        if cache.add(slot.cache_key, pending, PENDING_SECONDS):
            return None
        record = cache.get(slot.cache_key)
        if record is None:
            continue  # expired or released between add and get: try to claim again
        if record["fingerprint"] != fingerprint:
            raise KeyReused()
        if record["state"] == "done":
            answer = slot.open(record["sealed"])
            if answer is None:
                cache.delete(slot.cache_key)
                continue
            return answer
        if time.monotonic() > deadline:
            raise KeyInProgress()
        time.sleep(0.05)


def _answer(response: Response) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "body": json.loads(json.dumps(response.data, default=str)),
        "location": response.get("Location", ""),
    }


def _replay(record: dict[str, Any]) -> Response:
    headers = {REPLAYED_HEADER: "true"}
    if record["location"]:
        headers["Location"] = record["location"]
    return Response(record["body"], status=record["status"], headers=headers)
