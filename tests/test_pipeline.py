"""End to end through a real worker: submit → queue → score → moderate → publish."""

import pytest

from comments.models import Comment, Status
from moderation.models import BlockRule
from tests.factories import PostFactory
from tests.workers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def submit(api, slug: str, **fields: str) -> dict:
    body = {
        "author_name": "Ann Reader",
        "author_email": "ann@example.org",
        "body": "Thanks, this helped me fix my deployment.",
        **fields,
    }
    response = api.post(f"/api/v1/posts/{slug}/comments/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def scored(comment_id: int) -> Comment | None:
    comment = Comment.objects.get(pk=comment_id)
    return comment if comment.scored_at else None


def test_a_clean_comment_on_a_post_moderated_post_is_scored_and_published(celery_worker, api):
    """The worker scores a clean comment within seconds and the policy publishes it."""
    PostFactory(slug="open", moderation_mode="post")
    created = submit(api, "open")
    assert created["status"] == "pending"

    comment = wait_for(
        lambda: scored(created["id"]),
        timeout=30,
        message=f"comment never scored; worker log:\n{celery_worker.log()}",
    )
    assert comment.status == Status.APPROVED
    assert comment.spam_score is not None
    assert 0 <= comment.spam_score < 0.5
    thread = api.get("/api/v1/posts/open/comments/").json()["results"]
    assert [c["id"] for c in thread] == [created["id"]]
    history = list(comment.history.values_list("actor_label", "from_status", "to_status"))
    assert history == [("author", "", "pending"), ("scorer", "pending", "approved")]


def test_a_held_comment_waits_for_a_moderator_then_appears_everywhere(
    celery_worker, api, moderator_api
):
    """Pre-moderation holds a new author's comment until a moderator approves it."""
    PostFactory(slug="careful", moderation_mode="pre")
    created = submit(api, "careful")
    comment = wait_for(
        lambda: scored(created["id"]),
        timeout=30,
        message=f"comment never scored; worker log:\n{celery_worker.log()}",
    )
    assert comment.status == Status.PENDING
    assert api.get("/api/v1/posts/careful/comments/").json()["results"] == []

    answer = moderator_api.post(f"/api/v1/moderation/comments/{created['id']}/approve/")
    assert answer.status_code == 200
    assert answer.json()["status"] == "approved"
    assert [c["id"] for c in api.get("/api/v1/posts/careful/comments/").json()["results"]] == [
        created["id"]
    ]
    page = api.get("/posts/careful/")
    assert "Thanks, this helped me fix my deployment." in page.content.decode()


def test_a_blocklisted_domain_is_marked_spam_by_the_worker(celery_worker, api):
    """An operator's blocklist entry with action spam sends the comment straight to spam."""
    PostFactory(slug="blocked")
    BlockRule.objects.create(kind="domain", pattern="pills.example", action="spam")
    created = submit(api, "blocked", body="Cheap meds at https://shop.pills.example/buy")
    comment = wait_for(
        lambda: scored(created["id"]),
        timeout=30,
        message=f"comment never scored; worker log:\n{celery_worker.log()}",
    )
    assert comment.status == Status.SPAM
    assert "blocklisted domain: pills.example" in comment.spam_reasons
