"""What a thread read costs: one query for an unchanged page, the same whatever the table holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
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


def test_an_unchanged_page_is_answered_with_one_query(api, post):
    """The second read of an unchanged page reads only the post's change stamp."""
    bulk_thread(post, 30, "a")
    url = "/api/v1/posts/hello-world/comments/"
    first_cost, first = read(api, url)
    second_cost, second = read(api, url)
    assert first_cost == 2
    assert second_cost == 1
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"] == "application/json"


def test_a_conditional_read_answers_from_the_stamp_in_one_query(api, post):
    """A 304 costs one query: the change stamp, never the comments."""
    bulk_thread(post, 5, "a")
    etag = api.get("/api/v1/posts/hello-world/comments/")["ETag"]
    cost, answer = read(api, "/api/v1/posts/hello-world/comments/", HTTP_IF_NONE_MATCH=etag)
    assert (answer.status_code, cost) == (304, 1)


def test_a_newly_approved_comment_shows_on_the_very_next_read(api, post):
    """A status change moves the post's stamp, so no reader is served the old page."""
    CommentFactory(post=post)
    waiting = CommentFactory(post=post, status=Status.PENDING)
    url = "/api/v1/posts/hello-world/comments/"
    assert len(api.get(url).json()["results"]) == 1
    comment_set_status(comment=waiting, to=Status.APPROVED, actor_label="test")
    assert [c["id"] for c in api.get(url).json()["results"]][-1] == waiting.pk


def test_page_queries_stay_the_same_however_many_comments_the_table_holds(api, post):
    """A 100-comment thread's page costs the same queries beside 100 or 3,000 other rows."""
    bulk_thread(post, 100, "a")
    url = "/api/v1/posts/hello-world/comments/?page_size=100"
    few, _ = read(api, url)
    bulk_thread(PostFactory(slug="busy"), 3000, "b")
    Post.objects.filter(pk=post.pk).update(comments_changed_at=post.comments_changed_at)
    many, answer = read(api, url + "&again=1")  # another address: rendered afresh
    assert few == many == 2
    assert len(answer.json()["results"]) == 100


def test_a_long_thread_pages_by_cursor_in_constant_queries(api, post):
    """Every page of a 1,000-comment thread, first to last, costs the same two queries."""
    bulk_thread(post, 1000, "a")
    url, costs, seen = "/api/v1/posts/hello-world/comments/?page_size=200", [], 0
    while url:
        cost, answer = read(api, url)
        costs.append(cost)
        seen += len(answer.json()["results"])
        url = answer.json()["next"]
    assert seen == 1000
    assert set(costs) == {2}


def test_the_browsable_api_is_rendered_apart_from_the_json_pages(api, post):
    """A browser asking for HTML gets the browsable page; JSON readers still get JSON."""
    CommentFactory(post=post)
    url = "/api/v1/posts/hello-world/comments/"
    html = api.get(url, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert api.get(url).json()["results"]
    assert api.get(url, HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")
