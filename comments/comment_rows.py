"""Write comments as plain rows, below the model layer: the import's and the submit's hot paths.

`bulk_create` builds a model instance per comment and prepares each of its 40 columns
through the field classes, which costs more than the database's own work when an import
writes hundreds of thousands of comments. Here an imported comment is a row of the
columns the importer sets (`ImportedComment`); every other column gets its field's
default, prepared once per batch, so the stored row is the one the ORM would store. The
column list comes from the model's fields: a new field the importer neither sets nor may
leave blank stops the import with a message (and fails a test) instead of being skipped.

Ids are taken before the insert (from the table's sequence, as any insert takes them), so
a reply's `thread_path` is written with its row and concurrent inserts get other ids. A
submitted comment (`comment_insert`) takes its id in its own INSERT, for the same reason.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    TextField,
)
from django.utils import timezone

from comments.models import PATH_STEP, Comment
from comments.rows_insert import rows_insert


@dataclass(slots=True)
class ImportedComment:
    """The columns an import sets, named as the model's attributes (`id` once it is saved)."""

    post_id: int
    parent_id: int | None
    depth: int
    type: str
    author_name: str
    author_email: str
    author_url: str
    avatar_hash: str
    body_source: str
    body_html: str
    status: str
    ip_address: str | None
    ip_network: str
    user_agent: str
    created_at: datetime
    edited_at: datetime | None
    source_system: str
    source_id: str
    source_status: str
    source_parent: str
    source_post: str
    source_extra: dict[str, Any] = field(default_factory=dict)
    # The parent's thread_path ("" for a top-level comment): not a column of its own.
    parent_path: str = ""
    id: int | None = None
    thread_path: str = ""


# Values of these fields are already what the database takes (str, int, bool, an id):
# preparing them through the field would return them unchanged.
_PLAIN_FIELDS = (CharField, TextField, IntegerField, BooleanField, ForeignKey)
_ATTRIBUTES = frozenset(f.name for f in fields(ImportedComment))
MEMO_SIZE = 4096
# (database, its time zone, column) -> value -> prepared value
_MEMOS: dict[tuple[str, str, str], dict[Any, Any]] = {}


def columns_left_to_defaults(model_fields: Iterable[Field[Any, Any]]) -> list[Field[Any, Any]]:
    """Return the fields an import leaves to their defaults; refuse one that has none.

    A field the import does not set must have a default (Python or database), allow
    null, allow blank, or be stamped on save (auto_now): otherwise the row would hold a
    value the model never accepts, so the import stops and says which field.
    """
    left = []
    for model_field in model_fields:
        if model_field.attname in _ATTRIBUTES:
            continue
        acceptable = (
            model_field.has_default()
            or model_field.has_db_default()
            or model_field.null
            or model_field.blank
            or _stamped(model_field)
        )
        if not acceptable:
            raise ImproperlyConfigured(
                f"Comment.{model_field.name} has no default and imports do not set it: "
                "give it a default or set it in comments.porting.build."
            )
        left.append(model_field)
    return left


@dataclass(frozen=True)
class _Plan:
    """One batch's INSERT: the column names, and how a row becomes its parameters."""

    columns: list[str]
    row_values: Callable[[ImportedComment], tuple[Any, ...]]


def _plan(connection: BaseDatabaseWrapper) -> _Plan:
    concrete = Comment._meta.concrete_fields
    written = [f for f in concrete if f.attname in _ATTRIBUTES]
    defaulted = [f for f in columns_left_to_defaults(concrete) if not f.has_db_default()]
    now = timezone.now()
    defaults = tuple(
        f.get_db_prep_save(now if _stamped(f) else f.get_default(), connection) for f in defaulted
    )
    getter = attrgetter(*(f.attname for f in written))
    prepared = [
        (i, _memo(f, connection)) for i, f in enumerate(written) if not isinstance(f, _PLAIN_FIELDS)
    ]

    def row_values(row: ImportedComment) -> tuple[Any, ...]:
        values = list(getter(row))
        for i, prepare in prepared:
            values[i] = prepare(values[i])
        return (*values, *defaults)

    return _Plan([str(f.column) for f in (*written, *defaulted)], row_values)


