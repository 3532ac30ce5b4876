"""What every file import shares: reading CSV strictly, naming bad rows, and writing all-or-nothing.

An import reads and validates the whole file first, collecting every error with its file, line and
field; only a clean file is written, in one transaction, as an upsert that leaves unchanged rows
alone, so running the same import twice changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from civichub.core.errors import FieldError, Refused
from civichub.core.jobs import Progress

MAX_ERRORS = 50


@dataclass(frozen=True)
class RowError:
    """One problem in a file: where (line of a CSV, record of a JSON list), which field, and why."""

    source: str
    line: int | None
    field: str | None
    message: str
    unit: str = "line"

    @property
    def place(self) -> str:
        """'line 3, field 'name'' or 'record 2, field 'locations/0/postcode'': what a person looks for."""
        parts = []
        if self.line is not None:
            parts.append(f"{self.unit} {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        place = self.place
        return f"{self.source}, {place}: {self.message}" if place else f"{self.source}: {self.message}"


class ImportRejected(Refused):
    """The file was not imported; nothing was written. `errors` says where and why, row by row."""

    def __init__(self, errors: list[RowError]):
        self.rows = errors
        shown = "\n".join(f"  - {e}" for e in errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(
            f"Import rejected, nothing was changed ({len(errors)} problem(s)):\n{shown}{more}",
            [FieldError(e.place or None, e.message) for e in errors],
        )


class ErrorCollector:
    def __init__(self, source: str, unit: str = "line"):
        self.source = source
        self.unit = unit
        self.errors: list[RowError] = []

    def add(self, line: int | None, field_name: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(self.source, line, field_name, message, self.unit))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors)


def unpack(raw: bytes, source: str) -> bytes:
    """The bytes of a file as stored, gunzipped if its name ends .gz."""
    if not source.endswith(".gz"):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportRejected([RowError(source, None, None, f"is not a readable gzip file ({exc})")]) from exc


def parse_csv(
    raw: bytes, source: str, *, encoding: str, required: Iterable[str]
) -> list[tuple[int, dict[str, str]]]:
    """Every data row as (line number, {column: value}), having checked encoding and header.

    Raises ImportRejected naming the line of the first undecodable byte, a missing column, a NUL
    byte or a row of the wrong length.
    """
    if encoding == "utf-8-sig":
        # Strip the byte-order mark ourselves, so error offsets count from the start of the file.
        raw, encoding = raw.removeprefix(codecs.BOM_UTF8), "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            [RowError(source, line, None, f"is not valid {encoding} text (byte 0x{raw[exc.start]:02x})")]
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportRejected([RowError(source, line, None, "contains a NUL byte: is this a binary file?")])
    reader = csv.reader(io.StringIO(text, newline=""))
    errors = ErrorCollector(source)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected([RowError(source, 1, None, "is empty: expected a header row")]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRejected(
            [RowError(source, 1, c, "required column is missing from the header") for c in missing]
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not values:
                continue
            if len(values) != len(header):
                errors.add(reader.line_num, None, f"has {len(values)} fields, the header has {len(header)}")
                continue
            rows.append((reader.line_num, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        errors.add(reader.line_num, None, f"is not valid CSV ({exc})")
    errors.raise_if_any()
    return rows


def parse_json_records(raw: bytes, source: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON file as (record number, object), or ImportRejected saying where it breaks.

    The file is a list of objects, a page of them under "contents" (the ORUK shape), a 360Giving
    package with them under "grants", or an OCDS release package with them under "releases".
    """
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [RowError(source, None, None, f"is not valid UTF-8 (byte {exc.start})")]
        ) from exc
    except json.JSONDecodeError as exc:
        raise ImportRejected([RowError(source, exc.lineno, None, f"is not valid JSON: {exc.msg}")]) from exc
    items = (
        document
        if not isinstance(document, dict)
        else next((document[key] for key in ("contents", "grants", "releases") if key in document), None)
    )
    if not isinstance(items, list):
        raise ImportRejected(
            [
                RowError(
                    source,
                    None,
                    None,
                    "must be a list of records, or a page with 'contents' (or 'grants', or 'releases')",
                )
            ]
        )
    errors = ErrorCollector(source, unit="record")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.add(number, None, "is not a JSON object")
    errors.raise_if_any()
    return list(enumerate(items, start=1))


def sync_rows(
    model: type[models.Model],
    key_field: str,
    rows: Mapping[str, dict[str, Any]],
    *,
    progress: Progress | None = None,
    batch_size: int = 2000,
) -> tuple[int, int, int]:
    """Upsert `rows` ({natural key: field values}) into `model`; return (created, updated, unchanged).

    Only rows whose values differ are written, so a repeated import writes nothing at all.
    Call inside a transaction.
    """
    manager = model._base_manager
    fields = sorted({name for values in rows.values() for name in values})
    existing = {
        getattr(obj, key_field): obj
        for obj in manager.only(key_field, *fields).iterator(chunk_size=batch_size)
    }
    to_create, to_update, unchanged = [], [], 0
    stamp_updates = _has_field(model, "updated_at")
    now = timezone.now()
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**{key_field: key, **values}))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            if stamp_updates:
                obj.updated_at = now  # type: ignore[attr-defined]
            to_update.append(obj)
        else:
            unchanged += 1
    total, done = len(to_create) + len(to_update), 0
    for batch in _batches(to_create, batch_size):
        manager.bulk_create(batch)
        done += len(batch)
        if progress:
            progress(f"Writing {model._meta.verbose_name_plural}", done, total)
    for batch in _batches(to_update, batch_size):
        manager.bulk_update(batch, [*fields, "updated_at"] if stamp_updates else fields)
        done += len(batch)
        if progress:
            progress(f"Writing {model._meta.verbose_name_plural}", done, total)
    return len(to_create), len(to_update), unchanged


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
