"""The thread circuit breaker: a spike on one post holds its new comments for a while.

Instead of refusing every reader of a busy post (the old per-post 429s), the worker looks
at the post's recent comments as it scores one: far more than its usual rate, or a high
share held or spam, switches the post to pre-moderation for a cool-down. The trip is
recorded (`Post.breaker_until`/`breaker_reason`, a `BreakerTrip` row), logged and mailed
to the moderators, and the breaker closes by itself when the time has passed.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, Status
from comments.notify.render import site_url
from moderation.conf import moderation_setting
from moderation.models import BreakerTrip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Traffic:
    """A post's comments in the breaker's window, and its usual count per window."""

    recent: int
    usual: float
    scored: int
    bad: int  # held for a moderator or spam, among the scored ones


def breaker_mode(post: Post, *, hold: float) -> tuple[str, str | None]:
    """Return the moderation mode in effect for `post`, and why when the breaker holds it.

    Trips the breaker first when the post's traffic calls for it; `hold` is the score from
    which the scorer holds a comment (what counts as held, not held by the breaker itself).
    """
    if not post.breaker_open:
        breaker_check(post, now=timezone.now(), hold=hold)
    if post.breaker_open:
        until = f"{post.breaker_until:%H:%M} UTC"
        return Post.ModerationMode.PRE, f"thread breaker until {until}: {post.breaker_reason}"
    return post.moderation_mode, None


def breaker_check(post: Post, *, now: datetime, hold: float) -> str | None:
    """Trip the post's breaker when its traffic is a spike; return the reason, or None."""
    if not moderation_setting("BREAKER_ENABLED"):
        return None
    reason = spike_reason(traffic(post, now=now, hold=hold))
    if reason is None:
        return None
    until = now + timedelta(seconds=moderation_setting("BREAKER_COOL_DOWN_SECONDS"))
    closed = Q(breaker_until__isnull=True) | Q(breaker_until__lte=now)
    if not Post.objects.filter(closed, pk=post.pk).update(
        breaker_until=until, breaker_reason=reason
    ):
        post.refresh_from_db(fields=["breaker_until", "breaker_reason"])
        return None  # another worker tripped it a moment ago
    post.breaker_until, post.breaker_reason = until, reason
    BreakerTrip.objects.create(post=post, until=until, reason=reason)
    logger.warning("thread breaker open on post %s until %s: %s", post.slug, until, reason)
    queue = site_url(reverse("admin:moderation_queuedcomment_changelist"))
    from moderation.alerts import alert_moderators  # alerts import the services: no cycle
    from moderation.webhooks.services import webhook_on_breaker

    webhook_on_breaker(post=post)

    alert_moderators(
        key=f"breaker:{post.pk}:{until.isoformat()}",
        subject=f"Thread breaker open on “{post.title}”",
        text=(
            f"New comments on “{post.title}” wait for a moderator until {until:%Y-%m-%d %H:%M} "
            f"UTC: {reason}.\nThe queue: {queue}\n"
        ),
    )
    return reason


def traffic(post: Post, *, now: datetime, hold: float) -> Traffic:
    """Count the post's comments in the window, and before it (for its usual rate): one query.

    Held means pending with a score at or above `hold`: comments the breaker itself held
    do not count, or it would never close while readers keep commenting.
    """
    window = timedelta(seconds=moderation_setting("BREAKER_WINDOW_SECONDS"))
    baseline = timedelta(hours=moderation_setting("BREAKER_BASELINE_HOURS"))
    start, base_start = now - window, now - window - baseline
    recent, before, scored, bad = _counts(post.pk, start, base_start, hold)
    windows = baseline / window
    return Traffic(recent=recent, usual=before / windows, scored=scored, bad=bad)


def _counts(post_id: int, start: datetime, base_start: datetime, hold: float) -> list[int]:
    """Return (in the window, before it, scored in it, held or spam in it) in one statement.

    Written out rather than built by the ORM: every scoring asks it, and building the
    four filtered counts cost several times running them.
    """
    ops = connection.ops
    q = ops.quote_name
    created, scored_at, status = q("created_at"), q("scored_at"), q("status")
    in_window = f"{created} >= %s"
    scored = f"{in_window} AND {scored_at} IS NOT NULL"
    bad = f"{scored} AND ({status} = %s OR ({status} = %s AND {q('spam_score')} >= %s))"
    # Names come from the model and are quoted; every value is a parameter.
    sql = (
        f"SELECT COUNT(CASE WHEN {in_window} THEN 1 END), "  # noqa: S608
        f"COUNT(CASE WHEN {created} < %s THEN 1 END), "
        f"COUNT(CASE WHEN {scored} THEN 1 END), COUNT(CASE WHEN {bad} THEN 1 END) "
        f"FROM {q(Comment._meta.db_table)} WHERE {q('post_id')} = %s AND {created} >= %s"
    )
    start_value = ops.adapt_datetimefield_value(start)
    params: list[Any] = [start_value] * 4 + [Status.SPAM.value, Status.PENDING.value]
    params += [hold, post_id, ops.adapt_datetimefield_value(base_start)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return [int(count or 0) for count in row]


def spike_reason(seen: Traffic) -> str | None:
    """Return why this traffic is a spike (by the MODERATION BREAKER_* knobs), or None."""
    minimum = moderation_setting("BREAKER_MIN_COMMENTS")
    factor = moderation_setting("BREAKER_RATE_FACTOR")
    minutes = moderation_setting("BREAKER_WINDOW_SECONDS") / 60
    if seen.recent >= minimum and seen.recent > factor * seen.usual:
        return (
            f"{seen.recent} comments in {minutes:g} minutes, usually {seen.usual:.1f}"
            f" (more than {factor:g}x)"
        )
    share = moderation_setting("BREAKER_BAD_SHARE")
    if seen.scored >= moderation_setting("BREAKER_MIN_SCORED") and seen.bad >= share * seen.scored:
        return (
            f"{seen.bad} of the last {seen.scored} scored comments held or spam"
            f" (at least {share:.0%})"
        )
    return None
