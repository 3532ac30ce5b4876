"""Records: every release of a contracting process (one ocid), and the compiled release that merges
them, as OCDS's merge rules say. Compiled with ocdsmerge given the LOCAL patched schema (so the
extensions' merge rules, such as `wholeListMerge`, apply and nothing is fetched)."""

from __future__ import annotations

from functools import cache
from typing import Any

import ocdsmerge
from ocdsmerge.exceptions import OCDSMergeError

from civichub.commissioning.ocds.schema import schema_copy
from civichub.core.errors import Refused


@cache
def merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema_copy())


def compile_release(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one ocid's releases (in date order)."""
    try:
        return merger().create_compiled_release(sorted(releases, key=lambda r: str(r.get("date", ""))))
    except (OCDSMergeError, TypeError, ValueError, KeyError, AttributeError) as exc:
        # ocdsmerge meets a value it cannot key (a list where an id should be): the releases are at fault.
        raise Refused.on("releases", f"cannot be merged into a record: {exc}") from exc


def record(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    return {"ocid": ocid, "releases": releases, "compiledRelease": compile_release(releases)}
