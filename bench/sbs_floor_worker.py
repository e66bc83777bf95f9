"""The submit floor's worker: the least a Celery worker can do with a queued comment.

    BENCH_FLOOR_DATABASE_URL=postgres://... BENCH_FLOOR_BROKER_URL=redis://... \\
        celery -A bench.sbs_floor_worker worker --concurrency 2
    python bench/sbs_floor_worker.py create|unscored SINCE|verdicts SINCE   (runner helpers)

Its task has the shape of the service's scoring task without the scoring: in one
transaction it locks the comment's row (SELECT ... FOR UPDATE) and writes a constant
verdict, on a Django connection kept across tasks (the service keeps its own too). The
broker settings are the service's (blog/settings.py); its queue is its own, so it takes
nothing of the service's when both share one redis-server.
"""

import json
import os
import sys
from datetime import datetime

import dj_database_url
from celery import Celery
from django.conf import settings

if not settings.configured:  # in the web process bench/sbs_floor.py configured Django
    settings.configure(
        DATABASES={"default": dj_database_url.config("BENCH_FLOOR_DATABASE_URL")},
        USE_TZ=True,
    )

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

TABLE = """CREATE TABLE IF NOT EXISTS floor_comment (
    id bigserial PRIMARY KEY,
    author text NOT NULL,
    email text NOT NULL,
    body text NOT NULL,
    status text NOT NULL,
    score double precision,
    created_at timestamptz NOT NULL,
    scored_at timestamptz
)"""

# fixups=[]: Celery's Django fixup would close the connection around every task unless
# told not to; nothing here closes it, so each pool process keeps one for good.
app = Celery("floor", broker=os.environ.get("BENCH_FLOOR_BROKER_URL"), fixups=[])
app.conf.update(
    task_default_queue="floor",
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=2,
    broker_transport_options={
        "visibility_timeout": 300,
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    },
    task_publish_retry=True,
    task_publish_retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5},
)


@app.task(name="floor.verdict")
def verdict(comment_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT status FROM floor_comment WHERE id = %s FOR UPDATE", [comment_id])
        if cursor.fetchone() is not None:
            cursor.execute(
                "UPDATE floor_comment SET status = 'approved', score = 0.05, scored_at = now() "
                "WHERE id = %s",
                [comment_id],
            )


def main() -> None:
    """The runner's helpers: make the table; count or time the verdicts since SINCE."""
    command, since = sys.argv[1], datetime.fromisoformat(sys.argv[2]) if sys.argv[2:] else None
    with connection.cursor() as cursor:
        if command == "create":
            cursor.execute(TABLE)
            return
        cursor.execute(
            "SELECT EXTRACT(EPOCH FROM scored_at - created_at) FROM floor_comment "
            "WHERE created_at >= %s",
            [since],
        )
        waits = [row[0] for row in cursor.fetchall()]
    done = sorted(float(w) for w in waits if w is not None)
    if command == "unscored":
        print(len(waits) - len(done))
    else:
        print(json.dumps({"waits": done, "unscored": len(waits) - len(done)}))


if __name__ == "__main__":
    main()
