"""The kernel's one import pipeline: strict reading (`reading`), the registry of import types
(`registry`), the record of each run (`runs`) and the runner (`runner`).

The names every import type needs are importable from here.
"""

from civichub.core.importing.reading import (
    MAX_ERRORS,
    ErrorCollector,
    ImportRejected,
    Progress,
    RowError,
    parse_csv,
    parse_json_records,
    sync_rows,
)
from civichub.core.importing.registry import MAX_BYTES, Column, ImportResult, ImportType, register

__all__ = [
    "MAX_BYTES",
    "MAX_ERRORS",
    "Column",
    "ErrorCollector",
    "ImportRejected",
    "ImportResult",
    "ImportType",
    "Progress",
    "RowError",
    "parse_csv",
    "parse_json_records",
    "register",
    "sync_rows",
]
