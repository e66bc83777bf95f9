"""An event no receiver can act on is not queued: no broker message, no task run for nothing.

Alerts follow held comments and spam caught by an "alert" rule, reader mail a moderator's
approval or an approved reply, and webhooks what an active endpoint subscribed to (a cached
set, forgotten when one changes).
"""

import pytest
from django.core.cache import cache
from django.test import override_settings

from comments.models import Status
from comments.services import comment_hold, comment_set_status, comment_submit
from moderation.scoring.rules import ALERT_RULE_PREFIX
from moderation.services import comment_moderate
from moderation.webhooks.models import Endpoint
from moderation.webhooks.services import endpoint_update
from moderation.webhooks.wanted import WANTED_KEY, events_wanted
from tests.factories import CommentFactory
from tests.moderation.webhooks.test_events import raised

pytestmark = pytest.mark.django_db


def submit(post: object) -> None:
    comment_submit(post=post, author_name="Ann", author_email="a@example.org", body="Hi")


def test_a_submit_on_a_site_without_webhooks_queues_scoring_only(
    post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        submit(post)
    assert raised(callbacks) == []
    assert [c.func.__self__.name for c in callbacks] == ["moderation.score_comment"]


def test_the_scorer_approving_a_top_level_comment_has_nobody_to_tell(
    django_capture_on_commit_callbacks,
):
    comment = CommentFactory(status=Status.PENDING)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_set_status(comment=comment, to=Status.APPROVED, actor_label="scorer")
    assert raised(callbacks) == []


def test_approving_a_reply_or_a_held_comment_may_mail_a_reader(
    moderator, django_capture_on_commit_callbacks
):
    """The parent's author may be subscribed; a held comment's author was told it waits."""
    parent = CommentFactory(status=Status.APPROVED)
    reply = CommentFactory(status=Status.PENDING, parent=parent, post=parent.post)
    held = CommentFactory(status=Status.PENDING)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_set_status(comment=reply, to=Status.APPROVED, actor_label="scorer")
        comment_moderate(comment=held, action="approve", actor=moderator)
    assert raised(callbacks) == ["comment.approved", "comment.approved"]


def test_held_and_spam_by_an_alert_rule_reach_the_moderators_alerts(
    django_capture_on_commit_callbacks,
):
    held, caught = CommentFactory(status=Status.PENDING), CommentFactory(status=Status.PENDING)
    caught.spam_reasons = [f"{ALERT_RULE_PREFIX}word: casino"]
    with django_capture_on_commit_callbacks() as callbacks:
        comment_hold(comment=held)
        comment_set_status(comment=caught, to=Status.SPAM, actor_label="scorer")
    assert raised(callbacks) == ["comment.held", "comment.spam"]


def test_spam_the_scorer_marked_on_its_score_alerts_nobody(django_capture_on_commit_callbacks):
    spam = CommentFactory(status=Status.PENDING, spam_reasons=["classifier: 0.99 spam"])
    with django_capture_on_commit_callbacks() as callbacks:
        comment_set_status(comment=spam, to=Status.SPAM, actor_label="scorer")
    assert raised(callbacks) == []


def test_a_new_endpoint_gets_the_very_next_event(post, django_capture_on_commit_callbacks):
    """The cached set from before the endpoint is forgotten when the endpoint is saved."""
    assert events_wanted() == frozenset()  # now cached
    Endpoint.objects.create(url="https://hooks.example.org/", events=["comment.created"])
    with django_capture_on_commit_callbacks() as callbacks:
        submit(post)
    assert raised(callbacks) == ["comment.created"]


def test_after_its_commit_the_cache_holds_the_new_set(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = Endpoint.objects.create(url="https://h.example.org/", events=["comment.spam"])
    assert cache.get(WANTED_KEY) == frozenset({"comment.spam"})
    with django_capture_on_commit_callbacks(execute=True):
        endpoint_update(endpoint=endpoint, active=False)
    assert cache.get(WANTED_KEY) == frozenset()


def test_a_deleted_endpoint_gets_nothing_more(post, django_capture_on_commit_callbacks):
    endpoint = Endpoint.objects.create(url="https://h.example.org/", events=["comment.created"])
    assert events_wanted() == {"comment.created"}
    endpoint.delete()
    with django_capture_on_commit_callbacks() as callbacks:
        submit(post)
    assert raised(callbacks) == []


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "blog.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_without_the_cache_the_database_answers():
    Endpoint.objects.create(url="https://h.example.org/", events=["comment.removed"])
    assert events_wanted() == {"comment.removed"}
