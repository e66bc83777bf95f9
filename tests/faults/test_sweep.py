"""The sweep under several workers at once: each stale comment is queued once, then scored."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.celery import app as celery_app
from comments.models import Comment
from tests.faults.conftest import pending_comment, scored, scorer_entries
from tests.workers import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STALE = 4
SWEEPS = 4


def test_sweeps_running_at_once_on_two_workers_queue_each_stale_comment_once(lab, private_broker):
    """Four sweeps on two workers queue each forgotten comment once; each is scored once."""
    ids = [pending_comment(f"Forgotten comment {n}.").pk for n in range(STALE)]
    Comment.objects.filter(pk__in=ids).update(created_at=timezone.now() - timedelta(hours=1))
    workers = [lab.worker(name, private_broker, concurrency=2) for name in ("sweep-a", "sweep-b")]

    with private_broker.connection() as conn, conn.Producer() as producer:
        for _ in range(SWEEPS):
            celery_app.send_task("moderation.sweep_unscored", producer=producer)

    wait_for(
        lambda: all(scored(pk) for pk in ids),
        timeout=40,
        message=f"stale comments not scored:\n{lab.logs()}",
    )
    wait_for(
        lambda: sum(w.log().count("sweep_unscored[") for w in workers) >= 2 * SWEEPS,
        timeout=20,
        message=f"not every sweep finished:\n{lab.logs()}",
    )
    deliveries = sum(
        len(re.findall(r"moderation\.score_comment\[\S+\] received", w.log())) for w in workers
    )
    assert deliveries == STALE
    assert all(scorer_entries(pk) == [("pending", "approved")] for pk in ids)
