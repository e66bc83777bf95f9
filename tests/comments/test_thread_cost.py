"""What a thread read costs: no query for an unchanged page, the same whatever the table holds."""

from collections import Counter

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments import stamps
from comments.models import Comment, Status
from comments.services import comment_set_status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def bulk_thread(post: Post, size: int, prefix: str) -> None:
    """Store `size` approved top-level comments on `post` in one statement."""
    Comment.objects.bulk_create(
        Comment(
            post=post,
            thread_path=f"{prefix}{n:09d}",
            author_name="Reader",
            author_email=f"r{n}@example.org",
            body_source="Hello.",
            body_html=f"<p>Hello {n}.</p>",
            status=Status.APPROVED,
        )
        for n in range(size)
    )


def read(api, url: str, **headers: str) -> tuple[int, object]:
    """Return (queries it took, the answer) for one GET of `url`."""
    with CaptureQueriesContext(connection) as queries:
        answer = api.get(url, **headers)
    return len(queries), answer


@pytest.fixture
def cache_calls(monkeypatch) -> Counter:
    """Count the calls made to the shared cache (Redis, or the embedded file cache)."""
    calls: Counter = Counter()
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "delete", "delete_many", "incr", "touch"):
        method = getattr(backend, name)

        def counted(*args, _name=name, _method=method, **kwargs):
            calls[_name] += 1
            return _method(*args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_a_cached_page_is_answered_without_the_database(api, post, cache_calls):
    """The second read of an unchanged page makes no query: one cache read gives its stamp."""
    bulk_thread(post, 30, "a")
    url = "/api/v1/posts/hello-world/comments/"
    first_cost, first = read(api, url)
    cache_calls.clear()
    second_cost, second = read(api, url)
    assert first_cost == 2
    assert second_cost == 0
    assert sum(cache_calls.values()) == 1
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"] == "application/json"


def test_a_conditional_read_answers_from_the_stamp_without_the_database(api, post, cache_calls):
    """A 304 makes no query and one cache read: the change stamp, never the comments."""
    bulk_thread(post, 5, "a")
    etag = api.get("/api/v1/posts/hello-world/comments/")["ETag"]
    cache_calls.clear()
    cost, answer = read(api, "/api/v1/posts/hello-world/comments/", HTTP_IF_NONE_MATCH=etag)
    assert (answer.status_code, cost) == (304, 0)
    assert sum(cache_calls.values()) == 1


def test_a_newly_approved_comment_shows_on_the_very_next_read(api, post):
    """A status change moves the post's stamp, so no reader is served the old page."""
    CommentFactory(post=post)
    waiting = CommentFactory(post=post, status=Status.PENDING)
    url = "/api/v1/posts/hello-world/comments/"
    before = api.get(url)
    assert len(before.json()["results"]) == 1
    comment_set_status(comment=waiting, to=Status.APPROVED, actor_label="test")
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert [c["id"] for c in after.json()["results"]][-1] == waiting.pk


def test_a_moderation_decision_shows_on_the_very_next_read(api, moderator_api, post):
    """A moderator's rejection takes the comment off the thread and changes its ETag at once."""
    shown, other = CommentFactory(post=post), CommentFactory(post=post)
    url = "/api/v1/posts/hello-world/comments/"
    before = api.get(url)
    assert api.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    decided = moderator_api.post(f"/api/v1/moderation/comments/{shown.pk}/reject/")
    assert decided.status_code == 200
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert [c["id"] for c in after.json()["results"]] == [other.pk]


def test_a_stamp_a_reader_read_during_a_change_never_outlives_the_commit(
    api, post, django_capture_on_commit_callbacks
):
    """A reader who read the old stamp while a change committed cannot keep the old page."""
    CommentFactory(post=post)
    waiting = CommentFactory(post=post, status=Status.PENDING)
    url = "/api/v1/posts/hello-world/comments/"
    assert len(api.get(url).json()["results"]) == 1
    key = stamps.stamp_key(post.slug)
    old_record = cache.get(key)
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=waiting, to=Status.APPROVED, actor_label="test")
        cache.add(key, old_record, 10)  # a reader filling the record before the commit
    cache.add(key, old_record, 10)  # and one that read the database before, added after
    assert [c["id"] for c in api.get(url).json()["results"]][-1] == waiting.pk


def test_a_post_taken_back_to_draft_or_renamed_has_no_thread_at_once(api, post):
    """Saving a post forgets its cached stamp: a draft, or its old slug, answers 404 at once."""
    CommentFactory(post=post)
    assert api.get("/api/v1/posts/hello-world/comments/").status_code == 200
    post.slug = "renamed"
    post.save()
    assert api.get("/api/v1/posts/hello-world/comments/").status_code == 404
    assert api.get("/api/v1/posts/renamed/comments/").status_code == 200
    post.is_draft = True
    post.save()
    assert api.get("/api/v1/posts/renamed/comments/").status_code == 404


def test_page_queries_stay_the_same_however_many_comments_the_table_holds(api, post):
    """A 100-comment thread's page costs the same queries beside 100 or 3,000 other rows."""
    bulk_thread(post, 100, "a")
    url = "/api/v1/posts/hello-world/comments/?page_size=100"
    few, _ = read(api, url)
    bulk_thread(PostFactory(slug="busy"), 3000, "b")
    Post.objects.filter(pk=post.pk).update(comments_changed_at=post.comments_changed_at)
    many, answer = read(api, url + "&again=1")  # another address: rendered afresh
    assert few == 2  # the post's stamp, then the page
    assert many == 1  # the page (the stamp is cached)
    assert len(answer.json()["results"]) == 100


def test_a_long_thread_pages_by_cursor_in_constant_queries(api, post):
    """Every page of a 1,000-comment thread, first to last, costs the same one query."""
    bulk_thread(post, 1000, "a")
    url, costs, seen = "/api/v1/posts/hello-world/comments/?page_size=200", [], 0
    while url:
        cost, answer = read(api, url)
        costs.append(cost)
        seen += len(answer.json()["results"])
        url = answer.json()["next"]
    assert seen == 1000
    assert costs[0] == 2  # and the post's stamp, read once
    assert set(costs[1:]) == {1}


def test_the_browsable_api_is_rendered_apart_from_the_json_pages(api, post):
    """A browser asking for HTML gets the browsable page; JSON readers still get JSON."""
    CommentFactory(post=post)
    url = "/api/v1/posts/hello-world/comments/"
    html = api.get(url, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert api.get(url).json()["results"]
    assert api.get(url, HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")
