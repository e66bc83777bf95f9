"""Post list and post pages: published posts, the approved thread readable without JS."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_published_posts_only(client):
    """Drafts and posts scheduled for later are not listed."""
    PostFactory(title="Live post")
    PostFactory(title="Draft post", is_draft=True)
    PostFactory(title="Future post", published_at=timezone.now() + timedelta(days=2))

    html = page(client, "/")

    assert "Live post" in html
    assert "Draft post" not in html
    assert "Future post" not in html


def test_the_list_shows_approved_comment_counts_without_js(client, post):
    """Each post shows its approved-comment count, which the widget may refresh."""
    CommentFactory(post=post)
    CommentFactory(post=post)
    CommentFactory(post=post, status=Status.SPAM)

    html = page(client, "/")

    assert '<span data-comment-count="hello-world">2 comments</span>' in html


def test_drafts_future_and_unknown_posts_are_404(client):
    """A reader cannot open a draft, a scheduled post or a slug that does not exist."""
    PostFactory(slug="draft", is_draft=True)
    PostFactory(slug="later", published_at=timezone.now() + timedelta(days=1))

    for slug in ("draft", "later", "nope"):
        assert client.get(f"/posts/{slug}/").status_code == 404


def test_the_post_page_shows_only_approved_comments(client, post):
    """Pending, rejected, spam and removed comments never reach the page."""
    CommentFactory(post=post, body_html="<p>Approved words</p>")
    for status in (Status.PENDING, Status.REJECTED, Status.SPAM, Status.REMOVED):
        CommentFactory(post=post, status=status, body_html=f"<p>{status} words</p>")

    html = page(client, "/posts/hello-world/")

    assert "Approved words" in html
    assert "1 comment<" in html
    for status in ("pending", "rejected", "spam", "removed"):
        assert f"{status} words" not in html


def test_replies_follow_their_parent_and_are_indented(client, post):
    """The thread reads in order: a reply right after its parent, one level deeper."""
    first = CommentFactory(post=post, body_html="<p>first</p>")
    second = CommentFactory(post=post, body_html="<p>second</p>")
    CommentFactory(post=post, parent=first, body_html="<p>reply to first</p>")

    html = page(client, "/posts/hello-world/")

    order = re.findall(r"<p>(first|second|reply to first)</p>", html)
    assert order == ["first", "reply to first", "second"]
    assert re.search(r'class="comment depth-1" id="tk-comment-\d+"', html)
    assert f'id="tk-comment-{second.pk}"' in html


def test_author_names_and_links_are_escaped(client, post):
    """An author name is text: markup in it is shown, never run."""
    CommentFactory(
        post=post,
        author_name='<script>alert("x")</script>',
        author_url='https://example.org/"onmouseover="x',
    )

    html = page(client, "/posts/hello-world/")

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '"onmouseover="' not in html


def test_the_page_holds_the_widget_placeholder_and_script(client, post):
    """The widget finds #comments with the post's slug and its script from our origin."""
    html = page(client, "/posts/hello-world/")

    assert '<div id="comments" data-post="hello-world">' in html
    assert '<script src="/static/comments/embed.js" data-api="http://testserver" async>' in html


def test_the_page_needs_no_inline_script_or_style_under_its_csp(client, post):
    """The strict Content-Security-Policy holds: no inline scripts, styles or handlers."""
    CommentFactory(post=post)
    response = client.get("/posts/hello-world/")
    html = response.content.decode()

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None


def test_closed_and_disabled_comments_say_so(client):
    """A post whose comments are off, or closed by age, tells the reader."""
    PostFactory(slug="off", comments_enabled=False)
    PostFactory(
        slug="aged", published_at=timezone.now() - timedelta(days=9), close_comments_after_days=5
    )
    PostFactory(slug="open")

    assert "Comments are closed." in page(client, "/posts/off/")
    assert "Comments are closed." in page(client, "/posts/aged/")
    assert "Comments are closed." not in page(client, "/posts/open/")


def test_a_post_without_comments_says_so(client, post):
    """An empty thread reads 'No comments yet.' rather than an empty box."""
    assert "No comments yet." in page(client, "/posts/hello-world/")


def test_browsers_find_the_site_icon(client):
    """/favicon.ico is a real icon, cached, and pages link the same icon: no 404 per page."""
    icon = client.get("/favicon.ico")

    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age" in icon["Cache-Control"]
    linked = re.search(r'<link rel="icon" href="([^"]+)">', page(client, "/"))
    assert linked
    assert client.get(linked[1]).status_code == 200
