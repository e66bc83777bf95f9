"""`manage.py rescore --since DATE [--until DATE] [--apply]`: re-run the current scorer.

A dry run by default: reports how many comments the current signals, model and thresholds
would decide differently. `--apply` stores the new scores and moves comments the scorer
decided (never those a moderator decided) to their new status.
"""

from argparse import ArgumentParser
from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment, Status
from moderation.services import comment_rescore

PROGRESS_EVERY = 500


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = "Re-score comments created in a date range and report how many decisions change."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", help="last day (inclusive), YYYY-MM-DD; default today")
        parser.add_argument(
            "--apply",
            action="store_true",
            help="store the new scores and decisions (default: dry run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _day(options["since"])
        until = _day(options["until"]) if options["until"] else timezone.localdate()
        if until < since:
            raise CommandError(f"--until ({until}) is before --since ({since}).")
        start = timezone.make_aware(datetime.combine(since, time.min))
        end = timezone.make_aware(datetime.combine(until, time.max))
        ids = list(
            Comment.objects.filter(created_at__range=(start, end))
            .exclude(status=Status.REMOVED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        mode = "applying" if options["apply"] else "dry run"
        self.stdout.write(f"rescoring {len(ids)} comments from {since} to {until} ({mode})")
        changes: Counter[tuple[str, str]] = Counter()
        for done, pk in enumerate(ids, start=1):
            before, after = comment_rescore(comment_id=pk, apply=options["apply"])
            if before != after:
                changes[(before, after)] += 1
            if done % PROGRESS_EVERY == 0:
                self.stdout.write(f"  {done}/{len(ids)}")
        self._report(len(ids), changes, options["apply"])

    def _report(self, total: int, changes: Counter[tuple[str, str]], applied: bool) -> None:
        changed = sum(changes.values())
        verb = "changed" if applied else "would change"
        self.stdout.write(self.style.SUCCESS(f"{changed} of {total} decisions {verb}."))
        for (before, after), count in sorted(changes.items()):
            self.stdout.write(f"  {before} -> {after}: {count}")
