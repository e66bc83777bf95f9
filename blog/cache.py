"""The cache backends: the embedded file cache with atomic `add`/`incr`, and Redis.

Idempotency keys claim their slot with `cache.add`, and rate limits count with `cache.incr`;
Redis does both atomically, Django's file cache reads and then writes. A lock file makes
the two steps one.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.files import locks
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

# What the Redis cache raises when it cannot be reached (down, or hung past its timeout):
# requests that need the cache answer 503; reads that only use it go on without it.
CACHE_UNAVAILABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)


class FileCache(FileBasedCache):
    """FileBasedCache whose `add` holds an exclusive lock while it checks and writes.

    It keeps up to 20,000 entries by default (Django's 300 would cull live throttle
    counters and idempotency keys on a busy site); OPTIONS["MAX_ENTRIES"] overrides.
    Django's file cache lists its whole folder on every write to see whether to cull,
    which makes each write cost as much as the cache is large; here one write in
    CULL_EVERY checks, so the folder may pass MAX_ENTRIES by that many writes a process.
    """

    CULL_EVERY = 100

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        options = {"MAX_ENTRIES": 20_000, **params.get("OPTIONS", {})}
        super().__init__(dir, {**params, "OPTIONS": options})
        self._writes = 0

    def _cull(self) -> None:
        self._writes += 1
        if self._writes % self.CULL_EVERY == 0:
            super()._cull()  # type: ignore[misc]

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` under the same lock: rate counters count every concurrent request."""
        with self._locked():
            return super().incr(key, delta, version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        with self._locked():
            return super().add(key, value, timeout, version)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._createdir()  # type: ignore[attr-defined]
        with open(os.path.join(self._dir, "add.lock"), "ab") as lock:  # type: ignore[attr-defined]
            locks.lock(lock, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock)


class _ReusedClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool and process.

    Django builds a new `redis.Redis` object for every cache call, and its constructor
    (a table of over a hundred response callbacks) costs more CPU than the round trip
    itself. The client holds no per-call state: one per pool serves every call. It keeps
    one connection (redis-py's `single_connection_client`, behind a lock) rather than
    taking one from the pool and giving it back on every call, which cost a third of a
    cached thread read's time in the client. A forked process (a Celery pool child) makes
    its own, never sharing its parent's socket.
    """

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        clients: dict[tuple[int, int], Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get((id(pool), os.getpid()))
        if client is None:
            client = self._client(connection_pool=pool, single_connection_client=True)  # type: ignore[attr-defined]
            clients[(id(pool), os.getpid())] = client
        return client


class RedisCache(DjangoRedisCache):
    """Django's RedisCache with the client reused (see `_ReusedClient`).

    A call that finds its connection closed (Redis restarted since this process last used
    it: an upgrade, a failover) connects again and retries once, instead of failing the
    request; a Redis that is still down fails at once, and a hung one after its timeout.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient
        # Not on timeouts: a hung Redis would hold each call twice as long.
        reconnect_once = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
        options: dict[str, Any] = params.get("OPTIONS", {})
        self._options = {"retry": reconnect_once, **options}
