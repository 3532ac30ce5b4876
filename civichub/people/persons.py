"""Writing golden records: new references, and each person's facts and place from its records.

Helpers of the services (called inside their transactions, which audit and publish)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from civichub.core.models import Council
from civichub.people import bulk, golden
from civichub.people.models import Person, SourceRecord
from civichub.places import selectors as places

# What `golden.best_facts` reads of each record.
FACT_FIELDS = ("first_name", "surname", "date_of_birth", "postcode", "postcode_not_held", "updated_at")


def _next_number(council: Council) -> int:
    last = (
        Person.objects.for_council(council).order_by("-reference").values_list("reference", flat=True).first()
    )
    match = re.search(r"(\d+)$", last or "")
    return int(match.group(1)) + 1 if match else 1


def new_people(council: Council, count: int) -> list[Person]:
    """`count` new, empty golden records with the council's next references (P-000001…)."""
    ids = [uuid.uuid4() for _ in range(count)]
    add_people(council, ids, {})
    return list(Person.objects.for_council(council).filter(pk__in=ids).order_by("reference"))


# A golden record's facts, as `facts_of` gives them, in the order the writers take them; and a golden
# record's facts when it has none (the model's defaults: blank, no date).
FACTS = ("first_name", "surname", "date_of_birth", "postcode", "lsoa_code", "ward_code")
_DEFAULTS = {f.name: f.get_default() for f in Person._meta.concrete_fields}
NO_FACTS = tuple(_DEFAULTS[name] for name in FACTS)


def add_people(council: Council, ids: Sequence[uuid.UUID], facts: Mapping[Any, Sequence[Any]]) -> None:
    """New golden records with these ids, the council's next references (P-000001…) and their facts
    (`facts_of`; blank for an id not in it). Written as rows: a first full run makes hundreds of
    thousands at once, each with its facts, and a model instance each costs more than its row."""
    start = _next_number(council)
    now = timezone.now()
    fixed = {**_DEFAULTS, "council": council.pk, "created_at": now, "updated_at": now}
    names = [n for n in fixed if n not in ("id", "reference", *FACTS)]
    rows = (
        [pk, f"P-{start + i:06d}", *facts.get(pk, NO_FACTS), *(fixed[n] for n in names)]
        for i, pk in enumerate(ids)
    )
    bulk.insert_rows(Person, rows, ["id", "reference", *FACTS, *names])


def facts_of(records: Mapping[Any, list[dict[str, Any]]]) -> dict[Any, tuple[Any, ...]]:
    """{person: FACTS values} from each person's records (`golden.best_facts`), placed by the postcode."""
    best = {person: golden.best_facts(found) for person, found in records.items()}
    placed = places.places_of(f["postcode"] for f in best.values())
    return {
        person: (
            f["first_name"],
            f["surname"],
            f["date_of_birth"],
            f["postcode"],
            *placed.get(f["postcode"], ("", "")),
        )
        for person, f in best.items()
    }


def update_facts(council: Council, ids: set[Any], facts: Mapping[Any, Sequence[Any]]) -> None:
    """Write the facts of these existing golden records; one with none (no records left) is retired,
    and one retired before that has records again is active again (a merged one stays merged)."""
    now = timezone.now()
    rows = []
    for pk, status in _statuses(council, ids):
        found = facts.get(pk)
        if found is None:
            status = Person.Status.EMPTY if status == Person.Status.ACTIVE else status
        elif status == Person.Status.EMPTY:
            status = Person.Status.ACTIVE
        rows.append((pk, *(found or NO_FACTS), status, now))
    # The council's own golden records (their ids read through for_council in _statuses).
    bulk.update_columns(Person, rows, [*FACTS, "status", "updated_at"])


# Past this many people, their records are read in one pass over the council's records, not by id.
_ONE_PASS = 20_000


def refresh_facts(council: Council, person_ids: Iterable[Any]) -> None:
    """Each person's facts from its records now, and its place from the postcode; a golden record left
    with no records is retired (kept if a merge names it, so an unmerge can bring it back)."""
    ids = {i for i in person_ids if i is not None}
    if ids:
        update_facts(council, ids, facts_of(_records_of(council, ids)))


def _records_of(council: Council, ids: set[Any]) -> dict[Any, list[dict[str, Any]]]:
    found: dict[Any, list[dict[str, Any]]] = {}
    # No ORDER BY (the model's ordering walks the council's whole unique index instead of the
    # person index: a slow read of every record for one arriving).
    held = SourceRecord.objects.for_council(council).order_by()
    for person, *values in _rows_of(held, "person_id", FACT_FIELDS, ids):
        found.setdefault(person, []).append(dict(zip(FACT_FIELDS, values, strict=True)))
    return found


def records_by_person(council: Council, person_of: Mapping[Any, Any]) -> dict[Any, list[dict[str, Any]]]:
    """Every record of the council, grouped by the golden record `person_of` gives it ({record id:
    person id}: a full run's answer, before it is written), in one pass."""
    found: dict[Any, list[dict[str, Any]]] = {}
    held = SourceRecord.objects.for_council(council).order_by()
    for pk, *values in bulk.raw_rows(held.values_list("pk", *FACT_FIELDS)):
        person = person_of.get(bulk.as_uuid(pk))
        if person is not None:
            found.setdefault(person, []).append(dict(zip(FACT_FIELDS, values, strict=True)))
    return found


def _statuses(council: Council, ids: set[Any]) -> Iterator[tuple[Any, ...]]:
    """(id, status) of these golden records."""
    return _rows_of(Person.objects.for_council(council).order_by(), "pk", ("status",), ids)


def _rows_of(
    queryset: QuerySet[Any, Any], key: str, names: Sequence[str], ids: set[Any]
) -> Iterator[tuple[Any, ...]]:
    """(key, *names) of the rows whose `key` (an id) is one of `ids`: by those ids, 2,000 at a time, or
    past _ONE_PASS of them in one pass over the council's rows as the driver gives them (the key made a
    UUID to match `ids`)."""
    if len(ids) > _ONE_PASS:
        for found, *values in bulk.raw_rows(queryset.values_list(key, *names)):
            if found is not None and (pk := bulk.as_uuid(found)) in ids:
                yield (pk, *values)
        return
    listed = list(ids)
    for start in range(0, len(listed), 2000):
        yield from queryset.filter(**{f"{key}__in": listed[start : start + 2000]}).values_list(key, *names)
