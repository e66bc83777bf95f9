"""`manage.py rescore --since DATE [--until DATE] [--apply | --hold X --spam Y]`.

A dry run by default: reports how many comments the current signals, model and thresholds
would decide differently. `--apply` stores the new scores and moves comments the scorer
decided (never those a moderator decided) to their new status. `--hold X --spam Y` is a
what-if on the stored scores: how many of the scorer's decisions those thresholds would
flip, and a confusion table against the moderators' decisions (nothing is changed).
"""

from argparse import ArgumentParser
from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment, Status
from moderation.services import comment_rescore
from moderation.whatif import DECISIONS, thresholds_whatif

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
        parser.add_argument("--hold", type=float, help="what-if hold threshold (with --spam)")
        parser.add_argument("--spam", type=float, help="what-if spam threshold (with --hold)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _day(options["since"])
        until = _day(options["until"]) if options["until"] else timezone.localdate()
        if until < since:
            raise CommandError(f"--until ({until}) is before --since ({since}).")
        start = timezone.make_aware(datetime.combine(since, time.min))
        end = timezone.make_aware(datetime.combine(until, time.max))
        if options["hold"] is not None or options["spam"] is not None:
            self._whatif(options, start, end)
            return
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

    def _whatif(self, options: dict[str, Any], start: datetime, end: datetime) -> None:
        hold, spam = options["hold"], options["spam"]
        if hold is None or spam is None or options["apply"]:
            raise CommandError("Give both --hold and --spam for a what-if (and no --apply).")
        try:
            found = thresholds_whatif(hold=hold, spam=spam, start=start, end=end)
        except ValueError as exc:
            raise CommandError(f"{exc}; for example --hold 0.3 --spam 0.9.") from exc
        self.stdout.write(
            f"what if hold {hold:.2f}, spam {spam:.2f}: {found.scored} scored comments"
        )
        self.stdout.write(f"{'moderators decided':<28}" + "".join(f"{d:>9}" for d in DECISIONS))
        for verdict, counts in sorted(found.table.items()):
            self.stdout.write(f"{verdict:<28}" + "".join(f"{counts[d]:>9}" for d in DECISIONS))
        flipped = sum(found.flips.values())
        self.stdout.write(
            self.style.SUCCESS(f"{flipped} of {found.scorer_decided} scorer decisions would flip.")
        )
        for (before, after), count in sorted(found.flips.items()):
            self.stdout.write(f"  {before} -> {after}: {count}")
        wrong = ", ".join(f"{name}: {n}" for name, n in found.contradicted.items())
        self.stdout.write(f"moderators' decisions contradicted: {wrong}")
