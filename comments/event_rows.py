"""Write history events as plain rows: the import's and the submit's hot paths.

`bulk_create` prepares every field of every row through the model layer, which costs more
than the database's own work when an import writes hundreds of thousands of events. These
rows hold only plain columns, so they go to the driver as they are (`rows_insert`); a
submit's one event is one plain INSERT (`event_insert`).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.utils import timezone

from comments.models import CommentEvent
from comments.rows_insert import rows_insert

# (comment id, actor label, from status, to status, reason, time)
EventRow = tuple[int, str, str, str, str, datetime]
_FIELDS = ("comment", "actor", "actor_label", "from_status", "to_status", "reason", "created_at")


def events_insert(rows: Iterable[EventRow]) -> None:
    """Insert history events for saved comments (no moderator: imported decisions)."""
    connection = connections[router.db_for_write(CommentEvent)]
    meta = CommentEvent._meta
    adapt = connection.ops.adapt_datetimefield_value
    times: dict[datetime, Any] = {}  # an import's events share a time per batch

    def prepared(at: datetime) -> Any:
        if at not in times:
            times[at] = adapt(_aware(at))
        return times[at]

    values = (
        (comment, None, label[:50], before, after, reason[:500], prepared(at))
        for comment, label, before, after, reason, at in rows
    )
    rows_insert(connection, table=meta.db_table, columns=_columns(), rows=values)


def event_insert(row: EventRow) -> None:
    """Insert one history event (no moderator: a submit's) with one plain INSERT.

    One row is one round trip this way, where COPY takes two.
    """
    connection = connections[router.db_for_write(CommentEvent)]
    comment, label, before, after, reason, at = row
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in _columns())
    marks = ", ".join(["%s"] * len(_FIELDS))
    table = quote(CommentEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names quoted)
    at_value = connection.ops.adapt_datetimefield_value(_aware(at))
    with connection.cursor() as cursor:
        cursor.execute(sql, [comment, None, label[:50], before, after, reason[:500], at_value])


def _columns() -> list[str]:
    by_name = {field.name: str(field.column) for field in CommentEvent._meta.concrete_fields}
    return [by_name[name] for name in _FIELDS]


def _aware(value: datetime) -> datetime:
    """Naive times are in the default zone, as the model field would take them."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value
