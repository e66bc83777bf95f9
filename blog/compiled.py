"""An ORM read by key, compiled to SQL once per process and then run with each new key.

Django compiles a queryset into SQL every time it runs it. For a whole row with its related
row (every column of two tables, a lock, an order) that compiling costs more CPU than the
database spends answering, and a worker scoring comments pays it for every comment. A read
on such a hot path, whose shape never changes (only the key in its WHERE), is compiled here
once per database, and its row is turned into instances by Django's own converters and
related-object populators, exactly as iterating the queryset would.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models
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
