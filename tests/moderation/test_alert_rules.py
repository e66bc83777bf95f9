"""Blocklist rules marked "alert": moderators hear of what they catch, even when marked spam."""

import pytest

from comments.models import Status
from comments.notify.models import OutboundMail
from comments.notify.outbox import mail_send
from comments.services import comment_set_status
from moderation.events import event_fan_out
from moderation.models import BlockRule
from moderation.services import comment_score
from tests.factories import CommentFactory, ModeratorFactory
from tests.notify.smtp import parts

pytestmark = pytest.mark.django_db


def score_and_fan_out(comment, capture, published_tasks) -> list[str]:
    """Score through the real service, then run each event it raised; return the events."""
    with capture(execute=True):
        comment_score(comment_id=comment.pk, revision=comment.revision)
    events = [args for task, args in published_tasks if task == "moderation.comment_event"]
    for comment_id, event in events:
        event_fan_out(comment_id=comment_id, event=event)
    return [event for _, event in events]


def pills_comment(post):
    return CommentFactory(
        post=post, status=Status.PENDING, author_url="https://shop.pills.example/"
    )


def test_a_spam_verdict_by_an_alert_rule_alerts_once_naming_the_rule(
    post, smtp, django_capture_on_commit_callbacks, published_tasks
):
    """A comment an alert rule marks spam raises one alert mail that names the rule."""
    moderator = ModeratorFactory()
    BlockRule.objects.create(kind="domain", pattern="pills.example", action="spam", alert=True)
    comment = pills_comment(post)
    events = score_and_fan_out(comment, django_capture_on_commit_callbacks, published_tasks)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert events == ["comment.spam"]
    [row] = OutboundMail.objects.filter(to=moderator.email, kind="alert")
    assert row.subject.startswith("Marked spam by an alert rule on")
    mail_send(mail_id=row.pk)
    found = parts(smtp.messages[0])
    for part in (found["text/plain"], found["text/html"]):
        assert "blocklisted domain: pills.example" in part
        assert "Caught by alert rule" in part
        assert part.count("/moderation/decide/") == 3


def test_a_rule_not_marked_alert_sends_nothing_for_spam(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """The same rule without the alert flag marks spam quietly: moderators get no mail (and,
    with no webhook for it, the event is not even queued)."""
    ModeratorFactory()
    BlockRule.objects.create(kind="domain", pattern="pills.example", action="spam")
    comment = pills_comment(post)
    events = score_and_fan_out(comment, django_capture_on_commit_callbacks, published_tasks)
    assert events == []
    assert not OutboundMail.objects.exists()


def test_a_hold_by_an_alert_rule_alerts_once(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """An alert rule that holds raises the held alert, once, naming the rule."""
    moderator = ModeratorFactory()
    BlockRule.objects.create(kind="domain", pattern="pills.example", action="hold", alert=True)
    comment = pills_comment(post)
    events = score_and_fan_out(comment, django_capture_on_commit_callbacks, published_tasks)
    assert events == ["comment.held"]
    [row] = OutboundMail.objects.filter(to=moderator.email, kind="alert")
    assert "Caught by alert rule: blocklisted domain: pills.example" in row.text


def test_a_moderator_marking_spam_later_raises_no_second_alert(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """Only the scorer's verdict alerts: a moderator's own spam decision mails nobody."""
    moderator = ModeratorFactory()
    BlockRule.objects.create(kind="domain", pattern="pills.example", action="hold", alert=True)
    comment = pills_comment(post)
    score_and_fan_out(comment, django_capture_on_commit_callbacks, published_tasks)
    comment.refresh_from_db()
    comment_set_status(comment=comment, to=Status.SPAM, actor=moderator)
    event_fan_out(comment_id=comment.pk, event="comment.spam")
    assert OutboundMail.objects.filter(kind="alert").count() == 1


def test_the_alert_digest_lists_what_an_alert_rule_marked_spam(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """A moderator on the daily digest finds the alert rule's spam catch in it."""
    from moderation.alerts import alert_preference_set, alerts_digest_send

    moderator = ModeratorFactory()
    alert_preference_set(user=moderator, alerts="digest")
    BlockRule.objects.create(kind="domain", pattern="pills.example", action="spam", alert=True)
    score_and_fan_out(pills_comment(post), django_capture_on_commit_callbacks, published_tasks)
    assert not OutboundMail.objects.exists()
    assert alerts_digest_send() == 1
    [digest] = OutboundMail.objects.filter(to=moderator.email, kind="digest")
    assert "Caught by alert rule: blocklisted domain: pills.example (marked spam)" in digest.text


def test_the_alert_flag_is_off_by_default_and_set_in_the_admin(admin_client):
    """A new rule does not alert; the admin's add form and list turn the flag on."""
    added = admin_client.post(
        "/admin/moderation/blockrule/add/",
        {"kind": "word", "pattern": "casino*", "action": "spam", "note": ""},
    )
    assert added.status_code == 302
    rule = BlockRule.objects.get(pattern="casino*")
    assert rule.alert is False
    listing = admin_client.get("/admin/moderation/blockrule/")
    assert 'name="form-0-alert"' in listing.content.decode()
    admin_client.post(
        "/admin/moderation/blockrule/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "form-0-alert": "on",
            "_save": "Save",
        },
    )
    rule.refresh_from_db()
    assert rule.alert is True
