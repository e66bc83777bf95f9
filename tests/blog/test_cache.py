"""The cache backends: atomic counters on the file cache, one client per pool on Redis."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches

from blog.cache import FileCache, RedisCache


def test_counters_count_every_concurrent_increment() -> None:
    """Two hundred increments from eight threads at once add up to two hundred."""
    cache.add("hits", 0, 60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: cache.incr("hits"), range(200)))
    assert cache.get("hits") == 200


def test_the_redis_cache_keeps_one_client() -> None:
    """Every Redis cache call goes through the same client instead of building one each time."""
    default = caches["default"]
    if not isinstance(default, RedisCache):
        assert isinstance(default, FileCache)
        pytest.skip("CACHE_URL is not Redis: the embedded file cache has no client")
    backend = default._cache
    assert backend.get_client("a", write=True) is backend.get_client("b", write=True)


def test_a_forked_process_gets_its_own_redis_connection() -> None:
    """A child forked after its parent used Redis (a Celery pool) never reads its answers."""
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("CACHE_URL is not Redis: the embedded file cache has no connection")
    cache.set_many({"parent-key": "parent", "child-key": "child"}, 60)
    assert cache.get("parent-key") == "parent"  # the parent's connection is open
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through its exit status)
        crossed = sum(cache.get("child-key") != "child" for _ in range(300))
        os._exit(1 if crossed else 0)
    crossed = sum(cache.get("parent-key") != "parent" for _ in range(300))
    _, status = os.waitpid(child, 0)
    assert (crossed, os.waitstatus_to_exitcode(status)) == (0, 0)


def test_the_file_cache_lists_its_folder_once_per_hundred_writes(tmp_path, monkeypatch) -> None:
    """A write costs the same in a large cache as in a small one; culling still happens."""
    files = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    listed = []
    real = files._list_cache_files
    monkeypatch.setattr(files, "_list_cache_files", lambda: listed.append(1) or real())
    for number in range(250):
        files.set(f"key-{number}", number, 60)
    assert len(listed) == 250 // FileCache.CULL_EVERY
    assert len(list(tmp_path.glob("*.djcache"))) < 250  # over MAX_ENTRIES, a third went
