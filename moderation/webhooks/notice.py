"""Turning off an endpoint that keeps failing, and telling the moderators about it."""

import logging

from django.urls import reverse
from django.utils import timezone

from comments.notify.outbox import mail_queue
from comments.notify.render import site_url
from moderation.alerts import moderators_to_alert
from moderation.webhooks.models import Endpoint

logger = logging.getLogger(__name__)


def endpoint_disable(*, endpoint: Endpoint, reason: str) -> None:
    """Disable `endpoint` (its pending deliveries then fail) and tell the moderators why."""
    updated = Endpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason[:300]
    )
    if not updated:
        return  # someone else disabled it first, and told them
    endpoint.refresh_from_db()
    moderators_tell(endpoint=endpoint)


def moderators_tell(*, endpoint: Endpoint) -> None:
    """Make the disabled endpoint visible: the log, a flag in the admin, and a mail.

    The admin's endpoint list and the API show `disabled_at` and `disabled_reason`; a
    moderator turns the endpoint on again there once the receiver is fixed. The mail's key
    names this disabling, so a retried task never sends it twice.
    """
    logger.warning(
        "webhook endpoint %s (%s) disabled: %s; turn it on again in the admin once fixed",
        endpoint.pk,
        endpoint.url,
        endpoint.disabled_reason,
    )
    stamp = endpoint.disabled_at.isoformat() if endpoint.disabled_at else ""
    text = (
        f"The webhook endpoint {endpoint.url} was turned off: {endpoint.disabled_reason}\n\n"
        "Its deliveries stop until it is turned on again in the admin "
        f"({site_url(reverse('admin:webhooks_endpoint_change', args=[endpoint.pk]))}),"
        " once the receiver works.\n"
    )
    for moderator in moderators_to_alert():
        mail_queue(
            key=f"webhook-disabled:{endpoint.pk}:{stamp}:{moderator.pk}",
            kind="webhook-disabled",
            to=moderator.email,
            subject=f"Webhook turned off: {endpoint.url}"[:255],
            text=text,
        )
