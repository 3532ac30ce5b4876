"""Past grants from 360Giving data, through the kernel's one import pipeline (a platform import: the
grants are open data every council reads).

Each grant is validated against the 360Giving grant schema in `CIVICHUB_SHARED_DIR/standards/360giving`
with a format checker: without one, a date-only `awardDate` matches both branches of the schema's
`oneOf` and is wrongly reported invalid. A grant that does not validate refuses the whole file, named by
its record number and the path of the field at fault. The beneficiary location's geocodes (LSOA, ward,
local authority) are kept so grants can be read by place; some publishers swap `geoCode` and
`geoCodeType`, so whichever of the two is a GSS code is taken. An LSOA is kept with its local authority
and best-fit ward (from places), so a grant is found by ward or council with one `contains`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.funding.models import padded
from civichub.funding.services import save_grants
from civichub.places import selectors as places

GSS = re.compile(r"^[EWSN]\d{8}$")


@cache
def _validator() -> Draft202012Validator:
    path = settings.SHARED_DIR / "standards" / "360giving" / "360-giving-schema.json"
    if not path.exists():
        raise Refused.on(None, f"The 360Giving schema is not installed at {path}")
    schema = json.loads(path.read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def places_of(grant: dict[str, Any]) -> list[str]:
    codes = set()
    for location in grant.get("beneficiaryLocation") or []:
        if isinstance(location, dict):
            for value in (location.get("geoCode"), location.get("geoCodeType")):
                if isinstance(value, str) and GSS.match(value.strip().upper()):
                    codes.add(value.strip().upper())
    return sorted(codes)


def _first(grant: dict[str, Any], key: str) -> dict[str, Any]:
    found = grant.get(key) or [{}]
    return found[0] if isinstance(found, list) and found and isinstance(found[0], dict) else {}


def _explained(problems: list[Any]) -> list[tuple[str | None, str]]:
    """(field, message) for each problem. The schema's top level is a oneOf (a grant to an organisation
    or to an individual): a missing field shows as "not valid under any of the given schemas", so say
    instead what every branch agrees is missing."""
    found: list[tuple[str | None, str]] = []
    for problem in problems:
        where = ".".join(str(p) for p in problem.absolute_path) or None
        if problem.validator != "oneOf" or not problem.context:
            found.append((where, problem.message))
            continue
        branches: dict[Any, set[str]] = {}
        for sub in problem.context:
            branches.setdefault(sub.schema_path[0], set()).add(sub.message)
        common = set.intersection(*branches.values()) if branches else set()
        for message in sorted(common) or [problem.message]:
            named = message.split("'")[1] if message.endswith("is a required property") else where
            found.append((named, message))
    return found


def check(
    council: Any, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> list[dict[str, Any]]:
    validator = _validator()
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, grant in rows:
        problems = sorted(validator.iter_errors(grant), key=lambda e: list(e.absolute_path))
        for field, message in _explained(problems)[:3]:
            errors.add(number, field, message[:300])
        if problems:
            continue
        identifier = str(grant["id"])
        if identifier in seen:
            errors.add(
                number, "id", f"'{identifier[:80]}' is given twice (first in record {seen[identifier]})"
            )
        seen[identifier] = number
        funder, recipient = _first(grant, "fundingOrganization"), _first(grant, "recipientOrganization")
        checked.append(
            {
                "identifier": identifier[:200],
                "title": str(grant["title"])[:500],
                "description": str(grant.get("description") or "")[:5000],
                "currency": str(grant.get("currency") or "GBP")[:3],
                "amount": Decimal(str(grant["amountAwarded"])).quantize(Decimal("0.01")),
                "award_date": date.fromisoformat(str(grant["awardDate"])[:10]),
                "funder_id": str(funder.get("id") or "")[:100],
                "funder_name": str(funder.get("name") or "")[:300],
                "recipient_id": str(recipient.get("id") or "")[:100],
                "recipient_name": str(recipient.get("name") or "")[:300],
                "place_codes": places_of(grant),
            }
        )
    # Each LSOA with its local authority and best-fit ward, in one read of places for the whole file.
    lsoas = {
        lsoa.code: (lsoa.local_authority_id, lsoa.best_fit_ward_id)
        for lsoa in places.lsoas({code for grant in checked for code in grant["place_codes"]})
    }
    for grant in checked:
        codes = set(grant["place_codes"])
        for code in grant["place_codes"]:
            codes.update(c for c in lsoas.get(code, ()) if c)
        grant["place_codes"] = padded(sorted(codes))[:2000]
    return checked


def apply(actor: Actor, council: Any, checked: list[dict[str, Any]], progress: Progress) -> ImportResult:
    added, updated = save_grants(actor, checked)
    progress("Saving grants", len(checked), len(checked))
    return ImportResult(created=added, updated=updated)


GRANTS_360 = register(
    ImportType(
        name="grants_360giving",
        label="Past grants (360Giving JSON)",
        description="Grants already made, in the 360Giving Data Standard: a package or a list of grants.",
        permission="platform.manage",
        columns=(Column("grants", True, "360Giving grant objects, each validated against the standard"),),
        check=check,
        apply=apply,
        file_format="json",
        scope="platform",
    )
)


# The package schema refers to the grant schema by its published address (of release 1.4.2; the local
# grant schema is 1.4.3's, with the same fields): resolve it to the local file, never fetch it.
PACKAGE_REF = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)


@cache
def package_validator() -> Draft202012Validator:
    """A validator of whole 360Giving packages (the council's own export is tested with it), with the
    format checker of the grant validator above, for the same reason."""
    path = settings.SHARED_DIR / "standards" / "360giving" / "360-giving-package-schema.json"
    if not path.exists():
        raise Refused.on(None, f"The 360Giving package schema is not installed at {path}")
    grant = _validator().schema
    registry = Registry().with_resources(
        # Both declare the 2020-12 dialect with an http:// address that `referencing` does not detect.
        [
            (PACKAGE_REF, DRAFT202012.create_resource(grant)),
            (grant["$id"], DRAFT202012.create_resource(grant)),
        ]
    )
    return Draft202012Validator(
        json.loads(path.read_text()),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
