"""`manage.py demo_moderator`: create (or reset) a demo moderator and print how to log in."""

import secrets
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create the demo moderator account (staff, in the moderators group) and print it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="moderator")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        password = secrets.token_urlsafe(9)
        user, created = User.objects.get_or_create(username=username)
        user.is_staff = True
        # An address, so that the demo shows moderator alerts (as .eml files under var/mail/).
        user.email = user.email or f"{username}@example.invalid"
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name="moderators"))
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo moderator {'created' if created else 'password reset'}: "
                f"username '{username}', password '{password}'\n"
                f"API token (header 'Authorization: Token …'): {token.key}"
            )
        )
