"""Dates as exports write them: ISO 8601, WordPress's "Y-m-d H:i:s", RFC 822, Unix time."""

import email.utils
from datetime import UTC, datetime

from django.utils import timezone

WORDPRESS_ZERO = "0000-00-00 00:00:00"


def parse_date(value: str, *, naive_is_utc: bool = True) -> datetime | None:
    """Return an aware datetime, or None when `value` is empty or not a date."""
    value = value.strip()
    if not value or value == WORDPRESS_ZERO:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if timezone.is_naive(parsed):
        return parsed.replace(tzinfo=UTC) if naive_is_utc else timezone.make_aware(parsed)
    return parsed


def from_timestamp(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None
