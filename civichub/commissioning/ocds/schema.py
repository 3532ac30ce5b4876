"""The OCDS 1.1.5 release schema with the extensions we publish, patched locally and cached.

The core schema and each extension's `release-schema.json` (a JSON Merge Patch, RFC 7386) are read from
`CIVICHUB_SHARED_DIR/standards/ocds/`; nothing is fetched. The patched schema is built once per process
and kept. Packages declare each extension by the URL its own metadata (or the UK extension's list of
dependencies) gives: a string that identifies the extension and is never fetched by us.

One small patch is our own (`LOTS_WIRING`): the awardCriteria extension adds criteria to the lots
extension's `Lot`, which the shared folder does not hold. Without a `tender.lots` property the criteria
we publish would go unchecked, so we wire `tender.lots` to `Lot` with the few fields we use and declare
the lots extension (the URL the awardCriteria metadata gives) in every package.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import json_merge_patch
from django.conf import settings
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

from civichub.core.errors import FieldError, Refused


@dataclass(frozen=True)
class Extension:
    folder: str  # under standards/ocds/extensions/ ("" for one we only wire, see LOTS_WIRING)
    url: str  # how a package names it (never fetched)


# The URLs: bid, awardCriteria and performance_failures as the UK extension's `dependencies` list them;
# metrics and the UK extension itself from their repositories (named in SOURCES.md and the UK
# extension's documentationUrl), in the raw extension.json form OCDS asks packages to use.
EXTENSIONS = (
    Extension("uk", "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"),
    Extension(
        "bid",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    ),
    Extension(
        "metrics",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json",
    ),
    Extension(
        "performance_failures",
        "https://raw.githubusercontent.com/open-contracting-extensions/"
        "ocds_performance_failures_extension/master/extension.json",
    ),
    Extension(
        "awardCriteria",
        "https://raw.githubusercontent.com/open-contracting-extensions/"
        "ocds_awardCriteria_extension/master/extension.json",
    ),
    Extension(
        "",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json",
    ),
)
EXTENSION_URLS = [extension.url for extension in EXTENSIONS]

LOTS_WIRING: dict[str, Any] = {
    "definitions": {
        "Tender": {
            "properties": {
                "lots": {"type": "array", "items": {"$ref": "#/definitions/Lot"}, "uniqueItems": True},
            }
        },
        "Lot": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": ["string", "integer"], "minLength": 1},
                "title": {"type": ["string", "null"]},
                "description": {"type": ["string", "null"]},
                "status": {"type": ["string", "null"]},
                "value": {"$ref": "#/definitions/Value"},
            },
        },
        "Award": {"properties": {"relatedLots": {"type": ["array", "null"], "items": {"type": "string"}}}},
    }
}


def standards_dir() -> Path:
    return Path(settings.SHARED_DIR) / "standards" / "ocds"


def _read(path: Path) -> Any:
    if not path.exists():
        raise Refused.on(None, f"The OCDS schema file {path} is not installed (see CIVICHUB_SHARED_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def release_schema() -> dict[str, Any]:
    """The core release schema with every extension's merge patch applied (built once, then kept)."""
    schema = _read(standards_dir() / "release-schema.json")
    for extension in EXTENSIONS:
        if extension.folder:
            patch = _read(standards_dir() / "extensions" / extension.folder / "release-schema.json")
            schema = json_merge_patch.merge(schema, patch)
    return json_merge_patch.merge(schema, LOTS_WIRING)


def schema_copy() -> dict[str, Any]:
    """A copy for libraries that may change what they are given (ocdsmerge dereferences in place)."""
    return copy.deepcopy(release_schema())


@cache
def validator() -> Draft4Validator:
    return Draft4Validator(release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)


def json_path(prefix: str, parts: Any) -> str:
    """`releases[3].awards[0].value.amount` from a prefix and jsonschema's path parts."""
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def problems(release: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Every way `release` fails the extended schema, as (JSON path, message), deepest first."""
    found: list[ValidationError] = sorted(
        validator().iter_errors(release), key=lambda e: [str(p) for p in e.path]
    )
    named = []
    for error in found:
        parts = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            # Name the missing field itself: releases[3].id, not releases[3].
            missing = [name for name in error.validator_value if name not in error.instance]
            parts += missing[:1]
            named.append((json_path(prefix, parts), "is missing (it is required)"))
            continue
        named.append((json_path(prefix, parts) or prefix or "release", _words(error)))
    return named


def _words(error: ValidationError) -> str:
    if error.validator == "type":
        return f"{_short(error.instance)} is not of type {error.validator_value}"
    return error.message if len(error.message) < 300 else error.message[:297] + "..."


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) < 60 else text[:57] + "..."


def check(release: dict[str, Any]) -> None:
    """Refuse a release that is not valid, naming each field at fault (publishing calls this in DEBUG)."""
    found = problems(release)
    if found:
        raise Refused(
            f"The OCDS release is not valid: {found[0][0]}: {found[0][1]}",
            [FieldError(path, message) for path, message in found],
        )
