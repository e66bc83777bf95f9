"""Comment events: raised after commit where a status changes, fanned out to every receiver."""

import logging

import pytest

from comments.models import Status
from comments.services import comment_set_status, comment_submit
from moderation import events
from moderation.services import comment_score
from tests.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("endpoint_for_every_event")]


def raised(published_tasks) -> list[tuple]:
    return [args for task, args in published_tasks if task == "moderation.comment_event"]


def test_a_submit_raises_created_after_commit(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """comment.created reaches the broker only once the new comment is committed."""
    with django_capture_on_commit_callbacks(execute=True):
        submitted = comment_submit(
            post=post, author_name="Ann", author_email="a@example.org", body="Hello"
        )
        assert raised(published_tasks) == []
    assert raised(published_tasks) == [(submitted.comment.pk, "comment.created")]


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (Status.APPROVED, "comment.approved"),
        (Status.REJECTED, "comment.rejected"),
        (Status.SPAM, "comment.spam"),
        (Status.REMOVED, "comment.removed"),
    ],
)
def test_each_change_of_status_raises_its_event(
    status, event, django_capture_on_commit_callbacks, published_tasks
):
    """comment_set_status raises the event of the new status; no change raises nothing."""
    comment = CommentFactory(status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=comment, to=status, actor_label="test")
        comment_set_status(comment=comment, to=status, actor_label="test")
    assert raised(published_tasks) == [(comment.pk, event)]


def test_the_policy_holding_a_comment_raises_held(
    django_capture_on_commit_callbacks, published_tasks
):
    """A comment the scorer leaves pending for a moderator raises comment.held."""
    comment = CommentFactory(status=Status.PENDING, post=PostFactory(moderation_mode="pre"))
    with django_capture_on_commit_callbacks(execute=True):
        assert comment_score(comment_id=comment.pk, revision=1) == "hold"
    assert raised(published_tasks) == [(comment.pk, "comment.held")]


def test_a_failing_receiver_is_logged_and_the_others_still_run(monkeypatch, caplog):
    """One receiver raising does not stop the next one."""
    calls = []
    monkeypatch.setattr(
        events,
        "RECEIVERS",
        [
            "tests.moderation.test_events.broken_receiver",
            "tests.moderation.test_events.recording_receiver",
        ],
    )
    monkeypatch.setattr("tests.moderation.test_events.CALLS", calls)
    with caplog.at_level(logging.ERROR, logger="moderation.events"):
        assert events.event_fan_out(comment_id=7, event="comment.held") == 1
    assert calls == [(7, "comment.held")]
    assert "broken_receiver failed on comment.held" in caplog.text


CALLS: list[tuple[int, str]] = []


def broken_receiver(*, comment_id: int, event: str) -> None:
    raise RuntimeError("receiver is down")


def recording_receiver(*, comment_id: int, event: str) -> None:
    CALLS.append((comment_id, event))
