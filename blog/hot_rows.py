"""Reads and writes of whole rows on hot paths, without Django compiling a statement each time.

Django compiles a queryset, an UPDATE or an INSERT into SQL every time it runs one. For a
whole row with its related row (every column of two tables, a lock, an order), or a row
of a dozen fields, that costs more CPU than the database spends answering, and a worker
pays it for every comment it scores. Here:

- `KeyedRead`: a read whose shape never changes (only the key in its WHERE) is compiled
  once per process and database; its row becomes instances through Django's own converters
  and related-object populators, exactly as iterating the queryset would.
- `fields_update` / `row_insert`: the values go through each field's own `pre_save` and
  `get_db_prep_save`, as `Model.save` prepares them, into one plain statement. Unlike
  `save`, they send no model signals (nothing in the project listens to them).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import connections, models, router
from django.db.models import Field
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=models.Model)

# A key no table holds: compiled in place of the real key, then found among the parameters.
_SAMPLE_KEY = -7_340_031_977


@dataclass(frozen=True)
class _Statement:
    """The SQL with its parameters, and what turns a row into instances (as ModelIterable)."""

    sql: str
    params: tuple[Any, ...]
    key_at: int
    compiler: Any
    converters: dict[int, Any]
    model: type[models.Model]
    names: list[str]
    span: slice
    populators: list[Any]


class KeyedRead(Generic[M]):
    """`build(key)` is the queryset; `first(key)` is its first row as an instance, or None."""

    def __init__(self, build: Callable[[int], "models.QuerySet[M]"]) -> None:
        self._build = build
        self._statements: dict[str, _Statement] = {}

    def first(self, key: int, *, using: str = "default") -> M | None:
        statement = self._statements.get(using) or self._compile(using)
        params = list(statement.params)
        params[statement.key_at] = key
        with connections[using].cursor() as cursor:
            cursor.execute(statement.sql, params)
            row = cursor.fetchone()
        return None if row is None else _instance(statement, row, using)

    def _compile(self, using: str) -> _Statement:
        queryset = self._build(_SAMPLE_KEY)[:1]
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        at = [i for i, value in enumerate(params) if value == _SAMPLE_KEY]
        if len(at) != 1:
            raise ValueError(f"the key must appear once among the parameters: {params!r}")
        info = compiler.klass_info
        fields = info["select_fields"]
        span = slice(fields[0], fields[-1] + 1)
        statement = _Statement(
            sql=sql,
            params=tuple(params),
            key_at=at[0],
            compiler=compiler,
            converters=compiler.get_converters([column[0] for column in compiler.select]),
            model=info["model"],
            names=[column[0].target.attname for column in compiler.select[span]],
            span=span,
            # (The stubs give Django 6's signature; pyproject pins Django 5.2.)
            populators=get_related_populators(info, compiler.select, using),  # type: ignore[call-arg]
        )
        self._statements[using] = statement
        return statement


def _instance(statement: _Statement, row: Any, using: str) -> Any:
    if statement.converters:
        row = next(iter(statement.compiler.apply_converters([row], statement.converters)))
    instance = statement.model.from_db(using, statement.names, row[statement.span])
    for populator in statement.populators:
        populator.populate(row, instance)
    return instance


def fields_update(instance: models.Model, names: Sequence[str]) -> None:
    """Write the named fields of a saved instance, as `instance.save(update_fields=names)`."""
    model = type(instance)
    connection = connections[router.db_for_write(model, instance=instance)]
    q = connection.ops.quote_name
    fields = [cast("Field[Any, Any]", model._meta.get_field(name)) for name in names]
    values = [field.pre_save(instance, False) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        instance.save(update_fields=names)  # an F() or other expression: the ORM resolves it
        return
    sets = ", ".join(f"{q(str(field.column))} = %s" for field in fields)
    params = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(fields, values, strict=True)
    ]
    pk = model._meta.pk
    where = q(str(pk.column))
    sql = f"UPDATE {q(model._meta.db_table)} SET {sets} WHERE {where} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk.get_db_prep_value(instance.pk, connection)])


def row_insert(instance: models.Model) -> None:
    """Insert a new instance as `instance.save()` would, when nothing needs its id back."""
    model = type(instance)
    connection = connections[router.db_for_write(model, instance=instance)]
    q = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.has_default()]
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
        for field in fields
    ]
    columns = ", ".join(q(str(field.column)) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
