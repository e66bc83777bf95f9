"""End to end through a real worker: submit → scored and held → approved, each a webhook."""

from collections.abc import Iterator

import pytest
from standardwebhooks import Webhook

from moderation.webhooks.services import endpoint_create
from tests.conftest import ARTIFACTS, purge_broker
from tests.factories import PostFactory
from tests.workers import Child, start_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webhook_worker(transactional_db: None) -> Iterator[Child]:
    """A real worker started without -Q (so on every queue), allowed to reach loopback."""
    purge_broker()
    worker = start_worker(
        "webhooks", ARTIFACTS / "logs", env={"COMMENTS_WEBHOOKS_ALLOW_PRIVATE": "1"}, queues=None
    )
    yield worker
    worker.stop()
    purge_broker()


def test_a_held_then_approved_comment_reaches_the_receiver_signed(
    webhook_worker, receiver, allow_private, api, moderator_api
):
    """The receiver gets created, held and approved, each verifiable with the secret."""
    PostFactory(slug="careful", moderation_mode="pre")
    secret = endpoint_create(
        url=receiver.url,
        events=["comment.created", "comment.held", "comment.approved"],
        created_by=None,
    ).secret
    body = {"author_name": "Ann", "author_email": "ann@example.org", "body": "A fine post."}
    created = api.post("/api/v1/posts/careful/comments/", body, format="json").json()

    def received(count: int) -> list[dict]:
        if len(receiver.requests) < count:
            return []
        return [Webhook(secret).verify(r.body, r.headers) for r in receiver.requests[:count]]

    wait_for(lambda: received(2), timeout=30, message=f"no webhooks:\n{webhook_worker.log()}")
    answer = moderator_api.post(f"/api/v1/moderation/comments/{created['id']}/approve/")
    assert answer.status_code == 200
    payloads = wait_for(
        lambda: received(3), timeout=30, message=f"no approval webhook:\n{webhook_worker.log()}"
    )
    assert sorted(p["type"] for p in payloads[:2]) == ["comment.created", "comment.held"]
    assert payloads[2]["type"] == "comment.approved"
    assert {p["data"]["comment"]["id"] for p in payloads} == {created["id"]}
    assert payloads[2]["data"]["comment"]["status"] == "approved"
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 3
