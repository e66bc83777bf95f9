"""GET /api/v1/posts/{slug}/comments/: the approved thread, in order, paged, cheap to read."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, Status
from comments.services import comment_set_status
from tests.contract import PUBLIC_COMMENT_FIELDS
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def thread_url(slug: str = "hello-world", **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/posts/{slug}/comments/" + (f"?{query}" if query else "")


def build_thread(post, size: int) -> list[Comment]:
    """Create `size` approved comments: every third one replies to the one before it."""
    made: list[Comment] = []
    for i in range(size):
        parent = made[-1] if i % 3 and made and made[-1].depth < 4 else None
        made.append(CommentFactory(post=post, parent=parent, body_html=f"<p>c{i}</p>"))
    return made


def read_all(api, url: str) -> tuple[list[dict], int]:
    """Follow `next` links from `url`; return every item and the number of pages read."""
    items, pages = [], 0
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        items += body["results"]
        pages += 1
        url = body["next"]
    return items, pages


def test_the_thread_lists_approved_comments_with_exactly_the_public_fields(api, post):
    """Each item carries the nine public fields and nothing else."""
    comment = CommentFactory(
        post=post, author_name="Ann", author_url="https://ann.example", body_html="<p>Hi</p>"
    )
    answer = api.get(thread_url())
    assert answer.status_code == 200
    [item] = answer.json()["results"]
    assert set(item) == PUBLIC_COMMENT_FIELDS
    assert item["id"] == comment.pk
    assert item["parent"] is None
    assert item["depth"] == 0
    assert item["author_name"] == "Ann"
    assert item["author_url"] == "https://ann.example"
    assert item["body_html"] == "<p>Hi</p>"
    assert item["edited_at"] is None
    assert item["avatar_url"].startswith("http://testserver/api/v1/avatars/")
    assert item["avatar_url"].endswith(".svg")


def test_the_thread_never_shows_private_data_or_unapproved_comments(api, post):
    """E-mail, IP, user agent and score stay out, and only approved comments are listed."""
    shown = CommentFactory(
        post=post,
        author_email="secret.ann@example.org",
        ip_address="198.51.100.77",
        user_agent="SecretBrowser/9.9",
        spam_score=0.1234,
        spam_reasons=["a private reason"],
    )
    for status in (Status.PENDING, Status.REJECTED, Status.SPAM, Status.REMOVED):
        CommentFactory(post=post, status=status, body_html=f"<p>hidden {status}</p>")
    CommentFactory(post=PostFactory(), body_html="<p>other post</p>")
    answer = api.get(thread_url())
    assert [c["id"] for c in answer.json()["results"]] == [shown.pk]
    raw = answer.content.decode()
    for private in (
        "secret.ann",
        "198.51.100",
        "SecretBrowser",
        "0.1234",
        "private reason",
        "hidden",
        "other post",
        "spam_score",
        "author_email",
        "ip_address",
    ):
        assert private not in raw


def test_replies_come_right_after_their_parent_across_pages(api, post):
    """Paged with the default size, the whole thread reads parent before every reply."""
    made = build_thread(post, 120)
    items, pages = read_all(api, thread_url())
    assert pages == 3
    assert [c["id"] for c in items] == [c.pk for c in sorted(made, key=lambda c: c.thread_path)]
    seen: set[int] = set()
    for item in items:
        assert item["parent"] is None or item["parent"] in seen
        seen.add(item["id"])
    assert any(item["depth"] > 0 for item in items)


def test_a_reply_written_later_still_sits_under_its_parent(api, post):
    """A late reply to the first comment is listed before the second top-level comment."""
    first = CommentFactory(post=post)
    second = CommentFactory(post=post)
    late_reply = CommentFactory(post=post, parent=first)
    ids = [c["id"] for c in api.get(thread_url()).json()["results"]]
    assert ids == [first.pk, late_reply.pk, second.pk]


def test_pages_hold_fifty_by_default_and_link_with_a_cursor(api, post):
    """The first page has 50 items, a `next` link with ?cursor=, and no `previous`."""
    build_thread(post, 60)
    body = api.get(thread_url()).json()
    assert set(body) == {"next", "previous", "results"}
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert "cursor" in parse_qs(urlparse(body["next"]).query)
    second = api.get(body["next"]).json()
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert second["previous"]


@pytest.mark.parametrize(
    ("asked", "given"), [(1, 1), (7, 7), (200, 200), (500, 200), (10**23, 200)]
)
def test_page_size_is_honoured_up_to_two_hundred(api, post, asked, given):
    """`?page_size=` sets the page length, capped at 200."""
    Comment.objects.bulk_create(
        Comment(
            post=post,
            thread_path=f"{i:010d}",
            author_name="R",
            author_email="r@example.org",
            body_source="x",
            body_html="<p>x</p>",
            status=Status.APPROVED,
        )
        for i in range(1, 211)
    )
    body = api.get(thread_url(page_size=asked)).json()
    assert len(body["results"]) == given


@pytest.mark.parametrize("bad", ["abc", "-5", "0", "1e9", ""])
def test_a_nonsense_page_size_falls_back_to_the_default(api, post, bad):
    """A page size that is not a positive number is ignored, as DRF does."""
    build_thread(post, 55)
    answer = api.get(thread_url(page_size=bad))
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 50


@pytest.mark.parametrize("cursor", ["garbage", "x" * 2000])
def test_a_forged_cursor_is_a_404_not_an_error(api, post, cursor):
    """A cursor that DRF did not issue gets its usual 404 'Invalid cursor'."""
    build_thread(post, 3)
    answer = api.get(thread_url(cursor=cursor))
    assert answer.status_code == 404
    assert "cursor" in answer.json()["detail"].lower()


@pytest.mark.parametrize(
    "cursor", ["!!!", "cD0x", "cj0x", "cD1hYmM%3D%3D%3D", "bz05OTk5OTk5OTk5OTk5OTk5OTk5OTk5"]
)
def test_odd_but_decodable_cursors_never_fail(api, post, cursor):
    """Cursors that decode to odd positions give a page or a 404, never a server error."""
    build_thread(post, 3)
    assert api.get(thread_url(cursor=cursor)).status_code in {200, 404}


def count_queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = api.get(url)
    assert answer.status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_for_a_small_and_a_large_thread(api):
    """Reading a page takes a constant number of queries, whatever the thread's size."""
    small, large = PostFactory(slug="small"), PostFactory(slug="large")
    build_thread(small, 3)
    build_thread(large, 120)
    small_count = count_queries(api, thread_url("small"))
    large_count = count_queries(api, thread_url("large"))
    next_page = api.get(thread_url("large")).json()["next"]
    assert small_count == large_count
    assert count_queries(api, next_page) <= large_count  # the post's stamp is cached by then
    assert large_count <= 3


