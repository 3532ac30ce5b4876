"""Writing golden records: new references, and each person's facts and place from its records.

Helpers of the services (called inside their transactions, which audit and publish)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from civichub.core.models import Council
from civichub.people import bulk, golden
from civichub.people.models import Person, SourceRecord
from civichub.places import selectors as places

FACT_FIELDS = (
    "first_name",
    "surname",
    "date_of_birth",
    "postcode",
    "postcode_not_held",
    "updated_at",
    "person_id",
)


def _next_number(council: Council) -> int:
    last = (
        Person.objects.for_council(council).order_by("-reference").values_list("reference", flat=True).first()
    )
    match = re.search(r"(\d+)$", last or "")
    return int(match.group(1)) + 1 if match else 1


def new_people(council: Council, count: int) -> list[Person]:
    """`count` new, empty golden records with the council's next references (P-000001…)."""
    start = _next_number(council)
    made = [Person(council=council, reference=f"P-{start + n:06d}") for n in range(count)]
    return Person.objects.bulk_create(made, batch_size=2000)


def refresh_facts(council: Council, person_ids: Iterable[Any]) -> None:
    """Each person's facts from its records now, and its place from the postcode; a golden record left
    with no records is retired (kept if a merge names it, so an unmerge can bring it back)."""
    ids = list({i for i in person_ids if i is not None})
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        records: dict[Any, list[dict[str, Any]]] = {}
        # No ORDER BY (the model's ordering walks the council's whole unique index instead of the
        # person index: a slow read of every record for one arriving).
        rows = (
            SourceRecord.objects.for_council(council)
            .filter(person_id__in=chunk)
            .order_by()
            .values(*FACT_FIELDS)
        )
        for row in rows:
            records.setdefault(row["person_id"], []).append(row)
        people = list(Person.objects.for_council(council).filter(pk__in=chunk))
        facts = {pk: golden.best_facts(found) for pk, found in records.items()}
        placed = places.places_of(f["postcode"] for f in facts.values())
        for person in people:
            found = facts.get(person.pk)
            if found is None:
                person.first_name = person.surname = person.postcode = person.lsoa_code = person.ward_code = (
                    ""
                )
                person.date_of_birth = None
                if person.status == Person.Status.ACTIVE:
                    person.status = Person.Status.EMPTY
                continue
            for name, value in found.items():
                setattr(person, name, value)
            person.lsoa_code, person.ward_code = placed.get(found["postcode"], ("", ""))
            if person.status == Person.Status.EMPTY:
                person.status = Person.Status.ACTIVE
        fields = [
            "first_name",
            "surname",
            "date_of_birth",
            "postcode",
            "lsoa_code",
            "ward_code",
            "status",
            "updated_at",
        ]
        # The council's own golden records (read through for_council above).
        bulk.update_columns(Person, ([p.pk, *(getattr(p, f) for f in fields)] for p in people), fields)
