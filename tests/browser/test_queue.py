"""The admin queue in a real browser: keyboard-only decisions, no reloads, fits 1280 px."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from comments.models import Comment, Status
from tests.browser.conftest import SCREENSHOTS
from tests.factories import CommentFactory, PostFactory, UserFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/admin/moderation/queuedcomment/"
BODIES = [
    "Cheap watches at https://watches.example, best prices today, buy now",
    "Thanks, this fixed my build on Debian; the second step was the one I missed.",
    "Subscribe to my channel for free gift cards https://bit.ly/x",
    "I disagree with the conclusion, but the benchmark section is very clear.",
    "Great post!!! Visit https://promo.example for more",
    "Could you add an example for IPv6 networks as well?",
]


@pytest.fixture
def queue(transactional_db: None) -> list[Comment]:
    """Six pending comments with long reasons and addresses, from one post."""
    post = PostFactory(slug="hello-world", title="A fairly long post title about comment spam")
    return [
        CommentFactory(
            post=post,
            status=Status.PENDING,
            author_name=f"Author number {n}",
            author_email=f"a.rather.long.address.{n}@some-mail-provider.example",
            body_source=body,
            body_html=f"<p>{body}</p>",
            spam_score=0.9 - n / 10,
            spam_reasons=[
                "classifier 0.97: tokens 'subscribe', 'channel'",
                "3 links (mostly links)",
            ],
        )
        for n, body in enumerate(BODIES)
    ]


def logged_in_page(browser: Any, live_server: Any) -> Any:
    """A 1280 px wide page with a staff moderator's session cookie."""
    client = Client()
    client.force_login(UserFactory(username="kbd", is_staff=True, is_superuser=True))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context, context.new_page()


def test_five_comments_decided_with_the_keyboard_only(browser, live_server, queue):
    """j/a/r/s/h/x decide five comments without a reload; each is announced and recorded."""
    context, page = logged_in_page(browser, live_server)
    try:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}{QUEUE}")
        page.evaluate("window.__sameLoad = true")
        live = page.locator("#tk-live")
        keyboard = page.keyboard
        keyboard.press("j")
        expect(live).to_contain_text("Comment 1 of 6")
        keyboard.press("s")  # spam: the top-scored comment
        expect(live).to_contain_text("marked spam. 5 left on this page.")
        keyboard.press("h")  # not spam: the next one
        expect(live).to_contain_text("approved as not spam. 4 left")
        keyboard.press("r")
        expect(live).to_contain_text("rejected. 3 left")
        keyboard.press("x")  # select two, decide both at once
        expect(live).to_contain_text("1 selected")
        keyboard.press("j")
        keyboard.press("x")
        expect(live).to_contain_text("2 selected")
        keyboard.press("a")
        expect(live).to_contain_text("2 comments approved. 1 left")
        keyboard.press("?")
        expect(page.locator("#tk-keys")).to_be_visible()
        keyboard.press("?")
        expect(page.locator("#tk-keys")).to_be_hidden()
        assert page.evaluate("window.__sameLoad") is True  # no reload happened
        statuses = [Comment.objects.get(pk=c.pk).status for c in queue]
        assert statuses == [
            Status.SPAM,
            Status.APPROVED,
            Status.REJECTED,
            Status.APPROVED,
            Status.APPROVED,
            Status.PENDING,
        ]
        assert Comment.objects.get(pk=queue[0].pk).history.last().actor.username == "kbd"
        assert errors == []
    finally:
        context.close()


def test_the_queue_fits_1280_pixels_without_horizontal_scroll(browser, live_server, queue):
    """At 1280 px the whole table, its author, status and date columns, is on screen."""
    context, page = logged_in_page(browser, live_server)
    try:
        page.goto(f"{live_server.url}{QUEUE}")
        page.keyboard.press("j")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280
        right = page.evaluate(
            "document.querySelector('#result_list').getBoundingClientRect().right"
        )
        assert right <= 1280
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "queue-1280.png"), full_page=False)
    finally:
        context.close()


def test_the_clusters_page_shows_a_wave_with_what_it_shares(browser, live_server, queue):
    """The admin's clusters page lists a wave, its size and shared domain, within 1280 px."""
    from tests.moderation.test_clusters import WAVE, held

    for n in range(8):
        held(WAVE.format(n=100 + n, w="today") + f" https://cash-home.example/{n}", network=n % 3)
    context, page = logged_in_page(browser, live_server)
    try:
        page.goto(f"{live_server.url}/admin/moderation/cluster/")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list")).to_contain_text("cash-home.example (8)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(SCREENSHOTS / "clusters-1280.png"), full_page=False)
    finally:
        context.close()
