"""Sending one delivery: claim it, check the address again, sign, POST, log the attempt.

A failed attempt is retried on `WEBHOOKS_RETRY_SCHEDULE`; short waits ride on a Celery
countdown, longer ones on the periodic sweep (a broker holds no day-long timers). An
endpoint that keeps failing is disabled and moderators are told.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from moderation.webhooks import signing, transport
from moderation.webhooks.address import AddressRefused, target_for
from moderation.webhooks.conf import webhook_setting
from moderation.webhooks.models import Attempt, Delivery, Endpoint
from moderation.webhooks.services import delivery_enqueue

logger = logging.getLogger(__name__)

# Retries due sooner than this are queued with a countdown; later ones wait for the sweep.
COUNTDOWN_LIMIT_SECONDS = 60


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Make one attempt at a due delivery; return its new state (None: nothing to do)."""
    if not _claim(delivery_id):
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        _finish(delivery, Delivery.State.FAILED, error="endpoint is disabled")
        return Delivery.State.FAILED
    outcome = _send(delivery)
    _log(delivery, outcome)
    if outcome.ok:
        _succeeded(delivery)
    else:
        _failed(delivery, outcome.error)
    return delivery.state


def deliveries_sweep() -> int:
    """Queue every delivery that is due, or whose worker died mid-send; return how many.

    Also deletes finished deliveries older than WEBHOOKS_KEEP_DAYS.
    """
    now = timezone.now()
    due = list(Delivery.objects.filter(_due(now)).values_list("pk", flat=True)[:1000])
    with transaction.atomic():
        for pk in due:
            delivery_enqueue(pk)
    finished = [Delivery.State.DELIVERED, Delivery.State.FAILED]
    cutoff = now - timedelta(days=webhook_setting("WEBHOOKS_KEEP_DAYS"))
    Delivery.objects.filter(state__in=finished, created_at__lt=cutoff).delete()
    return len(due)


def _due(now: object) -> Q:
    pending = Q(state=Delivery.State.PENDING, next_attempt_at__lte=now)
    abandoned = Q(state=Delivery.State.SENDING, claimed_until__lt=now)
    return pending | abandoned


def _claim(delivery_id: int) -> bool:
    """Mark the delivery as being sent by us; False when it is not due or someone has it."""
    now = timezone.now()
    hold = webhook_setting("WEBHOOKS_CONNECT_TIMEOUT") + webhook_setting("WEBHOOKS_READ_TIMEOUT")
    claimed = Delivery.objects.filter(_due(now), pk=delivery_id).update(
        state=Delivery.State.SENDING,
        claimed_until=now + timedelta(seconds=hold + 60),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def _send(delivery: Delivery) -> transport.Outcome:
    try:
        target = target_for(
            delivery.endpoint.url, allow_private=webhook_setting("WEBHOOKS_ALLOW_PRIVATE")
        )
    except AddressRefused as refused:
        return transport.Outcome(False, None, "", f"refused: {refused}"[:500], 0)
    body = signing.body_of(delivery.payload)
    headers = signing.signed_headers(
        secret=delivery.endpoint.secret,
        message_id=delivery.message_id,
        body=body,
        now=timezone.now(),
    )
    return transport.post(
        target,
        body=body,
        headers=headers,
        connect=webhook_setting("WEBHOOKS_CONNECT_TIMEOUT"),
        read=webhook_setting("WEBHOOKS_READ_TIMEOUT"),
        ca_bundle=webhook_setting("WEBHOOKS_CA_BUNDLE"),
    )


def _log(delivery: Delivery, outcome: transport.Outcome) -> None:
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_log.count() + 1,
        ok=outcome.ok,
        status_code=outcome.status_code,
        error=outcome.error[:500],
        response_excerpt=outcome.excerpt[:1000],
        duration_ms=outcome.duration_ms,
    )
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:500]
    logger.info(
        "webhook %s attempt %s to endpoint %s: %s",
        delivery.message_id,
        delivery.attempts,
        delivery.endpoint_id,
        outcome.status_code or outcome.error,
    )


def _succeeded(delivery: Delivery) -> None:
    _finish(delivery, Delivery.State.DELIVERED)
    Endpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None, exhausted_in_row=0)


def _failed(delivery: Delivery, error: str) -> None:
    schedule = webhook_setting("WEBHOOKS_RETRY_SCHEDULE")
    now = timezone.now()
    Endpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=True).update(
        failing_since=now
    )
    if delivery.attempts <= len(schedule):
        wait = float(schedule[delivery.attempts - 1])
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        _finish(delivery, Delivery.State.PENDING, error=error)
        if wait <= COUNTDOWN_LIMIT_SECONDS:
            delivery_enqueue(delivery.pk, countdown=wait)
    else:
        _finish(delivery, Delivery.State.FAILED, error=error)
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(
            exhausted_in_row=F("exhausted_in_row") + 1
        )
    _disable_if_failing(delivery.endpoint_id)


def _finish(delivery: Delivery, state: str, *, error: str = "") -> None:
    delivery.state = state
    delivery.claimed_until = None
    delivery.last_error = error[:500] if error else delivery.last_error
    fields = ["state", "claimed_until", "last_error", "last_status_code", "next_attempt_at"]
    if state == Delivery.State.DELIVERED:
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        fields.append("delivered_at")
    delivery.save(update_fields=fields)


def _disable_if_failing(endpoint_id: int) -> None:
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    if not endpoint.active:
        return
    limit = webhook_setting("WEBHOOKS_DISABLE_AFTER_DELIVERIES")
    since = endpoint.failing_since
    window = timedelta(seconds=webhook_setting("WEBHOOKS_DISABLE_AFTER_SECONDS"))
    if endpoint.exhausted_in_row >= limit:
        reason = f"{endpoint.exhausted_in_row} deliveries in a row failed after every retry"
    elif since is not None and timezone.now() - since >= window:
        reason = f"every attempt has failed since {since:%Y-%m-%d %H:%M} UTC"
    else:
        return
    from moderation.webhooks.notice import endpoint_disable

    endpoint_disable(endpoint=endpoint, reason=reason)
