"""The importer framework every CSV import in the platform goes through.

An import type declares its columns, how to check the rows and how to apply them. The framework
does the rest the same way for all of them: refuses oversized or unreadable files, checks the whole
file before writing anything and names each bad row and field, applies a clean file in one
transaction (all or nothing), skips a file already imported (idempotency key, by default the file's
SHA-256), reports progress, runs in the background, and keeps a record of every import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civichub.core.actors import Actor
from civichub.core.importing import ErrorCollector, ImportRejected, Progress, RowError, read_bytes
from civichub.core.models import Council

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str


# Rows are (line number, {column: value}) for CSV, and (record number, JSON object) for JSON.
Check = Callable[[Council, list[tuple[int, dict[str, Any]]], ErrorCollector], list[Any]]
Apply = Callable[[Actor, Council, list[Any], Progress], tuple[int, int, int]]


@dataclass(frozen=True)
class ImportType:
    name: str
    label: str
    description: str
    permission: str
    columns: tuple[Column, ...]
    check: Check
    apply: Apply
    # "csv", or "json": a list of objects, or a page of them under "contents" (the ORUK shape).
    file_format: str = "csv"

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


IMPORT_TYPES: dict[str, ImportType] = {}


def register(import_type: ImportType) -> ImportType:
    IMPORT_TYPES[import_type.name] = import_type
    return import_type


def read_json_records(path: Path, source: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON file as (record number, object), or ImportRejected saying where it breaks."""
    raw, _ = read_bytes(path)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [RowError(source, None, None, f"is not valid UTF-8 (byte {exc.start})")]
        ) from exc
    except json.JSONDecodeError as exc:
        raise ImportRejected([RowError(source, exc.lineno, None, f"is not valid JSON: {exc.msg}")]) from exc
    items = document.get("contents") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportRejected(
            [RowError(source, None, None, "must be a list of records, or a page with 'contents'")]
        )
    errors = ErrorCollector(source)
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.add(number, None, "is not a JSON object")
    errors.raise_if_any()
    return list(enumerate(items, start=1))
