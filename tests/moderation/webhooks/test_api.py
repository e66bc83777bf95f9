"""The webhooks API: who may use it, what it validates, and the secret shown once."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from moderation.webhooks.models import Endpoint
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/moderation/webhooks/"
PUBLIC = "https://93.184.215.14/hooks/comments"


@pytest.fixture
def manager_api() -> APIClient:
    """A moderator who also holds `webhooks.manage_webhooks`."""
    user = ModeratorFactory()
    user.user_permissions.add(Permission.objects.get(codename="manage_webhooks"))
    client = APIClient(REMOTE_ADDR="203.0.113.40")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def create(client: APIClient, **fields: object) -> object:
    body = {"url": PUBLIC, "events": ["comment.held", "comment.approved"], **fields}
    return client.post(URL, body, format="json")


def test_create_answers_the_endpoint_with_its_secret_once(manager_api, refuse_private):
    """POST answers 201 with a whsec_ secret; list and detail never show it again."""
    answer = create(manager_api)
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["comment.held", "comment.approved"]
    assert created["active"] is True
    listed = manager_api.get(URL).json()["results"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in manager_api.get(f"{URL}{created['id']}/").json()


def test_patch_changes_events_and_delete_removes_the_endpoint(manager_api, refuse_private):
    """PATCH changes only what it names; DELETE answers 204 and the endpoint is gone."""
    endpoint_id = create(manager_api).json()["id"]
    patched = manager_api.patch(f"{URL}{endpoint_id}/", {"events": ["post.breaker"]}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["events"] == ["post.breaker"]
    assert patched.json()["url"] == PUBLIC
    assert manager_api.delete(f"{URL}{endpoint_id}/").status_code == 204
    assert not Endpoint.objects.filter(pk=endpoint_id).exists()


def test_turning_a_disabled_endpoint_on_again_forgets_its_failures(manager_api, refuse_private):
    """PATCH active=true clears the disabled flag and the failure counters."""
    endpoint_id = create(manager_api).json()["id"]
    Endpoint.objects.filter(pk=endpoint_id).update(
        active=False, disabled_reason="kept failing", exhausted_in_row=3
    )
    answer = manager_api.patch(f"{URL}{endpoint_id}/", {"active": True}, format="json").json()
    assert (answer["active"], answer["disabled_reason"]) == (True, "")
    assert Endpoint.objects.get(pk=endpoint_id).exhausted_in_row == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"events": ["comment.eaten"]}, "events"),
        ({"events": []}, "events"),
        ({"url": "not a url"}, "url"),
        ({"url": "http://127.0.0.1:8000/hook"}, "url"),
        ({"url": "http://10.1.2.3/hook"}, "url"),
        ({"url": "http://localhost/hook"}, "url"),
        ({"url": "http://169.254.169.254/latest/"}, "url"),
    ],
)
def test_bad_input_is_a_field_error(manager_api, refuse_private, fields, field):
    """Unknown events, empty lists, bad or non-public URLs answer 400 naming the field."""
    answer = create(manager_api, **fields)
    assert answer.status_code == 400
    assert field in answer.json(), answer.json()
    assert not Endpoint.objects.exists()


def test_patching_to_a_private_url_is_refused(manager_api, refuse_private):
    """An update is checked like a create: a loopback URL answers 400 on url."""
    endpoint_id = create(manager_api).json()["id"]
    answer = manager_api.patch(f"{URL}{endpoint_id}/", {"url": "http://[::1]/"}, format="json")
    assert answer.status_code == 400
    assert "url" in answer.json()


def test_moderators_without_the_permission_and_readers_are_refused(moderator_api, api):
    """Moderating comments is not enough: 403 without the webhooks permission, 401 anonymous."""
    assert moderator_api.get(URL).status_code == 403
    assert create(moderator_api).status_code == 403
    assert api.get(URL).status_code == 401
