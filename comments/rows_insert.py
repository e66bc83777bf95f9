"""Insert many rows of plain values into one table with the fastest statement each backend has.

PostgreSQL takes them by COPY (one stream, no statement per row); SQLite by `executemany`
of one prepared single-row INSERT (no limit on parameters per statement). Values must be
prepared for the database already: this module knows no fields.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def rows_insert(
    connection: BaseDatabaseWrapper,
    *,
    table: str,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
) -> None:
    """Insert `rows` (values in the order of `columns`) into `table`."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table and column names come from a model, quoted; the values are COPY data.
            sql = f"COPY {quote(table)} ({names}) FROM STDIN"
            with connection.wrap_database_errors, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, list(rows))
