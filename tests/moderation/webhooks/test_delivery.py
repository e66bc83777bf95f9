"""Deliveries to a real receiver on loopback: signed, retried, logged, and never redirected."""

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from comments.models import Status
from moderation.webhooks.address import Target
from moderation.webhooks.delivery import delivery_attempt
from moderation.webhooks.models import Delivery, Endpoint
from moderation.webhooks.services import endpoint_create, webhook_on_event
from moderation.webhooks.transport import post
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def endpoint_for(receiver, events=("comment.approved",)) -> Endpoint:
    return endpoint_create(url=receiver.url, events=list(events), created_by=None)


def one_delivery(receiver, event="comment.approved") -> Delivery:
    endpoint_for(receiver, events=[event])
    comment = CommentFactory(status=Status.APPROVED, author_email="ann@example.org")
    assert webhook_on_event(comment_id=comment.pk, event=event) == 1
    return Delivery.objects.get()


def test_an_event_becomes_one_delivery_per_matching_active_endpoint(
    receiver, allow_private, django_capture_on_commit_callbacks
):
    """Only active endpoints that subscribed to the event get a delivery, queued after commit."""
    wanted = endpoint_for(receiver, events=["comment.held", "comment.approved"])
    endpoint_for(receiver, events=["comment.spam"])
    Endpoint.objects.filter(pk=endpoint_for(receiver).pk).update(active=False)
    comment = CommentFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        assert webhook_on_event(comment_id=comment.pk, event="comment.held") == 1
    delivery = Delivery.objects.get()
    assert (delivery.endpoint, delivery.event, delivery.state) == (
        wanted,
        "comment.held",
        "pending",
    )
    queued = [c.args for c in callbacks if isinstance(c, partial)]
    assert queued == [((delivery.pk,),)]


def test_a_delivery_is_signed_so_the_receiver_can_verify_it(receiver, allow_private):
    """The receiver verifies the Standard Webhooks signature and reads the moderation record."""
    delivery = one_delivery(receiver)
    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    [got] = receiver.requests
    payload = Webhook(delivery.endpoint.secret).verify(got.body, got.headers)
    assert got.headers["webhook-id"] == delivery.message_id
    assert payload["type"] == "comment.approved"
    assert payload["timestamp"].endswith("+00:00")
    record = payload["data"]["comment"]
    assert record["id"] == delivery.comment_id
    assert record["status"] == "approved"
    assert record["author_email"] == "ann@example.org"
    assert "edit_token" not in record
    assert "edit_token_hash" not in record


def test_a_failing_receiver_is_retried_with_the_same_message_id(receiver, allow_private):
    """A 500 is retried; the second attempt succeeds with the same webhook-id, both logged."""
    receiver.script = [500]
    delivery = one_delivery(receiver)
    assert delivery_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.next_attempt_at is not None
    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids == [delivery.message_id, delivery.message_id]
    log = list(delivery.attempt_log.values_list("number", "status_code", "ok", "response_excerpt"))
    assert log == [(1, 500, False, "answer 500"), (2, 200, True, "answer 200")]
    assert Endpoint.objects.get().failing_since is None


def test_a_retry_waits_until_it_is_due(receiver, allow_private, settings):
    """An attempt before the retry's time does nothing (a duplicate task is harmless)."""
    settings.MODERATION = {**settings.MODERATION, "WEBHOOKS_RETRY_SCHEDULE": [300]}
    receiver.script = [503]
    delivery = one_delivery(receiver)
    delivery_attempt(delivery_id=delivery.pk)
    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 1


def test_a_redirect_is_a_failure_and_is_not_followed(receiver, allow_private):
    """A 302 is logged as a failure with its status and target; the target is never asked."""
    receiver.script = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    delivery = one_delivery(receiver)
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302
    assert (
        "redirect to http://169.254.169.254/latest/meta-data/ not followed" in delivery.last_error
    )
    assert len(receiver.requests) == 1


def test_retries_used_up_fail_the_delivery(receiver, allow_private):
    """After the last retry the delivery is failed, every attempt in its log."""
    receiver.default = 500
    delivery = one_delivery(receiver)
    for _ in range(3):
        delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert delivery.attempt_log.count() == 3
    assert delivery_attempt(delivery_id=delivery.pk) is None


def test_an_address_that_became_private_is_refused_at_delivery_time(
    receiver, allow_private, settings
):
    """The address is checked again at every attempt: nothing reaches a now-refused host."""
    delivery = one_delivery(receiver)
    settings.MODERATION = {**settings.MODERATION, "WEBHOOKS_ALLOW_PRIVATE": False}
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.last_error.startswith("refused: 127.0.0.1 resolves to 127.0.0.1")


def test_the_connection_goes_to_the_checked_address_without_resolving_again(receiver):
    """The request goes to the checked IP; the host name is only the Host header."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    target = Target(scheme="http", host="hooks.invalid", port=port, path="/hook", ip="127.0.0.1")
    outcome = post(target, body=b"{}", headers={}, connect=2, read=2)
    assert outcome.ok, outcome.error
    assert receiver.requests[0].headers["host"] == f"hooks.invalid:{port}"


def test_a_receiver_that_does_not_answer_is_a_timeout_failure(receiver, allow_private, settings):
    """A receiver slower than the read timeout is a logged failure, not a hung worker."""
    settings.MODERATION = {**settings.MODERATION, "WEBHOOKS_READ_TIMEOUT": 0.2}
    receiver.delay = 1.0
    delivery = one_delivery(receiver)
    assert delivery_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "Timeout" in delivery.last_error
    assert delivery.last_status_code is None


def test_a_delivery_for_a_gone_comment_is_not_created(receiver, allow_private):
    """An event whose comment no longer exists creates no delivery."""
    endpoint_for(receiver)
    assert webhook_on_event(comment_id=999_999, event="comment.approved") == 0
    assert not Delivery.objects.exists()


def test_abandoned_and_due_deliveries_are_swept(receiver, allow_private):
    """The sweep queues due retries and sends a worker died in; not-yet-due ones wait."""
    from moderation.webhooks.delivery import deliveries_sweep

    delivery = one_delivery(receiver)
    past, future = timezone.now() - timedelta(minutes=5), timezone.now() + timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(state="sending", claimed_until=past)
    assert deliveries_sweep() == 1
    Delivery.objects.filter(pk=delivery.pk).update(state="pending", next_attempt_at=future)
    assert deliveries_sweep() == 0


def test_finished_deliveries_are_deleted_after_the_retention(receiver, allow_private):
    """The sweep deletes delivered deliveries older than WEBHOOKS_KEEP_DAYS, keeps newer ones."""
    from moderation.webhooks.delivery import deliveries_sweep

    old = one_delivery(receiver)
    webhook_on_event(comment_id=CommentFactory().pk, event="comment.approved")
    new = Delivery.objects.exclude(pk=old.pk).get()
    Delivery.objects.update(state="delivered")
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    deliveries_sweep()
    assert list(Delivery.objects.values_list("pk", flat=True)) == [new.pk]


def test_erasing_a_person_deletes_their_deliveries(receiver, allow_private):
    """person_forget removes deliveries whose record carries that e-mail, and only those."""
    from moderation.services import person_forget

    mine = one_delivery(receiver)
    comment = CommentFactory(author_email="bo@example.org")
    webhook_on_event(comment_id=comment.pk, event="comment.approved")
    person_forget(email="ANN@example.org")
    assert not Delivery.objects.filter(pk=mine.pk).exists()
    assert Delivery.objects.filter(comment_id=comment.pk).exists()
