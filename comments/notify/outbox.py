"""The outbox: every mail is a row first, sent by a worker after commit, once, never lost.

`mail_queue` writes the row (its unique key makes a second decision about the same message
a no-op) and queues the send after commit. `mail_send` claims the row under a lock, talks to
the mail server outside any transaction, and marks the row sent only once the server has
accepted the message: a task that runs twice, or a retry, finds it claimed or sent. A
worker killed between the server's "250 OK" and the mark leaves a claim that expires after
MAIL_CLAIM_SECONDS; the sweep then sends it again, with the same Message-ID, so a client
that sees both shows one. A mail server that is down leaves the row failed with its error,
retried with backoff by the task and, after that, by `outbox_sweep`.
"""

import hashlib
import logging
import smtplib
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments.conf import comments_setting
from comments.notify.models import OutboundMail

logger = logging.getLogger(__name__)
State = OutboundMail.State


def mail_queue(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
) -> OutboundMail | None:
    """Record one message and send it after commit; None when `key` was already queued."""
    mail, created = OutboundMail.objects.get_or_create(
        key=key[:200],
        defaults={
            "kind": kind,
            "to": to,
            "subject": subject[:255],
            "text": text,
            "html": html,
            "headers": headers or {},
        },
    )
    if not created:
        return None
    _enqueue_after_commit(mail.pk)
    return mail


def mail_send(*, mail_id: int) -> float | None:
    """Send one queued message if it is due and nobody else is sending it.

    Returns None when done (sent, refused for good, or nothing to do), else the seconds
    after which to try again.
    """
    mail = _claim(mail_id)
    if mail is None:
        return None
    try:
        _deliver(mail)
    except Exception as error:
        return _failed(mail, error)
    OutboundMail.objects.filter(pk=mail.pk, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("sent %s mail #%s", mail.kind, mail.pk)
    return None


def outbox_sweep(*, limit: int = 500) -> int:
    """Queue again every message that is due and unsent (also those a dead worker held)."""
    now = timezone.now()
    stale_claim = now - timedelta(seconds=comments_setting("MAIL_CLAIM_SECONDS"))
    due = (
        OutboundMail.objects.filter(
            Q(state__in=[State.QUEUED, State.FAILED])
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            | Q(state=State.SENDING, claimed_at__lt=stale_claim)
        )
        .filter(attempts__lt=comments_setting("MAIL_MAX_ATTEMPTS"))
        .filter(created_at__lt=now - timedelta(seconds=30))  # the after-commit send's turn
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    from comments.notify.tasks import send_mail

    count = 0
    for pk in due:
        try:
            send_mail.delay(pk)
        except Exception as error:  # kombu's own errors for a dead broker
            logger.warning("outbox sweep: broker unreachable (%s); the next sweep retries", error)
            break
        count += 1
    if count:
        logger.warning("outbox sweep queued %d unsent mail(s) again", count)
    return count


def mail_retry(*, mail_ids: list[int]) -> int:
    """Make failed messages due now, with a fresh count of attempts (the admin's action)."""
    rows = OutboundMail.objects.filter(pk__in=mail_ids).exclude(state=State.SENT)
    count = rows.update(state=State.QUEUED, attempts=0, next_attempt_at=None, claimed_at=None)
    for pk in mail_ids:
        _enqueue_after_commit(pk)
    return int(count)


def _claim(mail_id: int) -> OutboundMail | None:
    now = timezone.now()
    claim_age = timedelta(seconds=comments_setting("MAIL_CLAIM_SECONDS"))
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.state in {State.SENT, State.BOUNCED}:
            return None
        if mail.state == State.SENDING and mail.claimed_at and mail.claimed_at > now - claim_age:
            return None  # another worker is sending it right now
        if mail.next_attempt_at is not None and mail.next_attempt_at > now:
            return None  # a duplicate message; the retry that is due will come
        mail.state, mail.claimed_at = State.SENDING, now
        mail.attempts += 1
        mail.save(update_fields=["state", "claimed_at", "attempts"])
    return mail


def _deliver(mail: OutboundMail) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers={"Message-ID": message_id(mail.key), **mail.headers},
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    message.send(fail_silently=False)


def _failed(mail: OutboundMail, error: Exception) -> float | None:
    """Record why sending failed; return the delay before the next try (None: final)."""
    permanent = _refused_for_good(error)
    delays: list[float] = comments_setting("MAIL_RETRY_SECONDS")
    delay = delays[min(mail.attempts, len(delays)) - 1] if delays else 60.0
    final = permanent or mail.attempts >= comments_setting("MAIL_MAX_ATTEMPTS")
    OutboundMail.objects.filter(pk=mail.pk).update(
        state=State.BOUNCED if permanent else State.FAILED,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=None if final else timezone.now() + timedelta(seconds=delay),
        claimed_at=None,
    )
    logger.warning("mail #%s attempt %s failed: %s", mail.pk, mail.attempts, type(error).__name__)
    return None if final else delay


def _refused_for_good(error: Exception) -> bool:
    """A 5xx about the recipient or the message: retrying sends the same refusal."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def message_id(key: str) -> str:
    """A Message-ID that is the same every time this message is sent."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _enqueue_after_commit(mail_id: int) -> None:
    from comments.notify.tasks import send_mail

    job: Any = partial(send_mail.delay, mail_id)
    job.__qualname__ = "send_mail.delay"  # robust on_commit logs a failure by this name
    transaction.on_commit(job, robust=True)
