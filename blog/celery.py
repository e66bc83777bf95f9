"""The Celery application (`celery -A blog worker`, `celery -A blog beat`)."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")

app = Celery("blog")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _tidy_connections(**kwargs: Any) -> None:
    """Treat each task as Django treats a request: keep a sound connection, drop a bad one.

    Celery's own Django fixup closes every database connection before and after each
    task (a new PostgreSQL connection per score, costing more than the scoring's queries)
    unless CELERY_DB_REUSE_MAX is set, and then it checks nothing. With the setting on,
    this does Django's per-request housekeeping instead: a connection that failed, or
    outlived CONN_MAX_AGE, is closed; a sound one serves the next task.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # a task applied inside a caller's transaction
            connection.close_if_unusable_or_obsolete()


@app.on_after_configure.connect
def _schedule_digest(sender: Celery, **kwargs: Any) -> None:
    """Add the moderators' daily digest at the site's hour (read once settings are loaded)."""
    from moderation.alerts import digest_schedule

    sender.add_periodic_task(
        digest_schedule(), sender.signature("moderation.alerts_digest"), name="moderator-digest"
    )
