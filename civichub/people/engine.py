"""The linkage engine (`civichub.people.linkage`: Splink on DuckDB), imported when first needed.

Importing Splink and DuckDB takes seconds; every page, command and worker of the platform would pay it
at start-up if the people context imported the engine at module level."""

from __future__ import annotations

from types import ModuleType


def engine() -> ModuleType:
    import civichub.people.linkage as linkage

    return linkage
