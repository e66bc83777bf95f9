"""`manage.py import_posts DIR`: import Markdown posts with front matter (see blog.importer)."""

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError

from blog.importer import ImportResult, ImportSummary, Outcome, posts_import_dir


class Command(BaseCommand):
    help = (
        "Import blog posts from Markdown files with YAML front matter (Hugo, Jekyll, "
        "Eleventy, WordPress exports) under DIR. Posts are matched by slug: a re-run "
        "updates them. Files that cannot be read are reported and skipped."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", metavar="DIR", help="folder (or one file) to import")
        parser.add_argument(
            "--time-zone",
            metavar="NAME",
            help="zone for dates without an offset (default: TIME_ZONE)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read and report everything, save nothing"
        )

    def handle(
        self,
        *args: Any,
        directory: str,
        time_zone: str | None,
        dry_run: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        root = Path(directory).expanduser()
        if not root.exists():
            raise CommandError(f"{root} does not exist; pass the folder that holds the posts.")
        self.root = root if root.is_dir() else root.parent
        self.verbosity = verbosity
        summary = posts_import_dir(
            directory=root, tz=_zone(time_zone), dry_run=dry_run, on_result=self._progress
        )
        if summary.files == 0:
            raise CommandError(f"No Markdown files (*.md, *.markdown) under {root}.")
        self._summarize(summary, dry_run=dry_run)
        if summary.imported == 0:
            raise CommandError(
                f"None of the {summary.files} files could be imported; "
                "the reasons are listed above."
            )

    def _progress(self, result: ImportResult, position: int, total: int) -> None:
        name = _relative(result.path, self.root)
        if result.outcome is Outcome.SKIPPED:
            self.stderr.write(f"[{position}/{total}] skipped {name}: {result.reason}")
            return
        if self.verbosity >= 1:
            self.stdout.write(f"[{position}/{total}] {result.outcome:<9} {result.slug}  ({name})")
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"    note: {warning}"))

    def _summarize(self, summary: ImportSummary, *, dry_run: bool) -> None:
        counts = ", ".join(f"{outcome} {summary.counts[outcome]}" for outcome in Outcome)
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary.files} files: {counts}."))
        if summary.skipped:
            self.stdout.write("Skipped:")
            for result in summary.skipped:
                self.stdout.write(f"  {_relative(result.path, self.root)}: {result.reason}")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"Unknown time zone '{name}'; use a name like Europe/Paris.") from None


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
