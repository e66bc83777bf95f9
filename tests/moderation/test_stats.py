"""Is moderation working: stats API, admin health page, and rescore's what-if table."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment, Status
from comments.services import comment_set_status
from moderation.services import comment_moderate
from tests.factories import CommentFactory, ModeratorFactory
from tests.moderation.test_admin import QUEUE

pytestmark = pytest.mark.django_db

STATS = "/api/v1/moderation/stats/"


def scored(score: float, status: str = Status.PENDING, hours_ago: float = 2) -> Comment:
    comment = CommentFactory(status=Status.PENDING, spam_score=score, scored_at=timezone.now())
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    comment.refresh_from_db()
    if status != Status.PENDING:  # the scorer decided
        comment_set_status(comment=comment, to=status, actor_label="scorer", reason="score")
    return comment


@pytest.fixture
def history():
    """Two held comments (one approved, one spam by a moderator), one scorer-approved comment
    later marked spam (a miss), one scorer spam, and one still pending for three hours."""
    moderator = ModeratorFactory()
    held_ham, held_spam = scored(0.4), scored(0.6)
    comment_moderate(comment=held_ham, action="approve", actor=moderator)
    comment_moderate(comment=held_spam, action="spam", actor=moderator)
    missed = scored(0.1, Status.APPROVED)
    comment_moderate(comment=missed, action="spam", actor=moderator)
    scored(0.95, Status.SPAM)
    scored(0.5, hours_ago=3)
    return moderator


def test_the_stats_api_reports_queue_waits_decisions_and_shares(moderator_api, history):
    """Queue size, oldest age, median wait, decisions by kind and actor, false holds, misses."""
    stats = moderator_api.get(STATS).json()
    assert stats["queue_size"] == 1
    assert 3 * 3600 - 60 <= stats["oldest_pending_age_seconds"] <= 3 * 3600 + 60
    assert 2 * 3600 - 60 <= stats["median_time_to_decision_seconds"] <= 2 * 3600 + 60
    today = stats["decisions_per_day"][-1]
    assert today["date"] == timezone.localdate().isoformat()
    assert today["by_actor"] == {"moderator": 3, "scorer": 2}
    assert today["by_kind"] == {"approved": 2, "spam": 3}
    week = stats["weeks"][-1]
    assert (week["held_decided"], week["false_hold_share"]) == (2, 0.5)
    assert (week["auto_approved"], week["miss_share"]) == (1, 1.0)
    assert len(stats["decisions_per_day"]) == 14
    assert len(stats["weeks"]) == 8


def test_an_empty_site_has_stats_without_errors(moderator_api):
    """No comments at all: zeros and nulls, never a 500."""
    stats = moderator_api.get(STATS).json()
    assert stats["queue_size"] == 0
    assert stats["oldest_pending_age_seconds"] is None
    assert stats["median_time_to_decision_seconds"] is None
    assert stats["weeks"][-1]["false_hold_share"] is None


def test_stats_are_for_moderators_only(api, user_api):
    """Anonymous: 401; an ordinary user: 403."""
    assert api.get(STATS).status_code == 401
    assert user_api.get(STATS).status_code == 403


def test_the_health_page_draws_its_charts_in_svg(admin_client_, history):
    """The admin's health page shows the figures and inline SVG charts, no script."""
    html = admin_client_.get(f"{QUEUE}health/").content.decode()
    assert "Moderation health" in html
    assert html.count("<svg class='tk-chart'") >= 4
    assert "<script" not in html.split('id="content-main"')[1]
    assert "Waiting in the queue" in html
    assert "Moderation health" in admin_client_.get(QUEUE).content.decode()  # linked


def test_rescore_what_if_prints_a_confusion_table(history):
    """--hold/--spam decide the stored scores again and compare with moderators and scorer."""
    out = io.StringIO()
    day = timezone.localdate().isoformat()
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    call_command(
        "rescore", "--since", since, "--until", day, "--hold", "0.5", "--spam", "0.55", stdout=out
    )
    text = out.getvalue()
    assert "what if hold 0.50, spam 0.55: 5 scored comments" in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines()[2:5]}
    assert lines["ham"] == ["1", "0", "0"]
    assert lines["spam"] == ["1", "0", "1"]
    assert "scorer decisions would flip" in text
    assert "hold -> approve: 1" in text
    assert "spam approved: 1" in text


def test_rescore_what_if_refuses_half_or_disordered_thresholds():
    """Only --hold, or hold above spam: a clear error."""
    with pytest.raises(CommandError, match="both --hold and --spam"):
        call_command("rescore", "--since", "2026-01-01", "--hold", "0.5")
    with pytest.raises(CommandError, match="for example"):
        call_command("rescore", "--since", "2026-01-01", "--hold", "0.9", "--spam", "0.5")
