"""The thread circuit breaker: a spike on one post holds its comments for a while, then closes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from comments.conf import comments_setting
from comments.models import Comment, Status
from comments.notify.models import OutboundMail
from moderation.breaker import Traffic, spike_reason
from moderation.models import BreakerTrip
from moderation.services import comment_score
from tests.factories import CommentFactory, ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db

CLEAN = "A thoughtful comment about the post, thank you for writing it."


def pending(post: Post, body: str = CLEAN) -> Comment:
    return CommentFactory(
        post=post, status=Status.PENDING, body_source=body, body_html=f"<p>{body}</p>"
    )


def score(comment: Comment) -> Comment:
    comment_score(comment_id=comment.pk, revision=comment.revision)
    return Comment.objects.get(pk=comment.pk)


def crowd(post: Post, count: int, *, minutes_ago: float = 1, **fields: object) -> None:
    made = CommentFactory.create_batch(count, post=post, **fields)
    at = timezone.now() - timedelta(minutes=minutes_ago)
    Comment.objects.filter(pk__in=[c.pk for c in made]).update(created_at=at)


@pytest.mark.parametrize(
    ("seen", "tripped"),
    [
        (Traffic(recent=29, usual=0, scored=0, bad=0), False),  # below the minimum
        (Traffic(recent=30, usual=0, scored=0, bad=0), True),
        (Traffic(recent=40, usual=10, scored=0, bad=0), False),  # 4x its usual: busy, fine
        (Traffic(recent=60, usual=10, scored=0, bad=0), True),
        (Traffic(recent=12, usual=10, scored=10, bad=6), True),  # 60% held or spam
        (Traffic(recent=12, usual=10, scored=9, bad=9), False),  # too few scored to judge
    ],
)
def test_what_counts_as_a_spike(seen, tripped):
    """A rate far above the post's usual, or a high held/spam share, trips it; less does not."""
    assert (spike_reason(seen) is not None) == tripped


def test_a_burst_trips_the_breaker_and_holds_a_clean_comment_with_the_reason():
    """30 comments in ten minutes on a quiet post: the next clean comment is held, and why;
    moderators are mailed once."""
    moderator = ModeratorFactory()
    post = PostFactory(slug="viral")
    crowd(post, 30)
    held = score(pending(post))
    assert held.status == Status.PENDING
    assert any(r.startswith("thread breaker until") for r in held.spam_reasons)
    post.refresh_from_db()
    assert post.breaker_open
    assert post.breaker_reason.startswith("31 comments in 10 minutes")
    trip = BreakerTrip.objects.get()
    assert (trip.post_id, trip.reason) == (post.pk, post.breaker_reason)
    mail = OutboundMail.objects.get(subject__startswith="Thread breaker open")
    assert mail.to == moderator.email
    assert post.breaker_reason in mail.text


def test_while_open_the_breaker_is_not_tripped_twice():
    """Scoring more comments during the cool-down records no second trip."""
    post = PostFactory(slug="viral")
    crowd(post, 30)
    for _ in range(3):
        score(pending(post))
    assert BreakerTrip.objects.count() == 1


def test_a_post_at_its_usual_busy_rate_does_not_trip(settings):
    """A post that always gets many comments is judged against its own usual rate."""
    settings.MODERATION = {**settings.MODERATION, "BREAKER_BASELINE_HOURS": 2}
    post = PostFactory(slug="busy")
    for hours in (0.5, 1, 1.5, 2):
        crowd(post, 30, minutes_ago=10 + hours * 60 - 25)  # 120 in the 2 hours before: 10/window
    crowd(post, 35)
    assert score(pending(post)).status == Status.APPROVED
    assert not BreakerTrip.objects.exists()


def test_the_breaker_closes_by_itself_after_the_cool_down():
    """Once breaker_until has passed and traffic is normal, comments are approved again."""
    post = PostFactory(slug="calm")
    Post.objects.filter(pk=post.pk).update(
        breaker_until=timezone.now() - timedelta(seconds=1), breaker_reason="a spike"
    )
    assert score(pending(post)).status == Status.APPROVED


def test_comments_the_breaker_held_do_not_keep_it_open():
    """Held by the breaker (low scores) is not 'held by the scorer': no trip after cool-down."""
    post = PostFactory(slug="after")
    crowd(post, 12, status=Status.PENDING, spam_score=0.05, scored_at=timezone.now())
    assert score(pending(post)).status == Status.APPROVED


