"""Writing many rows at once, for a full run over a million records.

Django's bulk_update writes one CASE WHEN per column listing every row of the batch, which the database
evaluates for each row it updates: the cost grows with the square of the batch (a million records took
tens of minutes). These write the same values with one short statement executed many times (executemany),
which grows with the rows. The rows written are the caller's, read through the tenant-scoped manager."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 10_000


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    found = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column, f"{name} is not a column"
        found.append(field)
    return found


def update_columns(model: type[models.Model], rows: Iterable[Sequence[Any]], fields: Sequence[str]) -> int:
    """UPDATE model SET fields... WHERE pk = ..., for rows of (pk, *values in `fields` order)."""
    meta = model._meta
    columns = _fields(model, fields)
    table = connection.ops.quote_name(meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in columns)
    pk = meta.pk
    assert pk is not None
    sql = f"UPDATE {table} SET {sets} WHERE {connection.ops.quote_name(pk.column)} = %s"  # noqa: S608
    return _execute_many(
        sql,
        (
            [
                *(f.get_db_prep_save(v, connection) for f, v in zip(columns, row[1:], strict=True)),
                pk.get_db_prep_save(row[0], connection),
            ]
            for row in rows
        ),
    )


def insert_rows(model: type[models.Model], rows: Iterable[Sequence[Any]], fields: Sequence[str]) -> int:
    """INSERT INTO model (fields) for rows of values in `fields` order (a model whose key the database
    numbers itself, like the blocking keys: no instance, no default to compute per row)."""
    meta = model._meta
    columns = _fields(model, fields)
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    return _execute_many(
        sql, ([f.get_db_prep_save(v, connection) for f, v in zip(columns, row, strict=True)] for row in rows)
    )


def _execute_many(sql: str, parameters: Iterable[list[Any]]) -> int:
    """Run one statement for every set of parameters, BATCH at a time (memory stays flat for a million)."""
    written = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for values in parameters:
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def refresh_statistics() -> None:
    """Refresh the query planner's statistics of the people tables after a bulk load or full run.

    Without them SQLite reads `council = ? AND id IN (...)` through the council index (every record of
    the council: 400 ms at 200,000 records) instead of the few ids (1 ms). PostgreSQL's autovacuum would
    get there in time; a run that has just written a million rows should not wait for it."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in _people_tables()]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")  # sampled: milliseconds, not a full scan
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _people_tables() -> list[type[models.Model]]:
    from civichub.people.models import BlockingKey, Person, SourceRecord

    return [SourceRecord, BlockingKey, Person]
