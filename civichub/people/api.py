"""People API: one record at a time, golden records (each read audited with its purpose), the subject
access export, the review queue, merges, linkage runs, counts of people for the intelligence layer, the
thresholds and data-sharing agreements. Files of records come in through the kernel's imports API
(import type `people`). Thin: selectors read, services decide, refuse and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.pagination import LimitOffset
from civichub.people import selectors
from civichub.people.schemas import (
    AgreementIn,
    AgreementOut,
    LoadedRecordOut,
    MergeIn,
    MergeOut,
    PeopleCountOut,
    PersonOut,
    ReviewDecisionIn,
    ReviewPairOut,
    ReviewPairSummaryOut,
    RunIn,
    RunOut,
    SourceRecordIn,
    ThresholdsIn,
    ThresholdsOut,
)
from civichub.people.services import agreements, linkage, merging, records, review

router = Router(tags=["people"])
C = "/c/{council_slug}/people"


@router.post(
    f"{C}/records", response={201: LoadedRecordOut}, summary="Load one source record; linked on arrival"
)
def load_record(request: HttpRequest, council_slug: str, payload: SourceRecordIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "people.records.load")
    return 201, records.load_one(actor, council, payload.dict())


@router.get(
    f"{C}/persons/{{person_id}}",
    response=PersonOut,
    summary="A golden record and its source records (personal data: the read is audited with its purpose)",
)
def person(request: HttpRequest, council_slug: str, person_id: UUID, purpose: str) -> Any:
    actor, council = council_actor(request, council_slug, "people.records.view")
    found = selectors.person(actor, council, person_id, purpose)
    person = found.person
    return {
        **{f: getattr(person, f) for f in PersonOut.model_fields if f != "records"},
        "records": found.records,
    }


@router.get(
    f"{C}/persons/{{person_id}}/sar",
    response=dict[str, Any],
    summary="Subject access export: everything held about one golden record (its production is audited)",
)
def subject_access(request: HttpRequest, council_slug: str, person_id: UUID, purpose: str) -> Any:
    actor, council = council_actor(request, council_slug, "people.sar.produce")
    return selectors.sar(actor, council, person_id, purpose)


@router.get(f"{C}/review", response=list[ReviewPairSummaryOut], summary="Pairs waiting for review")
@paginate(LimitOffset)
def review_queue(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "people.review.decide")
    return selectors.review_queue(council)


@router.get(
    f"{C}/review/{{pair_id}}",
    response=ReviewPairOut,
    summary="A pair, both records side by side with the reasons (the read is audited)",
)
def review_pair(request: HttpRequest, council_slug: str, pair_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "people.review.decide")
    return selectors.pair(actor, council, pair_id)


@router.post(
    f"{C}/review/{{pair_id}}", response=ReviewPairOut, summary="Decide a pair: the same person or not"
)
def decide(request: HttpRequest, council_slug: str, pair_id: UUID, payload: ReviewDecisionIn) -> Any:
    actor, council = council_actor(request, council_slug, "people.review.decide")
    return review.decide(actor, council, pair_id, same_person=payload.same_person)


@router.post(f"{C}/merges", response={201: MergeOut}, summary="Merge golden records by hand (audited)")
def merge(request: HttpRequest, council_slug: str, payload: MergeIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "people.merge")
    return 201, merging.merge(actor, council, list(payload.person_ids), reason=payload.reason)


@router.post(f"{C}/merges/{{merge_id}}/undo", response=MergeOut, summary="Undo a merge exactly (audited)")
def unmerge(request: HttpRequest, council_slug: str, merge_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "people.merge")
    return merging.unmerge(actor, council, merge_id)


@router.post(f"{C}/runs", response={202: RunOut}, summary="Start a full linkage run (a background job)")
def start_run(request: HttpRequest, council_slug: str, payload: RunIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "people.linkage.run")
    return 202, linkage.start_run(actor, council, retrain=payload.retrain)


@router.get(f"{C}/runs/{{linkage_run_id}}", response=RunOut, summary="A linkage run and its progress")
def run(request: HttpRequest, council_slug: str, linkage_run_id: UUID) -> Any:
    _, council = council_actor(request, council_slug, "people.linkage.run")
    return selectors.run(council, linkage_run_id)


@router.get(
    f"{C}/counts",
    response=list[PeopleCountOut],
    summary="Unique people by ward, lsoa, source_system or service (below 10 suppressed for non-officers)",
)
@paginate(LimitOffset)
def counts(request: HttpRequest, council_slug: str, by: str = "ward") -> Any:
    actor, council = council_actor(request, council_slug, "people.view")
    return selectors.counts(actor, council, by[:20])


@router.put(f"{C}/thresholds", response=ThresholdsOut, summary="Set the review and link thresholds")
def set_thresholds(request: HttpRequest, council_slug: str, payload: ThresholdsIn) -> Any:
    actor, council = council_actor(request, council_slug, "people.linkage.run")
    return review.set_thresholds(actor, council, review_from=payload.review_from, link_from=payload.link_from)


@router.get(f"{C}/agreements", response=list[AgreementOut], summary="Data-sharing agreements, either way")
@paginate(LimitOffset)
def list_agreements(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "people.agreements.manage")
    return selectors.agreements(council)


def _partner(slug: str) -> Council:
    found = Council.objects.filter(slug=slug.strip().lower()[:80]).first()
    if found is None:
        raise Refused.on("partner", "No council on this platform has that slug")
    return found


@router.post(f"{C}/agreements", response={201: AgreementOut}, summary="Record a data-sharing agreement")
def record_agreement(request: HttpRequest, council_slug: str, payload: AgreementIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "people.agreements.manage")
    values = payload.dict()
    values["partner"] = _partner(values["partner"])
    return 201, agreements.record_agreement(actor, council, **values)


@router.post(f"{C}/agreements/{{agreement_id}}/end", response=AgreementOut, summary="End an agreement today")
def end_agreement(request: HttpRequest, council_slug: str, agreement_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "people.agreements.manage")
    return agreements.end_agreement(actor, council, agreement_id)
