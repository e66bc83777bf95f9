"""Mail tasks: send one outbox row, sweep the outbox, flush batched notices."""

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

MAIL_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 120,
    "time_limit": 150,
}


@shared_task(
    name="notify.send_mail",
    bind=True,
    max_retries=8,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    **MAIL_TASK,
)
def send_mail(self: Task[Any, Any], mail_id: int) -> None:
    """Send one outbox message; on a failure, try again after the outbox's backoff."""
    from comments.notify.outbox import mail_send

    delay = mail_send(mail_id=mail_id)
    if delay is not None and self.request.retries < (self.max_retries or 0):
        raise self.retry(countdown=delay)


@shared_task(name="notify.sweep_outbox", **MAIL_TASK)
def sweep_outbox() -> int:
    """Queue again every unsent message that is due (the beat runs this every minute)."""
    from comments.notify.outbox import outbox_sweep

    return outbox_sweep()


@shared_task(name="notify.flush_batches", **MAIL_TASK)
def flush_batches() -> int:
    """Mail every batch of notices whose window has passed."""
    from comments.notify.batches import batches_flush_due

    return batches_flush_due()
