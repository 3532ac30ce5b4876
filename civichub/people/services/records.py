"""Loading source records: from a checked file (the `people` import) or one at a time (the API).

A record is keyed by (council, source system, its id there): loading it again updates it, and only rows
that differ are written. Postcodes are placed with the platform's geography; a well-formed postcode we do
not hold is kept and flagged. New and changed records are linked on arrival when the council has a
trained model (up to `ARRIVAL_LIMIT` of them; a bigger load waits for the next full run).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import FieldError, Refused
from civichub.core.importing import Progress
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.people import bulk, checks, keys
from civichub.people.models import SourceRecord
from civichub.people.services.linkage import link_arrivals
from civichub.places import selectors as places

FIELDS = (
    "first_name",
    "surname",
    "sex",
    "date_of_birth",
    "address_line",
    "postcode",
    "postcode_not_held",
    "nhs_number",
    "service",
)
# Linking a record on arrival costs milliseconds; a load bigger than this is linked by a full run.
ARRIVAL_LIMIT = 5000


@dataclass
class Loaded:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_held: int = 0
    linked: int = 0
    waiting: int = 0
    # The records loaded, when few enough to link on arrival (None: they wait for a full run).
    records: list[SourceRecord] | None = None


@transaction.atomic
def load_records(
    actor: Actor,
    council: Council,
    checked: Sequence[Mapping[str, object]],
    *,
    progress: Progress | None = None,
) -> Loaded:
    """Add or update checked records (see `checks.clean_row`); link the new and changed on arrival.

    Written as rows, not model instances (a council's first load can be a million records): one INSERT
    or UPDATE statement executed for each (`people.bulk`)."""
    policy.require(actor, "people.records.load", council)
    held = places.places_of(str(r["postcode"]) for r in checked if r.get("postcode"))
    systems = sorted({str(r["source_system"]) for r in checked})
    held_records = SourceRecord.objects.for_council(council).filter(source_system__in=systems)
    if len(checked) <= 1000:
        # A few records (one through the API): read only those ids, not every record of their systems
        # (half a million for council tax).
        held_records = held_records.filter(record_id__in={str(r["record_id"]) for r in checked})
    existing = {
        (r["source_system"], r["record_id"]): r
        for r in held_records.order_by().values("pk", "source_system", "record_id", *FIELDS)
    }
    loaded = Loaded()
    now = timezone.now()
    created: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for values in checked:
        row: dict[str, object] = {name: values.get(name, "") for name in FIELDS}
        row["date_of_birth"] = values.get("date_of_birth") or None
        row["postcode_not_held"] = bool(values.get("postcode")) and values["postcode"] not in held
        loaded.not_held += int(bool(row["postcode_not_held"]))
        key = (str(values["source_system"]), str(values["record_id"]))
        found = existing.get(key)
        if found is None:
            created.append({"pk": uuid.uuid4(), "source_system": key[0], "record_id": key[1], **row})
        elif any(found[name] != value for name, value in row.items()):
            changed.append({**found, **row})
        else:
            loaded.unchanged += 1
    total = len(created) + len(changed)
    if progress:
        progress("Writing source records", 0, total)
    written = (lambda done: progress("Writing source records", done, total)) if progress else None
    # The council's own records: new ids, and ids read through for_council above.
    bulk.insert_rows(
        SourceRecord,
        bulk.reporting(
            (
                (r["pk"], council.pk, r["source_system"], r["record_id"], *(r[f] for f in FIELDS), now, now)
                for r in created
            ),
            written,
        ),
        ["id", "council", "source_system", "record_id", *FIELDS, "created_at", "updated_at"],
    )
    bulk.update_columns(
        SourceRecord, ((r["pk"], *(r[f] for f in FIELDS), now) for r in changed), [*FIELDS, "updated_at"]
    )
    if progress:
        progress("Writing source records", total, total)
    loaded.created, loaded.updated = len(created), len(changed)
    arrived = created + changed
    if len(arrived) <= ARRIVAL_LIMIT:
        # Keys now, to link now; a bigger load's records get theirs, and their people, in the full run.
        keys.refresh(council, arrived, new=frozenset(r["pk"] for r in created))
        records = list(SourceRecord.objects.for_council(council).filter(pk__in=[r["pk"] for r in arrived]))
        order = {r["pk"]: n for n, r in enumerate(arrived)}
        loaded.records = sorted(records, key=lambda r: order[r.pk])
        loaded.linked = link_arrivals(actor, council, loaded.records, progress=progress)
    else:
        keys.forget(council, [r["pk"] for r in changed])
    loaded.waiting = len(arrived) - loaded.linked
    counts = {"created": loaded.created, "updated": loaded.updated, "unchanged": loaded.unchanged}
    audit.record(
        actor,
        "people.records.loaded",
        object_type="people.sourcerecord",
        council=council,
        data={**counts, "source_systems": systems, "linked": loaded.linked, "not_held": loaded.not_held},
    )
    publish(
        "people.records.loaded",
        council=council,
        subject=None,
        data={"source_systems": systems[:50], "created": loaded.created, "updated": loaded.updated},
    )
    return loaded


def load_one(actor: Actor, council: Council, fields: dict[str, str]) -> SourceRecord:
    """One record through the API: the import's checks, each problem against its field; linked on arrival."""
    values, problems = checks.clean_row(fields)
    if problems:
        raise Refused(
            "The record was not loaded: " + "; ".join(f"{f}: {m}" for f, m in problems.items()),
            [FieldError(f, m) for f, m in problems.items()],
        )
    load_records(actor, council, [values])
    return SourceRecord.objects.for_council(council).get(
        source_system=values["source_system"], record_id=values["record_id"]
    )
