"""Contacts as CSV, through the kernel's one import pipeline: one row per contact with the council or a
provider, classed as value or failure demand (failure with its cause), optionally naming the provider
organisation by its org-id.

Every row is checked before anything is written, and every problem names its line and column (an
unknown channel or cause, failure demand with no cause, a date that is not one, a provider the register
does not hold). A clean file is written in batches of a few thousand, with progress, and counted by
month, in the import's one transaction: all or nothing, as every import. A file of 100,000 contacts is
about 8 MB; larger ones can be sent gzipped (.csv.gz).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civichub.core.actors import Actor
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council
from civichub.needs.contact_rows import Row, check_contact, contacts_of, known_for
from civichub.needs.demand import save_contacts
from civichub.needs.models import FAILURE_CAUSES, Contact

COLUMNS = (
    Column("date", True, "When the contact was made, like 2025-04-01"),
    Column("channel", True, f"How: {', '.join(Contact.Channel.values)}"),
    Column("category", True, "The need category's code, like housing (see the needs page)"),
    Column("service", True, "The service the contact was for, in the council's words"),
    Column("provider", False, "The provider organisation's org-id, like GB-CHC-1099999; blank for none"),
    Column("value_or_failure", True, "value (what the service is for) or failure (caused by a failure)"),
    Column("failure_cause", False, f"For failure demand, one of: {', '.join(FAILURE_CAUSES)}"),
)
# The contact's fields as the file names them.
COLUMN_OF = {"occurred_on": "date", "kind": "value_or_failure", "cause": "failure_cause"}


@dataclass(frozen=True)
class CheckedContacts:
    """The checked rows, kept small (a tuple a contact, not a model object) until they are written."""

    rows: list[Row]


def check(
    council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> CheckedContacts:
    known = known_for(council, (row.get("provider") or "" for _, row in rows))
    checked = []
    for line, row in rows:
        raw = {field: row.get(COLUMN_OF.get(field, field)) for field in (*COLUMN_OF, "channel", "category")}
        raw |= {"service": row.get("service"), "provider": row.get("provider")}

        def report(field: str, message: str, line: int = line) -> None:
            errors.add(line, COLUMN_OF.get(field, field), message)

        found = check_contact(raw, known, report)
        if found is not None:
            checked.append(found)
    if not rows:
        errors.add(None, None, "has no contacts: add a row under the header for each")
    return CheckedContacts(checked)


def apply(actor: Actor, council: Council, checked: CheckedContacts, progress: Progress) -> ImportResult:
    total = len(checked.rows)
    written, failure = save_contacts(
        actor,
        council,
        contacts_of(council, checked.rows),
        source="import",
        progress=lambda done: progress("Saving contacts", done, total),
    )
    return ImportResult(created=written, notes=[f"{failure} of the {written} contacts are failure demand"])


CONTACTS = register(
    ImportType(
        name="contacts",
        label="Contacts: value and failure demand (CSV)",
        description="Contacts with the council or its providers, each classed as value or failure demand.",
        permission="needs.contacts.record",
        columns=COLUMNS,
        check=check,
        apply=apply,
    )
)
