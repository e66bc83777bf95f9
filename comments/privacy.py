"""Personal data in comments: IP retention, and a person's export and erasure (GDPR).

What we hold about a commenter: name, e-mail, website, IP address, user agent, referrer,
and what they wrote. Decisions:

- After COMMENTS["IP_RETENTION_DAYS"] the IP address, user agent and referrer are cleared;
  only `ip_network` (the /24 or /64 around the address) stays, because spam reputation by
  network keeps working on it and it no longer points at one household.
- Erasure keeps the comment in its thread (replies keep their parent) but removes
  everything that names or locates the person: e-mail, IP, network, user agent, referrer,
  website, account link and edit token; the name becomes "deleted". Bodies are removed
  too (replaced by a short notice) unless the operator keeps them with `keep_bodies`,
  e.g. when the site's terms give it a licence to what was published. Moderation's
  reputation of the e-mail and the IP addresses goes with them (`moderation.forget_person`),
  and so do every spam reason, history note and blocklist note that names the e-mail or
  one of those addresses ("blocklisted email: ann@…"), and, in the cache, the submit
  answers kept for `Idempotency-Key` retries and the rate-limit history of those addresses.
"""

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from comments import idempotency
from comments.conf import comments_setting
from comments.models import Comment, CommentEvent
from comments.notify.services import reader_personal_data_erase
from comments.stamps import stamps_touch
from comments.throttles import rate_history_forget
from moderation.tasks import forget_person

ERASED_NAME = "deleted"
ERASED_BODY = "[This comment was removed at its author's request.]"
ERASED_BODY_HTML = "<p>[This comment was removed at its author's request.]</p>"
ERASED_MENTION = "[erased]"

EXPORT_FIELDS = (
    "id",
    "status",
    "author_name",
    "author_email",
    "author_url",
    "body_source",
    "body_html",
    "ip_address",
    "ip_network",
    "user_agent",
    "referrer",
    "spam_score",
    "spam_reasons",
    "created_at",
    "edited_at",
    "scored_at",
    "moderated_at",
    "depth",
    "revision",
)


def comments_anonymize_ips(*, older_than_days: int | None = None) -> int:
    """Clear IP, user agent and referrer of comments older than the retention; return how many."""
    days = comments_setting("IP_RETENTION_DAYS") if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    stale = Comment.objects.filter(created_at__lt=cutoff).exclude(
        ip_address__isnull=True, user_agent="", referrer=""
    )
    return stale.update(ip_address=None, user_agent="", referrer="")


def comments_by_email(email: str) -> Any:
    return Comment.objects.filter(author_email__iexact=email.strip()).select_related("post")


def comments_export_personal_data(*, email: str) -> dict[str, Any]:
    """Return everything stored about the comments written with `email`, JSON-ready."""
    comments = []
    for comment in comments_by_email(email).order_by("created_at", "pk"):
        record = {name: _plain(getattr(comment, name)) for name in EXPORT_FIELDS}
        record["post"] = comment.post.slug
        record["parent"] = comment.parent_id
        record["history"] = [
            {
                "at": _plain(e.created_at),
                "from": e.from_status,
                "to": e.to_status,
                "by": e.actor_label,
                "reason": e.reason,
            }
            for e in comment.history.all()
        ]
        comments.append(record)
    return {
        "email": email.strip(),
        "exported_at": _plain(timezone.now()),
        "comment_count": len(comments),
        "comments": comments,
    }


def comments_erase_personal_data(*, email: str, keep_bodies: bool = False) -> int:
    """Anonymize every comment written with `email` (see the module docstring); return how many."""
    changes: dict[str, Any] = {
        "author_name": ERASED_NAME,
        "author_email": "",
        "author_url": "",
        "avatar_hash": "",
        "user": None,
        "ip_address": None,
        "ip_network": "",
        "user_agent": "",
        "referrer": "",
        "edit_token_hash": "",
        "edit_expires_at": None,
    }
    if not keep_bodies:
        changes |= {"body_source": ERASED_BODY, "body_html": ERASED_BODY_HTML}
    with transaction.atomic():
        comments = comments_by_email(email)
        rows = list(comments.values_list("pk", "post_id", "ip_address"))
        identifiers = {email.strip(), *(ip for _, _, ip in rows if ip)}
        # Moderation's reputation of this e-mail and these IPs goes too; run here, not
        # queued: the erasure is done when the command returns. Before the update, which
        # clears the IP addresses the task looks up.
        forget_person(email)
        reader_personal_data_erase(email=email)
        count: int = comments.update(**changes)
        _scrub_mentions([pk for pk, _, _ in rows], identifiers)
        _touch_posts({post_id for _, post_id, _ in rows})
    idempotency.answers_forget(pk for pk, _, _ in rows)
    rate_history_forget(ip for _, _, ip in rows if ip)
    return count


def mentions_erase(text: str, identifiers: Iterable[str]) -> str:
    """Return `text` with every e-mail address or IP in `identifiers` replaced by [erased]."""
    for identifier in sorted(filter(None, identifiers), key=len, reverse=True):
        pattern = r"(?<![\w.@-])" + re.escape(identifier) + r"(?![\w.-]*\w)"
        text = re.sub(pattern, ERASED_MENTION, text, flags=re.IGNORECASE)
    return text


def _scrub_mentions(comment_ids: list[int], identifiers: set[str]) -> None:
    """Erase the person's e-mail and IPs from spam reasons and history notes."""
    for comment in Comment.objects.filter(pk__in=comment_ids).only("pk", "spam_reasons"):
        reasons = [mentions_erase(str(r), identifiers) for r in comment.spam_reasons]
        if reasons != comment.spam_reasons:
            Comment.objects.filter(pk=comment.pk).update(spam_reasons=reasons)
    for event in CommentEvent.objects.filter(comment_id__in=comment_ids).only("pk", "reason"):
        reason = mentions_erase(event.reason, identifiers)
        if reason != event.reason:
            CommentEvent.objects.filter(pk=event.pk).update(reason=reason)


def _touch_posts(post_ids: set[int]) -> None:
    stamps_touch(post_ids)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
