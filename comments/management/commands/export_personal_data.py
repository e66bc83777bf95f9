"""`manage.py export_personal_data EMAIL`: everything stored about one commenter, as JSON."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from comments.privacy import comments_export_personal_data


class Command(BaseCommand):
    help = (
        "Print, as JSON on stdout, every comment written with EMAIL and everything "
        "stored with it (IP, user agent, scores, history). A count goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the commenter's e-mail address (case-insensitive)")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        data = comments_export_personal_data(email=email)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        self.stderr.write(f"Exported {data['comment_count']} comment(s) written with {email}.")