def test_a_high_spam_share_trips_the_breaker():
    """Most recently scored comments marked spam: the post goes to pre-moderation."""
    post = PostFactory(slug="raided")
    crowd(post, 7, status=Status.SPAM, spam_score=0.99, scored_at=timezone.now())
    crowd(post, 3, spam_score=0.01, scored_at=timezone.now())
    held = score(pending(post))
    assert held.status == Status.PENDING
    assert (
        "7 of the last 10 scored comments held or spam"
        in Post.objects.get(pk=post.pk).breaker_reason
    )


def test_the_breaker_can_be_switched_off(settings):
    """BREAKER_ENABLED False: a burst changes nothing."""
    settings.MODERATION = {**settings.MODERATION, "BREAKER_ENABLED": False}
    post = PostFactory(slug="viral")
    crowd(post, 40)
    assert score(pending(post)).status == Status.APPROVED


def test_the_hard_per_post_caps_are_opt_in(settings, api):
    """By default a busy post refuses no one: both per-post hard caps are off."""
    settings.COMMENTS = {
        k: v
        for k, v in settings.COMMENTS.items()
        if k not in {"SUBMIT_RATE_PER_POST", "MAX_COMMENTS_PER_POST_PER_HOUR", "SUBMIT_RATE"}
    }
    assert comments_setting("SUBMIT_RATE_PER_POST") is None
    assert comments_setting("MAX_COMMENTS_PER_POST_PER_HOUR") is None
    post = PostFactory(slug="viral")
    crowd(post, 400, minutes_ago=5)
    answer = api.post(
        "/api/v1/posts/viral/comments/",
        {"author_name": "Ann", "author_email": "ann@example.org", "body": "Me too!"},
        format="json",
    )
    assert answer.status_code == 201


def test_moderators_see_and_set_the_mode_and_the_breaker(moderator_api, api):
    """Moderators see and set moderation_mode, and see breaker_until; the public sees neither."""
    post = PostFactory(slug="viral")
    until = timezone.now() + timedelta(minutes=20)
    Post.objects.filter(pk=post.pk).update(breaker_until=until, breaker_reason="a spike")
    seen = moderator_api.get("/api/v1/posts/viral/").json()
    assert seen["moderation_mode"] == "post"
    assert seen["breaker_until"] is not None
    assert seen["breaker_reason"] == "a spike"
    public = api.get("/api/v1/posts/viral/").json()
    assert "breaker_until" not in public
    assert "moderation_mode" not in public
    changed = moderator_api.patch("/api/v1/posts/viral/", {"moderation_mode": "pre"}, format="json")
    assert changed.json()["moderation_mode"] == "pre"
    created = moderator_api.post(
        "/api/v1/posts/",
        {"title": "New", "slug": "new", "body": "x", "moderation_mode": "pre"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["moderation_mode"] == "pre"
    assert created.json()["breaker_until"] is None
    assert (
        moderator_api.patch(
            "/api/v1/posts/new/", {"moderation_mode": "x"}, format="json"
        ).status_code
        == 400
    )


def test_a_trip_is_delivered_to_webhooks_that_asked_for_post_breaker(settings):
    """Endpoints subscribed to post.breaker get one delivery naming the post and why;
    endpoints that did not subscribe get none."""
    from moderation.webhooks.models import Delivery
    from moderation.webhooks.services import endpoint_create

    settings.MODERATION = {**settings.MODERATION, "WEBHOOKS_ALLOW_PRIVATE": True}
    wants = endpoint_create(url="http://127.0.0.1:9/", events=["post.breaker"], created_by=None)
    endpoint_create(url="http://127.0.0.1:9/other", events=["comment.held"], created_by=None)
    post = PostFactory(slug="viral")
    crowd(post, 30)
    score(pending(post))
    score(pending(post))  # still open: no second trip, no second delivery
    delivery = Delivery.objects.get()
    post.refresh_from_db()
    assert (delivery.endpoint_id, delivery.event) == (wants.pk, "post.breaker")
    assert delivery.payload["type"] == "post.breaker"
    assert delivery.payload["data"]["post"]["slug"] == "viral"
    assert delivery.payload["data"]["post"]["breaker_reason"] == post.breaker_reason
