"""Moderator alerts: a mail when a comment is held, batched so a storm is one mail.

A comment caught by a blocklist rule the operator marked "alert" is mailed too, even when the
rule marked it spam: the scorer's stored reasons name the rule (moderation.scoring.rules), so
the `comment.spam` event alone tells, without scoring again.

Each moderator with an e-mail address chooses `immediate` (the default: at most one mail per
ALERT_WINDOW_SECONDS, comments held meanwhile go into the next), `digest` (one mail a day)
or `off`. A mail lists each comment still waiting, with its score, reasons, post, author
history and decision links that open a confirm page (see moderation.decisions).
"""

import logging
from typing import Any

from celery.schedules import crontab
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from comments.models import Comment, Status
from comments.notify.batches import batch_add, batch_flush
from comments.notify.models import BatchItem
from comments.notify.outbox import mail_queue
from comments.notify.render import mail_parts, site_url
from moderation.conf import moderation_setting
from moderation.decisions import LINK_ACTIONS, decision_url
from moderation.models import AlertPreference
from moderation.scoring.rules import alert_rules

logger = logging.getLogger(__name__)
Alerts = AlertPreference.Alerts
MODERATE_CODENAME = "moderate_comment"
# A storm's mail lists this many comments in full; it counts the rest and links the queue.
MAX_ITEMS_PER_MAIL = 30  # the permission that makes a moderator


def moderators_to_alert() -> QuerySet[User]:
    """Active moderators (staff, or holding the moderate permission) with an e-mail address."""
    holds = (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(groups__permissions__codename=MODERATE_CODENAME)
        | Q(user_permissions__codename=MODERATE_CODENAME)
    )
    return User.objects.filter(holds, is_active=True).exclude(email="").distinct()


def alert_preference(user: User) -> str:
    """Return the moderator's choice: immediate (default), digest or off."""
    found = AlertPreference.objects.filter(user=user).values_list("alerts", flat=True).first()
    return found or Alerts.IMMEDIATE


def alert_preference_set(*, user: User, alerts: str) -> str:
    """Store the moderator's choice (one of AlertPreference.Alerts)."""
    if alerts not in Alerts.values:
        raise ValueError(f"alerts must be one of {Alerts.values}, not {alerts!r}")
    AlertPreference.objects.update_or_create(user=user, defaults={"alerts": alerts})
    return alerts


def alert_on_event(*, comment_id: int, event: str) -> None:
    """Receiver: alert every moderator by their preference when a comment needs their eyes.

    That is `comment.held`, and `comment.spam` when an alert rule caught it (a held comment
    raises only `comment.held`, so each verdict alerts once).
    """
    alerting = event == "comment.held" or (
        event == "comment.spam" and _caught_for_alert(comment_id)
    )
    if not alerting:
        return
    for moderator in moderators_to_alert():
        choice = alert_preference(moderator)
        if choice == Alerts.IMMEDIATE:
            batch_add(stream=f"alert:{moderator.pk}", comment_id=comment_id)
            batch_flush(f"alert:{moderator.pk}")
        elif choice == Alerts.DIGEST:
            batch_add(stream=f"digest:{moderator.pk}", comment_id=comment_id)


def alert_may_follow(*, event: str, comment: Comment) -> bool:
    """Whether `event` may alert moderators: a held comment, or spam the scorer marked by a
    blocklist rule marked "alert" (`alert_on_event` checks again when the event arrives)."""
    if event == "comment.held":
        return True
    return event == "comment.spam" and _by_alert_rule(comment.moderated_by_id, comment.spam_reasons)


def _caught_for_alert(comment_id: int) -> bool:
    """Whether the scorer marked this comment spam by a rule marked "alert"."""
    found = (
        Comment.objects.filter(pk=comment_id, status=Status.SPAM)
        .values_list("moderated_by_id", "spam_reasons")
        .first()
    )
    return found is not None and _by_alert_rule(*found)


def _by_alert_rule(moderated_by_id: int | None, spam_reasons: list[str] | None) -> bool:
    """Whether a spam verdict is the scorer's (no moderator's) and came from an alert rule."""
    return moderated_by_id is None and bool(alert_rules(spam_reasons or []))


def alert_window() -> float | None:
    """Seconds between two immediate alerts to one moderator (the batches' window)."""
    return float(moderation_setting("ALERT_WINDOW_SECONDS"))


