"""The widget's editor (editor.js, editor.css) arrives only when a reader first needs it."""

from typing import Any

import pytest

from tests.browser.conftest import embed_page
from tests.browser.test_widget import fill_form, open_thread, strict_csp
from tests.factories import CommentFactory, PostFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = "/static/comments/editor."


def editor_requests(page: Any) -> list[str]:
    """Collect the URLs of every request for editor.js or editor.css the page makes."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if EDITOR in r.url else None)
    return seen


def test_the_editor_is_fetched_once_and_only_when_the_reader_touches_the_form(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Reading fetches no editor; the first click into the form does, once, and all of it works."""
    CommentFactory(post=blog_post, author_name="Ola", body_html="<p>Hi.</p>")
    seen = editor_requests(page)
    open_thread(page, host_site.add("/lazy/", embed_page(api_origin)))
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 600)
    assert seen == []

    form = page.locator("form.tk-form").first
    with page.expect_request(f"**{EDITOR}js*"):
        form.get_by_label("Name").click()
    fill_form(form, name="Lu", email="lu@example.org", body="Lazy **but** complete.")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".tk-preview strong")).to_have_text("but")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending")).to_contain_text("Lazy but complete.")
    page.get_by_role("button", name="Reply").first.click()
    expect(page.locator("form.tk-reply-form")).to_have_attribute("aria-label", "Reply to Ola")
    fetched = sorted(url.split("?")[0].rsplit("/", 1)[1] for url in seen)
    assert fetched == ["editor.css", "editor.js"]


def test_what_is_typed_before_the_editor_arrives_is_kept_and_sent(
    page, blog_post, widget_settings, host_site, api_origin
):
    """A reader who types and presses Post before the editor has loaded loses nothing."""
    held: list[Any] = []
    page.route(f"**{EDITOR}js*", lambda route: held.append(route))
    open_thread(page, host_site.add("/slow-editor/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    fill_form(form, name="Kai", email="kai@example.org", body="Typed while it loaded.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending")).to_have_count(0)

    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("li.tk-pending")).to_contain_text("Typed while it loaded.")
    expect(form.locator(".tk-status")).to_have_text("Thanks! Your comment is awaiting moderation.")


def test_a_failed_editor_load_says_so_and_retry_brings_it(
    page, blog_post, widget_settings, host_site, api_origin
):
    """If editor.js cannot be fetched the form says so with Retry; the text stays; Retry works."""
    page.route(f"**{EDITOR}js*", lambda route: route.abort())
    open_thread(page, host_site.add("/no-editor/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    fill_form(form, name="Bo", email="bo@example.org", body="Still here after the outage.")
    form.get_by_role("button", name="Post comment").click()
    status = form.locator(".tk-status.tk-is-error")
    expect(status).to_contain_text("Could not load the comment form.")
    expect(form.get_by_label("Comment")).to_have_value("Still here after the outage.")

    page.unroute(f"**{EDITOR}js*")
    retry = status.get_by_role("button", name="Retry")
    retry.dispatch_event("pointerdown")  # a slow press: the button must outlast it
    page.wait_for_timeout(500)
    retry.click()
    expect(page.locator("li.tk-pending")).to_contain_text("Still here after the outage.")
    expect(form.locator(".tk-status.tk-is-error")).to_have_count(0)


def test_a_failed_editor_load_under_a_comment_offers_retry_too(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Reply never becomes a dead button: a failed load is said under the comment, with Retry."""
    parent = CommentFactory(post=blog_post, author_name="Ola")
    page.route(f"**{EDITOR}js*", lambda route: route.abort())
    open_thread(page, host_site.add("/no-editor-reply/", embed_page(api_origin)))
    item = page.locator(f"#tk-comment-{parent.pk}")
    item.get_by_role("button", name="Reply").click()
    status = item.locator(".tk-slot > .tk-status.tk-is-error")
    expect(status).to_contain_text("Could not load the comment form.")

    page.unroute(f"**{EDITOR}js*")
    status.get_by_role("button", name="Retry").click()
    expect(item.locator("form.tk-reply-form").get_by_label("Name")).to_be_focused()


def test_the_editor_speaks_french_with_data_lang(
    page, blog_post, widget_settings, host_site, api_origin
):
    """data-lang="fr" translates what the editor shows too: checks, preview, replies."""
    CommentFactory(post=blog_post, author_name="Zoé")
    html = embed_page(api_origin).replace(
        'data-post="hello-world"', 'data-post="hello-world" data-lang="fr"'
    )
    open_thread(page, host_site.add("/fr-editor/", html, strict_csp(api_origin)))
    form = page.locator("form.tk-form").first
    form.get_by_role("button", name="Publier le commentaire").click()
    expect(form.locator(".tk-field-author_name .tk-field-error")).to_have_text(
        "Veuillez remplir ce champ."
    )
    form.get_by_label("Commentaire", exact=True).fill("Un **essai**.")
    form.get_by_role("button", name="Aperçu").click()
    expect(form.locator(".tk-preview-title")).to_have_text("Aperçu")
    page.get_by_role("button", name="Répondre").first.click()
    expect(page.locator("form.tk-reply-form")).to_have_attribute("aria-label", "Répondre à Zoé")


def test_two_threads_on_one_page_share_one_editor(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Two threads on a page: each one posts, and the editor is fetched once for both."""
    PostFactory(slug="second-post", title="Second")
    seen = editor_requests(page)
    second = '<div id="comments" data-post="second-post"></div>'
    page.goto(host_site.add("/two/", embed_page(api_origin, extra=second)))
    threads = page.locator("#comments[data-tk-state='ready']")
    expect(threads).to_have_count(2)
    for index, body in enumerate(["On the second post.", "On the first post."]):
        form = threads.nth(index).locator("form.tk-form").first
        fill_form(form, name="Di", email="di@example.org", body=body)
        form.get_by_role("button", name="Post comment").click()
        expect(threads.nth(index).locator("li.tk-pending")).to_contain_text(body)
    assert len([url for url in seen if ".js" in url]) == 1


def test_a_host_page_with_a_nonce_csp_gets_the_editor_too(
    page, blog_post, widget_settings, host_site, api_origin
):
    """With a nonce-only CSP on embed.js's tag, the editor and styles it adds carry the nonce."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    csp = {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'nonce-tk3nonce'; style-src 'nonce-tk3nonce'; "
            f"connect-src {api_origin}; img-src {api_origin} data:"
        )
    }
    html = embed_page(api_origin).replace("<script src=", '<script nonce="tk3nonce" src=')
    open_thread(page, host_site.add("/nonce/", html, csp))
    expect(page.locator(".tk-hp")).to_have_css("opacity", "0")
    form = page.locator("form.tk-form").first
    fill_form(form, name="Ny", email="ny@example.org", body="Nonce and all.")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".tk-preview")).to_have_css("border-top-style", "dashed")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending")).to_contain_text("Nonce and all.")
    assert violations == []
