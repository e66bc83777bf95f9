"""manage.py import_comments FILE: a blog's comments from WordPress, Disqus, Isso, Remark42."""

import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comments.models import SITE_NAME_LENGTH
from comments.porting.importer import READERS, ImportOptions, comments_import_file
from comments.porting.learning import queue_learning
from comments.porting.records import FileError


class Command(BaseCommand):
    help = (
        "Import every comment of a WordPress WXR, Disqus XML, Isso database, Remark42 backup "
        "or Threadkeeper JSON export. Running it again creates nothing twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", default="auto", choices=["auto", *READERS])
        parser.add_argument("--dry-run", action="store_true", help="read and match, write nothing")
        parser.add_argument(
            "--create-posts", action="store_true", help="create posts for unmatched threads"
        )
        parser.add_argument(
            "--map", type=Path, dest="map_file", help="CSV: old address or id, post slug"
        )
        parser.add_argument(
            "--learn", action="store_true", help="teach the scorer the imported spam/ham"
        )
        parser.add_argument(
            "--site",
            default="",
            metavar="NAME",
            help=f"a name for the site the file comes from (up to {SITE_NAME_LENGTH} "
            "characters), kept with each comment's original id: for a second site's export "
            "of the same kind, whose ids would clash with the first's",
        )
        parser.add_argument("--json", action="store_true", help="end with the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file; give the path of an export file.")
        site = options["site"].strip()
        if len(site) > SITE_NAME_LENGTH:
            raise CommandError(
                f"--site: at most {SITE_NAME_LENGTH} characters; use a shorter name."
            )
        learned: list[int] = []
        bar = _bar(path, quiet=options["json"] or not sys.stderr.isatty())
        try:
            report = comments_import_file(
                path=path,
                options=ImportOptions(
                    format=options["format"],
                    dry_run=options["dry_run"],
                    create_posts=options["create_posts"],
                    map_file=options["map_file"],
                    site=site,
                ),
                progress=bar,
                on_saved=(lambda saved: learned.extend(queue_learning(saved)))
                if options["learn"]
                else None,
            )
        except FileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        report.learned = len(learned)
        self.stdout.write(report.as_text())
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        if report.error:
            raise CommandError(
                f"stopped: {report.error}. The {report.created} comments before it are saved; "
                "run the same command on the fixed file to import the rest (nothing twice)."
            )


class _bar:
    """comments/s and an ETA from how far into the file the reader is; silent off a terminal."""

    def __init__(self, path: Path, *, quiet: bool) -> None:
        self.started = time.monotonic()
        self.size = path.stat().st_size
        self.tqdm = (
            None
            if quiet
            else tqdm(total=self.size, unit="B", unit_scale=True, file=sys.stderr, desc="reading")
        )

    def __call__(self, comments: int, fraction: float) -> None:
        if self.tqdm is None:
            return
        rate = comments / max(time.monotonic() - self.started, 1e-6)
        self.tqdm.set_postfix_str(f"{comments} comments, {rate:,.0f} comments/s", refresh=False)
        self.tqdm.update(int(fraction * self.size) - self.tqdm.n)

    def close(self) -> None:
        if self.tqdm is not None:
            self.tqdm.close()
