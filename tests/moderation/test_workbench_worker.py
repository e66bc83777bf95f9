"""Sanctions through HTTP and a real worker: purge learning, automatic shadow bans, trust rules."""

import json
from collections.abc import Iterator

import pytest

from comments.models import Comment, Status
from moderation.models import Ban, Lesson
from tests.conftest import ARTIFACTS, purge_broker
from tests.factories import CommentFactory, PostFactory
from tests.workers import Child, start_worker, wait_for

KNOBS = {"AUTO_BAN_AFTER_SPAM": 3, "HOLD_FIRST_COMMENT": True}


@pytest.fixture
def strict_worker(transactional_db: None) -> Iterator[Child]:
    """A real worker whose site turned on automatic bans and the first-comment rule."""
    purge_broker()
    worker = start_worker(
        "sanctions", ARTIFACTS / "logs", env={"THREADKEEPER_TEST_MODERATION": json.dumps(KNOBS)}
    )
    yield worker
    worker.stop()
    purge_broker()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_purge_teaches_once_and_the_worker_shadow_bans_the_spammer(
    strict_worker, moderator_api, api, settings
):
    """A purge of three comments is learned once each; the worker then shadow-bans the
    author's e-mail and network, and that author's next comment is spam while the reader is
    told it awaits moderation; a new reader's first comment is held by the trust rule."""
    settings.MODERATION = {**settings.MODERATION, **KNOBS}  # the web side enqueues follow-up
    PostFactory(slug="hello-world")
    spam = [
        CommentFactory(
            author_email="bot@x.example",
            ip_address="203.0.113.50",
            ip_network="203.0.113.0/24",
            status=Status.PENDING,
        )
        for _ in range(3)
    ]
    answer = moderator_api.post(
        "/api/v1/moderation/comments/purge/",
        {"author_email": "bot@x.example", "action": "spam"},
        format="json",
    )
    assert answer.json() == {"count": 3}
    log = strict_worker.log
    wait_for(lambda: Lesson.objects.filter(label="spam").count() == 3, timeout=30, message=log())
    wait_for(lambda: Ban.objects.count() == 2, timeout=30, message=log())
    assert set(Ban.objects.values_list("kind", "mode")) == {
        ("email", "shadow"),
        ("network", "shadow"),
    }
    assert all("3 spam decisions" in b.cause for b in Ban.objects.all())
    assert sorted(Lesson.objects.values_list("comment_id", flat=True)) == [c.pk for c in spam]

    again = api.post(
        "/api/v1/posts/hello-world/comments/",
        {"author_name": "Bot", "author_email": "new@x.example", "body": "Cheap pills"},
        format="json",
    )
    assert again.status_code == 201
    assert again.json()["status"] == "pending"
    assert Comment.objects.get(pk=again.json()["id"]).status == Status.SPAM  # same network

    reader = api.post(
        "/api/v1/posts/hello-world/comments/",
        {"author_name": "Ann", "author_email": "ann@example.org", "body": "Lovely, thanks."},
        format="json",
        REMOTE_ADDR="192.0.2.44",
    )
    held = lambda: Comment.objects.filter(pk=reader.json()["id"], scored_at__isnull=False).first()  # noqa: E731
    comment = wait_for(held, timeout=30, message=log())
    assert comment.status == Status.PENDING
    assert "trust rule: first comment from this author" in comment.spam_reasons


@pytest.fixture
def breaker_worker(transactional_db: None) -> Iterator[Child]:
    """A real worker whose breaker trips at 5 comments in the window (30 by default)."""
    purge_broker()
    knobs = json.dumps({"BREAKER_MIN_COMMENTS": 5})
    worker = start_worker(
        "breaker", ARTIFACTS / "logs", env={"THREADKEEPER_TEST_MODERATION": knobs}
    )
    yield worker
    worker.stop()
    purge_broker()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_burst_through_http_trips_the_breaker_in_the_worker(breaker_worker, moderator_api, api):
    """Seven readers at once on a quiet post: every submit is accepted (no 429), the worker
    switches the post to pre-moderation, and moderators see until when and why."""
    PostFactory(slug="hello-world")
    ids = []
    for n in range(7):
        answer = api.post(
            "/api/v1/posts/hello-world/comments/",
            {"author_name": f"R{n}", "author_email": f"r{n}@example.org", "body": f"Nice one {n}."},
            format="json",
        )
        assert answer.status_code == 201
        ids.append(answer.json()["id"])
    scored = lambda: Comment.objects.filter(pk__in=ids, scored_at__isnull=False).count() == 7  # noqa: E731
    wait_for(scored, timeout=30, message=breaker_worker.log())
    held = Comment.objects.filter(pk__in=ids, status=Status.PENDING)
    assert held.count() >= 2
    assert all(any("thread breaker" in r for r in c.spam_reasons) for c in held)
    post = moderator_api.get("/api/v1/posts/hello-world/").json()
    assert post["breaker_until"] is not None
    assert "comments in 10 minutes" in post["breaker_reason"]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_wave_posted_through_http_is_clustered_by_the_worker(celery_worker, moderator_api, api):
    """Six near-duplicates from six networks on a pre-moderated post: the worker clusters them,
    the API lists one cluster with all six, and one action marks them all spam."""
    PostFactory(slug="hello-world", moderation_mode="pre")
    ids = []
    for n in range(6):
        answer = api.post(
            "/api/v1/posts/hello-world/comments/",
            {
                "author_name": f"Bot {n}",
                "author_email": f"bot{n}@example.org",
                "body": f"Earn {n}00 dollars a day from home with one simple trick, start now {n}",
            },
            format="json",
            REMOTE_ADDR=f"198.51.{n}.9",
        )
        ids.append(answer.json()["id"])
    listed = lambda: moderator_api.get("/api/v1/moderation/clusters/").json()["results"]  # noqa: E731
    wait_for(lambda: listed() and listed()[0]["size"] == 6, timeout=30, message=celery_worker.log())
    cluster = listed()[0]
    assert sorted(cluster["comment_ids"]) == sorted(ids)
    assert len(cluster["shared"]["networks"]) == 0  # six networks: none shared by two
    decided = moderator_api.post(f"/api/v1/moderation/clusters/{cluster['id']}/spam/").json()
    assert decided["count"] == 6
    assert set(Comment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"spam"}
