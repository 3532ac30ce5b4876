"""People's source records as CSV, through the kernel's one import pipeline (web, API, and
`civichub imports run people <council> FILE.csv`).

The whole file is checked before anything is written, each problem named by line and field: a date that
is not YYYY-MM-DD, an NHS number failing its modulus 11 check, the same record id twice for one source
system, a postcode that cannot be one. The wrong encoding is refused by the kernel's reader, naming the
line of the first byte that is not UTF-8. A well-formed postcode the platform does not hold is kept and
flagged. All or nothing, as every import; loading a record id again updates that record.
"""

from __future__ import annotations

from typing import Any

from civichub.core.actors import Actor
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council
from civichub.people import checks
from civichub.people.services.records import load_records

COLUMNS = (
    Column("record_id", True, "The record's id in its source system (unique within that system)"),
    Column("source_system", True, "The system it comes from: council-tax, adult-social-care, housing…"),
    Column("first_name", False, "Given name"),
    Column("surname", False, "Family name"),
    Column("sex", False, "As the source system records it"),
    Column("date_of_birth", False, "YYYY-MM-DD, like 1980-03-02"),
    Column("address_line", False, "The address, without the postcode"),
    Column("postcode", False, "Like WN1 1AA"),
    Column("nhs_number", False, "Ten digits; checked with the modulus 11 check"),
    Column("service", False, "The service the record belongs to, if any (for counts by service)"),
)


def check(
    council: Council | None, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> list[dict[str, object]]:
    checked: list[dict[str, object]] = []
    seen: dict[tuple[object, object], int] = {}
    for line, row in rows:
        values, problems = checks.clean_row(row)
        for field, message in problems.items():
            errors.add(line, field, message)
        if "source_system" in problems or "record_id" in problems:
            continue
        key = (values["source_system"], values["record_id"])
        if key in seen:
            errors.add(
                line,
                "record_id",
                f"'{key[1]}' is given twice for {key[0]} (first on line {seen[key]}): one row per record",
            )
            continue
        seen[key] = line
        checked.append(values)
    return checked


def apply(
    actor: Actor, council: Council, checked: list[dict[str, object]], progress: Progress
) -> ImportResult:
    loaded = load_records(actor, council, checked, progress=progress)
    notes = []
    if loaded.not_held:
        notes.append(
            f"{loaded.not_held} record(s) have a postcode we do not hold: kept, flagged, placed nowhere"
        )
    if loaded.linked:
        notes.append(f"{loaded.linked} record(s) linked on arrival")
    if loaded.waiting:
        notes.append(f"{loaded.waiting} record(s) wait for the next full linkage run")
    return ImportResult(
        created=loaded.created, updated=loaded.updated, unchanged=loaded.unchanged, notes=notes
    )


PEOPLE = register(
    ImportType(
        name="people",
        label="People's source records (CSV)",
        description="Records of people from one or more source systems, linked to golden records.",
        permission="people.records.load",
        columns=COLUMNS,
        check=check,
        apply=apply,
    )
)
