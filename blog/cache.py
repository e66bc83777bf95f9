"""The embedded cache: Django's file cache, with an `add` that is atomic across processes.

Idempotency keys claim their slot with `cache.add`; Redis does that atomically (SET NX),
Django's file cache checks and then writes. A lock file makes the two steps one.
"""

import os
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class FileCache(FileBasedCache):
    """FileBasedCache whose `add` holds an exclusive lock while it checks and writes.

    It keeps up to 20,000 entries by default (Django's 300 would cull live throttle
    counters and idempotency keys on a busy site); OPTIONS["MAX_ENTRIES"] overrides.
    """

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        options = {"MAX_ENTRIES": 20_000, **params.get("OPTIONS", {})}
        super().__init__(dir, {**params, "OPTIONS": options})

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        self._createdir()  # type: ignore[attr-defined]
        with open(os.path.join(self._dir, "add.lock"), "ab") as lock:  # type: ignore[attr-defined]
            locks.lock(lock, locks.LOCK_EX)
            try:
                return super().add(key, value, timeout, version)
            finally:
                locks.unlock(lock)
