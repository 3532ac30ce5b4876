"""Writing many rows at once, for a full run over a million records.

Django's bulk_update writes one CASE WHEN per column listing every row of the batch, which the database
evaluates for each row it updates: the cost grows with the square of the batch (a million records took
tens of minutes). These write the same values with one short statement executed many times (executemany)
on SQLite, and with COPY on PostgreSQL: the cost grows with the rows. The rows written are the caller's,
read through the tenant-scoped manager."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction

BATCH = 10_000


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    found = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column, f"{name} is not a column"
        found.append(field)
    return found


# Fields whose value the database driver takes as it is: converting a million rows' values through
# Django's get_db_prep_save one by one costs more than writing them.
_AS_GIVEN = (models.CharField, models.TextField, models.BooleanField, models.IntegerField, models.FloatField)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, _AS_GIVEN) and not isinstance(field, models.ForeignKey):
        return lambda value: value
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.UUIDField) and not connection.features.has_native_uuid_field:
        # What UUIDField stores on SQLite: the 32 hex digits.
        return lambda v: v.hex if isinstance(v, uuid.UUID) else field.get_db_prep_save(v, connection)
    last: list[Any] = [object(), None]

    def convert(value: Any) -> Any:
        # The same object again (the council's id on every row) is converted once.
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert


def _prepared(fields: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    converters = [_converter(f) for f in fields]
    for row in rows:
        yield [convert(value) for convert, value in zip(converters, row, strict=True)]


def raw_rows(queryset: models.QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a `values_list` queryset as the database driver gives them, without Django's
    converters (SQLite gives ids and dates as text, PostgreSQL as UUID and date): reading a million
    records, the converters cost more than the query. The queryset is the caller's, tenant-scoped."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            yield from rows


def as_uuid(value: Any) -> uuid.UUID:
    """An id as raw_rows gives it (SQLite: 32 hex digits) or as text, made the UUID Django reads."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def update_columns(model: type[models.Model], rows: Iterable[Sequence[Any]], fields: Sequence[str]) -> int:
    """UPDATE model SET fields... WHERE pk = ..., for rows of (pk, *values in `fields` order)."""
    meta = model._meta
    columns = _fields(model, fields)
    pk = meta.pk
    assert pk is not None
    prepared = _prepared([pk, *columns], rows)
    table = connection.ops.quote_name(meta.db_table)
    key = connection.ops.quote_name(pk.column)
    names = [connection.ops.quote_name(str(f.column)) for f in columns]
    if connection.vendor == "postgresql":
        return _update_from_copy(table, key, names, prepared)
    sets = ", ".join(f"{name} = %s" for name in names)
    sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
    return _execute_many(sql, ([*values[1:], values[0]] for values in prepared))


def insert_rows(model: type[models.Model], rows: Iterable[Sequence[Any]], fields: Sequence[str]) -> int:
    """INSERT INTO model (fields) for rows of values in `fields` order: no model instance, no default
    computed per row (give every value, the primary key too unless the database numbers it)."""
    meta = model._meta
    columns = _fields(model, fields)
    table = connection.ops.quote_name(meta.db_table)
    names = [connection.ops.quote_name(str(f.column)) for f in columns]
    prepared = _prepared(columns, rows)
    if connection.vendor == "postgresql":
        return _copy(f"COPY {table} ({', '.join(names)}) FROM STDIN", prepared)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
    return _execute_many(sql, prepared)


@contextmanager
def _roomy_cache() -> Iterator[Any]:
    """A cursor whose SQLite page cache holds the indexes being written (256 MiB while it is open, the
    connection's own size after). SQLite's default 2 MiB makes each row's index updates read pages back
    from the file: a million records' writes take several times longer."""
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            yield cursor
            return
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield cursor
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _execute_many(sql: str, parameters: Iterable[list[Any]]) -> int:
    """Run one statement for every set of parameters, BATCH at a time (memory stays flat for a million),
    in one transaction (outside one, SQLite would commit every row: a hundred thousand commits)."""
    written = 0
    with transaction.atomic(), _roomy_cache() as cursor:
        for batch in _batched(parameters):
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _copy(statement: str, rows: Iterable[list[Any]]) -> int:
    """PostgreSQL's COPY FROM STDIN: rows streamed in one statement per BATCH, several times faster than
    INSERTs. Each batch is gathered before its COPY opens: the rows' generator may report progress,
    which is a query, and a connection in COPY takes no other."""
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _batched(rows):
            with cursor.cursor.copy(statement) as copy:
                for row in batch:
                    copy.write_row(row)
            written += len(batch)
    return written


def _update_from_copy(table: str, key: str, names: list[str], rows: Iterable[list[Any]]) -> int:
    """PostgreSQL: the new values COPYed into a scratch table of the same column types, then one UPDATE
    joining it (a million single-row UPDATEs, even pipelined, take minutes)."""
    sets = ", ".join(f"{name} = u.{name}" for name in names)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS civichub_bulk_update")  # left by a failed write before
        cursor.execute(
            f"CREATE TEMPORARY TABLE civichub_bulk_update AS "  # noqa: S608
            f"SELECT {key}, {', '.join(names)} FROM {table} WITH NO DATA"
        )
        written = _copy(f"COPY civichub_bulk_update ({key}, {', '.join(names)}) FROM STDIN", rows)
        cursor.execute(
            f"UPDATE {table} AS t SET {sets} FROM civichub_bulk_update AS u "  # noqa: S608
            f"WHERE t.{key} = u.{key}"
        )
        cursor.execute("DROP TABLE civichub_bulk_update")
    return written


def reporting(rows: Iterable[Any], report: Callable[[int], None] | None) -> Iterator[Any]:
    """The rows, calling report(rows so far) every BATCH of them as the writer takes them: a million
    rows take half a minute, and the job's page should move meanwhile."""
    for done, row in enumerate(rows, start=1):
        yield row
        if report and done % BATCH == 0:
            report(done)


def _batched(items: Iterable[list[Any]]) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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
    from civichub.people.models import Person, RecordKeys, SourceRecord

    return [SourceRecord, RecordKeys, Person]
