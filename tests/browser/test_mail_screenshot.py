"""The alert mail's HTML part as a mail program shows it: rendered in Chromium, saved for docs."""

from typing import Any

import pytest

from comments.models import Status
from comments.notify.models import OutboundMail
from moderation.events import event_fan_out
from tests.browser.conftest import SCREENSHOTS
from tests.factories import CommentFactory, ModeratorFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_screenshot_of_an_alert_mail(browser: Any) -> None:
    """The alert renders as a readable card with its decision buttons and no remote images."""
    ModeratorFactory(username="mod", email="mod@example.org")
    post = PostFactory(slug="moderating", title="Moderating without burnout")
    CommentFactory(post=post, author_email="sam@example.org", status=Status.APPROVED)
    comment = CommentFactory(
        post=post,
        status=Status.PENDING,
        author_name="Sam Visitor",
        author_email="sam@example.org",
        body_source="Great write-up! We built something similar, see https://deals.example/x "
        "and https://deals.example/y for the details.",
        spam_score=0.58,
        spam_reasons=["2 links to the same domain", "links in a short comment"],
    )
    event_fan_out(comment_id=comment.pk, event="comment.held")
    html = OutboundMail.objects.get(kind="alert").html
    context = browser.new_context(viewport={"width": 700, "height": 700})
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.set_content(html)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "alert-mail.png", full_page=True)
        assert page.get_by_role("link", name="Approve…").count() == 1
        assert requests == []  # nothing loaded from anywhere: no pixels, no fonts
    finally:
        context.close()
