"""Decision links in alert mail: opening one never acts; the confirm page's POST decides once."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from comments.models import Status
from moderation.decisions import SALT, decision_url
from tests.factories import CommentFactory, ModeratorFactory

pytestmark = pytest.mark.django_db


def link(moderator, comment, action="approve"):
    return urlsplit(decision_url(moderator=moderator, comment_id=comment.pk, action=action)).path


@pytest.fixture
def pending(post):
    return CommentFactory(post=post, status=Status.PENDING, body_source="Is this spam?")


def test_opening_a_link_shows_a_confirm_page_and_decides_nothing(pending, moderator):
    """A GET (a mail scanner, a link preview) shows the comment and a button, and acts not."""
    page = Client().get(link(moderator, pending))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Is this spam?" in html
    assert '<form method="post">' in html
    assert page["Referrer-Policy"] == "no-referrer"
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_confirm_pages_post_decides_as_that_moderator_from_email(pending, moderator):
    """Without logging in, the POST decides, recorded as that moderator's, from e-mail."""
    answer = Client().post(link(moderator, pending, "spam"))
    assert answer.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Status.SPAM
    assert pending.moderated_by == moderator
    last = pending.history.last()
    assert last.actor == moderator
    assert last.reason == "moderator: spam (from e-mail)"


def test_a_real_browser_flow_passes_the_csrf_check(pending, moderator):
    """The page's form carries the CSRF token, so a browser's POST from it is accepted."""
    browser = Client(enforce_csrf_checks=True)
    url = link(moderator, pending)
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 200
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED


def test_a_link_works_once(pending, moderator):
    """The second POST of the same link is refused with a message, and changes nothing."""
    url = link(moderator, pending, "approve")
    Client().post(url)
    again = Client().post(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert Client().get(url).status_code == 410


def test_an_expired_or_tampered_link_is_refused(pending, moderator, settings):
    """A link past its age, or with a changed token, decides nothing and says why."""
    url = link(moderator, pending)
    settings.MODERATION = {"DECISION_LINK_MAX_AGE_SECONDS": -1}
    expired = Client().post(url)
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    settings.MODERATION = {}
    assert Client().post(url[:-6] + "xxxxx/").status_code == 410
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_link_is_bound_to_its_moderator(pending, moderator):
    """The token names its moderator: changing the user in it breaks the signature."""
    token = urlsplit(decision_url(moderator=moderator, comment_id=pending.pk, action="approve"))
    data = signing.loads(token.path.split("/")[-2], salt=SALT)
    data["u"] = ModeratorFactory().pk
    forged = f"/moderation/decide/{signing.dumps(data, salt='another salt')}/"
    assert Client().post(forged).status_code == 410


def test_a_link_of_someone_no_longer_a_moderator_is_refused(pending, moderator):
    """A moderator removed from the group can no longer decide through old mail."""
    url = link(moderator, pending)
    moderator.groups.clear()
    answer = Client().post(url)
    assert answer.status_code == 410
    assert "no longer a moderator" in answer.content.decode()


def test_methods_other_than_get_and_post_are_refused(pending, moderator):
    """Only GET (show) and POST (decide) are answered."""
    assert Client().put(link(moderator, pending)).status_code == 405
