"""Read everything the shared cache holds, as someone who dumped it would (files or Redis)."""

import pickle
import zlib
from pathlib import Path
from typing import Any

from django.core.cache import cache


def cache_dump() -> bytes:
    """Return every value in the cache as raw bytes (pickles, decompressed), concatenated."""
    backend: Any = cache
    if hasattr(backend, "_dir"):
        return b"\n".join(_file_value(path) for path in Path(backend._dir).glob("*.djcache"))
    client = backend._cache.get_client()
    return b"\n".join(client.get(key) or b"" for key in client.scan_iter())


def _file_value(path: Path) -> bytes:
    with path.open("rb") as handle:
        pickle.load(handle)  # noqa: S301 (the expiry time, written by our own cache)
        return zlib.decompress(handle.read())
