"""Rendered thread pages, kept by the post's change stamp: a read costs one small query.

A page of a thread changes only when its post's `comments_changed_at` moves (every status
change touches it, in the same transaction). So the rendered bytes of a page, keyed by
that stamp and the exact address asked, never need invalidating: a change makes a new
key, and old keys are simply not asked for again (they expire from the shared cache, and
fall out of the small per-process memory first).

Two levels: a per-process memory of recent pages (no round trip at all for a hot thread)
in front of the shared cache (Redis, or the embedded file cache), so a page rendered by
one web process serves the others.
"""

import hashlib
import logging
from collections import OrderedDict
from datetime import datetime
from threading import Lock

from django.core.cache import cache

from blog.cache import CACHE_UNAVAILABLE
from comments.conf import comments_setting

logger = logging.getLogger(__name__)

SHARED_TTL_SECONDS = 600
MEMORY_BYTES = 8 * 1024 * 1024  # per process: about a hundred 200-comment pages


class _Memory:
    """A small least-recently-used byte store, bounded by total size; thread-safe."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.pages: OrderedDict[str, bytes] = OrderedDict()
        self.lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: bytes) -> None:
        if len(page) > self.limit // 4:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            self.size += len(page) - (len(old) if old is not None else 0)
            self.pages[key] = page
            while self.size > self.limit:
                _, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


_memory = _Memory(MEMORY_BYTES)


def page_key(post_id: int, changed_at: datetime, address: str, media_type: str) -> str:
    """Return the key of one rendered page: post, change stamp, full address, format, and
    whether pingbacks are shown (an operator may turn them on with pages still cached)."""
    shown = "pingbacks" if comments_setting("SHOW_PINGBACKS") else "comments"
    asked = hashlib.sha256(f"{address}\n{media_type}".encode()).hexdigest()[:32]
    return f"thread-page:v1:{post_id}:{changed_at.isoformat()}:{shown}:{asked}"


def page_get(key: str) -> bytes | None:
    """Return the rendered page stored under `key`, or None."""
    page = _memory.get(key)
    if page is None:
        try:
            page = cache.get(key)
        except CACHE_UNAVAILABLE:  # render from the database, as without the cache
            logger.warning("could not read a thread page from the cache", exc_info=True)
            return None
        if isinstance(page, bytes):
            _memory.put(key, page)
        else:
            page = None
    return page


def page_put(key: str, page: bytes) -> None:
    _memory.put(key, page)
    try:
        cache.set(key, page, SHARED_TTL_SECONDS)
    except CACHE_UNAVAILABLE:
        logger.warning("could not keep a thread page in the cache", exc_info=True)


def pages_forget() -> None:
    """Empty this process's memory of pages (tests; the shared cache keys by stamp)."""
    _memory.clear()
