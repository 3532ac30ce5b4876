"""Importing a decisions register from CSV (a council moving its history from another system): each row
is a decision, recorded and, if it has a publication date, published, through the same services as the
pages and the API. Runs through the kernel's one import pipeline (checked whole, all or nothing)."""

from __future__ import annotations

from typing import Any

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council
from civichub.records import checks
from civichub.records.models import Decision
from civichub.records.services import decisions

COLUMNS = (
    Column("reference", True, "The council's reference, unique (e.g. D-2024-017)"),
    Column("title", True, "What the decision is about"),
    Column("decision", True, "What was decided"),
    Column("maker_kind", True, "cabinet, cabinet_member, committee or officer"),
    Column("maker_name", True, "Who decided (Cabinet, Cllr A Smith, the Director of …)"),
    Column("decided_on", True, "Date of the decision (YYYY-MM-DD)"),
    Column("meeting", False, "The meeting, if any"),
    Column("is_key", False, "yes if it was a key decision"),
    Column("reasons", False, "Reasons"),
    Column("alternatives", False, "Alternatives considered"),
    Column("conflicts", False, "Conflicts of interest declared"),
    Column("published_on", False, "When it was published (empty: kept as a draft)"),
)
TEXT_FIELDS = ("meeting", "reasons", "alternatives", "conflicts")


def check(
    council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> list[dict[str, Any]]:
    """Every row must name a decision the register can hold: each problem by line and column."""
    seen: set[str] = set()
    existing = set(Decision.objects.for_council(council).values_list("reference", flat=True))
    records = []
    for line, row in rows:
        record: dict[str, Any] = {}
        try:
            reference = checks.title(row.get("reference"), "reference")[:30]
            if reference in seen:
                raise Refused.on("reference", "appears twice in the file")
            seen.add(reference)
            record["reference"] = reference
            record["title"] = checks.title(row.get("title"))
            record["decision"] = checks.text(row.get("decision"), "decision")
            if not record["decision"]:
                raise Refused.on("decision", "say what was decided")
            record["maker_kind"] = str(row.get("maker_kind", "")).strip().lower()
            if record["maker_kind"] not in Decision.Maker.values:
                raise Refused.on("maker_kind", f"must be one of {', '.join(Decision.Maker.values)}")
            record["maker_name"] = checks.title(row.get("maker_name"), "maker_name")
            record["decided_on"] = checks.day(row.get("decided_on"), "decided_on", required=True)
            record["published_on"] = checks.day(row.get("published_on"), "published_on")
            if record["published_on"] and record["published_on"] < record["decided_on"]:
                raise Refused.on("published_on", "is before the decision was taken")
            record["is_key"] = str(row.get("is_key", "")).strip().lower() in ("yes", "y", "true", "1")
            for name in TEXT_FIELDS:
                record[name] = checks.text(row.get(name), name, 200 if name == "meeting" else 20_000)
        except Refused as exc:
            errors.add(line, exc.field, exc.message)
            continue
        record["exists"] = reference in existing
        records.append(record)
    return records


def apply(actor: Actor, council: Council, records: list[dict[str, Any]], progress: Progress) -> ImportResult:
    created = unchanged = 0
    for done, record in enumerate(records, start=1):
        if record.pop("exists"):
            unchanged += 1  # a register is history: a reference already held is left as it is
            continue
        published_on = record.pop("published_on")
        made = decisions.record_decision(actor, council, **record)
        if published_on:
            decisions.publish_decision(actor, made, published_on=published_on)
        created += 1
        if done % 50 == 0 or done == len(records):
            progress("Recording decisions", done, len(records))
    notes = [f"{unchanged} reference(s) already in the register were left as they are"] if unchanged else []
    return ImportResult(created=created, unchanged=unchanged, notes=notes)


DECISIONS = register(
    ImportType(
        name="records_decisions",
        label="Decisions register (CSV)",
        description="Past decisions, one a row, recorded and (with a publication date) published.",
        permission="records.decisions.manage",
        columns=COLUMNS,
        check=check,
        apply=apply,
    )
)
