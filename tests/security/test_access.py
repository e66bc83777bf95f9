"""Who may do what: each role against the moderation API, post writes and the admin; CSRF."""

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comments import tokens
from comments.models import Comment, Status
from tests.factories import CommentFactory, ModeratorFactory, UserFactory
from tests.security.conftest import submit

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "commenter", "api_client", "moderator", "superuser"]
# What each role gets from the moderation API and post writes (read, write).
EXPECTED = {
    "anonymous": 401,
    "commenter": 401,
    "api_client": 403,
    "moderator": None,  # allowed
    "superuser": None,
}


@pytest.fixture
def pending(post: Any) -> Comment:
    return CommentFactory(post=post, status=Status.PENDING, author_email="p@example.org")


def client_for(role: str, comment: Comment) -> APIClient:
    """An API client acting as `role`."""
    client = APIClient(REMOTE_ADDR="203.0.113.77")
    if role == "commenter":  # the author of `comment`, holding its edit token
        client.credentials(HTTP_X_EDIT_TOKEN="token")
    elif role != "anonymous":
        user = {"api_client": UserFactory, "moderator": ModeratorFactory}.get(role)
        user = user() if user else User.objects.create_superuser("root", "r@example.org", "pw")
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("role", ROLES)
def test_moderation_api_is_for_moderators_only(role: str, pending: Comment) -> None:
    """Queue, detail, actions and bulk answer 401/403 to all but moderators and superusers."""
    client = client_for(role, pending)
    base = "/api/v1/moderation/comments/"
    answers = [
        client.get(base),
        client.get(f"{base}{pending.pk}/"),
        client.post(f"{base}{pending.pk}/approve/", {}, format="json"),
        client.post(f"{base}bulk/", {"ids": [pending.pk], "action": "reject"}, format="json"),
    ]
    codes = [a.status_code for a in answers]
    if EXPECTED[role] is None:
        assert codes == [200, 200, 200, 200]
        assert answers[1].json()["author_email"] == "p@example.org"
    else:
        assert codes == [EXPECTED[role]] * 4
        assert "p@example.org" not in "".join(a.content.decode() for a in answers)
        assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_post_writes_are_for_moderators_only(role: str, pending: Comment) -> None:
    """Creating a post or closing its comments is refused to everyone but moderators."""
    client = client_for(role, pending)
    created = client.post(
        "/api/v1/posts/",
        {"title": "New", "slug": "new", "body": "x", "comments_enabled": True},
        format="json",
    )
    closed = client.patch("/api/v1/posts/hello-world/", {"comments_enabled": False}, format="json")
    if EXPECTED[role] is None:
        assert (created.status_code, closed.status_code) == (201, 200)
    else:
        assert (created.status_code, closed.status_code) == (EXPECTED[role], EXPECTED[role])
        assert Comment.objects.get(pk=pending.pk).post.comments_enabled is True


def test_commenter_sees_only_their_own_pending_comment(post: Any, api: APIClient) -> None:
    """The edit token shows its own pending comment; without it, or for another, 404."""
    mine = submit(api).json()
    other = submit(APIClient(REMOTE_ADDR="198.51.100.44"), body="Someone else's.").json()
    url = "/api/v1/comments/{}/"
    assert api.get(url.format(mine["id"]), HTTP_X_EDIT_TOKEN=mine["edit_token"]).status_code == 200
    assert api.get(url.format(mine["id"])).status_code == 404
    assert api.get(url.format(other["id"]), HTTP_X_EDIT_TOKEN=mine["edit_token"]).status_code == 404
    edit = api.patch(
        url.format(other["id"]),
        {"body": "hijacked"},
        format="json",
        HTTP_X_EDIT_TOKEN=mine["edit_token"],
    )
    assert edit.status_code == 403


def _session(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "admin_code", "queue_code"),
    [
        ("anonymous", 302, 302),
        ("api_client", 302, 302),
        ("moderator_not_staff", 302, 302),
        ("staff_without_group", 200, 200),
        ("staff_moderator", 200, 200),
        ("superuser", 200, 200),
    ],
)
def test_admin_is_closed_to_all_but_staff_moderators(
    role: str, admin_code: int, queue_code: int, db: None
) -> None:
    """The admin and its moderation queue open only to staff (moderators) and superusers."""
    users: dict[str, Any] = {
        "anonymous": lambda: None,
        "api_client": UserFactory,
        "moderator_not_staff": ModeratorFactory,
        "staff_without_group": lambda: UserFactory(is_staff=True),
        "staff_moderator": lambda: ModeratorFactory(is_staff=True),
        "superuser": lambda: User.objects.create_superuser("root", "r@example.org", "pw"),
    }
    client = _session(users[role]())
    admin = client.get("/admin/")
    queue = client.get("/admin/moderation/queuedcomment/")
    assert (admin.status_code, queue.status_code) == (admin_code, queue_code)
    if admin_code == 302:
        assert "/admin/login/" in admin["Location"]


def test_session_writes_need_a_csrf_token(pending: Comment) -> None:
    """A logged-in moderator's session POST without the CSRF token is 403; with it, 200."""
    client = _session(ModeratorFactory())
    url = f"/api/v1/moderation/comments/{pending.pk}/approve/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING
    client.get("/admin/login/")  # sets the csrftoken cookie, as any page with a form does
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    assert Comment.objects.get(pk=pending.pk).status == Status.APPROVED


def test_admin_actions_need_a_csrf_token(pending: Comment) -> None:
    """An admin action posted from a staff session without the CSRF token is refused."""
    client = _session(ModeratorFactory(is_staff=True))
    answer = client.post(
        "/admin/moderation/queuedcomment/", {"action": "approve", "_selected_action": [pending.pk]}
    )
    assert answer.status_code == 403
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_edit_tokens_are_stored_only_as_their_sha256(api: APIClient, post: Any) -> None:
    """The database never holds the raw edit token, only its SHA-256."""
    answer = submit(api).json()
    raw = answer["edit_token"]
    assert len(raw) >= 43  # 256 random bits, URL-safe base64
    row = Comment.objects.filter(pk=answer["id"]).values().get()
    assert raw not in " ".join(str(value) for value in row.values())
    assert row["edit_token_hash"] == hashlib.sha256(raw.encode()).hexdigest()


def test_edit_tokens_are_compared_in_constant_time(
    api: APIClient, post: Any, monkeypatch: Any
) -> None:
    """Checking a token goes through hmac.compare_digest, whatever the outcome."""
    answer = submit(api).json()
    calls: list[tuple[str, str]] = []
    real = tokens.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    url = f"/api/v1/comments/{answer['id']}/"
    wrong = api.patch(
        url, {"body": "x"}, format="json", HTTP_X_EDIT_TOKEN=answer["edit_token"][:-1]
    )
    right = api.patch(
        url, {"body": "Edited."}, format="json", HTTP_X_EDIT_TOKEN=answer["edit_token"]
    )
    assert (wrong.status_code, right.status_code) == (403, 200)
    assert len(calls) >= 2
    assert all(len(a) == len(b) == 64 for a, b in calls)
