"""The admin workbench: keys and help on the queue page, decisions from the comment page,
"ban this author", and the ban list with the automatic rule in effect."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, Status
from moderation.models import Ban, BreakerTrip, Cluster, Reputation
from tests.factories import CommentFactory
from tests.moderation.test_admin import QUEUE
from tests.moderation.test_clusters import OTHER_WAVES, held

pytestmark = pytest.mark.django_db

BANS = "/admin/moderation/ban/"
CLUSTERS = "/admin/moderation/cluster/"
TRIPS = "/admin/moderation/breakertrip/"


def fill(post, count: int, offset: int = 0) -> list[Comment]:
    made = []
    for n in range(offset, offset + count):
        email = f"r{n}@example.org"
        Reputation.objects.create(kind="email", key=email, ham=n, spam=1)
        made.append(
            CommentFactory(post=post, status=Status.PENDING, author_email=email, spam_score=n / 100)
        )
    return made


def test_the_queue_page_carries_keys_help_and_a_live_region(admin_client_, post):
    """The list has the keyboard script, its help and an aria-live region, and names the keys."""
    fill(post, 1)
    html = admin_client_.get(QUEUE).content.decode()
    assert "moderation/queue.js" in html
    assert 'aria-live="polite"' in html
    assert 'id="tk-keys"' in html
    assert 'data-api="/api/v1/moderation/comments/"' in html
    assert "j/k move, a approve, r reject, s spam, h not spam, x select, ? help" in html


def test_the_comment_page_has_the_four_decisions_and_ban_links(admin_client_, post):
    """The change page offers Approve, Reject, Spam, Not spam, going on, and banning."""
    comment = fill(post, 1)[0]
    Comment.objects.filter(pk=comment.pk).update(ip_network="198.51.100.0/24")
    html = admin_client_.get(f"{QUEUE}{comment.pk}/change/").content.decode()
    for action, label in [
        ("approve", "Approve"),
        ("reject", "Reject"),
        ("spam", "Spam"),
        ("ham", "Not spam"),
    ]:
        assert f'value="{action}"' in html
        assert f">{label}</button>" in html
    assert "then go to the next in the queue" in html
    assert "/admin/moderation/ban/add/?kind=email&amp;value=r0%40example.org" in html
    assert "kind=network&amp;value=198.51.100.0%2F24" in html


def test_decide_and_go_to_next_follows_the_queue_order(admin_client_, post):
    """Deciding with "next" records the decision and opens the highest-scored pending one."""
    low, high, top = fill(post, 3)
    answer = admin_client_.post(f"{QUEUE}{top.pk}/decide/", {"action": "spam", "next": "1"})
    assert answer.status_code == 302
    assert answer["Location"] == f"{QUEUE}{high.pk}/change/"
    decided = Comment.objects.get(pk=top.pk)
    assert decided.status == Status.SPAM
    assert decided.history.last().actor.username == "mod"
    answer = admin_client_.post(f"{QUEUE}{high.pk}/decide/", {"action": "approve"})
    assert answer["Location"] == f"{QUEUE}{high.pk}/change/"
    admin_client_.post(f"{QUEUE}{low.pk}/decide/", {"action": "reject", "next": "1"})
    last = admin_client_.post(f"{QUEUE}{low.pk}/decide/", {"action": "reject", "next": "1"})
    assert last["Location"] == QUEUE  # nothing left pending


def test_a_bad_decision_or_a_get_changes_nothing(admin_client_, post):
    """An unknown action is reported; GET on the decide address is refused (405)."""
    comment = fill(post, 1)[0]
    answer = admin_client_.post(f"{QUEUE}{comment.pk}/decide/", {"action": "burn"}, follow=True)
    assert "Unknown decision" in answer.content.decode()
    assert admin_client_.get(f"{QUEUE}{comment.pk}/decide/").status_code == 405
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING


def test_ban_this_author_opens_a_filled_form_that_saves_a_shadow_ban(
    admin_client_, staff_moderator
):
    """The ban form opens filled from the link; saving stores the normalized value and author."""
    form = admin_client_.get(f"{BANS}add/?kind=network&value=198.51.100.7&reason=comment+%2312")
    html = form.content.decode()
    assert 'value="198.51.100.7"' in html
    assert 'value="shadow" selected' in html or 'value="shadow" checked' in html
    answer = admin_client_.post(
        f"{BANS}add/", {"kind": "network", "value": "198.51.100.7", "mode": "shadow", "reason": "x"}
    )
    assert answer.status_code == 302
    ban = Ban.objects.get()
    assert (ban.value, ban.created_by) == ("198.51.100.0/24", staff_moderator)


def test_a_bad_ban_value_is_shown_on_the_form(admin_client_):
    """A value that is no network is refused on the form with its reason."""
    answer = admin_client_.post(
        f"{BANS}add/", {"kind": "network", "value": "nope", "mode": "block"}
    )
    assert answer.status_code == 200
    assert "is not an IP network" in answer.content.decode()
    assert not Ban.objects.exists()


def test_the_ban_list_says_whether_automatic_bans_are_on(admin_client_, settings):
    """Off by default, and the rule in words once MODERATION turns it on."""
    assert "Automatic follow-up is off" in admin_client_.get(BANS).content.decode()
    settings.MODERATION = {**settings.MODERATION, "AUTO_BAN_AFTER_SPAM": 3}
    html = admin_client_.get(BANS).content.decode()
    assert (
        "after 3 moderators&#x27; spam decisions" in html
        or "after 3 moderators' spam decisions" in html
    )


def test_the_queue_tells_of_open_breakers_and_automatic_bans(admin_client_, post):
    """An open thread breaker and last week's automatic bans are named above the queue."""
    Post.objects.filter(pk=post.pk).update(
        breaker_until=timezone.now() + timedelta(minutes=5), breaker_reason="40 comments"
    )
    Ban.objects.create(kind="email", value="x@y.example", mode="shadow", cause="3 spam decisions")
    html = admin_client_.get(QUEUE).content.decode()
    assert "Thread breaker open on" in html
    assert "40 comments" in html
    assert "1 automatic ban(s) in the last 7 days" in html


