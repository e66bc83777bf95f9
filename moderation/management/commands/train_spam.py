"""`manage.py train_spam FILE.csv ...`: bootstrap the spam classifier from labelled comments."""

import csv
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation import calibration
from moderation.calibration import Example
from moderation.services import classifier_train, thresholds_calibrate

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
        parser.add_argument(
            "--url-column",
            help="column holding the address of the page each comment was written on "
            "(links back to it are not counted as links); optional",
        )
        parser.add_argument(
            "--no-calibrate",
            action="store_true",
            help="do not choose thresholds by cross-validation after learning (keep the "
            "thresholds stored before, or the MODERATION settings)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        groups: list[list[Example]] = []
        for name in options["files"]:
            try:
                found = list(self._read(Path(name), options))
            except (UnicodeDecodeError, csv.Error) as exc:
                raise CommandError(
                    f"{name} is not a UTF-8 CSV file ({exc}); save it as UTF-8 CSV and try again."
                ) from exc
            spam = sum(e.is_spam for e in found)
            self.stdout.write(
                f"{name}: {len(found)} comments ({spam} spam, {len(found) - spam} ham)"
            )
            groups.append(found)
        rows = [e for group in groups for e in group]
        if not rows:
            raise CommandError("No labelled comments found; nothing learned.")
        self.stdout.write(f"learning {len(rows)} comments ...")
        spam, ham = 0, 0
        for start in range(0, len(rows), PROGRESS_EVERY):
            learned = classifier_train(texts=rows[start : start + PROGRESS_EVERY])
            spam, ham = spam + learned[0], ham + learned[1]
            self.stdout.write(f"  {spam + ham}/{len(rows)}")
        self.stdout.write(self.style.SUCCESS(f"Learned {spam} spam and {ham} ham comments."))
        if not options["no_calibrate"]:
            self._calibrate(groups)

    def _calibrate(self, groups: list[list[Example]]) -> None:
        files = sum(1 for g in groups if g)
        how = f"one fold per file ({files})" if files > 1 else "4 stratified folds"
        self.stdout.write(f"calibrating thresholds by cross-validation, {how} ...")
        try:
            found = thresholds_calibrate(groups=groups, progress=self._bar)
        except calibration.TooFewExamples as exc:
            self.stdout.write(
                self.style.WARNING(
                    f"Thresholds not calibrated: {exc}. The site keeps its current thresholds "
                    "(MODERATION settings, an earlier calibration, or the fallbacks)."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Calibrated thresholds: hold {found.hold:.3f}, spam {found.spam:.3f} "
                f"(from {found.examples} comments in {found.folds} folds; prior "
                f"{found.weights.prior:.2f} and text-signal weights fitted with them)."
            )
        )
        for line in expected_lines(found):
            self.stdout.write(line)

    def _bar(self, done: int, of: int) -> None:
        """Draw the cross-validation progress bar, one line per fold."""
        filled = round(20 * done / of)
        self.stdout.write(f"  [{'#' * filled}{'.' * (20 - filled)}] fold {done}/{of}")

    def _read(self, path: Path, options: dict[str, Any]) -> Iterator[Example]:
        text_col, label_col = options["text_column"], options["label_column"]
        url_col = options.get("url_column")
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        with handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            wanted_columns = [(text_col, "--text-column"), (label_col, "--label-column")]
            if url_col:
                wanted_columns.append((url_col, "--url-column"))
            for wanted, flag in wanted_columns:
                if wanted not in columns:
                    raise CommandError(
                        f"{path} has no column {wanted!r}; its columns are: "
                        f"{', '.join(columns) or '(none)'}. Choose one with {flag}."
                    )
            for row in reader:
                text = (row.get(text_col) or "").strip()
                if text:
                    is_spam = (row.get(label_col) or "").strip() == options["spam_value"]
                    page = calibration.page_prefixes(row.get(url_col) or "") if url_col else ()
                    yield Example(text, is_spam, page)


def expected_lines(found: calibration.Calibration) -> list[str]:
    """Return what a site can expect at the new thresholds, with 95% intervals."""
    ex = found.expected
    if ex is None:
        return []
    cells = [
        f"{name} {r.value:.1%} (95% interval {r.low:.1%}-{r.high:.1%})"
        for name, r in (
            ("false positives", ex.fpr),
            ("recall", ex.recall),
            ("spam approved", ex.spam_approved),
            ("held", ex.held),
        )
    ]
    folds = ", ".join(f"{t:.3f}" for t in ex.fold_spam)
    return [
        "  expected on new comments: " + "; ".join(cells[:2]),
        "    " + "; ".join(cells[2:]) + f"; AUC {found.validation.auc:.3f}",
        f"    each fold's own spam threshold: {folds} (spread {ex.spam_spread:.2f} in "
        "log-odds: a new site may need a different one; its moderators' decisions teach it)",
    ]
