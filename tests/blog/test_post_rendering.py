"""Post bodies are the author's Markdown: paragraphs, headings, images, tables, plain links."""

import importlib

import pytest
from django.apps import apps as installed_apps
from django.core.management import call_command

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BACKENDS = ["bleach", "nh3"]
HARD_WRAPPED = """\
## Why a queue

A hard-wrapped paragraph, as Hugo and Jekyll posts
are written, with [the author's own link](https://example.org/about).

![The queue](https://img.example/queue.png)

| signal | weight |
| --- | --- |
| links | 2 |

```
code < here
```
"""


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    settings.COMMENTS = {"SANITIZER": request.param}
    return request.param


def test_a_hard_wrapped_paragraph_stays_one_paragraph_without_breaks(backend):
    """A newline inside a paragraph is a space in a post, never a <br> (no nl2br)."""
    post = PostFactory(body=HARD_WRAPPED)

    assert "<br" not in post.body_html
    assert "<p>A hard-wrapped paragraph, as Hugo and Jekyll posts\nare written" in post.body_html


def test_headings_images_tables_and_code_render(backend):
    """The post profile keeps headings, images, tables and fenced code."""
    html = PostFactory(body=HARD_WRAPPED).body_html

    assert "<h2>Why a queue</h2>" in html
    assert '<img alt="The queue" src="https://img.example/queue.png">' in html
    assert "<th>signal</th>" in html
    assert "<td>links</td>" in html
    assert "<pre><code>code &lt; here\n</code></pre>" in html


def test_the_authors_links_carry_no_nofollow(backend):
    """The author's own links are plain links: no rel="nofollow ugc" on a post."""
    html = PostFactory(body=HARD_WRAPPED).body_html

    assert '<a href="https://example.org/about">the author\'s own link</a>' in html
    assert "nofollow" not in html


def test_posts_are_still_sanitized_with_the_configured_backend(backend, monkeypatch):
    """A compromised author's script never reaches the page, and the setting picks the backend."""
    from comments import sanitize

    used = []
    real = sanitize.clean_html
    monkeypatch.setattr(
        sanitize, "clean_html", lambda html, **kw: used.append(kw["backend"]) or real(html, **kw)
    )
    html = PostFactory(body="<script>alert(1)</script>[x](javascript:alert(1))").body_html

    assert used == [backend]
    assert "<script" not in html
    assert html.endswith("<p>x</p>")


def test_the_migration_renders_stored_posts_again(settings):
    """Posts stored with the comment pipeline's HTML are rendered again by the data migration."""
    post = PostFactory(body="one\ntwo [link](https://example.org/)", url="/2007/04/05/x/")
    Post.objects.filter(pk=post.pk).update(
        body_html='<p>one<br>\ntwo <a href="https://example.org/" rel="nofollow ugc">link</a></p>',
        old_path="",
    )
    migration = importlib.import_module("blog.migrations.0002_post_old_path")

    migration.render_stored_posts(installed_apps, None)

    post.refresh_from_db()
    assert post.body_html == '<p>one\ntwo <a href="https://example.org/">link</a></p>'
    assert post.old_path == "/2007/04/05/x"


def test_the_render_posts_command_renders_every_post_with_the_current_backend(settings):
    """After switching sanitizer, `render_posts` renders every stored post again."""
    post = PostFactory(body="*hi*")
    Post.objects.filter(pk=post.pk).update(body_html="<p>stale</p>")

    call_command("render_posts", stdout=None)

    post.refresh_from_db()
    assert post.body_html == "<p><em>hi</em></p>"
