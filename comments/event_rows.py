"""Write many history events with one prepared statement: the import's hot path.

`bulk_create` prepares every field of every row through the model layer, which costs more
than the database's own work when an import writes hundreds of thousands of events. These
rows hold only plain columns, so they go to the driver's `executemany` as they are.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connections, router
from django.utils import timezone

from comments.models import CommentEvent

# (comment id, actor label, from status, to status, reason, time)
EventRow = tuple[int, str, str, str, str, datetime]
_FIELDS = ("comment", "actor", "actor_label", "from_status", "to_status", "reason", "created_at")


def events_insert(rows: Iterable[EventRow]) -> None:
    """Insert history events for saved comments (no moderator: imported decisions)."""
    connection = connections[router.db_for_write(CommentEvent)]
    quote = connection.ops.quote_name
    meta = CommentEvent._meta
    by_name = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(quote(by_name[name]) for name in _FIELDS)
    marks = ", ".join(["%s"] * len(_FIELDS))
    # Only names from the model, quoted by the backend; every value is a parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        (comment, None, label[:50], before, after, reason[:500], adapt(_aware(at)))
        for comment, label, before, after, reason, at in rows
    ]
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)


def _aware(value: datetime) -> datetime:
    """Naive times are in the default zone, as the model field would take them."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value
