"""`manage.py demo_moderator`: create the demo moderator once, and print how to use it.

A later run never changes the password: an instance already running, and anyone logged
in with it, keep working. It prints how to set a new one instead.
"""

import secrets
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Create the demo moderator account (staff, in the moderators group, managing webhooks) "
        "if it does not exist, and print its API token; an existing account keeps its password."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="moderator")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user, created = User.objects.get_or_create(username=username)
        if created:
            password = secrets.token_urlsafe(9)
            user.is_staff = True
            user.set_password(password)
            user.save()
            login = f"Demo moderator created: username '{username}', password '{password}'"
        else:
            login = (
                f"Demo moderator '{username}' exists; its password is unchanged "
                f"(set a new one with: python manage.py changepassword {username})"
            )
        if not user.email:
            # An address, so that the demo shows moderator alerts (.eml files under var/mail/).
            user.email = f"{username}@example.invalid"
            user.save(update_fields=["email"])
        user.groups.add(Group.objects.get(name="moderators"))
        # A site's operator grants webhooks to whom they choose; the demo's moderator has it
        # so that README's webhook example works as written.
        user.user_permissions.add(
            Permission.objects.get(codename="manage_webhooks", content_type__app_label="webhooks")
        )
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(self.style.SUCCESS(login))
        self.stdout.write(f"API token (header 'Authorization: Token …'): {token.key}")
        self.stdout.write(f"export TOKEN={token.key}")
