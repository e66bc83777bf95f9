"""Every task of the service survives the real world the same way: retries and time limits."""

import pytest
from django.db import InterfaceError, OperationalError

from blog.celery import app
from comments.tasks import anonymize_old_ips
from moderation.tasks import score_comment

OURS = sorted(name for name in app.tasks if name.startswith(("comments.", "moderation.")))


def test_the_service_declares_tasks_in_both_apps():
    """Both apps' tasks are registered (the check below would pass on an empty list)."""
    assert anonymize_old_ips.name in OURS
    assert score_comment.name in OURS


@pytest.mark.parametrize("name", OURS)
def test_every_task_retries_database_hiccups_and_has_time_limits(name):
    """Acked late, retried on a dropped database connection, and bounded in time."""
    task = app.tasks[name]

    assert task.acks_late
    assert task.reject_on_worker_lost
    assert {OperationalError, InterfaceError} <= set(task.autoretry_for)
    assert task.max_retries
    assert task.retry_backoff
    assert 0 < task.soft_time_limit < task.time_limit
