"""Atom feeds of approved comments: site-wide and per post, linked from post pages."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from comments.models import Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, path: str) -> list[dict[str, str]]:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(answer.content)  # noqa: S314 - our own feed
    return [
        {
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "author": e.findtext(f"{ATOM}author/{ATOM}name"),
            "summary": e.findtext(f"{ATOM}summary"),
        }
        for e in feed.iter(f"{ATOM}entry")
    ]


@pytest.fixture
def thread(post):
    """One approved comment, and one of every other status, with e-mails and IPs."""
    approved = CommentFactory(
        post=post,
        author_name="Ann",
        author_email="ann@example.org",
        ip_address="198.51.100.7",
        body_html="<p>Approved words</p>",
    )
    for status in (Status.PENDING, Status.REJECTED, Status.SPAM, Status.REMOVED):
        CommentFactory(post=post, status=status, body_html=f"<p>{status} words</p>")
    return approved


def test_the_post_feed_lists_only_approved_comments(client, thread):
    """Pending, rejected, spam and removed comments never appear in a feed."""
    got = entries(client, "/feeds/posts/hello-world/comments/")
    assert [e["title"] for e in got] == ["Ann on Hello, world"]
    assert got[0]["link"].endswith(f"/posts/hello-world/#tk-comment-{thread.pk}")
    assert got[0]["summary"] == "<p>Approved words</p>"
    assert got[0]["author"] == "Ann"


def test_feeds_carry_no_email_or_ip(client, thread):
    """Neither feed contains an author's e-mail address or IP."""
    for path in ("/feeds/comments/", "/feeds/posts/hello-world/comments/"):
        text = client.get(path).content.decode()
        assert "ann@example.org" not in text
        assert "198.51.100.7" not in text
        assert "pending words" not in text


def test_the_site_feed_covers_every_published_post_newest_first(client, thread):
    """The site-wide feed has approved comments of all published posts, newest first."""
    other = PostFactory(slug="second", title="Second")
    newer = CommentFactory(post=other, author_name="Bo")
    draft = PostFactory(slug="draft", is_draft=True)
    CommentFactory(post=draft, author_name="Hidden")
    got = entries(client, "/feeds/comments/")
    assert [e["title"] for e in got] == ["Bo on Second", "Ann on Hello, world"]
    assert newer.created_at >= thread.created_at


def test_a_feed_for_an_unknown_or_unpublished_post_is_404(client):
    """Unknown slugs, drafts and posts scheduled for later have no feed."""
    PostFactory(slug="draft", is_draft=True)
    PostFactory(slug="later", published_at=timezone.now() + timedelta(days=1))
    for slug in ("nope", "draft", "later"):
        assert client.get(f"/feeds/posts/{slug}/comments/").status_code == 404


def test_post_pages_link_their_comment_feed(client, post):
    """A post page announces its own Atom feed and the site-wide one in its head."""
    page = client.get("/posts/hello-world/").content.decode()
    head = page.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Comments on Hello, world" '
        'href="/feeds/posts/hello-world/comments/">'
    ) in head
    assert 'type="application/atom+xml" title="Latest comments" href="/feeds/comments/"' in head