def _memo(model_field: Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """Return the field's preparation, worked out once per distinct value (kept across batches).

    An export repeats dates (a thread's comments, a minute's), addresses and empty source
    fields; preparing a datetime alone costs a time-zone conversion and a format. Values
    are prepared by the field itself, so a row holds what the ORM would store.
    """
    prepare = model_field.get_db_prep_save
    if isinstance(model_field, JSONField):  # not hashable; mostly empty
        empty = prepare({}, connection)
        return lambda value: prepare(value, connection) if value else empty
    key = (connection.alias, connection.timezone_name, model_field.attname)
    seen = _MEMOS.setdefault(key, {})

    def prepared(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) > MEMO_SIZE:
                seen.clear()
            result = seen[value] = prepare(value, connection)
            return result

    return prepared


def _stamped(model_field: Field[Any, Any]) -> bool:
    """Whether the field takes the time of the save (auto_now, auto_now_add)."""
    return bool(
        getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    )


def comment_ids_reserve(count: int) -> list[int]:
    """Return `count` new comment ids, ascending, that no other insert will take."""
    connection = connections[router.db_for_write(Comment)]
    table = Comment._meta.db_table
    pk = str(Comment._meta.pk.column)  # type: ignore[union-attr]
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            return _sqlite_reserve(cursor, table, pk, count)
    raise NotSupportedError(f"imports write to SQLite or PostgreSQL, not {connection.vendor}")


def _sqlite_reserve(cursor: Any, table: str, pk: str, count: int) -> list[int]:
    """Move the table's AUTOINCREMENT counter on by `count` (a write: the lock is ours)."""
    quote = connections[router.db_for_write(Comment)].ops.quote_name
    highest = f"(SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)})"  # noqa: S608
    # The counter row exists once the table has had a row; a new table starts it here.
    cursor.execute(
        f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, {highest} "  # noqa: S608
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
        [table, table],
    )
    cursor.execute(
        f"UPDATE sqlite_sequence SET seq = MAX(seq, {highest}) + %s "  # noqa: S608
        "WHERE name = %s RETURNING seq",
        [count, table],
    )
    last = int(cursor.fetchone()[0])
    return list(range(last - count + 1, last + 1))


def comments_insert(rows: Sequence[ImportedComment]) -> None:
    """Insert imported comments that already hold their id and thread_path."""
    connection = connections[router.db_for_write(Comment)]
    plan = _plan(connection)
    rows_insert(
        connection,
        table=Comment._meta.db_table,
        columns=plan.columns,
        rows=(plan.row_values(row) for row in rows),
    )


def comment_insert(comment: Comment, *, parent_path: str) -> None:
    """Insert a new comment in one statement that takes its id and writes its thread_path.

    `comment` is an unsaved instance holding every other column; each value is prepared by
    its field, as `save()` prepares it (plain values as they are, as for imports), so the
    row is the one the ORM would store. The
    statement takes the id as the table's own insert would (the sequence; SQLite's
    AUTOINCREMENT rule) and writes `thread_path` as `parent_path` plus that id, which
    spares the second statement that set the path once the id was known. The instance
    then reads as saved.
    """
    connection = connections[router.db_for_write(Comment)]
    statement = _insert_statement(connection.alias, connection.vendor)
    values = list(statement.getter(comment))
    for i, model_field in statement.prepared:
        values[i] = model_field.get_db_prep_save(model_field.pre_save(comment, True), connection)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [*statement.params, parent_path, *values])
        comment.id, comment.thread_path = cursor.fetchone()
    comment._state.adding = False
    comment._state.db = connection.alias


@dataclass(frozen=True)
class _Insert:
    sql: str
    params: list[str]  # the id's, before the row's
    getter: Callable[[Comment], tuple[Any, ...]]  # the row's values, after the parent's path
    prepared: list[tuple[int, Field[Any, Any]]]  # which of them their field prepares


@cache
def _insert_statement(alias: str, vendor: str) -> _Insert:
    """Return `comment_insert`'s statement for this database (the same for every comment)."""
    quote = connections[alias].ops.quote_name
    table, pk = Comment._meta.db_table, str(Comment._meta.pk.column)  # type: ignore[union-attr]
    if vendor == "postgresql":
        # A CTE calling a volatile function is evaluated once: both uses see the same id.
        new = "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS n"
        params = [quote(table), pk]
        step = f"LPAD((SELECT n FROM new)::text, {PATH_STEP}, '0')"  # noqa: S608
    elif vendor == "sqlite":
        # AUTOINCREMENT's rule: one more than the largest id the table ever held. The
        # statement holds the write lock throughout: no other insert comes in between.
        new = (
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX({quote(pk)}) FROM {quote(table)}), 0)) + 1 AS n"
        )
        params = [table]
        step = f"printf('%%0{PATH_STEP}d', (SELECT n FROM new))"  # noqa: S608
    else:
        raise NotSupportedError(f"comments are written to SQLite or PostgreSQL, not {vendor}")
    fields = [f for f in Comment._meta.concrete_fields if f.attname not in {pk, "thread_path"}]
    names = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names come from the model and are quoted; every value is a parameter.
    sql = (
        f"WITH new AS ({new}) INSERT INTO {quote(table)} "  # noqa: S608
        f"({quote(pk)}, {quote('thread_path')}, {names}) "
        f"VALUES ((SELECT n FROM new), %s || {step}, {marks}) "
        f"RETURNING {quote(pk)}, {quote('thread_path')}"
    )
    prepared = [(i, f) for i, f in enumerate(fields) if not isinstance(f, _PLAIN_FIELDS)]
    return _Insert(sql, params, attrgetter(*(f.attname for f in fields)), prepared)
