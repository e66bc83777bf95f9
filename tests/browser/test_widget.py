"""The embeddable widget in headless Chromium, on a host page from another origin."""

import re
from typing import Any

import pytest

from comments.models import Comment, Status
from tests.browser.conftest import SCREENSHOTS, call_api, embed_page
from tests.factories import CommentFactory, PostFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_thread(page: Any, url: str) -> None:
    page.goto(url)
    expect(page.locator("#comments")).to_have_attribute("data-tk-state", "ready")


def test_thread_renders_replies_under_their_parents_in_order(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Approved comments appear in thread order, replies nested under their parent."""
    a = CommentFactory(post=blog_post, author_name="Ada", body_html="<p>First!</p>")
    a1 = CommentFactory(post=blog_post, parent=a, author_name="Bob")
    a1a = CommentFactory(post=blog_post, parent=a1, author_name="Cy")
    b = CommentFactory(post=blog_post, author_name="Dee")
    a2 = CommentFactory(post=blog_post, parent=a, author_name="Eve")
    CommentFactory(post=blog_post, author_name="Mallory", status=Status.PENDING)
    open_thread(page, host_site.add("/thread/", embed_page(api_origin)))

    ids = page.locator("li[data-comment-id]").evaluate_all(
        "els => els.map(e => Number(e.dataset.commentId))"
    )
    assert ids == [a.pk, a1.pk, a1a.pk, a2.pk, b.pk]
    replies_of_a = page.locator(f"#tk-comment-{a.pk} > .tk-replies > li")
    expect(replies_of_a).to_have_count(2)
    expect(page.locator(".tk-heading")).to_have_text("5 comments")
    expect(page.get_by_text("Mallory")).to_have_count(0)


def fill_form(form: Any, *, name: str, email: str, body: str, url: str = "") -> None:
    form.get_by_label("Name").fill(name)
    form.get_by_label("E-mail").fill(email)
    if url:
        form.get_by_label("Website").fill(url)
    form.get_by_label("Comment").fill(body)


def test_reader_posts_sees_pending_then_approved_replies_edits_and_deletes(
    page, blog_post, widget_settings, host_site, api_origin, moderator_token
):
    """A reader's comment shows as pending, then approved after moderation; reply, edit, delete."""
    url = host_site.add("/flow/", embed_page(api_origin))
    open_thread(page, url)
    form = page.locator("form.tk-form").first
    fill_form(form, name="Grace", email="grace@example.org", body="Hello **there**")
    form.get_by_role("button", name="Post comment").click()

    mine = page.locator("li.tk-pending.tk-own")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Awaiting moderation")
    expect(mine.locator(".tk-main > .tk-body strong")).to_have_text("there")
    expect(form.locator(".tk-status")).to_have_text("Thanks! Your comment is awaiting moderation.")
    comment_id = int(mine.get_attribute("data-comment-id"))
    # The widget's form token and empty honeypot passed the server's bot checks.
    assert Comment.objects.get(pk=comment_id).status == Status.PENDING

    page.reload()
    expect(page.locator(f"li.tk-pending[data-comment-id='{comment_id}']")).to_be_visible()

    status, _ = call_api(
        f"{api_origin}/api/v1/moderation/comments/{comment_id}/approve/",
        method="POST",
        token=moderator_token,
    )
    assert status == 200
    page.reload()
    approved = page.locator(f"li[data-comment-id='{comment_id}']")
    expect(approved).not_to_have_class(re.compile(r"tk-pending"))
    expect(approved).not_to_contain_text("Awaiting moderation")
    expect(page.locator(".tk-heading")).to_have_text("1 comment")
    expect(approved.locator(".tk-left")).to_contain_text(re.compile(r"edit for \d+ more minutes"))

    approved.get_by_role("button", name="Reply").click()
    reply_form = approved.locator("form.tk-reply-form")
    expect(reply_form.get_by_label("Name")).to_be_focused()
    fill_form(reply_form, name="Grace", email="grace@example.org", body="Answering myself.")
    reply_form.get_by_role("button", name="Post reply").click()
    reply = approved.locator(".tk-replies > li.tk-pending")
    expect(reply).to_contain_text("Answering myself.")

    reply.locator(".tk-actions").get_by_role("button", name="Edit").first.click()
    edit_form = reply.locator("form.tk-edit-form")
    edit_form.get_by_label("Comment").fill("Answering myself, better.")
    edit_form.get_by_role("button", name="Save changes").click()
    expect(reply.locator(".tk-main > .tk-body")).to_have_text("Answering myself, better.")
    expect(reply.locator(".tk-edited")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    reply.locator(".tk-actions").get_by_role("button", name="Delete").first.click()
    expect(reply).to_have_count(0)
    page.reload()
    expect(page.locator(f"li[data-comment-id='{comment_id}']")).to_be_visible()
    expect(page.locator("li[data-comment-id]")).to_have_count(1)


def test_server_field_error_is_shown_in_words_next_to_the_field(
    page, blog_post, widget_settings, host_site, api_origin
):
    """A 400 from the server marks the field at fault with its message; nothing typed is lost."""
    widget_settings.COMMENTS = {**widget_settings.COMMENTS, "MAX_BODY_LENGTH": 20}
    open_thread(page, host_site.add("/bad-input/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    body = "This comment is far longer than twenty characters."
    fill_form(form, name="Hal", email="hal@example.org", body=body, url="javascript:alert(1)")
    form.get_by_role("button", name="Post comment").click()

    expect(form.locator(".tk-field-author_url").locator(".tk-field-error")).to_have_text(
        "Enter a web address starting with http:// or https://."
    )
    expect(form.locator(".tk-field-body .tk-field-error")).to_contain_text(
        "no more than 20 characters"
    )
    expect(form.get_by_label("Comment")).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".tk-status.tk-is-error")).to_have_text("Please check the marked fields.")
    expect(form.get_by_label("Comment")).to_have_value(body)
    expect(page.locator("li[data-comment-id]")).to_have_count(0)


def test_closed_comments_answer_is_shown_in_words(
    page, blog_post, widget_settings, host_site, api_origin, moderator_token
):
    """A 403 (comments closed after the form was shown) says the comments are closed."""
    open_thread(page, host_site.add("/closing/", embed_page(api_origin)))
    status, _ = call_api(
        f"{api_origin}/api/v1/posts/{blog_post.slug}/",
        method="PATCH",
        token=moderator_token,
        data={"comments_enabled": False},
    )
    assert status == 200
    form = page.locator("form.tk-form").first
    fill_form(form, name="Ivy", email="ivy@example.org", body="Am I too late?")
    form.get_by_role("button", name="Post comment").click()

    expect(form.locator(".tk-status.tk-is-error")).to_have_text("Comments are closed on this post.")
    expect(form.get_by_label("Comment")).to_have_value("Am I too late?")
    page.reload()
    expect(page.locator(".tk-notice")).to_have_text("Comments are closed on this post.")
    expect(page.locator("form.tk-form")).to_have_count(0)


def test_rate_limit_says_how_long_to_wait(page, blog_post, widget_settings, host_site, api_origin):
    """A 429 tells the reader to slow down and for how many seconds."""
    widget_settings.COMMENTS = {**widget_settings.COMMENTS, "SUBMIT_RATE": "1/min"}
    open_thread(page, host_site.add("/busy/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    fill_form(form, name="Jo", email="jo@example.org", body="One.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending")).to_have_count(1)
    form.get_by_label("Comment").fill("Two, right away.")
    form.get_by_role("button", name="Post comment").click()

    expect(form.locator(".tk-status.tk-is-error")).to_have_text(
        re.compile(r"^Slow down — try again in \d+ s\.$")
    )
    expect(form.get_by_label("Comment")).to_have_value("Two, right away.")
    expect(page.locator("li.tk-pending")).to_have_count(1)


def test_keyboard_alone_posts_a_comment(page, blog_post, widget_settings, host_site, api_origin):
    """Tab, typing and Enter alone reach every field and post; focus lands on the new comment."""
    open_thread(page, host_site.add("/keys/", embed_page(api_origin)))
    keys = page.keyboard
    form = page.locator("form.tk-form").first
    keys.press("Tab")
    expect(form.get_by_label("Name")).to_be_focused()
    keys.type("Kim")
    keys.press("Tab")
    expect(form.get_by_label("E-mail")).to_be_focused()
    keys.type("kim@example.org")
    keys.press("Tab")
    expect(form.get_by_label("Website")).to_be_focused()
    keys.press("Tab")
    expect(form.get_by_label("Comment")).to_be_focused()
    keys.type("Typed without a mouse.")
    keys.press("Tab")
    expect(form.get_by_label("Tell me by mail when someone replies")).to_be_focused()
    keys.press("Tab")
    expect(form.get_by_label("Remember me in this browser")).to_be_focused()
    keys.press("Tab")
    expect(form.get_by_role("button", name="Post comment")).to_be_focused()
    keys.press("Enter")

    mine = page.locator("li.tk-pending")
    expect(mine).to_contain_text("Typed without a mouse.")
    expect(mine).to_be_focused()


def strict_csp(api_origin: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; script-src {api_origin}; style-src {api_origin}; "
            f"connect-src {api_origin}; img-src {api_origin} data:"
        )
    }


def test_widget_works_on_a_host_page_with_a_strict_csp(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Under a CSP that allows only the comment server, the thread loads and posting works."""
    CommentFactory(post=blog_post, author_name="Lee", body_html="<p>Strict and fine.</p>")
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    open_thread(page, host_site.add("/csp/", embed_page(api_origin), strict_csp(api_origin)))
    expect(page.locator("li[data-comment-id]")).to_contain_text("Strict and fine.")
    expect(page.locator(".tk-hp")).to_have_css("opacity", "0")  # embed.css loaded under the CSP

    form = page.locator("form.tk-form").first
    fill_form(form, name="Mo", email="mo@example.org", body="Posted under CSP.")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".tk-preview")).to_contain_text("Posted under CSP.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending")).to_contain_text("Posted under CSP.")
    assert violations == []


def test_host_page_on_an_origin_not_allowed_cannot_load_the_thread(
    page, blog_post, settings, host_site, api_origin
):
    """CORS refuses an origin missing from COMMENTS_ALLOWED_ORIGINS: the thread does not load."""
    settings.COMMENTS = {**settings.COMMENTS, "ALLOWED_ORIGINS": ["https://blog.example"]}
    CommentFactory(post=blog_post, body_html="<p>Not for other sites.</p>")
    page.goto(host_site.add("/stranger/", embed_page(api_origin)))
    expect(page.locator("#comments")).to_have_attribute("data-tk-state", "error")
    expect(page.locator(".tk-notice")).to_contain_text("Could not reach the comment server.")
    expect(page.get_by_text("Not for other sites.")).to_have_count(0)


def test_reader_never_sees_another_readers_pending_comment(
    browser, blog_post, widget_settings, host_site, api_origin
):
    """Reader A's pending comment is visible to A after reload, and never to reader B."""
    url = host_site.add("/two-readers/", embed_page(api_origin))
    a_context, b_context = browser.new_context(), browser.new_context()
    try:
        a, b = a_context.new_page(), b_context.new_page()
        open_thread(a, url)
        form = a.locator("form.tk-form").first
        fill_form(form, name="Ann", email="ann@example.org", body="Only Ann sees this for now.")
        form.get_by_role("button", name="Post comment").click()
        expect(a.locator("li.tk-pending")).to_have_count(1)
        comment_id = a.locator("li.tk-pending").get_attribute("data-comment-id")

        a.reload()
        expect(a.locator("li.tk-pending")).to_contain_text("Only Ann sees this for now.")
        open_thread(b, url)
        expect(b.locator("li[data-comment-id]")).to_have_count(0)
        expect(b.get_by_text("Only Ann sees this for now.")).to_have_count(0)

        # Even knowing the id, a reader without Ann's edit token gets nothing.
        b.evaluate(
            """id => localStorage.setItem("tk-comments:own", JSON.stringify([{id: Number(id),
            edit_token: "guessed", edit_expires_at: new Date(Date.now() + 6e5).toISOString(),
            post: "hello-world", api: window.Threadkeeper.api, t: Date.now()}]))""",
            comment_id,
        )
        open_thread(b, url)
        expect(b.locator("li[data-comment-id]")).to_have_count(0)
    finally:
        a_context.close()
        b_context.close()


def test_count_spans_are_filled_from_one_request(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Every data-comment-count span on a post list is filled from a single counts request."""
    other = PostFactory(slug="second-post")
    PostFactory(slug="quiet-post")
    CommentFactory.create_batch(2, post=blog_post)
    CommentFactory(post=other)
    CommentFactory(post=other, status=Status.PENDING)
    spans = "".join(
        f'<p><span data-comment-count="{slug}">…</span></p>'
        for slug in ("hello-world", "second-post", "quiet-post", "hello-world")
    )
    counts_requests: list[str] = []
    page.on(
        "request", lambda r: counts_requests.append(r.url) if "/api/v1/counts/" in r.url else None
    )
    page.goto(host_site.add("/list/", embed_page(api_origin, slug=None, extra=spans)))

    filled = page.locator("[data-tk-count]")
    expect(filled).to_have_count(4)
    expect(filled).to_have_text(["2 comments", "1 comment", "0 comments", "2 comments"])
    assert len(counts_requests) == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_thread_and_form(
    browser, blog_post, widget_settings, host_site, api_origin, scheme
):
    """The thread and the form follow the reader's color scheme; screenshots are saved."""
    root = CommentFactory(
        post=blog_post,
        author_name="Ada Lovelace",
        author_url="https://ada.example",
        body_html="<p>The engine weaves <em>algebraic patterns</em>.</p>",
    )
    reply = CommentFactory(
        post=blog_post,
        parent=root,
        author_name="Charles",
        body_html="<p>Just as the Jacquard loom weaves flowers.</p>",
    )
    CommentFactory(
        post=blog_post,
        parent=reply,
        author_name="Ada Lovelace",
        body_html="<p>Quite so. <code>print(42)</code></p>",
    )
    CommentFactory(
        post=blog_post,
        author_name="Grace",
        body_html="<blockquote><p>A ship in port is safe.</p></blockquote>"
        "<p>But that is not what ships are built for.</p>",
    )
    context = browser.new_context(color_scheme=scheme, viewport={"width": 760, "height": 900})
    try:
        page = context.new_page()
        open_thread(page, host_site.add(f"/shots-{scheme}/", embed_page(api_origin)))
        background = page.locator("#comments").evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == ("rgb(21, 24, 29)" if scheme == "dark" else "rgb(255, 255, 255)")
        form = page.locator("form.tk-form").first
        fill_form(form, name="Reader", email="reader@example.org", body="Nice **thread**!")
        form.get_by_role("button", name="Preview").click()
        expect(form.locator(".tk-preview strong")).to_have_text("thread")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)  # no hover effects in the pictures
        form.screenshot(path=SCREENSHOTS / f"widget-form-{scheme}.png")
        form.get_by_role("button", name="Post comment").click()
        expect(page.locator("li.tk-pending")).to_contain_text("Awaiting moderation")
        page.mouse.move(0, 0)
        page.locator("ol.tk-thread").screenshot(path=SCREENSHOTS / f"widget-thread-{scheme}.png")
        page.locator("#comments").screenshot(path=SCREENSHOTS / f"widget-{scheme}.png")
    finally:
        context.close()


def test_network_failure_offers_a_retry_and_keeps_the_text(
    page, blog_post, widget_settings, host_site, api_origin
):
    """When the server can't be reached, the reader gets Retry and nothing typed is lost."""
    open_thread(page, host_site.add("/offline/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    fill_form(form, name="Nia", email="nia@example.org", body="Sent over a bad line.")
    form.get_by_label("Remember me in this browser").check()

    def cut(route: Any) -> None:
        if route.request.method == "POST":
            route.abort()
        else:
            route.fallback()

    page.route("**/api/v1/posts/hello-world/comments/", cut)
    form.get_by_role("button", name="Post comment").click()
    status = form.locator(".tk-status.tk-is-error")
    expect(status).to_contain_text("Could not reach the comment server.")
    expect(form.get_by_label("Comment")).to_have_value("Sent over a bad line.")

    page.unroute("**/api/v1/posts/hello-world/comments/")
    status.get_by_role("button", name="Retry").click()
    expect(page.locator("li.tk-pending")).to_contain_text("Sent over a bad line.")
    page.reload()
    expect(page.locator("form.tk-form").first.get_by_label("Name")).to_have_value("Nia")


def test_long_threads_load_more_on_request(page, blog_post, widget_settings, host_site, api_origin):
    """A thread longer than one page shows its first 50 comments and a button for the rest."""
    CommentFactory.create_batch(53, post=blog_post)
    open_thread(page, host_site.add("/long/", embed_page(api_origin)))
    expect(page.locator("li[data-comment-id]")).to_have_count(50)
    page.locator(".tk-more").click()
    expect(page.locator("li[data-comment-id]")).to_have_count(53)
    expect(page.locator(".tk-more")).to_have_count(0)
    expect(page.locator(".tk-heading")).to_have_text("53 comments")


def test_bundled_translation_is_used_with_data_lang(
    page, blog_post, widget_settings, host_site, api_origin
):
    """data-lang="fr" loads the French string table from the comment server, CSP or not."""
    CommentFactory(post=blog_post)
    html = embed_page(api_origin).replace(
        'data-post="hello-world"', 'data-post="hello-world" data-lang="fr"'
    )
    open_thread(page, host_site.add("/fr/", html, strict_csp(api_origin)))
    expect(page.locator(".tk-heading")).to_have_text("1 commentaire")
    expect(page.locator("form.tk-form").first.get_by_label("Nom")).to_be_visible()


def test_reply_form_opens_and_closes_from_the_keyboard(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Enter on Reply moves focus into the form; Escape closes it, back on Reply, text kept."""
    parent = CommentFactory(post=blog_post, author_name="Ola")
    open_thread(page, host_site.add("/reply-keys/", embed_page(api_origin)))
    item = page.locator(f"#tk-comment-{parent.pk}")
    reply_button = item.get_by_role("button", name="Reply")
    reply_button.focus()
    page.keyboard.press("Enter")
    form = item.locator("form.tk-reply-form")
    expect(form).to_have_attribute("aria-label", "Reply to Ola")
    expect(form.get_by_label("Name")).to_be_focused()
    page.keyboard.type("Pat")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(reply_button).to_be_focused()
    expect(reply_button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(form.get_by_label("Name")).to_have_value("Pat")


def test_page_left_open_for_hours_renews_its_form_token(
    page, blog_post, widget_settings, host_site, api_origin
):
    """A reader who writes after hours sends a recent form token, not a stale one."""
    tokens: list[str] = []
    page.on(
        "response",
        lambda r: tokens.append(r.json()["form_token"]) if "/api/v1/form-token/" in r.url else None,
    )
    page.clock.install()
    open_thread(page, host_site.add("/left-open/", embed_page(api_origin)))
    with page.expect_response("**/api/v1/form-token/"):
        page.clock.run_for("03:01:00")
    page.clock.run_for("01:30")
    form = page.locator("form.tk-form").first
    fill_form(form, name="Quin", email="quin@example.org", body="Back from lunch.")
    with page.expect_request("**/api/v1/posts/hello-world/comments/") as sent:
        form.get_by_role("button", name="Post comment").click()
    assert len(tokens) >= 2
    assert sent.value.post_data_json["form_token"] == tokens[1]


def test_a_form_sent_too_fast_looks_normal_but_is_held_as_spam(
    page, blog_post, widget_settings, host_site, api_origin
):
    """A submit faster than a person (bot check) shows as pending and is stored as spam."""
    widget_settings.COMMENTS = {**widget_settings.COMMENTS, "FORM_MIN_SECONDS": 60}
    open_thread(page, host_site.add("/too-fast/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    fill_form(form, name="Bot", email="bot@example.org", body="Buy now!")
    form.get_by_role("button", name="Post comment").click()
    mine = page.locator("li.tk-own")
    expect(mine).to_contain_text("Awaiting moderation")
    assert Comment.objects.get(pk=mine.get_attribute("data-comment-id")).status == Status.SPAM
    page.reload()  # the sender still sees it waiting: nothing tells a bot it was caught
    expect(page.locator("#comments")).to_have_attribute("data-tk-state", "ready")
    expect(page.locator("li.tk-own")).to_contain_text("Awaiting moderation")


def old_address_page(api_origin: str, address: str) -> str:
    """A page of a site that kept its old URLs: the thread named by address, not slug."""
    return embed_page(
        api_origin, slug=None, extra=f'<div id="comments" data-url="{address}"></div>'
    )


def test_data_url_finds_the_post_by_its_old_address_and_works_as_data_post(
    page, widget_settings, host_site, api_origin
):
    """With data-url the widget shows that post's thread and posts to it, as with data-post."""
    post = PostFactory(slug="virtualization", url="/2007/04/05/open-source-virtualization/")
    CommentFactory(post=post, author_name="Ada", body_html="<p>Still true.</p>")
    url = host_site.add(
        "/2007/04/05/open-source-virtualization/",
        old_address_page(api_origin, "/2007/04/05/open-source-virtualization/"),
    )
    open_thread(page, url)
    expect(page.locator("#comments")).to_have_attribute("data-post", "virtualization")
    expect(page.get_by_text("Still true.")).to_be_visible()

    form = page.locator("form.tk-form").first
    fill_form(form, name="Grace", email="grace@example.org", body="Found it by its old link.")
    with page.expect_request("**/api/v1/posts/virtualization/comments/"):
        form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending.tk-own")).to_contain_text("Awaiting moderation")
    assert Comment.objects.get(author_name="Grace").post == post


def test_data_url_of_an_unknown_address_says_comments_are_not_available(
    page, blog_post, widget_settings, host_site, api_origin
):
    """An old address no post has ends in the widget's error state with a plain message."""
    page.goto(host_site.add("/nowhere/", old_address_page(api_origin, "/1999/01/01/nothing/")))

    expect(page.locator("#comments")).to_have_attribute("data-tk-state", "error")
    expect(page.locator("#comments")).to_contain_text("Comments are not available")


def test_the_name_field_takes_its_limit_from_the_servers_settings(
    page, blog_post, widget_settings, host_site, api_origin
):
    """The widget's name field allows exactly as many characters as the API does."""
    widget_settings.COMMENTS = {**widget_settings.COMMENTS, "MAX_NAME_LENGTH": 120}
    open_thread(page, host_site.add("/long-names/", embed_page(api_origin)))

    name = page.locator("form.tk-form").first.get_by_label("Name")

    expect(name).to_have_attribute("maxlength", "120")


def test_the_author_deletes_a_comment_a_bot_check_caught(
    page, blog_post, widget_settings, host_site, api_origin
):
    """Delete on a comment held as spam by the timing check removes it, as for a pending one."""
    widget_settings.COMMENTS = {**widget_settings.COMMENTS, "FORM_MIN_SECONDS": 60}
    open_thread(page, host_site.add("/caught/", embed_page(api_origin)))
    form = page.locator("form.tk-form").first
    fill_form(form, name="Quick", email="quick@example.org", body="Typed fast.")
    form.get_by_role("button", name="Post comment").click()
    mine = page.locator("li.tk-own")
    expect(mine).to_contain_text("Awaiting moderation")
    pk = mine.get_attribute("data-comment-id")

    page.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="Delete").click()

    expect(page.locator("li.tk-own")).to_have_count(0)
    assert Comment.objects.get(pk=pk).status == Status.REMOVED


def test_reply_notifications_are_off_by_default_and_remembered_when_ticked(
    page, blog_post, widget_settings, host_site, api_origin
):
    """The box starts unticked; ticked, the submit asks for mail and "remember me" keeps it."""
    url = host_site.add("/notify/", embed_page(api_origin))
    open_thread(page, url)
    form = page.locator("form.tk-form").first
    box = form.get_by_label("Tell me by mail when someone replies")
    expect(box).not_to_be_checked()
    fill_form(form, name="Nia", email="nia@example.org", body="Tell me when you answer.")
    box.check()
    form.get_by_label("Remember me in this browser").check()
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("li.tk-pending")).to_contain_text("Tell me when you answer.")
    from comments.notify.models import Subscription

    assert Subscription.objects.filter(address__email="nia@example.org").count() == 1
    page.reload()
    expect(
        page.locator("form.tk-form").first.get_by_label("Tell me by mail when someone replies")
    ).to_be_checked()
