"""An endpoint that keeps failing is disabled and moderators told; redelivery from the admin."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from comments.notify.models import OutboundMail
from moderation.webhooks.delivery import delivery_attempt
from moderation.webhooks.models import Delivery, Endpoint
from moderation.webhooks.services import endpoint_create, webhook_on_event
from tests.factories import CommentFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def failed_delivery(endpoint: Endpoint) -> Delivery:
    comment = CommentFactory()
    webhook_on_event(comment_id=comment.pk, event="comment.approved")
    delivery = Delivery.objects.filter(endpoint=endpoint).order_by("-pk").first()
    for _ in range(3):
        delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def endpoint(receiver, allow_private) -> Endpoint:
    receiver.default = 500
    return endpoint_create(url=receiver.url, events=["comment.approved"], created_by=None)


def test_three_deliveries_failing_in_a_row_disable_the_endpoint(endpoint, caplog):
    """After the third delivery in a row used up its retries, the endpoint is off and flagged."""
    with caplog.at_level(logging.WARNING, logger="moderation.webhooks.notice"):
        for _ in range(3):
            assert failed_delivery(endpoint).state == "failed"
    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert endpoint.disabled_at is not None
    assert "3 deliveries in a row failed" in endpoint.disabled_reason
    assert f"webhook endpoint {endpoint.pk}" in caplog.text


def test_moderators_are_mailed_once_when_an_endpoint_is_disabled(endpoint):
    """Each moderator with an address gets one mail naming the endpoint and why it stopped."""
    moderator = ModeratorFactory(email="mod@example.org")
    for _ in range(4):  # the fourth failure finds the endpoint already off: no second mail
        failed_delivery(endpoint)
    mails = list(OutboundMail.objects.filter(kind="webhook-disabled"))
    assert [mail.to for mail in mails] == [moderator.email]
    assert endpoint.url in mails[0].subject
    assert "3 deliveries in a row failed" in mails[0].text


def test_an_endpoint_failing_for_a_day_is_disabled(endpoint):
    """Every attempt failing for longer than a day disables the endpoint at the next failure."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=1, minutes=1)
    )
    comment = CommentFactory()
    webhook_on_event(comment_id=comment.pk, event="comment.approved")
    delivery_attempt(delivery_id=Delivery.objects.get().pk)
    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert "every attempt has failed since" in endpoint.disabled_reason


def test_a_success_resets_the_failure_count(endpoint, receiver):
    """One delivered message in between means the endpoint is healthy again."""
    failed_delivery(endpoint)
    receiver.default = 200
    failed_delivery(endpoint)
    endpoint.refresh_from_db()
    assert (endpoint.exhausted_in_row, endpoint.failing_since, endpoint.active) == (0, None, True)


def test_deliveries_for_a_disabled_endpoint_fail_without_being_sent(endpoint, receiver):
    """A due delivery of a disabled endpoint is marked failed and nothing is sent."""
    comment = CommentFactory()
    webhook_on_event(comment_id=comment.pk, event="comment.approved")
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False)
    assert delivery_attempt(delivery_id=Delivery.objects.get().pk) == "failed"
    assert receiver.requests == []


def test_redeliver_in_the_admin_sends_a_failed_delivery_again(endpoint, receiver, client):
    """The admin's redeliver action queues the same message again; it then gets through."""
    delivery = failed_delivery(endpoint)
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="manage_webhooks"))
    client.force_login(manager)
    answer = client.post(
        "/admin/webhooks/delivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "Queued again: 1 deliveries." in answer.content.decode()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    receiver.default = 200
    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_the_admin_shows_deliveries_with_their_attempts_to_managers_only(endpoint, client):
    """A delivery's page lists each attempt; staff without the permission cannot see it."""
    delivery = failed_delivery(endpoint)
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="manage_webhooks"))
    client.force_login(manager)
    page = client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").content.decode()
    assert page.count("answer 500") == 3
    listing = client.get("/admin/webhooks/endpoint/").content.decode()
    assert endpoint.url in listing
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").status_code == 403


def test_the_admin_shows_the_secret_once_when_an_endpoint_is_added(client, allow_private):
    """Adding an endpoint in the admin shows its secret in the confirmation message."""
    manager = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(manager)
    answer = client.post(
        "/admin/webhooks/endpoint/add/",
        {"url": "http://127.0.0.1:9/hook", "events": ["comment.held"], "active": "on"},
        follow=True,
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in answer.content.decode()
    assert endpoint.created_by == manager
    assert (
        endpoint.secret
        not in client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    )