def test_the_clusters_page_lists_waves_and_decides_one_in_constant_queries(admin_client_):
    """The admin's clusters page shows each wave; its query count does not grow with them."""
    for i in range(3):
        held(f"{OTHER_WAVES[0]} {i}", network=i)
    with CaptureQueriesContext(connection) as one:
        admin_client_.get(CLUSTERS)
    for n, text in enumerate(OTHER_WAVES[1:]):
        for i in range(2):
            held(f"{text} {i}", network=20 + n)
    with CaptureQueriesContext(connection) as many:
        html = admin_client_.get(CLUSTERS).content.decode()
    assert len(many) == len(one)
    assert "Replica handbags" in html
    cluster = Cluster.objects.order_by("-size").first()
    answer = admin_client_.post(
        CLUSTERS, {"action": "cluster_spam", "_selected_action": [cluster.pk]}, follow=True
    )
    assert "Mark as spam: 3 comment(s)." in answer.content.decode()


def test_moderators_read_breaker_trips_but_cannot_change_them(admin_client_, post):
    """The trips page lists why a breaker opened; there is no add or delete for it."""
    BreakerTrip.objects.create(post=post, until=timezone.now(), reason="45 comments in 10 minutes")
    assert "45 comments in 10 minutes" in admin_client_.get(TRIPS).content.decode()
    assert admin_client_.get(f"{TRIPS}add/").status_code == 403


@pytest.mark.parametrize(
    ("page", "heading"),
    [(CLUSTERS, "Waves of similar comments in the queue"), (BANS, "Bans")],
)
def test_workbench_pages_are_headed_for_what_they_list(admin_client_, page, heading):
    """Headings name the page, not Django's "Select cluster to view"."""
    html = admin_client_.get(page).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert "Select " not in html
