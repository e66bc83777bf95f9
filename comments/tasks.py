"""Periodic comment housekeeping, and the options every task of the service is declared with.

TASK_OPTIONS lives here because `moderation` may import `comments`, not the other way.
"""

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

# A database that drops a connection or restarts is retried with backoff; anything else
# is a bug and fails loudly. Time limits stop a stuck task from holding a worker forever.
TRANSIENT = (OperationalError, InterfaceError)
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "max_retries": 20,
    "soft_time_limit": 60,
    "time_limit": 90,
}


# A pass over every comment past retention may touch many rows: a longer limit.
@shared_task(
    name="comments.anonymize_old_ips", **{**TASK_OPTIONS, "soft_time_limit": 540, "time_limit": 600}
)
def anonymize_old_ips() -> int:
    """Clear IPs, user agents and referrers older than COMMENTS["IP_RETENTION_DAYS"]."""
    from comments.privacy import comments_anonymize_ips

    return comments_anonymize_ips()
