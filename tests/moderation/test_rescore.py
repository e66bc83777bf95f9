"""`manage.py rescore`: how many decisions today's scorer would change, and applying them."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment, Status
from moderation.services import comment_score
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

LINKS = "see https://a.example https://b.example https://bit.ly/x"


def scored(body: str) -> Comment:
    comment = CommentFactory(status=Status.PENDING, body_source=body, body_html=body)
    comment_score(comment_id=comment.pk, revision=1)
    comment.refresh_from_db()
    return comment


def rescore(*args: str) -> str:
    out = io.StringIO()
    call_command("rescore", *args, stdout=out)
    return out.getvalue()


def today() -> str:
    return timezone.localdate().isoformat()


def test_a_dry_run_counts_changed_decisions_and_changes_nothing(settings):
    """After a stricter spam threshold, the dry run reports the change but leaves the comment."""
    link_spam = scored(LINKS)
    scored("a kind comment")
    assert link_spam.status == Status.SPAM
    settings.MODERATION = {"SPAM_THRESHOLD": 0.999, "HOLD_THRESHOLD": 0.25}
    output = rescore("--since", today())
    assert "rescoring 2 comments" in output
    assert "1 of 2 decisions would change." in output
    assert "spam -> hold: 1" in output
    link_spam.refresh_from_db()
    assert link_spam.status == Status.SPAM


def test_apply_moves_scorer_decided_comments_and_records_why(settings):
    """--apply changes the status through the history, with 'rescore' as the actor."""
    link_spam = scored(LINKS)
    settings.MODERATION = {"SPAM_THRESHOLD": 0.999, "HOLD_THRESHOLD": 0.25}
    output = rescore("--since", today(), "--until", today(), "--apply")
    assert "1 of 1 decisions changed." in output
    link_spam.refresh_from_db()
    assert link_spam.status == Status.PENDING
    assert link_spam.history.last().actor_label == "rescore"


def test_moderator_decisions_are_never_changed(settings, moderator):
    """A comment a moderator decided keeps its status whatever the scorer says now."""
    comment = scored(LINKS)
    Comment.objects.filter(pk=comment.pk).update(moderated_by=moderator, status=Status.APPROVED)
    output = rescore("--since", today(), "--apply")
    assert "0 of 1 decisions changed." in output
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_the_date_range_limits_which_comments_are_rescored():
    """Comments created outside --since/--until are left alone."""
    scored("old comment")
    Comment.objects.update(created_at=timezone.now() - timedelta(days=30))
    assert "rescoring 0 comments" in rescore("--since", today())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "YYYY-MM-DD"),
        (["--since", "2026-02-02", "--until", "2026-01-01"], "before --since"),
    ],
)
def test_bad_dates_are_clear_errors(args, message):
    """Dates that are not dates, or a range backwards, say what to write instead."""
    with pytest.raises(CommandError, match=message):
        rescore(*args)
