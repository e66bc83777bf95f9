"""The sweep: queue scoring again for comments a lost message left unscored."""

import logging
from contextlib import suppress
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment
from moderation.conf import moderation_setting

logger = logging.getLogger(__name__)


def comments_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Queue scoring again for pending comments left unscored too long; return how many.

    Safe to run often and from several processes at once: each comment revision is queued
    at most once per SWEEP_AFTER_SECONDS (an atomic claim in the shared cache, so a backlog
    is not multiplied), and the task ignores a revision already scored, so the rare
    duplicate costs one no-op. A broker still down ends the round; the next sweep retries.
    """
    every = moderation_setting("SWEEP_AFTER_SECONDS")
    cutoff = timezone.now() - (older_than if older_than is not None else timedelta(seconds=every))
    stale = (
        Comment.objects.unscored()
        .filter(created_at__lt=cutoff)
        .filter(Q(edited_at__isnull=True) | Q(edited_at__lt=cutoff))
        .order_by("pk")
        .values_list("pk", "revision")[:limit]
    )
    count = 0
    for pk, revision in stale:
        key = f"moderation:swept:{pk}:{revision}"
        if not _sweep_claim(key, every):
            continue
        if not _sweep_enqueue(pk, revision, key):
            break
        count += 1
    if count:
        logger.warning("sweep queued %d unscored comment(s) again", count)
    return count


def _sweep_claim(key: str, seconds: int) -> bool:
    try:
        return bool(cache.add(key, 1, timeout=max(int(seconds), 1)))
    except Exception:  # a cache outage must not stop the sweep: queue, the task is idempotent
        logger.warning("sweep: cache unavailable, queueing without a claim", exc_info=True)
        return True


def _sweep_enqueue(pk: int, revision: int, key: str) -> bool:
    from moderation.tasks import score_comment

    try:
        score_comment.delay(pk, revision)
    except Exception as error:  # kombu raises its own OperationalError for a dead broker
        logger.warning("sweep could not reach the broker (%s); the next sweep retries", error)
        with suppress(Exception):  # a claim left behind only delays the next try
            cache.delete(key)
        return False
    return True
