"""The blog's own post page: a server-rendered thread that the widget enhances in place."""

from typing import Any

import pytest

from comments.models import Status
from tests.factories import CommentFactory, PostFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread(transactional_db: None) -> list[Any]:
    """A post with a comment, a reply to it, a second comment, and someone's pending one."""
    post = PostFactory(slug="hello-world", title="Hello, world")
    first = CommentFactory(post=post, author_name="Ada", body_html="<p>First thoughts.</p>")
    reply = CommentFactory(post=post, parent=first, author_name="Bob", body_html="<p>A reply.</p>")
    second = CommentFactory(post=post, author_name="Cy", body_html="<p>Later thoughts.</p>")
    CommentFactory(
        post=post, author_name="Mallory", status=Status.PENDING, body_html="<p>Not yet.</p>"
    )
    return [first, reply, second]


def test_thread_is_readable_without_javascript(browser, thread, live_server):
    """With JavaScript off, the post page still shows the approved thread in order."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/posts/hello-world/")
        comments = page.locator("#comments article.comment")
        expect(comments).to_have_count(3)
        expect(comments.locator(".comment-body")).to_have_text(
            ["First thoughts.", "A reply.", "Later thoughts."]
        )
        expect(page.locator("#comments h2")).to_have_text("3 comments")
        expect(page.get_by_text("Not yet.")).to_have_count(0)
    finally:
        context.close()


def test_widget_replaces_the_server_thread_once_and_takes_comments(
    browser, thread, live_server, settings
):
    """With JavaScript, the widget's thread replaces the server's (no duplicates) under the CSP."""
    settings.COMMENTS = {**settings.COMMENTS, "FORM_MIN_SECONDS": 0}
    context = browser.new_context()
    violations: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        page.goto(f"{live_server.url}/posts/hello-world/#tk-comment-{thread[2].pk}")
        expect(page.locator("#comments")).to_have_attribute("data-tk-state", "ready")
        expect(page.locator("#comments article.comment")).to_have_count(0)
        items = page.locator("li[data-comment-id]")
        expect(items).to_have_count(3)
        expect(page.locator(f"#tk-comment-{thread[0].pk} > .tk-replies > li")).to_have_count(1)
        expect(page.locator("#comments h2").first).to_have_text("3 comments")
        expect(page.locator(f"#tk-comment-{thread[2].pk}")).to_be_in_viewport()

        form = page.locator("form.tk-form").first
        form.get_by_label("Name").fill("Dee")
        form.get_by_label("E-mail").fill("dee@example.org")
        form.get_by_label("Comment").fill("Posted from the blog itself.")
        form.get_by_role("button", name="Post comment").click()
        expect(page.locator("li.tk-pending")).to_contain_text("Posted from the blog itself.")
        assert violations == []
    finally:
        context.close()
