"""manage.py export_comments: every post's comments as one JSON document (docs/export-format.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from comments.porting.export import export_lines


class Command(BaseCommand):
    help = "Write the comments (with status, source and history) as the Threadkeeper JSON export."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
        parser.add_argument("--post", metavar="SLUG", help="only this post's comments")
        parser.add_argument(
            "--no-personal-data",
            action="store_true",
            help="leave out e-mail addresses, IP addresses and the source's extra fields",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["post"]
        if slug is not None and not Post.objects.filter(slug=slug).exists():
            raise CommandError(f"No post with slug {slug!r}; see the slugs in the admin.")
        lines = export_lines(post_slug=slug, personal_data=not options["no_personal_data"])
        output: Path | None = options["output"]
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        try:
            with output.open("w", encoding="utf-8") as handle:
                handle.writelines(lines)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        self.stderr.write(f"wrote {output}")
