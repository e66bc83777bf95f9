"""Submit and preview rate limits, per client IP and per post, read from settings at call time."""

import hashlib
import math
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from comments.clientip import client_ip
from comments.conf import comments_setting
from comments.models import Comment


class _SettingRateThrottle(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:  # DRF reads rates at class definition; we read them now
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[assignment]

    def get_rate(self) -> str | None:
        return comments_setting(self.setting)  # type: ignore[no-any-return]

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this request in a sliding window kept as two counters; no lock, one round trip.

        DRF's own check reads the history, then writes it back: concurrent requests from
        one client all read the same history and all pass, and holding a lock around it
        costs four round trips and serializes every request of a busy address. Counters
        that the cache increments atomically need neither: the estimate is the previous
        window's count, weighted by how much of it still overlaps, plus this window's.
        """
        key = self.get_cache_key(request, view) if self.rate is not None else None
        limit, duration = self.num_requests, self.duration
        if key is None or limit is None or duration is None:
            return True
        window, into = divmod(time.time(), duration)
        fraction = into / duration
        current = f"{key}:{int(window)}"
        count, previous = window_hit(current, f"{key}:{int(window) - 1}", 2 * duration)
        if previous * (1 - fraction) + count <= limit:
            return True
        window_unhit(current)
        self.wait_seconds = _wait(previous, count - 1, limit, fraction) * duration
        return False

    def wait(self) -> float:
        return max(1.0, getattr(self, "wait_seconds", float(self.duration or 1)))


def _wait(previous: int, current: int, limit: int, fraction: float) -> float:
    """Return the share of a window until one more request fits, if no other comes.

    `current` counts this window's accepted requests. At most one window: Retry-After
    stays within the rate's period, as DRF's own throttles answer.
    """
    if current < limit and previous:  # wait for the previous window to weigh less
        needed = 1 - (limit - current - 1) / previous
        return min(1.0, max(needed - fraction, 0.0))
    needed = 1 - (limit - 1) / current if current else 0.0  # this window must age instead
    return min(1.0, 1 - fraction + max(0.0, needed))


def window_hit(key: str, previous_key: str, ttl: int) -> tuple[int, int]:
    """Count one hit on `key` (made with `ttl` on the first); return it and `previous_key`'s."""
    client = _redis_client(key)
    if client is not None:
        full, before = cache.make_and_validate_key(key), cache.make_and_validate_key(previous_key)
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(full)
            pipe.expire(full, ttl, nx=True)
            pipe.get(before)
            count, _, previous = pipe.execute()
        return int(count), int(previous or 0)
    cache.add(key, 0, ttl)
    return cache.incr(key), int(cache.get(previous_key) or 0)


def window_unhit(key: str) -> None:
    """Take a refused request back out of the count: refusals do not use up the budget."""
    client = _redis_client(key)
    if client is not None:
        client.decr(cache.make_and_validate_key(key))
    else:
        with suppress(ValueError):
            cache.decr(key)


def _redis_client(key: str) -> Any:
    """Return the redis client behind Django's RedisCache (one round trip per pipeline)."""
    backend: Any = getattr(cache, "_cache", None)
    return backend.get_client(key, write=True) if hasattr(backend, "get_client") else None


class SubmitIPThrottle(_SettingRateThrottle):
    """COMMENTS["SUBMIT_RATE"] (env COMMENTS_SUBMIT_RATE) submits per client IP."""

    scope = "comment_submit"
    setting = "SUBMIT_RATE"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SubmitPostThrottle(_SettingRateThrottle):
    """COMMENTS["SUBMIT_RATE_PER_POST"] submits per post, all readers together."""

    scope = "comment_submit_post"
    setting = "SUBMIT_RATE_PER_POST"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("slug", "")}


class PreviewThrottle(_SettingRateThrottle):
    scope = "comment_preview"
    setting = "PREVIEW_RATE"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def rate_history_forget(ips: Iterable[str]) -> None:
    """Delete the per-IP rate-limit histories of these addresses (erasure of personal data)."""
    throttles = (SubmitIPThrottle, PreviewThrottle)
    cache.delete_many(
        [t.cache_format % {"scope": t.scope, "ident": ip} for t in throttles for ip in ips]
    )


def check_post_hourly_cap(post: Any) -> None:
    """Refuse (429) a submit to a post that had COMMENTS["MAX_COMMENTS_PER_POST_PER_HOUR"]."""
    cap = comments_setting("MAX_COMMENTS_PER_POST_PER_HOUR")
    if cap is None:
        return
    since = timezone.now() - timedelta(hours=1)
    recent = Comment.objects.filter(post=post, created_at__gte=since).order_by("-created_at")
    stamps = list(recent.values_list("created_at", flat=True)[:cap])
    if len(stamps) < cap:
        return
    wait = math.ceil((stamps[-1] + timedelta(hours=1) - timezone.now()).total_seconds())
    raise Throttled(
        wait=max(wait, 1),
        detail=(
            f"This post has had {cap} comments in the last hour, the most it takes; "
            f"please try again in {max(1, math.ceil(wait / 60))} minutes."
        ),
    )


# How long a request waits for a lock held by another, and how long a lock may live.
LOCK_WAIT_SECONDS = 10.0
LOCK_TTL_SECONDS = 30


@contextmanager
def cache_lock(key: str, *, busy: str) -> Iterator[None]:
    """Hold a lock in the shared cache (atomic `add`: Redis SET NX, or the locked file cache).

    Waits up to LOCK_WAIT_SECONDS, then answers 429 with `busy`. The lock expires by
    itself should its holder die.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not cache.add(key, 1, LOCK_TTL_SECONDS):
        if time.monotonic() > deadline:
            raise Throttled(wait=1, detail=busy)
        time.sleep(0.02)
    try:
        yield
    finally:
        cache.delete(key)


@contextmanager
def author_lock(author_email: str) -> Iterator[None]:
    """Serialize one author's submits, so duplicate and flood checks see each other's rows.

    The checks count stored comments and then insert; two submits at the same moment would
    both count too few. A person does not post twice at once, so waiting costs nothing.
    """
    digest = hashlib.sha256(author_email.strip().lower().encode()).hexdigest()
    busy = "Another comment of yours is still being saved; try again in a moment."
    with cache_lock(f"submit-lock:{digest}", busy=busy):
        yield
