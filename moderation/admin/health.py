"""What the admin's health page shows: the stats as figures and small inline SVG charts."""

from datetime import timedelta
from typing import Any

from moderation.charts import bar_chart


def health_context(stats: dict[str, Any]) -> dict[str, Any]:
    """Return the health page's figures and charts from `moderation_stats()`."""
    days = stats["decisions_per_day"]
    weeks = stats["weeks"]
    actors = sorted({a for d in days for a in d["by_actor"]})
    return {
        "stats": stats,
        "oldest": _duration(stats["oldest_pending_age_seconds"]),
        "median_wait": _duration(stats["median_time_to_decision_seconds"]),
        "per_day_chart": bar_chart(
            [(d["date"][5:], d["total"]) for d in days], title="Decisions per day"
        ),
        "actor_charts": [
            (
                actor,
                bar_chart(
                    [(d["date"][5:], d["by_actor"].get(actor, 0)) for d in days],
                    title=f"Decisions per day by {actor}",
                ),
            )
            for actor in actors
        ],
        "false_hold_chart": bar_chart(
            [(w["week"][5:], w["false_hold_share"]) for w in weeks],
            title="Held, then approved by a moderator (false holds), per week",
            percent=True,
        ),
        "miss_chart": bar_chart(
            [(w["week"][5:], w["miss_share"]) for w in weeks],
            title="Approved by the scorer, then marked spam (misses), per week",
            percent=True,
        ),
        "kinds": sorted({k for d in days for k in d["by_kind"]}),
    }


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "none"
    return str(timedelta(seconds=int(seconds)))
