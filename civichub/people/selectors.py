"""People selectors: a person's records (personal data: every read audited with its purpose), the
review queue, counts of people (not records) by place, source system and service, runs, merges and
agreements. The subject access export is `sar`; the linkage-quality figures are `quality`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.core.text import clean_text
from civichub.people.models import (
    DataSharingAgreement,
    LinkageModel,
    LinkageRun,
    Merge,
    Person,
    ReviewPair,
    SourceRecord,
)
from civichub.people.thresholds import thresholds_of
from civichub.places import selectors as places

# Counts below this are not shown outside the council's officers (small numbers could name someone).
SUPPRESS_BELOW = 10
REVIEW_PURPOSE = "Clerical review: deciding whether two records are the same person"
COUNT_BY = ("ward", "lsoa", "source_system", "service")


def _purpose(purpose: str) -> str:
    purpose = clean_text(purpose)[:500]
    if len(purpose) < 5:
        raise Refused.on(
            "purpose", "Say why you need this person's records, at least 5 characters: the read is audited"
        )
    return purpose


def _person(council: Council, person_id: UUID | str) -> Person:
    try:
        found = Person.objects.for_council(council).filter(pk=person_id).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound.on("person_id", "No such golden record in this council")
    return found


def reference_of(council: Council, person_id: UUID | str) -> str:
    """A golden record's reference (no personal data: the page asking for a purpose shows it), or 404."""
    return _person(council, person_id).reference


@dataclass(frozen=True)
class PersonView:
    person: Person
    records: list[SourceRecord]
    ward_name: str


def person(actor: Actor, council: Council, person_id: UUID | str, purpose: str) -> PersonView:
    """A golden record and every source record of it: personal data, so the read is audited."""
    policy.require(actor, "people.records.view", council)
    purpose = _purpose(purpose)
    found = _person(council, person_id)
    records = list(
        SourceRecord.objects.for_council(council).filter(person=found).order_by("source_system", "record_id")
    )
    audit.record(
        actor,
        "people.person.read",
        obj=found,
        council=council,
        purpose=purpose,
        data={"records": len(records)},
    )
    names = places.ward_names([found.ward_code])
    return PersonView(found, records, names.get(found.ward_code, found.ward_code))


def person_references(council: Council) -> dict[str, str]:
    """{source_system:record_id: its golden record's reference}, for the batch command's output file
    (references only: the command writes no one's name)."""
    rows = SourceRecord.objects.for_council(council).values_list(
        "source_system", "record_id", "person__reference"
    )
    return {f"{s}:{r}": ref or "" for s, r, ref in rows.iterator(chunk_size=10000)}


def people(council: Council) -> QuerySet[Person]:
    """The council's golden records (references and counts; names only on a purposeful read)."""
    return (
        Person.objects.for_council(council).filter(status=Person.Status.ACTIVE).annotate(n=Count("records"))
    )


def review_queue(council: Council) -> QuerySet[ReviewPair]:
    return (
        ReviewPair.objects.for_council(council)
        .filter(status=ReviewPair.Status.PENDING)
        .order_by("-match_weight")
    )


def pair(actor: Actor, council: Council, pair_id: UUID | str) -> ReviewPair:
    """A pair with both records, for review: a read of personal data, audited with the review's purpose."""
    policy.require(actor, "people.review.decide", council)
    try:
        found = (
            ReviewPair.objects.for_council(council)
            .select_related("record_a", "record_b", "decided_by")
            .filter(pk=pair_id)
            .first()
        )
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound.on("pair_id", "No such pair in this council's review queue")
    audit.record(actor, "people.pair.read", obj=found, council=council, purpose=REVIEW_PURPOSE)
    return found


@dataclass(frozen=True)
class PeopleCount:
    key: str
    name: str
    people: int | None  # None: fewer than SUPPRESS_BELOW, not shown to this reader

    @property
    def shown(self) -> str:
        return f"fewer than {SUPPRESS_BELOW}" if self.people is None else str(self.people)


