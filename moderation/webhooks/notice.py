"""Turning off an endpoint that keeps failing, and telling the moderators about it."""

import logging

from django.utils import timezone

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
    """Make the disabled endpoint visible: a warning in the log, and a flag in the admin.

    The admin's endpoint list and the API show `disabled_at` and `disabled_reason`; a
    moderator turns the endpoint on again there once the receiver is fixed. This is also
    the one place to send moderators a mail through the outbox.
    """
    logger.warning(
        "webhook endpoint %s (%s) disabled: %s; turn it on again in the admin once fixed",
        endpoint.pk,
        endpoint.url,
        endpoint.disabled_reason,
    )
