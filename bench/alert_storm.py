"""Alert storm: 1,000 comments held in one minute mail each moderator at most once per window.

    .venv/bin/python bench/alert_storm.py [--comments 1000] [--moderators 5] [--seconds 60]

Runs the receivers' own code on a throwaway test database (DATABASE_URL's engine, name
suffixed "_bench"): for each held comment, `moderation.events.event_fan_out(..., "comment.held")`
exactly as the `moderation.comment_event` task does, spread evenly over `--seconds` of
simulated time, with the beat's `batches_flush_due` every simulated minute, then 15 more
minutes of beat. The clock is simulated (`django.utils.timezone.now`), so the run takes
seconds, not minutes; wall time per event is measured for real. Prints, per moderator, the
mails queued, the most in any ALERT_WINDOW_SECONDS, and how many held comments the mails
listed; exits 1 if a moderator got two mails inside one window or a comment was never listed.
"""

import argparse
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--moderators", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = f"{test.get('NAME') or 'test_threadkeeper'}_bench"
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args.comments, args.moderators, args.seconds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


class Clock:
    """A settable clock standing in for timezone.now."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now


def run(count: int, moderators: int, seconds: float) -> int:
    from comments.notify.batches import batches_flush_due
    from comments.notify.models import OutboundMail
    from moderation.conf import moderation_setting
    from moderation.events import event_fan_out
    from tests.factories import CommentFactory, ModeratorFactory, PostFactory

    team = [ModeratorFactory() for _ in range(moderators)]
    post = PostFactory(slug="storm", moderation_mode="pre")
    comments = [
        CommentFactory(post=post, status="pending", spam_score=0.5, author_email=f"s{n}@x.test")
        for n in range(count)
    ]
    clock, start = Clock(), timezone.now()
    sent_at: dict[int, datetime] = {}
    wall = 0.0
    with mock.patch("django.utils.timezone.now", clock):
        next_beat = start
        for index, comment in enumerate(comments):
            clock.now = start + timedelta(seconds=seconds * index / count)
            if clock.now >= next_beat:
                batches_flush_due()
                next_beat += timedelta(minutes=1)
            began = time.perf_counter()
            event_fan_out(comment_id=comment.pk, event="comment.held")
            wall += time.perf_counter() - began
            _stamp(OutboundMail, sent_at, clock.now)
        for minute in range(1, 16):
            clock.now = start + timedelta(seconds=seconds, minutes=minute)
            batches_flush_due()
            _stamp(OutboundMail, sent_at, clock.now)
    window = timedelta(seconds=moderation_setting("ALERT_WINDOW_SECONDS"))
    return report(OutboundMail, team, sent_at, window, count, wall)


def _stamp(model: type, sent_at: dict[int, datetime], now: datetime) -> None:
    for pk in model.objects.exclude(pk__in=list(sent_at)).values_list("pk", flat=True):  # type: ignore[attr-defined]
        sent_at[pk] = now


def _count(subject: str) -> int:
    """How many held comments a mail covers (its subject counts them)."""
    first = subject.split()[0]
    return int(first) if first.isdigit() else 1


def report(
    model: type, team: list, sent_at: dict, window: timedelta, count: int, wall: float
) -> int:
    ok = True
    print(f"{count} comments held over the storm; {len(team)} moderators; window {window}")
    print(f"receiver time per held comment: {1000 * wall / count:.2f} ms (all moderators)")
    for moderator in team:
        mails = list(model.objects.filter(to=moderator.email).order_by("pk"))  # type: ignore[attr-defined]
        times = sorted(sent_at[m.pk] for m in mails)
        busiest = max(sum(1 for t in times if first <= t < first + window) for first in times)
        listed = sum(_count(m.subject) for m in mails)
        print(
            f"  {moderator.username}: {len(mails)} mails, at most {busiest} per window, "
            f"{listed} of {count} held comments covered"
        )
        biggest = max(len(m.text) + len(m.html) for m in mails)
        print(f"    largest mail {biggest / 1024:.0f} KB (text + HTML)")
        ok = ok and busiest <= 1 and listed == count
    print(
        "OK"
        if ok
        else "FAILED: a moderator got more than one mail per window, or a comment was lost"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
