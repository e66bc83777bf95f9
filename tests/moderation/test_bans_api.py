"""Bans through the API: block (403), shadow (201, stored as spam), expiry, lifting, errors."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from comments.models import Comment, Status
from moderation.models import Ban
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BANS = "/api/v1/moderation/bans/"
SUBMIT = "/api/v1/posts/hello-world/comments/"
VALID = {"author_name": "Sam", "author_email": "sam@spam.example", "body": "Buy now."}


def ban(moderator_api, **fields: object) -> dict:
    answer = moderator_api.post(BANS, {"mode": "block", **fields}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def submit(client: APIClient, **change: object):
    return client.post(SUBMIT, {**VALID, **change}, format="json")


def test_a_blocked_email_is_refused_with_a_clear_403(api, moderator_api, post):
    """A block ban on an e-mail refuses that author's submit with 403 and saves nothing."""
    created = ban(moderator_api, kind="email", value=" Sam@Spam.Example ", reason="link spam")
    assert created["value"] == "sam@spam.example"
    assert created["active"] is True
    answer = submit(api)
    assert answer.status_code == 403
    assert "does not accept comments from your e-mail address" in answer.json()["detail"]
    assert "contact" in answer.json()["detail"]
    assert not Comment.objects.exists()
    assert submit(api, author_email="ann@example.org").status_code == 201


def test_a_shadow_banned_network_is_accepted_but_stored_as_spam(api, moderator_api, post):
    """Shadow: the sender sees 201 pending, the comment is spam with the reason, and hidden."""
    ban(moderator_api, kind="network", value="203.0.113.0/24", mode="shadow", reason="wave")
    answer = submit(api)  # the api client comes from 203.0.113.10
    assert answer.status_code == 201
    assert answer.json()["status"] == "pending"
    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    assert "shadow ban" in comment.history.last().reason
    assert "wave" in comment.history.last().reason
    own = api.get(f"/api/v1/comments/{comment.pk}/", HTTP_X_EDIT_TOKEN=answer.json()["edit_token"])
    assert own.json()["status"] == "pending"
    assert api.get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert api.get(SUBMIT).json()["results"] == []


def test_a_network_given_as_an_address_means_its_slash_24(moderator_api):
    """A network ban given as one address covers its /24 (IPv4) or /64 (IPv6)."""
    assert ban(moderator_api, kind="network", value="198.51.100.77")["value"] == "198.51.100.0/24"
    six = ban(moderator_api, kind="network", value="2001:db8:1:2::99")
    assert six["value"] == "2001:db8:1:2::/64"


def test_an_ip_ban_and_a_v6_network_ban_both_block(moderator_api, post):
    """An IP ban matches that address; a /64 ban matches any address inside it."""
    ban(moderator_api, kind="ip", value="198.51.100.9")
    ban(moderator_api, kind="network", value="2001:db8:5::/64")
    assert submit(APIClient(REMOTE_ADDR="198.51.100.9")).status_code == 403
    assert submit(APIClient(REMOTE_ADDR="198.51.100.10")).status_code == 201
    assert submit(APIClient(REMOTE_ADDR="2001:db8:5::42"), body="Other.").status_code == 403


def test_a_banned_user_account_is_refused(moderator_api, post):
    """A user ban refuses that account's submits, whatever e-mail it gives."""
    user = UserFactory(username="troll")
    ban(moderator_api, kind="user", value="troll")
    client = APIClient(REMOTE_ADDR="192.0.2.5")
    client.force_authenticate(user)
    assert submit(client, author_email="other@example.org").status_code == 403


def test_an_expired_ban_no_longer_applies(api, moderator, post):
    """A ban past its expiry lets the author comment again."""
    Ban.objects.create(
        kind="email", value="sam@spam.example", expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert submit(api).status_code == 201


def test_a_block_wins_over_a_shadow_and_names_its_expiry(api, moderator_api, post):
    """When a shadow and a block ban both match, the submit is refused, with the end date."""
    ban(moderator_api, kind="email", value="sam@spam.example", mode="shadow")
    until = (timezone.now() + timedelta(days=3)).isoformat()
    ban(moderator_api, kind="ip", value="203.0.113.10", expires_at=until)
    answer = submit(api)
    assert answer.status_code == 403
    assert " until " in answer.json()["detail"]


def test_deleting_a_ban_lifts_it(api, moderator_api, post):
    """DELETE on a ban answers 204; the author may comment again."""
    created = ban(moderator_api, kind="email", value="sam@spam.example")
    assert moderator_api.delete(f"{BANS}{created['id']}/").status_code == 204
    assert submit(api).status_code == 201


def test_the_ban_list_shows_active_bans_with_who_made_them(moderator_api, moderator):
    """GET lists bans newest first, with their creator; `?active=1` leaves out expired ones."""
    ban(moderator_api, kind="email", value="a@x.example")
    Ban.objects.create(kind="ip", value="192.0.2.1", expires_at=timezone.now() - timedelta(1))
    listed = moderator_api.get(BANS).json()["results"]
    assert [b["value"] for b in listed] == ["192.0.2.1", "a@x.example"]
    assert listed[1]["created_by"] == moderator.username
    active = moderator_api.get(BANS, {"active": "1"}).json()["results"]
    assert [b["value"] for b in active] == ["a@x.example"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "network", "value": "not-a-network"}, "value"),
        ({"kind": "ip", "value": "203.0.113.0/24"}, "value"),
        ({"kind": "email", "value": "nobody"}, "value"),
        ({"kind": "user", "value": "ghost"}, "value"),
        ({"kind": "planet", "value": "mars"}, "kind"),
        ({"kind": "email", "value": "a@b.example", "mode": "maybe"}, "mode"),
        (
            {"kind": "email", "value": "a@b.example", "expires_at": "2001-01-01T00:00:00Z"},
            "expires_at",
        ),
    ],
)
def test_a_bad_ban_answers_400_naming_the_field(moderator_api, fields, field):
    """Each malformed ban is refused with a 400 that names the field at fault."""
    answer = moderator_api.post(BANS, fields, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Ban.objects.exists()


def test_only_moderators_see_or_make_bans(api, user_api):
    """Anonymous callers get 401, ordinary users 403, for listing and creating bans."""
    assert api.get(BANS).status_code == 401
    assert user_api.get(BANS).status_code == 403
    assert user_api.post(BANS, {"kind": "email", "value": "a@b.example"}).status_code == 403
