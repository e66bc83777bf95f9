"""The Celery application (`celery -A blog worker`, `celery -A blog beat`)."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")

app = Celery("blog")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _schedule_digest(sender: Celery, **kwargs: Any) -> None:
    """Add the moderators' daily digest at the site's hour (read once settings are loaded)."""
    from moderation.alerts import digest_schedule

    sender.add_periodic_task(
        digest_schedule(), sender.signature("moderation.alerts_digest"), name="moderator-digest"
    )
