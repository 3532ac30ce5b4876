"""The importer framework every CSV import in the platform goes through.

An import type declares its columns, how to check the rows and how to apply them. The framework
does the rest the same way for all of them: refuses oversized or unreadable files, checks the whole
file before writing anything and names each bad row and field, applies a clean file in one
transaction (all or nothing), skips a file already imported (idempotency key, by default the file's
SHA-256), reports progress, runs in the background, and keeps a record of every import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from civichub.core.actors import Actor
from civichub.core.importing import ErrorCollector, Progress
from civichub.core.models import Council

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str


Check = Callable[[Council, list[tuple[int, dict[str, str]]], ErrorCollector], list[Any]]
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

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


IMPORT_TYPES: dict[str, ImportType] = {}


def register(import_type: ImportType) -> ImportType:
    IMPORT_TYPES[import_type.name] = import_type
    return import_type
