"""Celery tasks on the "webhooks" queue: one delivery attempt, and the sweep of due ones."""

from typing import Any

from celery import shared_task

from comments.tasks import TASK_OPTIONS

# The task's own failures (the database away) retry briefly; a receiver's failures are
# retried by the delivery's schedule, not by Celery.
OPTIONS: dict[str, Any] = {**TASK_OPTIONS, "max_retries": 10}


@shared_task(name="webhooks.deliver", **OPTIONS)
def deliver(delivery_id: int) -> str | None:
    """Make one attempt at a delivery if it is due (no-op otherwise: safe to run twice)."""
    from moderation.webhooks.delivery import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id)


@shared_task(name="webhooks.sweep", **OPTIONS)
def sweep() -> int:
    """Queue the deliveries whose retry is due, or whose worker died mid-send."""
    from moderation.webhooks.delivery import deliveries_sweep

    return deliveries_sweep()
