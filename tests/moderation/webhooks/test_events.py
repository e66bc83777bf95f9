"""Comment events: raised after commit where a status changes, fanned out to every receiver."""

from functools import partial

import pytest

from comments.models import Status
from comments.services import comment_hold, comment_remove, comment_set_status, comment_submit
from moderation.services import comment_moderate
from tests.factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("endpoint_for_every_event")]


def raised(callbacks: list) -> list[str]:
    """The events queued by `callbacks` (on_commit partials of comment_event.delay)."""
    return [
        c.args[1]
        for c in callbacks
        if isinstance(c, partial)
        and getattr(c.func, "__self__", None) is not None
        and c.func.__self__.name == "moderation.comment_event"
    ]


def test_submit_raises_created_only_once_committed(post, django_capture_on_commit_callbacks):
    """A new comment raises comment.created through on_commit, never before."""
    with django_capture_on_commit_callbacks() as callbacks:
        comment_submit(post=post, author_name="Ann", author_email="a@example.org", body="Hi")
    assert raised(callbacks) == ["comment.created"]


def test_submit_caught_by_the_checks_raises_created_then_spam(
    post, django_capture_on_commit_callbacks
):
    """A comment stored as spam at submit raises comment.created, then comment.spam."""
    with django_capture_on_commit_callbacks() as callbacks:
        comment_submit(
            post=post, author_name="Bot", author_email="b@example.org", body="x", status="spam"
        )
    assert raised(callbacks) == ["comment.created", "comment.spam"]


@pytest.mark.parametrize(
    ("action", "event"),
    [
        ("approve", "comment.approved"),
        ("reject", "comment.rejected"),
        ("spam", "comment.spam"),
        ("ham", "comment.approved"),
    ],
)
def test_every_decision_raises_its_event(
    moderator, django_capture_on_commit_callbacks, action, event
):
    """A moderator's decision raises the event named after the new status."""
    comment = CommentFactory(status=Status.PENDING)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_moderate(comment=comment, action=action, actor=moderator)
    assert raised(callbacks) == [event]


def test_held_and_removed_raise_their_events(django_capture_on_commit_callbacks):
    """The policy holding a comment raises comment.held; its author withdrawing it, removed."""
    comment = CommentFactory(status=Status.PENDING)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_hold(comment=comment)
        comment_remove(comment=comment, token="token")
    assert raised(callbacks) == ["comment.held", "comment.removed"]


def test_no_change_of_status_raises_nothing(django_capture_on_commit_callbacks):
    """Setting the status a comment already has raises no event."""
    comment = CommentFactory(status=Status.APPROVED)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_set_status(comment=comment, to=Status.APPROVED)
    assert raised(callbacks) == []
