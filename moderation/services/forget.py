"""Forgetting a person (GDPR erasure): their e-mail and IP reputation, and those lesson keys."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from comments.models import Comment
from moderation.models import BlockRule, Lesson, Reputation

logger = logging.getLogger(__name__)


def _webhook_deliveries_forget(email: str) -> None:
    """Webhook deliveries store the comment's record (e-mail, IP): they go too."""
    from moderation.webhooks.services import deliveries_forget

    if deliveries_forget(email=email):
        logger.info("forgot the webhook deliveries of one person")


def person_forget(*, email: str, ips: Iterable[str] = ()) -> int:
    """Forget what moderation remembers about one person (GDPR erasure); return rows deleted.

    Deletes the `Reputation` rows of their e-mail and of every IP address their comments
    came from (plus `ips`), and takes those keys out of every `Lesson` holding them, so
    that unlearning such a comment later neither recreates the rows nor counts below zero.
    Network (/24, /64) and link-domain rows stay: they describe many people, not one.
    Webhook deliveries whose stored record names the e-mail are deleted as well.
    """
    email = email.strip().lower()
    _webhook_deliveries_forget(email)
    seen = Comment.objects.filter(author_email__iexact=email, ip_address__isnull=False)
    if not email:  # an empty address would match every anonymous and erased comment
        seen = seen.none()
    ips = {*ips, *(ip for ip in seen.values_list("ip_address", flat=True) if ip)}
    forgotten = {("email", email)} if email else set()
    forgotten |= {("ip", ip) for ip in ips}
    if not forgotten:
        return 0
    holders = Q(comment__author_email__iexact=email) if email else Q(pk__in=[])
    for _, key in forgotten:
        holders |= Q(reputation_keys__icontains=key)
    with transaction.atomic():
        for lesson in Lesson.objects.select_for_update().filter(holders):
            kept = [k for k in lesson.reputation_keys if tuple(k) not in forgotten]
            if len(kept) != len(lesson.reputation_keys):
                lesson.reputation_keys = kept
                lesson.save(update_fields=["reputation_keys"])
        rows = Q(pk__in=[])
        for kind, key in forgotten:
            rows |= Q(kind=kind, key=key)
        deleted, _ = Reputation.objects.filter(rows).delete()
        _blocklist_notes_forget({key for _, key in forgotten})
    logger.info("forgot the reputation of one person: %d row(s)", deleted)
    return deleted


def _blocklist_notes_forget(identifiers: set[str]) -> None:
    """Take the person's e-mail and IPs out of the notes the operator left on blocklist rules.

    The rules themselves stay: a pattern blocks what it matches, whoever sent it.
    """
    from comments.privacy import mentions_erase

    named = Q(pk__in=[])
    for identifier in identifiers:
        named |= Q(note__icontains=identifier)
    for rule in BlockRule.objects.select_for_update().filter(named):
        note = mentions_erase(rule.note, identifiers)
        if note != rule.note:
            BlockRule.objects.filter(pk=rule.pk).update(note=note)
