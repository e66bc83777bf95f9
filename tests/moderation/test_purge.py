"""Purge: one action for every comment of an author, each taught to the scorer once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, Status
from comments.notify.models import OutboundMail
from comments.services import comment_set_status
from moderation.models import Ban
from moderation.sanctions import bans_follow_up
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

PURGE = "/api/v1/moderation/comments/purge/"


def by(email: str = "bot@x.example", ip: str = "198.51.100.7", **fields: object) -> Comment:
    network = ".".join(ip.split(".")[:3]) + ".0/24"
    return CommentFactory(author_email=email, ip_address=ip, ip_network=network, **fields)


def test_purge_by_email_marks_every_comment_spam_and_reports_the_count(
    moderator_api, django_capture_on_commit_callbacks, published_tasks
):
    """Three comments of one e-mail become spam; the answer counts them; others untouched."""
    mine = [by(status=s) for s in (Status.APPROVED, Status.PENDING, Status.PENDING)]
    other = by(email="ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        answer = moderator_api.post(
            PURGE, {"author_email": "BOT@x.example", "action": "spam"}, format="json"
        )
    assert answer.status_code == 200
    assert answer.json() == {"count": 3}
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in mine]).values_list("status", flat=True)
    ) == {Status.SPAM}
    assert Comment.objects.get(pk=other.pk).status == Status.APPROVED
    learned = sorted(
        args[0] for name, args in published_tasks if name == "moderation.learn_from_comment"
    )
    assert learned == sorted(c.pk for c in mine)  # once per comment
    history = Comment.objects.get(pk=mine[0].pk).history.last()
    assert history.reason == "moderator: purge (spam)"
    assert history.actor is not None


def test_purge_by_network_with_a_time_range_and_remove(moderator_api):
    """A network purge with `since` removes only that network's comments in the range."""
    old = by(ip="198.51.100.8")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = [by(ip="198.51.100.9", email=f"n{i}@x.example") for i in range(2)]
    elsewhere = by(ip="192.0.2.9")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    answer = moderator_api.post(
        PURGE, {"network": "198.51.100.0/24", "action": "remove", "since": since}, format="json"
    )
    assert answer.json() == {"count": 2}
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in new] == [Status.REMOVED, Status.REMOVED]
    assert statuses[old.pk] == statuses[elsewhere.pk] == Status.APPROVED


def test_purge_by_ip_skips_comments_already_spam(moderator_api):
    """Comments already spam are not counted or decided again."""
    by(status=Status.SPAM)
    by()
    answer = moderator_api.post(
        PURGE, {"ip_address": "198.51.100.7", "action": "spam"}, format="json"
    )
    assert answer.json() == {"count": 1}


@pytest.mark.parametrize(
    "body",
    [
        {"action": "spam"},
        {"author_email": "a@b.example", "ip_address": "192.0.2.1", "action": "spam"},
        {"network": "nonsense", "action": "spam"},
        {"author_email": "a@b.example", "action": "burn"},
    ],
)
def test_a_bad_purge_answers_400(moderator_api, body):
    """No author, two authors, a bad network or an unknown action: 400, nothing changes."""
    by()
    assert moderator_api.post(PURGE, body, format="json").status_code == 400
    assert not Comment.objects.filter(status=Status.SPAM).exists()


def test_purge_is_for_moderators_only(user_api):
    """An ordinary user cannot purge."""
    answer = user_api.post(PURGE, {"author_email": "a@b.example", "action": "spam"}, format="json")
    assert answer.status_code == 403


def test_follow_up_shadow_bans_after_n_spam_decisions(moderator_api, settings):
    """With AUTO_BAN_AFTER_SPAM=2, the second spam decision bans the e-mail and network."""
    settings.MODERATION = {**settings.MODERATION, "AUTO_BAN_AFTER_SPAM": 2}
    first, second = by(status=Status.PENDING), by(status=Status.PENDING)
    moderator_api.post(f"/api/v1/moderation/comments/{first.pk}/spam/")
    assert bans_follow_up(comment_id=first.pk) == []
    moderator_api.post(f"/api/v1/moderation/comments/{second.pk}/spam/")
    made = bans_follow_up(comment_id=second.pk)
    assert sorted((b.kind, b.value, b.mode) for b in made) == [
        ("email", "bot@x.example", "shadow"),
        ("network", "198.51.100.0/24", "shadow"),
    ]
    assert made[0].cause == "2 spam decisions for this email in 7 days"
    assert made[0].expires_at is not None
    assert bans_follow_up(comment_id=second.pk) == []  # a ban in force: nothing twice
    assert Ban.objects.count() == 2
    told = OutboundMail.objects.filter(subject__startswith="Automatic shadow ban")
    assert sorted(told.values_list("subject", flat=True)) == [
        "Automatic shadow ban on a email",
        "Automatic shadow ban on a network",
    ]
    assert "2 spam decisions for this email in 7 days" in told.order_by("pk").first().text


def test_follow_up_is_off_by_default_and_ignores_the_scorer(moderator_api, settings):
    """Without the setting no ban is made; with it, scorer decisions never count."""
    comments = [by(status=Status.PENDING) for _ in range(3)]
    for comment in comments:
        comment_set_status(comment=comment, to=Status.SPAM, actor_label="scorer")
    assert bans_follow_up(comment_id=comments[0].pk) == []
    settings.MODERATION = {**settings.MODERATION, "AUTO_BAN_AFTER_SPAM": 2}
    assert bans_follow_up(comment_id=comments[0].pk) == []
    assert not Ban.objects.exists()
