"""Moderator alerts: a held comment is mailed, storms become one mail, preferences are kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Status
from comments.notify.batches import batches_flush_due
from comments.notify.models import BatchState, OutboundMail
from comments.notify.outbox import mail_send
from moderation.alerts import alert_preference_set, alerts_digest_send
from moderation.events import event_fan_out
from tests.factories import CommentFactory, ModeratorFactory, UserFactory
from tests.notify.smtp import parts

pytestmark = pytest.mark.django_db


def held(post, **fields):
    """A comment the policy held: pending, scored, with reasons."""
    defaults = {
        "status": Status.PENDING,
        "spam_score": 0.47,
        "spam_reasons": ["2 links", "first comment from this address"],
        "author_name": "Mallory",
        "author_email": "mallory@example.org",
        "body_source": "Check out my site, it is great.",
    }
    return CommentFactory(post=post, **{**defaults, **fields})


def alerts_to(user):
    return list(OutboundMail.objects.filter(to=user.email, kind="alert"))


def test_a_held_comment_alerts_every_moderator_with_an_address(post):
    """Each moderator with an e-mail address gets one alert; one without an address none."""
    first, second = ModeratorFactory(), ModeratorFactory()
    ModeratorFactory(email="")
    UserFactory()  # not a moderator
    event_fan_out(comment_id=held(post).pk, event="comment.held")
    assert sorted(OutboundMail.objects.values_list("to", flat=True)) == sorted(
        [first.email, second.email]
    )


def test_only_the_held_event_alerts(post):
    """Created, approved, spam and other events send moderators nothing."""
    ModeratorFactory()
    comment = held(post)
    for event in ["comment.created", "comment.approved", "comment.spam", "comment.rejected"]:
        event_fan_out(comment_id=comment.pk, event=event)
    assert not OutboundMail.objects.exists()


def test_a_storm_is_one_mail_per_window_and_the_rest_come_in_the_next(post):
    """20 held comments make one immediate mail; the 19 others arrive together after the window."""
    moderator = ModeratorFactory()
    comments = [held(post, author_email=f"s{n}@example.org") for n in range(20)]
    for comment in comments:
        event_fan_out(comment_id=comment.pk, event="comment.held")
    assert len(alerts_to(moderator)) == 1
    assert batches_flush_due() == 0  # the window is still open
    BatchState.objects.filter(stream=f"alert:{moderator.pk}").update(
        last_sent_at=timezone.now() - timedelta(minutes=6)
    )
    assert batches_flush_due() == 1
    mails = alerts_to(moderator)
    assert len(mails) == 2
    assert mails[0].subject == "19 comments are waiting for moderation"


def test_comments_decided_before_the_next_mail_are_left_out(post):
    """A comment approved meanwhile is not in the next mail; none waiting means no mail."""
    moderator = ModeratorFactory()
    first, second = held(post), held(post)
    event_fan_out(comment_id=first.pk, event="comment.held")
    event_fan_out(comment_id=second.pk, event="comment.held")
    type(second).objects.filter(pk=second.pk).update(status=Status.APPROVED)
    BatchState.objects.update(last_sent_at=timezone.now() - timedelta(minutes=6))
    assert batches_flush_due() == 0
    assert len(alerts_to(moderator)) == 1


def test_off_and_digest_preferences_are_kept(post):
    """`off` gets nothing; `digest` gets nothing at once and everything in the daily digest."""
    quiet, daily, eager = ModeratorFactory(), ModeratorFactory(), ModeratorFactory()
    alert_preference_set(user=quiet, alerts="off")
    alert_preference_set(user=daily, alerts="digest")
    for _ in range(3):
        event_fan_out(comment_id=held(post).pk, event="comment.held")
    assert set(OutboundMail.objects.values_list("to", flat=True)) == {eager.email}
    assert alerts_digest_send() == 1
    [digest] = OutboundMail.objects.filter(kind="digest")
    assert digest.to == daily.email
    assert digest.subject == "Daily digest: 3 comments are waiting for moderation"
    assert alerts_digest_send() == 0


def test_the_alert_shows_comment_score_reasons_post_history_and_links(post, smtp):
    """The mail carries what a moderator needs to decide, in plain text and HTML, no images."""
    moderator = ModeratorFactory()
    CommentFactory(post=post, author_email="mallory@example.org", status=Status.SPAM)
    comment = held(post)
    event_fan_out(comment_id=comment.pk, event="comment.held")
    [row] = alerts_to(moderator)
    mail_send(mail_id=row.pk)
    [message] = smtp.messages
    assert message["Subject"].strip() == f"Held for moderation on “{post.title}”: Mallory"
    text, html = parts(message)["text/plain"], parts(message)["text/html"]
    for part in (text, html):
        assert "Check out my site, it is great." in part
        assert "0.47" in part
        assert "2 links" in part
        assert post.title in part
        assert "1 spam" in part
        assert part.count("/moderation/decide/") == 3
    assert "<img" not in html
    assert "Threadkeeper" in html


def test_a_moderator_without_the_permission_any_more_is_not_mailed(post):
    """Someone who left the moderators group gets no alert."""
    former = ModeratorFactory()
    former.groups.clear()
    event_fan_out(comment_id=held(post).pk, event="comment.held")
    assert not OutboundMail.objects.exists()


def test_the_preference_api_reads_and_changes_the_moderators_own_choice(moderator_api, moderator):
    """GET answers immediate by default; PUT stores digest or off; anything else is a 400."""
    url = "/api/v1/moderation/me/notifications/"
    assert moderator_api.get(url).json() == {"alerts": "immediate"}
    assert moderator_api.put(url, {"alerts": "digest"}, format="json").json() == {
        "alerts": "digest"
    }
    assert moderator_api.get(url).json() == {"alerts": "digest"}
    wrong = moderator_api.put(url, {"alerts": "hourly"}, format="json")
    assert wrong.status_code == 400
    assert "alerts" in wrong.json()


def test_the_preference_api_is_for_moderators_only(api, user_api):
    """Anonymous callers get 401 and ordinary users 403."""
    url = "/api/v1/moderation/me/notifications/"
    assert api.get(url).status_code == 401
    assert user_api.put(url, {"alerts": "off"}, format="json").status_code == 403


def test_a_storms_mail_lists_the_first_comments_and_counts_the_rest(post):
    """A mail for many held comments stays small: 30 in full, the rest counted with a link."""
    moderator = ModeratorFactory()
    comments = [held(post, author_email=f"s{n}@example.org") for n in range(41)]
    event_fan_out(comment_id=comments[0].pk, event="comment.held")
    for comment in comments[1:]:
        event_fan_out(comment_id=comment.pk, event="comment.held")
    BatchState.objects.update(last_sent_at=timezone.now() - timedelta(minutes=6))
    batches_flush_due()
    storm = alerts_to(moderator)[0]
    assert storm.subject == "40 comments are waiting for moderation"
    assert storm.text.count("/moderation/decide/") == 30 * 3
    assert "… and 10 more waiting" in storm.text
    assert "and 10 more waiting" in storm.html
