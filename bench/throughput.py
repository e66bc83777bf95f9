"""Scoring throughput through the worker's own code path, on a throwaway test database.

`db_rate(rows)` creates a test database (DATABASE_URL's engine; its name gets a
"_bench" suffix), trains the classifier with `classifier_train`, stores the comments as
pending, then times `moderation.services.comment_score` on each: the task body minus the
broker (lock the row, gather facts, classifier version check, signals, policy, save).

The comments all land on one post within seconds, and half of them are spam, which the
thread breaker rightly takes for a flood: it would hold every later one and cluster it.
Its trip thresholds are lifted (as in `bench/load_settings.py`); its checks still run on
every scoring.
"""

import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

LIMIT = 1000
cpu_seconds = 0.0  # this process's CPU time over the last db_rate()


def db_rate(rows: Sequence[Any]) -> tuple[int, float, str]:
    """Return (comments scored, seconds, database vendor) for up to LIMIT rows."""
    test = settings.DATABASES["default"].setdefault("TEST", {})
    base = test.get("NAME") or f"test_{settings.DATABASES['default']['NAME']}"
    test["NAME"] = f"{base}_bench"
    settings.DEBUG = False  # as in production: no per-query debug logging
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return _timed(rows[:LIMIT])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _timed(rows: Sequence[Any]) -> tuple[int, float, str]:
    from blog.models import Post
    from comments.models import Comment
    from moderation.scoring.store import model_forget_cache
    from moderation.services import classifier_train, comment_score

    classifier_train(texts=[(r.text, r.is_spam) for r in rows])
    model_forget_cache()
    post = Post.objects.create(
        title="Bench", slug="bench", body="", moderation_mode="post", published_at=timezone.now()
    )
    ids = [_comment(Comment, post, i, r.text, r.author).pk for i, r in enumerate(rows)]
    never_trips = {
        **getattr(settings, "MODERATION", {}),
        "BREAKER_MIN_COMMENTS": 10**9,
        "BREAKER_MIN_SCORED": 10**9,
    }
    with override_settings(MODERATION=never_trips):
        start, cpu = time.perf_counter(), time.process_time()
        for pk in ids:
            comment_score(comment_id=pk, revision=1)
    global cpu_seconds  # read by main(), printed beside the wall time
    cpu_seconds = time.process_time() - cpu
    return len(ids), time.perf_counter() - start, connection.vendor


def _comment(model: Any, post: Any, i: int, text: str, author: str) -> Any:
    return model.objects.create(
        post=post,
        thread_path=str(i + 1).zfill(10),
        author_name=author[:100],
        author_email=f"reader{i}@example.org",
        body_source=text,
        body_html=text,
        ip_address=f"198.51.100.{i % 250 + 1}",
        ip_network="198.51.100.0/24",
    )


def main() -> None:
    """Print the worker path's rate on DATABASE_URL's engine (the spam corpus's comments)."""
    from bench.spam_quality import DATA, load_folds

    if not DATA.exists():
        print(f"no corpus at {DATA}: nothing to measure")
        return
    rows = [row for rows in load_folds(DATA).values() for row in rows]
    count, seconds, vendor = db_rate(rows)
    print(
        f"worker path on {vendor}: {count / seconds:.0f} scores/s in one process "
        f"({count} comments, {seconds / count * 1000:.2f} ms each; "
        f"{cpu_seconds / count * 1000:.2f} ms of this process's CPU each, "
        f"{count / cpu_seconds:.0f}/s per CPU second)"
    )


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
