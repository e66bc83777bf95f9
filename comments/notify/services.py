"""Readers' notifications: opt in on submit, confirm the address, hear about replies.

Nothing is mailed to an address before its owner confirms it through the one confirmation
mail its first opt-in sends (the form cannot be used to mail strangers). Then: a mail when
a reply to their comment is approved (never for other statuses, never their own reply, at
most one per thread per REPLY_MAIL_WINDOW_SECONDS, the rest batched into the next), and a
mail when their held comment is approved. An unsubscribed thread or site stays silent.
"""

import logging

from django.core import signing
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from comments.notify.batches import batch_add, batch_flush, batch_streams_delete
from comments.notify.models import MailAddress, OutboundMail, Subscription, ThreadMute
from comments.notify.readers import approved_mail_queue, confirm_mail_queue

logger = logging.getLogger(__name__)
LINK_SALT = "notify.reader-link"
CONFIRM_MAX_AGE = 30 * 24 * 3600


class ReaderLinkError(Exception):
    """A confirm or unsubscribe link that cannot be used; the message says why."""


def address_get(email: str) -> MailAddress:
    """Return the row of `email` (compared without case), creating it if new."""
    address, _ = MailAddress.objects.get_or_create(email=email.strip().lower())
    return address


def subscription_add(*, comment: Comment) -> Subscription | None:
    """Subscribe the comment's author to its replies; send the confirmation if first opt-in."""
    address = address_get(comment.author_email)
    if not address.email or address.unsubscribed_at is not None:
        return None
    if ThreadMute.objects.filter(address=address, post_id=comment.post_id).exists():
        return None
    subscription, _ = Subscription.objects.get_or_create(
        comment=comment, defaults={"address": address, "post_id": comment.post_id}
    )
    if address.confirmed_at is None:
        confirm_mail_queue(address=address)
    return subscription


def deliverable(address: MailAddress, post_id: int) -> bool:
    """Whether mail about this post may go to this address now."""
    return (
        address.confirmed_at is not None
        and address.unsubscribed_at is None
        and not ThreadMute.objects.filter(address=address, post_id=post_id).exists()
    )


def notify_may_mail(*, event: str, moderated: bool, reply: bool) -> bool:
    """Whether an event can bring reader mail: an approval by a moderator (the author was
    told the comment waits) or of a reply (the parent's author may be subscribed). Most
    approvals are the scorer's, of a top-level comment: nobody to tell."""
    return event == "comment.approved" and (moderated or reply)


def notify_on_event(*, comment_id: int, event: str) -> None:
    """Receiver: when a comment is approved, tell its author (if held) and the parent's."""
    if event != "comment.approved":
        return
    # Knowing whether anyone may get mail takes one narrow row; the full comment is read
    # only when someone may.
    row = Comment.objects.filter(pk=comment_id).values_list("moderated_by_id", "parent_id")[:1]
    if not row or not notify_may_mail(
        event=event, moderated=row[0][0] is not None, reply=row[0][1] is not None
    ):
        return
    comment = Comment.objects.select_related("post", "parent").filter(pk=comment_id).first()
    if comment is None:
        return
    own = Subscription.objects.select_related("address").filter(comment=comment).first()
    held = comment.moderated_by_id is not None  # approved by a moderator, not the scorer
    if own is not None and held and deliverable(own.address, comment.post_id):
        approved_mail_queue(comment=comment, address=own.address)
    if comment.parent_id is not None:
        _reply_notice(comment)


def _reply_notice(reply: Comment) -> None:
    parent = Subscription.objects.select_related("address").filter(comment=reply.parent).first()
    if parent is None or parent.address.email == reply.author_email.strip().lower():
        return
    if not deliverable(parent.address, reply.post_id):
        return
    stream = f"reply:{parent.address.pk}:{reply.post_id}"
    batch_add(stream=stream, comment_id=reply.pk)
    batch_flush(stream)


def reader_link(*, address: MailAddress, action: str, post_id: int | None = None) -> str:
    """Return the signed token of a confirm or unsubscribe link for this address."""
    return signing.dumps({"a": address.pk, "x": action, "p": post_id}, salt=LINK_SALT)


def reader_link_read(token: str, action: str) -> tuple[MailAddress, int | None]:
    """Return (address, post id or None) a link stands for, or raise ReaderLinkError."""
    max_age = CONFIRM_MAX_AGE if action == "confirm" else None
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ReaderLinkError("This link has expired.") from error
    except signing.BadSignature as error:
        raise ReaderLinkError("This link is not valid; it may have been cut off.") from error
    address = MailAddress.objects.filter(pk=data.get("a")).first()
    if data.get("x") != action or address is None:
        raise ReaderLinkError("This link is no longer valid; nothing is sent to this address.")
    return address, data.get("p")


def address_confirm(*, address: MailAddress) -> None:
    """Mark the address confirmed: reply notifications may now go to it."""
    MailAddress.objects.filter(pk=address.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def address_unsubscribe(*, address: MailAddress, post_id: int | None) -> None:
    """Stop all mail about one thread (post_id) or, with None, from the whole site."""
    with transaction.atomic():
        if post_id is None:
            MailAddress.objects.filter(pk=address.pk).update(unsubscribed_at=timezone.now())
            Subscription.objects.filter(address=address).delete()
            batch_streams_delete(prefix=f"reply:{address.pk}:")
            OutboundMail.objects.filter(to=address.email, kind__in=["reply", "approved"]).filter(
                state__in=[OutboundMail.State.QUEUED, OutboundMail.State.FAILED]
            ).delete()
        else:
            ThreadMute.objects.get_or_create(address=address, post_id=post_id)
            Subscription.objects.filter(address=address, post_id=post_id).delete()
            batch_streams_delete(stream=f"reply:{address.pk}:{post_id}")


def reader_personal_data_erase(*, email: str) -> int:
    """Delete an address's subscriptions, mutes, waiting notices and outbox rows (GDPR)."""
    email = email.strip().lower()
    deleted = 0
    with transaction.atomic():
        for address in MailAddress.objects.filter(email=email):
            deleted += batch_streams_delete(prefix=f"reply:{address.pk}:")
            deleted += address.delete()[0]
        deleted += OutboundMail.objects.filter(to__iexact=email).delete()[0]
    logger.info("erased the mail data of one address: %d row(s)", deleted)
    return deleted
