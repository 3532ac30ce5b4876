"""A council's existing contracts from an OCDS release package (as Contracts Finder or Find a Tender
publish them), through the kernel's one import pipeline: `ocds_releases`.

Check: every release must be valid against the extended schema (ours, so a package we export imports
back), with an `id`, known tags and amounts that are numbers; each problem is named by the release's
index and the JSON path of the field (`releases[3].awards[0].value.amount`), and nothing is imported.
Then the releases of each ocid are compiled into a record (ocdsmerge, local schema), and each contract
of the compiled release (or each award, where a publisher sent awards without contracts) becomes a
contract in the register. Each contract must say who the supplier is and what it is worth.

Apply (`apply_records`): parties become organisations on the shared register with their org-id
identifiers (through core's `register_organisation`, which returns the one already holding an
identifier); each process gets a commission shell (its buyer as commissioner), a procurement shell at
the contract stage (with an ocid of the platform's own, as an ocid names one procurement on the whole
platform and the same published process may be imported by two councils) and its contracts, which
keep the source ocid. Re-importing finds each contract by its council, ocid and reference, and changes
only what differs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from civichub.commissioning.ocds.records import compile_release
from civichub.commissioning.ocds.schema import problems
from civichub.core.errors import Refused
from civichub.core.importing import ErrorCollector

KNOWN_SCHEMES = {"GB-LAE", "GB-LAS", "GB-PLA", "GB-LANI", "GB-GSS", "GB-COH", "GB-CHC", "GB-SC", "GB-NHS"}
KIND_OF_SCHEME = {
    "GB-COH": "company",
    "GB-CHC": "charity",
    "GB-SC": "charity",
    "GB-NHS": "nhs",
    "GB-LAE": "council",
    "GB-LAS": "council",
    "GB-PLA": "council",
    "GB-LANI": "council",
    "GB-GSS": "public_body",
}


@dataclass
class Party:
    name: str
    identifiers: dict[str, str]
    postcode: str = ""

    @property
    def kind(self) -> str:
        for scheme in self.identifiers:
            return KIND_OF_SCHEME.get(scheme, "company")
        return "company"


@dataclass
class ImportedContract:
    ocid: str
    source_id: str
    title: str
    description: str
    value: Decimal
    start: date
    end: date
    terminated: bool
    supplier: Party
    other_suppliers: list[str] = field(default_factory=list)


@dataclass
class Process:
    ocid: str
    title: str
    purpose: str
    buyer: Party | None
    contracts: list[ImportedContract]


def check(council: Any, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector) -> list[Process]:
    by_ocid: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    seen: dict[tuple[str, str], int] = {}
    for number, release in rows:
        where = f"releases[{number - 1}]"
        found = problems(release, prefix=where)
        for path, message in found:
            errors.add(number, path, message)
        if found:
            continue
        key = (release["ocid"], str(release["id"]))
        if key in seen:
            errors.add(
                number,
                f"{where}.id",
                f"'{key[1]}' is given twice for {key[0]} (first at release {seen[key]})",
            )
        seen.setdefault(key, number - 1)
        by_ocid[release["ocid"]].append((number, release))
    processes = []
    for ocid, releases in by_ocid.items():
        try:
            compiled = compile_release([release for _, release in releases])
        except Refused as exc:
            errors.add(releases[0][0], f"releases[{releases[0][0] - 1}].ocid", f"{ocid}: {exc.message}")
            continue
        process = _process(ocid, compiled, releases, errors)
        if process is not None and process.contracts:
            processes.append(process)
    return processes


def _party(parties: dict[str, dict[str, Any]], reference: dict[str, Any]) -> Party | None:
    party = parties.get(str(reference.get("id")), {})
    name = str(party.get("name") or reference.get("name") or "").strip()
    if not name:
        return None
    identifiers: dict[str, str] = {}
    for identifier in [party.get("identifier") or {}, *(party.get("additionalIdentifiers") or [])]:
        scheme, value = str(identifier.get("scheme") or ""), str(identifier.get("id") or "").strip()
        if scheme in KNOWN_SCHEMES and value and scheme not in identifiers:
            identifiers[scheme] = value[:64]
    postcode = str((party.get("address") or {}).get("postalCode") or "")[:8]
    return Party(name=name[:255], identifiers=identifiers, postcode=postcode)


def _where(releases: list[tuple[int, dict[str, Any]]], section: str, item_id: Any) -> tuple[int, str]:
    """The latest release that speaks of this award or contract, and its path there (for errors)."""
    for number, release in reversed(releases):
        for index, item in enumerate(release.get(section) or []):
            if item.get("id") == item_id:
                return number, f"releases[{number - 1}].{section}[{index}]"
    number = releases[-1][0]
    return number, f"releases[{number - 1}].{section}"


def _day(text: Any) -> date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _amount(value: Any) -> Decimal | None:
    amount = (value or {}).get("amount") if isinstance(value, dict) else None
    if amount is None or isinstance(amount, bool):
        return None
    try:
        return Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _process(
    ocid: str,
    compiled: dict[str, Any],
    releases: list[tuple[int, dict[str, Any]]],
    errors: ErrorCollector,
) -> Process | None:
    parties = {str(p.get("id")): p for p in compiled.get("parties") or [] if isinstance(p, dict)}
    buyer = _party(parties, compiled["buyer"]) if compiled.get("buyer") else None
    awards = {a.get("id"): a for a in compiled.get("awards") or []}
    tender = compiled.get("tender") or {}
    contracts = compiled.get("contracts") or []
    # Awards with no contract of their own stand for the contract (Contracts Finder publishes them so).
    covered = {c.get("awardID") for c in contracts}
    items = [("contracts", c, awards.get(c.get("awardID"), {})) for c in contracts]
    items += [
        ("awards", a, a)
        for a in awards.values()
        # A pending award (in its standstill) is not yet a contract; an unsuccessful one never is.
        if a.get("id") not in covered and a.get("status") in (None, "active")
    ]
    found = []
    for section, item, award in items:
        number, path = _where(releases, section, item.get("id"))
        suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
        supplier = _party(parties, suppliers[0]) if suppliers else None
        if supplier is None:
            errors.add(
                number, f"{path}.suppliers" if section == "awards" else f"{path}.awardID", "names no supplier"
            )
            continue
        value = _amount(item.get("value")) if item.get("value") else _amount(award.get("value"))
        if value is None or value < 0:
            errors.add(number, f"{path}.value.amount", "must give the contract's value, a number of pounds")
            continue
        period = item.get("period") or award.get("contractPeriod") or {}
        start = _day(period.get("startDate")) or _day(item.get("dateSigned")) or _day(award.get("date"))
        start = start or _day(compiled.get("date"))
        end = _day(period.get("endDate")) or start
        if start is None or end is None:
            errors.add(number, f"{path}.period.startDate", "must say when the contract starts")
            continue
        if end < start:
            errors.add(number, f"{path}.period.endDate", "is before the start date")
            continue
        found.append(
            ImportedContract(
                ocid=ocid,
                source_id=str(item.get("id")),
                title=str(item.get("title") or award.get("title") or tender.get("title") or ocid)[:300],
                description=str(item.get("description") or award.get("description") or "")[:8000],
                value=value,
                start=start,
                end=end,
                terminated=item.get("status") in ("terminated", "cancelled"),
                supplier=supplier,
                other_suppliers=[str(s.get("name") or s.get("id")) for s in suppliers[1:]],
            )
        )
    title = str(tender.get("title") or (found[0].title if found else ocid))[:300]
    purpose = str(tender.get("description") or (compiled.get("planning") or {}).get("rationale") or title)
    return Process(ocid=ocid, title=title, purpose=purpose[:4000], buyer=buyer, contracts=found)
