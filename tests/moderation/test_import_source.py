"""Moderators see what kind of comment it is and, if it was imported, where it came from."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from comments.models import Comment, Kind, Status
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCE = {
    "system": "wordpress",
    "id": "4711",
    "status": "post-trashed",
    "parent": "4700",
    "post": "123",
    "extra": {"commentmeta": {"akismet_result": "false"}},
}


@pytest.fixture
def imported(post) -> Comment:
    return CommentFactory(
        post=post,
        status=Status.REJECTED,
        type=Kind.PINGBACK,
        source_system="wordpress",
        source_id="4711",
        source_status="post-trashed",
        source_parent="4700",
        source_post="123",
        source_extra={"commentmeta": {"akismet_result": "false"}},
    )


@pytest.fixture
def staff_client(db) -> Client:
    user = UserFactory(username="source-mod", is_staff=True)
    group, _ = Group.objects.get_or_create(name="moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_comment"))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def test_the_moderation_record_shows_type_and_import_source(moderator_api, imported):
    """An imported pingback's record has type "pingback" and the file's system, id, status..."""
    body = moderator_api.get(f"/api/v1/moderation/comments/{imported.pk}/").json()
    assert body["type"] == "pingback"
    assert body["source"] == SOURCE
    assert body["status"] == "rejected"


def test_a_comment_written_here_has_no_source(moderator_api, post):
    """A comment submitted to this service is of type "comment" with a null source."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    body = moderator_api.get(f"/api/v1/moderation/comments/{comment.pk}/").json()
    assert body["type"] == "comment"
    assert body["source"] is None


def test_the_queue_lists_type_and_source_too(moderator_api, imported):
    """The queue's records are the same records: type and source are there as well."""
    results = moderator_api.get("/api/v1/moderation/comments/?status=rejected").json()["results"]
    assert [(item["type"], item["source"]) for item in results] == [("pingback", SOURCE)]


def test_the_admin_change_page_shows_type_and_source(staff_client, imported):
    """The admin page of an imported comment names its type and every source field."""
    page = staff_client.get(f"/admin/moderation/queuedcomment/{imported.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pingback" in text
    for value in ("wordpress", "4711", "post-trashed", "4700", "akismet_result"):
        assert value in text


def test_the_admin_page_of_a_comment_written_here_says_so(staff_client, post):
    """A comment not imported says it was written here instead of showing empty fields."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    page = staff_client.get(f"/admin/moderation/queuedcomment/{comment.pk}/change/")
    assert "not imported (written here)" in page.content.decode()
