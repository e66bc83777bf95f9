"""`manage.py erase_personal_data EMAIL`: anonymize one commenter's comments (GDPR erasure)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comments.privacy import comments_by_email, comments_erase_personal_data


class Command(BaseCommand):
    help = (
        "Anonymize every comment written with EMAIL: the name becomes 'deleted'; e-mail, "
        "website, IP, network, user agent and edit token are removed; bodies are replaced "
        "by a notice unless --keep-bodies. Comments stay in their threads. Asks first "
        "unless --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the commenter's e-mail address (case-insensitive)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--keep-bodies",
            action="store_true",
            help="keep what they wrote (remove only what identifies them)",
        )

    def handle(self, *args: Any, email: str, yes: bool, keep_bodies: bool, **options: Any) -> None:
        found = comments_by_email(email).count()
        if not found:
            self.stdout.write(f"No comments were written with {email}; nothing to erase.")
            return
        what = "personal data" if keep_bodies else "personal data and bodies"
        if not yes:
            answer = input(
                f"Erase the {what} of {found} comment(s) written with {email}? "
                "This cannot be undone. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased (not confirmed).")
        count = comments_erase_personal_data(email=email, keep_bodies=keep_bodies)
        self.stdout.write(self.style.SUCCESS(f"Erased the {what} of {count} comment(s)."))
