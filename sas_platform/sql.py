"""SQL helpers written once for every app (issue 10): model instances from raw rows, and the
set-based bulk writes on PostgreSQL (COPY, staging table, ``UPDATE ... FROM``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.base import ModelState


def instance_from_row(model, prefix: str, columns: tuple[str, ...], row: dict):
    """A model instance from a row, as if fetched (other fields deferred, loaded on access).

    Built as unpickling does (``__new__`` and ``__dict__``): ``Model.__init__`` for 200 objects cost
    more than the search's SQL."""
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    obj.__dict__.update({name: row[f"{prefix}{name}"] for name in columns})
    return obj


# --- Set-based bulk writes on PostgreSQL (the RPPS import, the slot upsert) ---------------------
# Raw SQL below (``noqa: S608``): table and column names come from the models' metadata or the
# callers' constants, quoted; values always go through COPY or as parameters.

_PG_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "double precision": "float8",
    "timestamp with time zone": "timestamptz",
    "boolean": "bool",
}


def model_columns(model, names) -> list[str]:
    """The database columns of ``names`` (fields, or ``<relation>_id``) of ``model``."""
    return [model._meta.get_field(name.removesuffix("_id")).column for name in names]


def copy_types(model, names) -> list[str]:
    """PostgreSQL type names of the columns, so COPY skips guessing each value's type."""
    types = []
    for name in names:
        field = model._meta.get_field(name.removesuffix("_id"))
        db_type = (field.target_field if field.is_relation else field).db_type(connection).split("(")[0]
        types.append(_PG_TYPES.get(db_type, db_type))
    return types


def copy_rows(cursor, *, table: str, columns, rows: Iterable[tuple], types: list[str] | None = None) -> None:
    """``COPY table (columns) FROM STDIN`` of ``rows`` (tuples in the order of ``columns``): the
    insert of new rows, at the speed of a bare COPY (no ``ON CONFLICT``: the caller knows they are
    new)."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        write = copy.write_row
        for row in rows:
            write(row)


def update_from_rows(
    cursor,
    *,
    table: str,
    columns,
    rows: Iterable[tuple],
    types: list[str] | None = None,
    also: str = "",
    params: dict | None = None,
) -> int:
    """Set ``columns[1:]`` of the rows of ``table`` whose key (``columns[0]``) is given: ``rows``
    are ``(key, *values)``, COPY'd into a temporary staging table shaped like ``table``, then one
    ``UPDATE table AS t ... FROM stage AS s WHERE t.key = s.key``. ``also``: more assignments
    (SQL on ``t`` and ``s``, with ``params``), e.g. a timestamp. Returns the number of rows updated."""
    quote = connection.ops.quote_name
    stage = quote(f"{table}_stage")
    key, *values = columns
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{stage}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WITH NO DATA"
    )
    copy_rows(cursor, table=f"{table}_stage", columns=columns, rows=rows, types=types)
    assignments = ", ".join([*(f"{quote(c)} = s.{quote(c)}" for c in values), *([also] if also else [])])
    cursor.execute(
        f"UPDATE {quote(table)} AS t SET {assignments} FROM {stage} AS s "  # noqa: S608
        f"WHERE t.{quote(key)} = s.{quote(key)}",
        params,
    )
    updated = cursor.rowcount
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{stage}")
    return updated
