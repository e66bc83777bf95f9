"""XSS in a real browser: the whole hostile corpus, approved, rendered in headless Chromium.

Every payload calls `__xss()` if it ever runs. The page gets a `window.__xss` tripwire;
dialogs, `javascript:` navigations and requests are recorded too. Each comment's elements
get mouse, pointer and focus events, so handlers that wait for a reader fire as well.
The sanitizer alone must hold (CSP bypassed), and the real CSP must hold as well.
"""

from typing import Any

import pytest

from tests.browser.conftest import embed_page
from tests.factories import PostFactory
from tests.security.xss_checks import approve_all, submit_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_URL_PREFIXES = ("javascript:", "vbscript:", "data:text/html")
COMMENT_PARTS = ".comment-body, .comment-meta, .tk-body, .tk-meta, .tk-author"

PROVOKE = """(selector) => {
  const parts = document.querySelectorAll(selector);
  const events = ["mouseover", "mouseenter", "pointerenter", "pointerover", "focus", "focusin",
                  "animationstart", "toggle", "begin"];
  const found = [];
  for (const part of parts) {
    for (const el of [part, ...part.querySelectorAll("*")]) {
      for (const type of events) el.dispatchEvent(new Event(type, {bubbles: true}));
      for (const attr of el.attributes) {
        const value = attr.value.replace(/[\\t\\n\\r]/g, "").trim().toLowerCase();
        if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}`);
        if (/^(javascript|vbscript|data):/.test(value)) found.push(`${el.tagName} ${attr.name}`);
      }
      if (/^(script|style|iframe|object|embed|svg|math|form|input|base|meta|link|img)$/i
          .test(el.tagName)) found.push(el.tagName);
    }
  }
  return {parts: parts.length, found};
}"""


@pytest.fixture(params=["bleach", "nh3"])
def hostile_thread(request: Any, transactional_db: None, widget_settings: Any) -> int:
    """The whole corpus submitted to post `xss` with one sanitizer, and approved."""
    widget_settings.COMMENTS = {
        **widget_settings.COMMENTS,
        "SANITIZER": request.param,
        "FLOOD_MAX_PER_AUTHOR": None,
    }
    PostFactory(slug="xss")
    ids = submit_corpus("xss")
    approve_all(ids)
    return len(ids)


def open_page(browser: Any, url: str, *, bypass_csp: bool, block_widget: bool = False) -> Any:
    """Open `url` with the tripwire armed; return (context, page, hits)."""
    context = browser.new_context(bypass_csp=bypass_csp)
    hits: list[str] = []
    context.expose_function("__xss", lambda *args: hits.append(f"__xss{args}"))
    if block_widget:
        context.route("**/embed.js", lambda route: route.abort())
    page = context.new_page()
    page.on("dialog", lambda dialog: (hits.append(f"dialog {dialog.message}"), dialog.dismiss()))
    page.on(
        "request",
        lambda r: (
            hits.append(f"request {r.url[:80]}")
            if r.url.lower().startswith(BAD_URL_PREFIXES)
            else None
        ),
    )
    page.on(
        "framenavigated",
        lambda f: (
            hits.append(f"navigated {f.url[:80]}")
            if f.url.lower().startswith(BAD_URL_PREFIXES)
            else None
        ),
    )
    page.goto(url)
    return context, page, hits


def load_whole_widget_thread(page: Any, expected: int) -> None:
    """Wait for the widget, then press "Load more" until every comment is shown."""
    page.wait_for_selector("#comments[data-tk-state=ready]", timeout=15_000)
    for _ in range(20):
        more = page.locator(".tk-more:not([disabled])")
        if page.locator(".tk-comment").count() >= expected or more.count() == 0:
            break
        shown = page.locator(".tk-comment").count()
        more.first.click()
        page.wait_for_function(
            "n => document.querySelectorAll('.tk-comment').length > n", arg=shown, timeout=15_000
        )
    assert page.locator(".tk-comment").count() == expected


def assert_nothing_ran(page: Any, hits: list[str]) -> None:
    """Provoke every comment element, wait for late handlers, and check the tripwire."""
    result = page.evaluate(PROVOKE, COMMENT_PARTS)
    assert result["parts"] > 0
    page.wait_for_timeout(1500)  # onerror/onload of failed loads, animations, timers
    assert result["found"] == []
    assert hits == []
    assert page.evaluate("() => location.protocol") == "http:"


def test_server_rendered_thread_runs_no_payload_without_csp(
    browser: Any, hostile_thread: int, live_server: Any
) -> None:
    """The blog's own thread (widget blocked, CSP bypassed): the sanitizer alone holds."""
    context, page, hits = open_page(
        browser, f"{live_server.url}/posts/xss/", bypass_csp=True, block_widget=True
    )
    try:
        assert page.locator("#comments article.comment").count() == hostile_thread
        assert_nothing_ran(page, hits)
    finally:
        context.close()


def test_widget_on_the_blog_page_runs_no_payload_under_csp(
    browser: Any, hostile_thread: int, live_server: Any
) -> None:
    """The widget's thread on the post page, with the real Content-Security-Policy."""
    context, page, hits = open_page(browser, f"{live_server.url}/posts/xss/", bypass_csp=False)
    try:
        load_whole_widget_thread(page, hostile_thread)
        assert_nothing_ran(page, hits)
    finally:
        context.close()


def test_widget_on_another_site_runs_no_payload(
    browser: Any, hostile_thread: int, live_server: Any, host_site: Any
) -> None:
    """The widget embedded on a blog with no CSP at all: only the sanitized HTML protects it."""
    url = host_site.add("/xss.html", embed_page(live_server.url, slug="xss"))
    context, page, hits = open_page(browser, url, bypass_csp=True)
    try:
        load_whole_widget_thread(page, hostile_thread)
        assert_nothing_ran(page, hits)
    finally:
        context.close()


def test_the_tripwire_catches_a_planted_payload_and_the_csp_blocks_it(
    browser: Any, live_server: Any, transactional_db: None
) -> None:
    """HTML that skipped the sanitizer trips the wire; the real CSP alone still stops it."""
    from tests.factories import CommentFactory

    post = PostFactory(slug="planted")
    CommentFactory(post=post, body_html="<p><img src=x onerror=__xss()>planted</p>")
    url = f"{live_server.url}/posts/planted/"
    context, page, hits = open_page(browser, url, bypass_csp=True, block_widget=True)
    try:
        page.wait_for_timeout(1500)
        assert hits
    finally:
        context.close()
    context, page, hits = open_page(browser, url, bypass_csp=False, block_widget=True)
    try:
        page.wait_for_timeout(1500)
        assert hits == []
    finally:
        context.close()
