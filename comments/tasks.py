"""Periodic comment housekeeping: anonymize IP addresses past their retention."""

from celery import shared_task


@shared_task(name="comments.anonymize_old_ips", acks_late=True, time_limit=600)
def anonymize_old_ips() -> int:
    """Clear IPs, user agents and referrers older than COMMENTS["IP_RETENTION_DAYS"]."""
    from comments.privacy import comments_anonymize_ips

    return comments_anonymize_ips()
