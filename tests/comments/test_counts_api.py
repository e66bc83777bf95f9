"""GET /api/v1/counts/?post=a&post=b: approved-comment counts for many posts in one call."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def counts(api, *slugs: str):
    query = "&".join(f"post={slug}" for slug in slugs)
    return api.get(f"/api/v1/counts/?{query}")


def test_counts_for_several_posts_in_one_call(api):
    """Each slug asked gets its number of approved comments, zero included."""
    a, _ = PostFactory(slug="a"), PostFactory(slug="b")
    for _ in range(12):
        CommentFactory(post=a)
    answer = counts(api, "a", "b")
    assert answer.status_code == 200
    assert answer.json() == {"a": 12, "b": 0}


def test_only_approved_comments_count(api):
    """Pending, rejected, spam and removed comments are not counted."""
    post = PostFactory(slug="a")
    CommentFactory(post=post)
    for status in (Status.PENDING, Status.REJECTED, Status.SPAM, Status.REMOVED):
        CommentFactory(post=post, status=status)
    assert counts(api, "a").json() == {"a": 1}


def test_unknown_slugs_count_zero(api, db):
    """A slug that names no post answers 0, not an error."""
    assert counts(api, "no-such-post", "Ünïcode", "a%20b").json() == {
        "no-such-post": 0,
        "Ünïcode": 0,
        "a b": 0,
    }


@pytest.mark.parametrize(
    "hidden", [{"is_draft": True}, {"published_at": timezone.now() + timedelta(days=2)}]
)
def test_drafts_and_scheduled_posts_count_zero(api, hidden):
    """An unpublished post's comments are not revealed through its count."""
    post = PostFactory(slug="draft", **hidden)
    CommentFactory(post=post)
    assert counts(api, "draft").json() == {"draft": 0}


def test_no_post_asked_is_an_empty_object(api, db):
    """Without ?post= the answer is {}."""
    answer = api.get("/api/v1/counts/")
    assert answer.status_code == 200
    assert answer.json() == {}


def test_a_slug_asked_twice_appears_once(api):
    """Repeated slugs are answered once."""
    CommentFactory(post=PostFactory(slug="a"))
    assert counts(api, "a", "a", "a").json() == {"a": 1}


def test_many_posts_cost_one_query(api):
    """Fifty posts are counted with a single query."""
    for n in range(50):
        CommentFactory(post=PostFactory(slug=f"p{n}"))
    with CaptureQueriesContext(connection) as queries:
        answer = counts(api, *(f"p{n}" for n in range(50)))
    assert answer.json() == {f"p{n}": 1 for n in range(50)}
    assert len(queries) == 1


def test_a_flood_of_slugs_is_bounded_not_an_error(api, db):
    """Hundreds of slugs answer 200; thousands of parameters are a 400, never a 500."""
    answer = api.get("/api/v1/counts/?" + "&".join(f"post=s{n}" for n in range(500)))
    assert answer.status_code == 200
    assert 0 < len(answer.json()) <= 500
    flood = api.get("/api/v1/counts/?" + "&".join(f"post=s{n}" for n in range(5000)))
    assert flood.status_code == 400


def test_counts_carry_no_private_data(api):
    """The answer is slugs and numbers only."""
    CommentFactory(post=PostFactory(slug="a"), author_email="hidden@example.org")
    answer = counts(api, "a")
    assert "hidden@example.org" not in answer.content.decode()
    assert all(isinstance(v, int) for v in answer.json().values())


@pytest.mark.parametrize("query", ["post=%00", "post=a&post=b%00c", "post%00=a"])
def test_a_nul_in_the_query_is_a_400(api, db, query):
    """A NUL character in the query string is refused with 400 (PostgreSQL cannot hold one)."""
    answer = api.get(f"/api/v1/counts/?{query}")
    assert answer.status_code == 400
    assert "NUL" in answer.json()["detail"]
