"""Bulk imports through the kernel's one import pipeline (checked whole, all or nothing):

- a decisions register from CSV (a council moving its history from another system): each row is a
  decision, recorded and, if it has a publication date, published;
- documents from JSON (a batch from a shared drive or another records system): each record carries its
  file as base64 beside its title, class and marking, and is checked like an upload before anything is
  stored.

Both go through the same services as the pages and the API.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council
from civichub.records import checks, files
from civichub.records.models import Decision
from civichub.records.services import decisions, documents

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


DOCUMENT_COLUMNS = (
    Column("title", True, "The document's title"),
    Column("record_class", True, "The code of its record class in the retention schedule"),
    Column("file_name", True, "The file's name, with its extension (.pdf, .docx, .odt, .csv, .png, .jpg)"),
    Column("content_base64", True, "The file itself, base64-encoded"),
    Column("marking", False, "official (the default) or official-sensitive"),
    Column("owner", False, "Username of the officer who owns it (default: who runs the import)"),
    Column("description", False, "What it is"),
    Column("dated", False, "The document's date (YYYY-MM-DD; default: today)"),
    Column("links", False, 'What it concerns: a list of \'type:id\', e.g. ["service:…", "ward:E05000841"]'),
)


def check_documents(
    council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> list[dict[str, Any]]:
    """Every record must be a document the records would accept from an upload: each problem by record
    and field, and no file stored until all of them pass."""
    records = []
    for index, row in rows:
        try:
            content = _content(row.get("content_base64"))
            file_name = checks.title(row.get("file_name"), "file_name")
            files.check(file_name, content)
            records.append(
                {
                    "title": checks.title(row.get("title")),
                    "record_class": checks.record_class(council, row.get("record_class")).code,
                    "marking": checks.marking(row.get("marking") or "official"),
                    "owner": row.get("owner") or None,
                    "description": checks.text(row.get("description"), "description"),
                    "dated": checks.day(row.get("dated"), "dated"),
                    "links": checks.links(row.get("links") or []),
                    "file_name": file_name,
                    "content": content,
                }
            )
        except Refused as exc:
            # A file's own problems are named on the field that carried it.
            field = "content_base64" if exc.field == "file" else exc.field
            errors.add(index, field, exc.message)
    return records


def _content(value: Any) -> bytes:
    if not isinstance(value, str) or not value.strip():
        raise Refused.on("content_base64", "Give the file as base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused.on("content_base64", "This is not valid base64") from exc


def apply_documents(
    actor: Actor, council: Council, records: list[dict[str, Any]], progress: Progress
) -> ImportResult:
    for done, record in enumerate(records, start=1):
        documents.add_document(actor, council, **record)
        progress("Keeping documents", done, len(records))
    return ImportResult(created=len(records))


DOCUMENTS = register(
    ImportType(
        name="records_documents",
        label="Documents (JSON with the files in base64)",
        description="A batch of documents, each checked like an upload, kept, indexed and filed.",
        permission="records.documents.manage",
        columns=DOCUMENT_COLUMNS,
        check=check_documents,
        apply=apply_documents,
        file_format="json",
    )
)
