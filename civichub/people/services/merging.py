"""Merging golden records by hand, and undoing a merge exactly.

A merge keeps the state of every row it changes (each golden record's fields, each record's golden
record) before and after. An unmerge puts the before back, field for field, but only if nothing has
moved since (else a later run or review would be silently undone): then it refuses and says so.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.people.models import Merge, Person, SourceRecord
from civichub.people.persons import refresh_facts

PERSON_FIELDS = [
    f.name for f in Person._meta.concrete_fields if f.name not in ("id", "council", "created_at")
]


def _json(value: Any) -> Any:
    return (
        value.isoformat()
        if hasattr(value, "isoformat")
        else (str(value) if isinstance(value, UUID) else value)
    )


def _state(council: Council, person_ids: list[Any]) -> dict[str, Any]:
    people = Person.objects.for_council(council).filter(pk__in=person_ids)
    records = SourceRecord.objects.for_council(council).filter(person_id__in=person_ids)
    return {
        "people": {
            str(p.pk): {k: _json(v) for k, v in model_to_dict(p, fields=PERSON_FIELDS).items()}
            | {"updated_at": _json(p.updated_at)}
            for p in people
        },
        "records": {str(pk): str(person) for pk, person in records.values_list("pk", "person_id")},
    }


@transaction.atomic
def merge(actor: Actor, council: Council, person_ids: list[UUID | str], *, reason: str) -> Merge:
    """Merge golden records into the first of them: its records gain theirs; the others are kept as
    'merged into' it (never deleted), so an unmerge can bring them back as they were."""
    policy.require(actor, "people.merge", council)
    reason = clean_text(reason)[:500]
    if len(reason) < 5:
        raise Refused.on(
            "reason", "Say why these are one person, at least 5 characters: the merge is audited"
        )
    ids = list(dict.fromkeys(str(i) for i in person_ids))
    if len(ids) < 2:
        raise Refused.on("person_ids", "Choose at least two golden records to merge")
    people = {
        str(p.pk): p for p in Person.objects.for_council(council).select_for_update().filter(pk__in=ids)
    }
    if len(people) != len(ids):
        raise NotFound.on("person_ids", "One of those golden records is not this council's")
    if any(p.status != Person.Status.ACTIVE for p in people.values()):
        raise Conflict.on("person_ids", "Only active golden records can be merged")
    into, others = people[ids[0]], [people[i] for i in ids[1:]]
    prior = _state(council, ids)
    SourceRecord.objects.for_council(council).filter(person_id__in=[p.pk for p in others]).update(person=into)
    Person.objects.for_council(council).filter(pk__in=[p.pk for p in others]).update(
        status=Person.Status.MERGED, merged_into=into, updated_at=timezone.now()
    )
    refresh_facts(council, [into.pk])
    made = Merge.objects.create(
        council=council,
        into=into,
        merged=ids[1:],
        prior=prior,
        after=_state(council, ids),
        reason=reason,
        merged_by=actor.user,
    )
    audit.record(
        actor,
        "people.person.merged",
        obj=made,
        council=council,
        data={"into": ids[0], "merged": ids[1:], "reason": reason},
    )
    publish(
        "people.person.merged",
        council=council,
        subject=made,
        data={"merge_id": str(made.pk), "person_id": ids[0], "merged": len(ids) - 1},
    )
    return made


@transaction.atomic
def unmerge(actor: Actor, council: Council, merge_id: UUID | str) -> Merge:
    """Undo a merge: every golden record and record it changed goes back exactly as it was."""
    policy.require(actor, "people.merge", council)
    made = Merge.objects.for_council(council).select_for_update().filter(pk=merge_id).first()
    if made is None:
        raise NotFound.on("merge_id", "No such merge in this council")
    if made.undone_at is not None:
        raise Conflict.on("merge_id", "This merge was already undone")
    ids = [str(made.into_id), *made.merged]
    if _state(council, ids) != made.after:
        raise Conflict.on(
            "merge_id",
            "These golden records have changed since the merge (a linkage run, a review or another merge): "
            "undoing it now would lose that; merge or review by hand instead",
        )
    for pk, fields in made.prior["people"].items():
        restored = {name: value for name, value in fields.items() if name not in ("merged_into",)}
        restored["merged_into_id"] = fields.get("merged_into")
        Person.objects.for_council(council).filter(pk=pk).update(**restored)
    by_person: dict[str, list[str]] = {}
    for record, person in made.prior["records"].items():
        by_person.setdefault(person, []).append(record)
    for person, records in by_person.items():
        SourceRecord.objects.for_council(council).filter(pk__in=records).update(person_id=person)
    made.undone_at = timezone.now()
    made.undone_by = actor.user
    made.save(update_fields=["undone_at", "undone_by", "updated_at"])
    audit.record(
        actor, "people.person.unmerged", obj=made, council=council, data={"into": ids[0], "restored": ids[1:]}
    )
    publish(
        "people.person.unmerged",
        council=council,
        subject=made,
        data={"merge_id": str(made.pk), "person_id": ids[0]},
    )
    return made