def test_an_unchanged_thread_answers_304_to_its_etag(api, post):
    """A conditional GET with the last ETag gets 304 and no body."""
    CommentFactory(post=post)
    first = api.get(thread_url())
    etag = first["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    again = api.get(thread_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(thread_url(), HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304


def test_the_etag_changes_when_a_comment_is_approved(api, post):
    """Approving a comment gives the thread a new ETag, and the old one gets a full answer."""
    waiting = CommentFactory(post=post, status=Status.PENDING)
    post.__class__.objects.filter(pk=post.pk).update(
        comments_changed_at=timezone.now() - timedelta(seconds=5)
    )
    etag = api.get(thread_url())["ETag"]
    comment_set_status(comment=waiting, to=Status.APPROVED, actor_label="test")
    answer = api.get(thread_url(), HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200
    assert answer["ETag"] != etag
    assert [c["id"] for c in answer.json()["results"]] == [waiting.pk]


def test_each_page_has_its_own_etag(api, post):
    """Different pages of the same thread do not share an ETag."""
    build_thread(post, 8)
    assert api.get(thread_url(page_size=2))["ETag"] != api.get(thread_url(page_size=3))["ETag"]


def test_an_empty_thread_is_an_empty_page(api, post):
    """A post without approved comments lists nothing, with no next page."""
    assert api.get(thread_url()).json() == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "hidden",
    [
        {"is_draft": True},
        {"published_at": timezone.now() + timedelta(days=3)},
    ],
)
def test_threads_of_drafts_and_scheduled_posts_are_not_found(api, hidden):
    """Drafts and posts not yet published have no public thread: 404."""
    PostFactory(slug="secret", **hidden)
    assert api.get(thread_url("secret")).status_code == 404


def test_an_unknown_post_has_no_thread(api, db):
    """A slug that names no post answers 404."""
    answer = api.get(thread_url("no-such-post"))
    assert answer.status_code == 404
    assert "detail" in answer.json()


def test_a_closed_post_still_shows_its_thread(api):
    """Closing comments stops new ones; the approved thread stays readable."""
    post = PostFactory(slug="closed", comments_enabled=False)
    comment = CommentFactory(post=post)
    assert [c["id"] for c in api.get(thread_url("closed")).json()["results"]] == [comment.pk]
