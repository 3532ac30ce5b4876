"""The registry of import types: every import on the platform, of any context, registers here.

An import type declares its columns (or that it reads JSON records), who may run it, whether it is a
council's import or the platform's (the national geography), how to check the rows and how to apply
them. The runner (`civichub.core.importing.runner`) does everything else the same way for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from civichub.core.importing.reading import ErrorCollector, Progress

if TYPE_CHECKING:
    from civichub.core.actors import Actor

# Uploads above this are refused before anything is stored (the platform's own reference files are
# read from CIVICHUB_SHARED_DIR and may be larger: see `ImportType.max_bytes`).
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str


@dataclass
class ImportResult:
    """What an import changed: the one result shape of every import type, stored on its run."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        text = f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


# Rows are (line number, {column: value}) for CSV, and (record number, JSON object) for JSON. The
# council (typed Any so each import type can say Council, or None for a platform import) is None for a
# platform import.
Check = Callable[[Any, list[tuple[int, dict[str, Any]]], ErrorCollector], Any]
Apply = Callable[["Actor", Any, Any, Progress], ImportResult]


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
    # "council": a council's own data; "platform": data every council shares (run by platform admins).
    scope: str = "council"
    encoding: str = "utf-8-sig"
    max_bytes: int = MAX_BYTES

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def unit(self) -> str:
        """How errors count their place in the file: "record 3" of a JSON list, "line 3" of a CSV."""
        return "record" if self.file_format == "json" else "line"


IMPORT_TYPES: dict[str, ImportType] = {}


def register(import_type: ImportType) -> ImportType:
    if import_type.scope not in ("council", "platform"):
        raise ValueError(f"{import_type.name}: scope must be 'council' or 'platform'")
    IMPORT_TYPES[import_type.name] = import_type
    return import_type


def council_types() -> list[ImportType]:
    return sorted((t for t in IMPORT_TYPES.values() if t.scope == "council"), key=lambda t: t.label)
