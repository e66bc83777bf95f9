"""A comment a submit check caught reads as pending to its author, and behaves as one.

Also: withdrawing a comment re-reads it under the row lock, so a decision taken since the
author's request was read is never overwritten.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from comments.models import Comment, Status
from comments.services import EditNotAllowed, comment_remove, comment_set_status
from moderation.services import comment_moderate
from tests.factories import CommentFactory, ModeratorFactory

pytestmark = pytest.mark.django_db

BOT = {"author_name": "Bot", "author_email": "bot@example.org", "body": "Buy now.", "homepage": "x"}


def submit_caught(api, post) -> dict:
    answer = api.post(f"/api/v1/posts/{post.slug}/comments/", BOT, format="json")
    assert answer.status_code == 201
    created = answer.json()
    assert Comment.objects.get(pk=created["id"]).status == Status.SPAM
    assert created["status"] == "pending"
    return created


def test_the_author_can_withdraw_a_comment_a_bot_check_caught(api, post):
    """DELETE on a comment the honeypot caught answers 204 and the comment is removed."""
    created = submit_caught(api, post)
    token = {"HTTP_X_EDIT_TOKEN": created["edit_token"]}

    assert api.delete(f"/api/v1/comments/{created['id']}/", **token).status_code == 204

    assert Comment.objects.get(pk=created["id"]).status == Status.REMOVED
    own = api.get(f"/api/v1/comments/{created['id']}/", **token).json()
    assert own["status"] == "removed"


def test_the_author_can_edit_a_comment_a_bot_check_caught_and_it_is_scored_again(
    api, post, django_capture_on_commit_callbacks, published_tasks
):
    """PATCH inside the window re-renders the body, makes it pending and queues a score."""
    created = submit_caught(api, post)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.patch(
            f"/api/v1/comments/{created['id']}/",
            {"body": "A real thought, *typed again*."},
            format="json",
            HTTP_X_EDIT_TOKEN=created["edit_token"],
        )

    assert answer.status_code == 200, answer.content
    assert answer.json()["body_html"] == "<p>A real thought, <em>typed again</em>.</p>"
    comment = Comment.objects.get(pk=created["id"])
    assert comment.status == Status.PENDING
    assert published_tasks == [("moderation.score_comment", (comment.pk, 2))]


@pytest.mark.parametrize("by", ["moderator", "scorer"])
def test_spam_decided_after_the_submit_stays_decided(api, post, by):
    """Spam the scorer or a moderator decided is final for its author: 403, no word of spam."""
    answer = api.post(
        f"/api/v1/posts/{post.slug}/comments/",
        {"author_name": "Ann", "author_email": "ann@example.org", "body": "Hello."},
        format="json",
    )
    created = answer.json()
    comment = Comment.objects.get(pk=created["id"])
    if by == "moderator":
        comment_moderate(comment=comment, action="spam", actor=ModeratorFactory())
    else:
        comment_set_status(comment=comment, to=Status.SPAM, actor_label="scorer")

    refused = api.delete(
        f"/api/v1/comments/{created['id']}/", HTTP_X_EDIT_TOKEN=created["edit_token"]
    )

    assert refused.status_code == 403
    assert "spam" not in refused.content.decode()
    assert Comment.objects.get(pk=created["id"]).status == Status.SPAM


def test_withdrawing_a_stale_copy_never_overwrites_a_later_decision(post):
    """A removal decided on a copy read before a moderator rejected it is refused."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    stale = Comment.objects.get(pk=comment.pk)
    comment_set_status(comment=comment, to=Status.REJECTED, actor_label="moderator")

    with pytest.raises(EditNotAllowed):
        comment_remove(comment=stale, token="token")

    assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED


def test_withdrawing_records_the_status_it_really_left(post):
    """The history names the status in the database (approved), not the stale copy's."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    stale = Comment.objects.get(pk=comment.pk)
    comment_set_status(comment=comment, to=Status.APPROVED, actor_label="scorer")

    comment_remove(comment=stale, token="token")

    last = Comment.objects.get(pk=comment.pk).history.last()
    assert (last.from_status, last.to_status) == (Status.APPROVED, Status.REMOVED)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a database that has them"
)
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_waits_for_a_moderator_holding_the_row(post):
    """While a moderator's transaction holds the row, the author's DELETE waits, then sees it."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    stale = Comment.objects.get(pk=comment.pk)
    locked, outcome = threading.Event(), []

    def moderator() -> None:
        with transaction.atomic():
            held = Comment.objects.select_for_update().get(pk=comment.pk)
            locked.set()
            time.sleep(0.5)  # the author's request arrives meanwhile
            comment_set_status(comment=held, to=Status.REJECTED, actor_label="moderator")
        connection.close()

    thread = threading.Thread(target=moderator)
    thread.start()
    locked.wait(5)
    try:
        comment_remove(comment=stale, token="token")
        outcome.append("removed")
    except EditNotAllowed:
        outcome.append("refused")
    thread.join()

    assert outcome == ["refused"]
    assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED


@pytest.mark.parametrize(
    ("settings_change", "change"),
    [
        ({"DUPLICATE_ACTION": "spam"}, {}),
        ({"SUBMIT_GUARDS": ["tests.comments.test_caught_comments.shadow_ban"]}, {}),
    ],
)
def test_spam_from_a_duplicate_check_or_a_sites_guard_stays_decided(
    api, post, settings, settings_change, change
):
    """Only bot checks are undone by an edit: a shadow ban or a duplicate stays spam."""
    body = {"author_name": "Ann", "author_email": "ann@example.org", "body": "Hello.", **change}
    if "DUPLICATE_ACTION" in settings_change:
        api.post(f"/api/v1/posts/{post.slug}/comments/", body, format="json")
    settings.COMMENTS = {**settings.COMMENTS, **settings_change}
    created = api.post(f"/api/v1/posts/{post.slug}/comments/", body, format="json").json()
    assert Comment.objects.get(pk=created["id"]).status == Status.SPAM

    edit = api.patch(
        f"/api/v1/comments/{created['id']}/",
        {"body": "Let me out."},
        format="json",
        HTTP_X_EDIT_TOKEN=created["edit_token"],
    )

    assert edit.status_code == 403
    assert Comment.objects.get(pk=created["id"]).status == Status.SPAM


def shadow_ban(submission) -> str | None:
    """A site guard that files everything as spam, as a shadow ban does."""
    return "author is shadow-banned"
