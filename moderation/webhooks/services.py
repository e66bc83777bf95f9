"""What webhooks do: manage endpoints, turn a comment event into deliveries, redeliver."""

import json
import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from moderation.webhooks import signing
from moderation.webhooks.address import target_for
from moderation.webhooks.conf import webhook_setting
from moderation.webhooks.models import Delivery, Endpoint

logger = logging.getLogger(__name__)


def endpoint_check_url(url: str) -> None:
    """Raise AddressRefused unless `url` may receive webhooks now (resolved and checked)."""
    target_for(url, allow_private=webhook_setting("WEBHOOKS_ALLOW_PRIVATE"))


def endpoint_create(
    *,
    url: str,
    events: Sequence[str],
    created_by: User | None,
    active: bool = True,
    description: str = "",
) -> Endpoint:
    """Register an endpoint with a new secret (the caller shows it once)."""
    endpoint_check_url(url)
    return Endpoint.objects.create(
        url=url,
        events=list(dict.fromkeys(events)),
        active=active,
        description=description,
        secret=signing.secret_new(),
        created_by=created_by,
    )


def endpoint_update(*, endpoint: Endpoint, **changes: Any) -> Endpoint:
    """Change url, events, active or description; turning it on again forgets its failures."""
    if "url" in changes and changes["url"] != endpoint.url:
        endpoint_check_url(changes["url"])
    if "events" in changes:
        changes["events"] = list(dict.fromkeys(changes["events"]))
    if changes.get("active") and not endpoint.active:
        changes.update(failing_since=None, exhausted_in_row=0, disabled_at=None, disabled_reason="")
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save()
    return endpoint


def webhook_on_event(*, comment_id: int, event: str) -> int:
    """Create one delivery per active endpoint that wants `event`, and queue them.

    The payload is the comment's moderation record as it is now, stored with the delivery
    so that every retry sends the same body. Returns how many deliveries were created.
    """
    endpoints = _endpoints_wanting(event)
    if not endpoints:
        return 0
    comment = _comment(comment_id)
    if comment is None:
        return 0
    data = {"comment": _record(comment)}
    payload = signing.payload_for(event=event, data=data, at=timezone.now())
    return len(
        deliveries_create(endpoints=endpoints, event=event, payload=payload, comment=comment)
    )


def _endpoints_wanting(event: str) -> list[Endpoint]:
    """Return the active endpoints that asked for `event`.

    Every comment event asks, and most sites have no endpoint for most events: which ones
    want it is a narrow read; whole endpoints are read only when there are some.
    """
    active = Endpoint.objects.filter(active=True).values_list("pk", "events")
    wanted = [pk for pk, events in active if event in events]
    return list(Endpoint.objects.filter(active=True, pk__in=wanted)) if wanted else []


def webhook_on_breaker(*, post: Post) -> int:
    """Deliver `post.breaker` for a post whose breaker just tripped; return how many."""
    event = "post.breaker"
    endpoints = _endpoints_wanting(event)
    if not endpoints:
        return 0
    data = {
        "post": {
            "slug": post.slug,
            "title": post.title,
            "url": post.public_url,
            "breaker_until": post.breaker_until.isoformat() if post.breaker_until else None,
            "breaker_reason": post.breaker_reason,
        }
    }
    payload = signing.payload_for(event=event, data=data, at=timezone.now())
    return len(deliveries_create(endpoints=endpoints, event=event, payload=payload, comment=None))


def deliveries_create(
    *, endpoints: Sequence[Endpoint], event: str, payload: dict[str, Any], comment: Comment | None
) -> list[Delivery]:
    """Store one delivery per endpoint and queue each after commit."""
    now = timezone.now()
    with transaction.atomic():
        deliveries = [
            Delivery.objects.create(
                endpoint=endpoint,
                message_id=signing.message_id_new(),
                event=event,
                comment_id=comment.pk if comment else None,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
        for delivery in deliveries:
            delivery_enqueue(delivery.pk)
    return deliveries


def delivery_redeliver(*, delivery: Delivery) -> Delivery:
    """Send a delivery again now, with a fresh round of retries and the same message id."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
        )
        delivery_enqueue(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def deliveries_forget(*, email: str) -> int:
    """Delete the deliveries whose stored record names `email` (GDPR erasure); return how many."""
    if not email.strip():
        return 0
    key = "payload__data__comment__author_email__iexact"
    deleted, _ = Delivery.objects.filter(**{key: email.strip()}).delete()
    return deleted


def delivery_enqueue(delivery_id: int, countdown: float = 0) -> None:
    """Queue one attempt once committed; a lost message is picked up by the sweep."""
    from moderation.webhooks.tasks import deliver

    job = partial(deliver.apply_async, (delivery_id,), countdown=countdown)
    job.__qualname__ = "deliver.apply_async"  # type: ignore[attr-defined]
    transaction.on_commit(job, robust=True)


def _comment(comment_id: int) -> Comment | None:
    return (
        Comment.objects.select_related("post", "moderated_by")
        .prefetch_related("history")
        .filter(pk=comment_id)
        .first()
    )


def _record(comment: Comment) -> dict[str, Any]:
    """The moderation API's record of the comment, as plain JSON values."""
    from moderation.serializers import ModerationComment

    data = ModerationComment(comment).data
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))  # type: ignore[no-any-return]
