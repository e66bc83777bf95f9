"""Each post's thread stamp (id, comments' change stamp, visibility), kept in the shared cache.

A thread read and its 304 need only this record: the ETag and the rendered page's key are
made from it. Read from the shared cache it costs one small GET, where the database cost
a PostgreSQL round trip, the longest wait of a cached read (and the connection behind it).

It stays exact because whatever changes it updates or forgets it. A status change moves
the comments' change stamp (`stamps_touch`): the record is forgotten at once and, after
the commit, set to the new one, while readers only `add` what they read from the
database, so one who read the old stamp during the commit cannot put it back. A post
saved or deleted (`Post.save`, `Post.delete`) is forgotten at once and after the commit.
A record also expires after STAMP_SECONDS: the bound for a change made behind the code's
back (a bulk queryset update or delete of posts), a forget lost to a cache outage, or a
reader that filled the record between a post's save and its commit.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from blog.models import Post

logger = logging.getLogger(__name__)

STAMP_SECONDS = 10
SLUG_MAX = Post._meta.get_field("slug").max_length or 200
Record = tuple[int, datetime, datetime | None]  # id, comments' change stamp, shown from


@dataclass(frozen=True)
class ThreadStamp:
    """What a thread read needs of its post: which one, and when its comments last changed."""

    post_id: int
    slug: str
    changed_at: datetime


def stamp_key(slug: str) -> str:
    return f"thread-stamp:v1:{slug}"


def thread_stamp(slug: str) -> ThreadStamp | None:
    """Return the stamp of the published post `slug`, or None (no such post, or not yet shown)."""
    if len(slug) > SLUG_MAX:
        return None  # no post has it; and the cache key stays short
    record = _cached(slug)
    if record is None:
        record = _stored_record(slug)
        if record is None:
            return None
        _keep(slug, record)
    return _shown(slug, record)


def cached_thread_stamp(slug: str) -> ThreadStamp | None:
    """Return the stamp of the published post `slug` if the cache holds it; never the database."""
    record = _cached(slug) if len(slug) <= SLUG_MAX else None
    return None if record is None else _shown(slug, record)


def _shown(slug: str, record: Record) -> ThreadStamp | None:
    post_id, changed_at, shown_from = record
    if shown_from is None or shown_from > timezone.now():  # a draft, or scheduled
        return None
    return ThreadStamp(post_id=post_id, slug=slug, changed_at=changed_at)


def _cached(slug: str) -> Record | None:
    try:
        record: Record | None = cache.get(stamp_key(slug))
    except Exception:  # a cache outage: read the database, as without the cache
        logger.warning("could not read a thread stamp from the cache", exc_info=True)
        return None
    return record


def _keep(slug: str, record: Record) -> None:
    try:
        cache.add(stamp_key(slug), record, STAMP_SECONDS)
    except Exception:
        logger.warning("could not keep a thread stamp in the cache", exc_info=True)


def _stored_record(slug: str) -> Record | None:
    """Return (id, comments' change stamp, published_at or None for a draft) of `slug`."""
    row = (
        Post.objects.filter(slug=slug)
        .values_list("pk", "comments_changed_at", "is_draft", "published_at")
        .first()
    )
    if row is None:
        return None
    post_id, changed_at, is_draft, published_at = row
    return post_id, changed_at, None if is_draft else published_at


def stamps_touch(post_ids: Iterable[int]) -> None:
    """Move the comments' change stamp of these posts to now: their thread pages changed.

    The cached records are forgotten at once and, once the change commits, replaced by the
    new ones: a reader who read the old stamp from the database meanwhile only `add`s, so
    it cannot put the old record back over the new one.
    """
    stamps = Post.objects.comments_touch(post_ids)
    records = {
        stamp_key(s.slug): (s.post_id, s.changed_at, s.shown_from)
        for s in stamps
        if len(s.slug) <= SLUG_MAX
    }
    if records:
        _delete(list(records))
        transaction.on_commit(partial(_set, records))


def stamps_forget(slugs: Iterable[str]) -> None:
    """Forget the cached stamps of these posts now, and again once the transaction commits."""
    keys = [stamp_key(slug) for slug in slugs if len(slug) <= SLUG_MAX]
    if keys:
        _delete(keys)
        transaction.on_commit(partial(_delete, keys))


def _set(records: dict[str, Record]) -> None:
    try:
        if len(records) == 1:  # a status change: one SET, not a MULTI/EXEC pipeline
            [(key, record)] = records.items()
            cache.set(key, record, STAMP_SECONDS)
        else:
            cache.set_many(records, STAMP_SECONDS)
    except Exception:  # a cache outage: the old records expire within STAMP_SECONDS
        logger.warning("could not store %d thread stamps", len(records), exc_info=True)


def _delete(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # a cache outage: the records expire within STAMP_SECONDS
        logger.warning("could not forget %d thread stamps", len(keys), exc_info=True)
