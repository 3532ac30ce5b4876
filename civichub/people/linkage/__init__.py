"""The linkage engine: which source records are the same person (Splink 5 over pandas/DuckDB or Spark).

Pure Python over frames: the people context stores what it returns (models, term frequencies,
blocking keys, pairs, clusters) in its own tables.

The names below are loaded on first use, not when the package is imported: importing Splink and
DuckDB takes seconds, and `linkage.columns` (read by the import checks on every start-up) must not
bring them in.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from civichub.people.linkage.columns import COLUMNS

if TYPE_CHECKING:
    from civichub.people.linkage.engine import cluster, link, predict, term_frequencies, train
    from civichub.people.linkage.incremental import Reason, Scorer, blocking_keys, reasons, score_new
    from civichub.people.linkage.prepare import prepare, prepare_rows

_WHERE = {
    "cluster": "engine",
    "link": "engine",
    "predict": "engine",
    "term_frequencies": "engine",
    "train": "engine",
    "Reason": "incremental",
    "Scorer": "incremental",
    "blocking_keys": "incremental",
    "reasons": "incremental",
    "score_new": "incremental",
    "prepare": "prepare",
    "prepare_rows": "prepare",
}

__all__ = [
    "COLUMNS",
    "Reason",
    "Scorer",
    "blocking_keys",
    "cluster",
    "link",
    "predict",
    "prepare",
    "prepare_rows",
    "reasons",
    "score_new",
    "term_frequencies",
    "train",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


class _Package(types.ModuleType):
    """The import system binds each submodule on its package once loaded; `prepare` names both a
    submodule and its function, and callers of `linkage.prepare` mean the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if _WHERE.get(name) == name and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
