"""`manage.py train_spam FILE.csv ...`: bootstrap the spam classifier from labelled comments."""

import csv
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.services import classifier_train

PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = (
        "Teach the spam classifier labelled comments from CSV files (as moderator "
        "decisions would). Default columns: CONTENT (text) and CLASS (1 spam, 0 ham)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE.csv")
        parser.add_argument("--text-column", default="CONTENT")
        parser.add_argument("--label-column", default="CLASS")
        parser.add_argument(
            "--spam-value", default="1", help="label value meaning spam; any other value is ham"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows: list[tuple[str, bool]] = []
        for name in options["files"]:
            try:
                found = list(self._read(Path(name), options))
            except (UnicodeDecodeError, csv.Error) as exc:
                raise CommandError(
                    f"{name} is not a UTF-8 CSV file ({exc}); save it as UTF-8 CSV and try again."
                ) from exc
            spam = sum(is_spam for _, is_spam in found)
            self.stdout.write(
                f"{name}: {len(found)} comments ({spam} spam, {len(found) - spam} ham)"
            )
            rows += found
        if not rows:
            raise CommandError("No labelled comments found; nothing learned.")
        self.stdout.write(f"learning {len(rows)} comments ...")
        spam, ham = 0, 0
        for start in range(0, len(rows), PROGRESS_EVERY):
            learned = classifier_train(texts=rows[start : start + PROGRESS_EVERY])
            spam, ham = spam + learned[0], ham + learned[1]
            self.stdout.write(f"  {spam + ham}/{len(rows)}")
        self.stdout.write(self.style.SUCCESS(f"Learned {spam} spam and {ham} ham comments."))

    def _read(self, path: Path, options: dict[str, Any]) -> Iterator[tuple[str, bool]]:
        text_col, label_col = options["text_column"], options["label_column"]
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        with handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            for wanted, flag in ((text_col, "--text-column"), (label_col, "--label-column")):
                if wanted not in columns:
                    raise CommandError(
                        f"{path} has no column {wanted!r}; its columns are: "
                        f"{', '.join(columns) or '(none)'}. Choose one with {flag}."
                    )
            for row in reader:
                text = (row.get(text_col) or "").strip()
                if text:
                    yield text, (row.get(label_col) or "").strip() == options["spam_value"]
