"""Webhook knobs, read at call time from `settings.MODERATION` with the defaults below."""

from typing import Any

from comments.conf import read_setting

WEBHOOK_DEFAULTS: dict[str, Any] = {
    # Deliver to loopback, private, link-local and other non-public addresses too (env
    # COMMENTS_WEBHOOKS_ALLOW_PRIVATE=1): only for receivers on the same trusted network.
    "WEBHOOKS_ALLOW_PRIVATE": False,
    # Seconds to wait before each retry of a failed delivery (Standard Webhooks' suggested
    # schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; about 28 hours in all).
    "WEBHOOKS_RETRY_SCHEDULE": [5, 300, 1800, 7200, 18000, 36000, 36000],
    # Seconds to connect, and to wait for the answer, per attempt.
    "WEBHOOKS_CONNECT_TIMEOUT": 3.0,
    "WEBHOOKS_READ_TIMEOUT": 10.0,
    # A file of CA certificates to trust for https receivers (e.g. a private CA); None:
    # the system's.
    "WEBHOOKS_CA_BUNDLE": None,
    # An endpoint is disabled when every attempt has failed for this many seconds, or
    # when this many deliveries in a row used up all their retries.
    "WEBHOOKS_DISABLE_AFTER_SECONDS": 24 * 3600,
    "WEBHOOKS_DISABLE_AFTER_DELIVERIES": 3,
    # Delivered and failed deliveries (they hold the comment's record, e-mail and IP
    # included) are deleted this many days after they were created.
    "WEBHOOKS_KEEP_DAYS": 30,
}


def webhook_setting(name: str) -> Any:
    """Return the operator's MODERATION[name], or its documented default."""
    return read_setting("MODERATION", WEBHOOK_DEFAULTS, name)