def alerts_digest_send() -> int:
    """Mail every digest that has comments waiting (the daily beat task)."""
    streams = BatchItem.objects.filter(stream__startswith="digest:")
    return sum(batch_flush(s, force=True) for s in set(streams.values_list("stream", flat=True)))


def digest_schedule() -> crontab:
    """When beat sends the daily digest: on the hour MODERATION["DIGEST_HOUR"], server time."""
    hour = moderation_setting("DIGEST_HOUR")
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ImproperlyConfigured(
            f'MODERATION["DIGEST_HOUR"] must be a whole hour from 0 to 23, not {hour!r}.'
        )
    return crontab(minute=0, hour=hour)


def alert_mail(stream: str, comment_ids: list[int], key: str) -> bool:
    """Renderer of `alert:<user>`: one mail listing the comments still held."""
    return _queue(stream, comment_ids, key, digest=False)


def digest_mail(stream: str, comment_ids: list[int], key: str) -> bool:
    """Renderer of `digest:<user>`: the day's held comments still waiting."""
    return _queue(stream, comment_ids, key, digest=True)


def _queue(stream: str, comment_ids: list[int], key: str, *, digest: bool) -> bool:
    moderator = moderators_to_alert().filter(pk=int(stream.split(":")[1])).first()
    if moderator is None or alert_preference(moderator) == Alerts.OFF:
        return False
    waiting = _waiting(comment_ids)
    if not waiting:
        return False
    context = _context(moderator, waiting, digest=digest)
    text, html = mail_parts("moderation/alert", context)
    return (
        mail_queue(
            key=key,
            kind="digest" if digest else "alert",
            to=moderator.email,
            subject=context["subject"],
            text=text,
            html=html,
        )
        is not None
    )


def _waiting(comment_ids: list[int]) -> list[Comment]:
    """Comments still held, and those an alert rule marked spam that nobody has decided."""
    found = (
        Comment.objects.filter(pk__in=comment_ids)
        .filter(Q(status=Status.PENDING) | Q(status=Status.SPAM, moderated_by__isnull=True))
        .select_related("post")
        .order_by("created_at", "pk")
    )
    return [c for c in found if c.status == Status.PENDING or alert_rules(c.spam_reasons or [])]


def _context(moderator: User, waiting: list[Comment], *, digest: bool) -> dict[str, Any]:
    first = waiting[0]
    if len(waiting) == 1:
        caught = (
            "Marked spam by an alert rule" if first.status == Status.SPAM else "Held for moderation"
        )
        subject = f"{caught} on “{first.post.title}”: {first.author_name}"
    else:
        subject = f"{len(waiting)} comments are waiting for moderation"
    if digest:
        subject = f"Daily digest: {subject}"
    return {
        "subject": subject,
        "digest": digest,
        "moderator": moderator,
        "items": [_item(moderator, comment) for comment in waiting[:MAX_ITEMS_PER_MAIL]],
        "more": max(len(waiting) - MAX_ITEMS_PER_MAIL, 0),
        "count": len(waiting),
        "queue_url": site_url(reverse("admin:moderation_queuedcomment_changelist")),
    }


def _item(moderator: User, comment: Comment) -> dict[str, Any]:
    return {
        "comment": comment,
        "score": "not scored" if comment.spam_score is None else f"{comment.spam_score:.2f}",
        "reasons": comment.spam_reasons or [],
        "alert_rules": alert_rules(comment.spam_reasons or []),
        "post_url": site_url(reverse("blog:post-detail", kwargs={"slug": comment.post.slug})),
        "history": _author_history(comment),
        "links": [
            (action, decision_url(moderator=moderator, comment_id=comment.pk, action=action))
            for action in LINK_ACTIONS
        ],
        "admin_url": site_url(reverse("admin:moderation_queuedcomment_change", args=[comment.pk])),
    }


def _author_history(comment: Comment) -> str:
    counts = dict(
        Comment.objects.filter(author_email__iexact=comment.author_email)
        .exclude(pk=comment.pk)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    if not counts:
        return "first comment from this address"
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


def alert_moderators(*, key: str, subject: str, text: str) -> int:
    """Mail one notice (an automatic ban, a thread breaker) to every moderator not opted out.

    Once per `key` and moderator (the outbox's unique key); returns how many were queued.
    """
    queued = 0
    for moderator in moderators_to_alert():
        if alert_preference(moderator) == Alerts.OFF:
            continue
        mail = mail_queue(
            key=f"{key}:{moderator.pk}",
            kind="alert",
            to=moderator.email,
            subject=subject,
            text=text,
        )
        queued += mail is not None
    return queued
