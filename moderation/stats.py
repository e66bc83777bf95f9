"""Is moderation working? Queue health, decisions by kind and actor, false holds and misses.

Everything is computed from comments and their history (no counters to drift): a handful
of queries whatever the size of the queue, over the last DAYS days and WEEKS weeks.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Min
from django.utils import timezone

from comments.models import Comment, CommentEvent, Status

DAYS = 14
WEEKS = 8
DECIDED = (Status.APPROVED, Status.REJECTED, Status.SPAM)


def actor_of(event_actor_id: int | None, label: str) -> str:
    """Name who decided: the scorer, a moderator, an e-mail link, or what the label says."""
    if "mail" in label.lower():
        return "e-mail link"
    if event_actor_id is not None:
        return "moderator"
    if label in {"scorer", "rescore"}:
        return "scorer"
    return label or "system"


def moderation_stats(*, now: datetime | None = None) -> dict[str, Any]:
    """Return the queue's health and the decisions' record (see the module docstring)."""
    now = now or timezone.now()
    pending = Comment.objects.filter(status=Status.PENDING)
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    since = _week_start(now.date()) - timedelta(weeks=WEEKS - 1)
    events = list(
        CommentEvent.objects.filter(
            created_at__gte=datetime.combine(since, datetime.min.time(), tzinfo=now.tzinfo),
            to_status__in=DECIDED,
        )
        .exclude(from_status="")
        .order_by("created_at")
        .values_list(
            "comment_id",
            "created_at",
            "to_status",
            "actor_id",
            "actor_label",
            "from_status",
            "comment__created_at",
            "comment__scored_at",
        )
    )
    return {
        "queue_size": pending.count(),
        "oldest_pending_age_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "median_time_to_decision_seconds": _median_wait(events, now),
        "decisions_per_day": _per_day(events, now),
        "weeks": _weeks(events, since),
    }


def _median_wait(events: list[tuple[Any, ...]], now: datetime) -> int | None:
    """Median time from submit to a moderator's decision, over the last DAYS days."""
    start = now - timedelta(days=DAYS)
    waits = [
        (at - created).total_seconds()
        for _, at, _, actor, label, _, created, _ in events
        if at >= start and actor_of(actor, label) in {"moderator", "e-mail link"}
    ]
    return int(median(waits)) if waits else None


def _per_day(events: list[tuple[Any, ...]], now: datetime) -> list[dict[str, Any]]:
    """Decisions per day (last DAYS days) by kind (new status) and by actor."""
    first = now.date() - timedelta(days=DAYS - 1)
    days: dict[date, Counter[tuple[str, str]]] = {
        first + timedelta(days=n): Counter() for n in range(DAYS)
    }
    for _, at, to, actor, label, _, _, _ in events:
        day = timezone.localtime(at).date()
        if day in days:
            days[day][(to, actor_of(actor, label))] += 1
    return [
        {
            "date": day.isoformat(),
            "total": sum(counts.values()),
            "by_kind": _sum_by(counts, 0),
            "by_actor": _sum_by(counts, 1),
        }
        for day, counts in days.items()
    ]


def _sum_by(counts: Counter[tuple[str, str]], index: int) -> dict[str, int]:
    out: Counter[str] = Counter()
    for key, n in counts.items():
        out[key[index]] += n
    return dict(out)


def _weeks(events: list[tuple[Any, ...]], since: date) -> list[dict[str, Any]]:
    """Per week: held-then-approved share (false holds) and approved-then-spam (misses)."""
    held: dict[date, list[bool]] = defaultdict(list)  # week → moderator approved?
    auto_approved: dict[int, date] = {}
    missed: set[int] = set()
    for comment_id, at, to, actor, label, from_status, _, scored_at in events:
        week = _week_start(timezone.localtime(at).date())
        who = actor_of(actor, label)
        if who == "scorer" and to == Status.APPROVED:
            auto_approved[comment_id] = week
        elif who in {"moderator", "e-mail link"}:
            if from_status == Status.PENDING and scored_at is not None:
                held[week].append(to == Status.APPROVED)
            if from_status == Status.APPROVED and to == Status.SPAM:
                missed.add(comment_id)
    weeks = [since + timedelta(weeks=n) for n in range(WEEKS)]
    approved_in: Counter[date] = Counter(auto_approved.values())
    missed_in: Counter[date] = Counter(auto_approved[c] for c in missed if c in auto_approved)
    return [
        {
            "week": week.isoformat(),
            "held_decided": len(held[week]),
            "false_hold_share": _share(sum(held[week]), len(held[week])),
            "auto_approved": approved_in[week],
            "miss_share": _share(missed_in[week], approved_in[week]),
        }
        for week in weeks
    ]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
