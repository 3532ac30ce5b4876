"""What every file import shares: reading CSV strictly, naming bad rows, and writing all-or-nothing.

An import reads and validates the whole file first, collecting every error with its file, line and
field; only a clean file is written, in one transaction, as an upsert that leaves unchanged rows
alone, so running the same import twice changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import timezone

# progress(stage, done, total): how far a long import has got, for a progress bar.
Progress = Callable[[str, int, int], None]
MAX_ERRORS = 50


@dataclass(frozen=True)
class RowError:
    source: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; nothing was written. `errors` says where and why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"Import rejected, nothing was changed ({len(errors)} problem(s)):\n{shown}{more}")


class ErrorCollector:
    def __init__(self, source: str):
        self.source = source
        self.errors: list[RowError] = []

    def add(self, line: int | None, field_name: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(self.source, line, field_name, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors)


@dataclass
class ImportSummary:
    what: str
    source: str
    sha256: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        text = (
            f"{self.what} from {self.source}: {self.created} added, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text


def read_bytes(path: Path) -> tuple[bytes, str]:
    """The file's bytes (gunzipped if it ends .gz) and the SHA-256 of what was read from disk."""
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([RowError(source, None, None, f"cannot be read: {exc.strerror}")]) from exc
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportRejected(
                [RowError(source, None, None, f"is not a readable gzip file ({exc})")]
            ) from exc
    return raw, digest


def read_csv(
    path: Path, *, encoding: str, required: Iterable[str]
) -> tuple[list[tuple[int, dict[str, str]]], str]:
    """Every data row as (line number, {column: value}), having checked encoding and header.

    Raises ImportRejected naming the line of the first undecodable byte, a missing column, a NUL
    byte or a row of the wrong length.
    """
    source = path.name
    raw, digest = read_bytes(path)
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
    return rows, digest


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
