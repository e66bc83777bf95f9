"""Moderation fixtures: a staff moderator logged in to the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def staff_moderator(db):
    """A staff account in the `moderators` group: what a site gives its moderators."""
    user = UserFactory(username="mod", is_staff=True)
    group, _ = Group.objects.get_or_create(name="moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_comment"))
    user.groups.add(group)
    return user


@pytest.fixture
def admin_client_(staff_moderator) -> Client:
    client = Client()
    client.force_login(staff_moderator)
    return client