def counts(actor: Actor, council: Council, by: str) -> list[PeopleCount]:
    """Unique people (golden records, never records) by ward, LSOA, source system or service. Below 10 is
    suppressed for anyone but the council's officers."""
    policy.require(actor, "people.view", council)
    if by not in COUNT_BY:
        raise Refused.on("by", f"Count by one of: {', '.join(COUNT_BY)}")
    exact = actor.is_system or (
        actor.user is not None and policy.allows(actor.user, "people.counts.exact", council)
    )
    if by in ("ward", "lsoa"):
        column = f"{by}_code"
        rows = list(
            Person.objects.for_council(council)
            .filter(status=Person.Status.ACTIVE)
            .values(column)
            .annotate(n=Count("id"))
            .order_by(column)
            .values_list(column, "n")
        )
    else:
        rows = list(
            SourceRecord.objects.for_council(council)
            .filter(person__isnull=False)
            .exclude(**{by: ""})
            .values(by)
            .annotate(n=Count("person", distinct=True))
            .order_by(by)
            .values_list(by, "n")
        )
    names = places.ward_names(k for k, _ in rows) if by == "ward" else {}
    if by == "lsoa":
        names = {lsoa.code: lsoa.name for lsoa in places.lsoas(k for k, _ in rows if k)}
    return [
        PeopleCount(
            key or "", names.get(key, key or "Not placed"), n if exact or n >= SUPPRESS_BELOW else None
        )
        for key, n in rows
    ]


def sar(actor: Actor, council: Council, person_id: UUID | str, purpose: str) -> dict[str, Any]:
    """A subject access export: everything the platform holds about one golden record (its facts, every
    source record, the review decisions and merges that name them, the matches in other councils'
    shared records). Producing it is audited, with its purpose."""
    policy.require(actor, "people.sar.produce", council)
    purpose = _purpose(purpose)
    found = _person(council, person_id)
    records = list(
        SourceRecord.objects.for_council(council).filter(person=found).order_by("source_system", "record_id")
    )
    ids = [r.pk for r in records]
    pairs = ReviewPair.objects.for_council(council).filter(Q(record_a_id__in=ids) | Q(record_b_id__in=ids))
    # The ids merged sit in a JSON list (SQLite cannot search inside one): a council's merges are few.
    merges = [
        m for m in Merge.objects.for_council(council) if m.into_id == found.pk or str(found.pk) in m.merged
    ]
    export = {
        "golden_record": {
            "reference": found.reference,
            "status": found.status,
            "first_name": found.first_name,
            "surname": found.surname,
            "date_of_birth": found.date_of_birth.isoformat() if found.date_of_birth else None,
            "postcode": found.postcode,
            "lsoa_code": found.lsoa_code,
            "ward_code": found.ward_code,
            "created_at": found.created_at.isoformat(),
            "updated_at": found.updated_at.isoformat(),
        },
        "source_records": [
            {
                "source_system": r.source_system,
                "record_id": r.record_id,
                "first_name": r.first_name,
                "surname": r.surname,
                "sex": r.sex,
                "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else None,
                "address_line": r.address_line,
                "postcode": r.postcode,
                "postcode_not_held": r.postcode_not_held,
                "nhs_number": r.nhs_number,
                "service": r.service,
                "loaded_at": r.created_at.isoformat(),
                "updated_at": r.updated_at.isoformat(),
            }
            for r in records
        ],
        "review_decisions": [
            {
                "records": [str(p.record_a_id), str(p.record_b_id)],
                "match_weight": round(p.match_weight, 2),
                "status": p.status,
                "decided_at": p.decided_at.isoformat() if p.decided_at else None,
            }
            for p in pairs
        ],
        "merges": [
            {
                "merged_at": m.created_at.isoformat(),
                "reason": m.reason,
                "undone_at": m.undone_at.isoformat() if m.undone_at else None,
            }
            for m in merges
        ],
        "matches_in_other_councils": found.shared_matches,
    }
    audit.record(
        actor,
        "people.sar.produced",
        obj=found,
        council=council,
        purpose=purpose,
        data={"records": len(records), "review_decisions": len(export["review_decisions"])},
    )
    return export


def runs(council: Council) -> QuerySet[LinkageRun]:
    return (
        LinkageRun.objects.for_council(council).select_related("job", "linkage_model").order_by("-created_at")
    )


def run(council: Council, run_id: UUID | str) -> LinkageRun:
    try:
        found = runs(council).filter(pk=run_id).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound.on("run_id", "No such linkage run in this council")
    return found


def merges(council: Council) -> QuerySet[Merge]:
    return (
        Merge.objects.for_council(council)
        .select_related("into", "merged_by", "undone_by")
        .order_by("-created_at")
    )


def agreements(council: Council) -> list[DataSharingAgreement]:
    """The agreements the council has recorded (sharing its records), and those naming it as partner."""
    own = list(DataSharingAgreement.objects.for_council(council).select_related("partner"))
    # The agreements another council recorded with this one as partner: read by the partner's own name.
    theirs = list(
        DataSharingAgreement.unscoped.filter(partner=council)
        .exclude(council=council)
        .select_related("council", "partner")
    )
    return own + theirs


def model_of(council: Council) -> LinkageModel | None:
    return LinkageModel.objects.for_council(council).filter(active=True).order_by("-version").first()


def thresholds(council: Council) -> tuple[float, float]:
    return thresholds_of(council)
