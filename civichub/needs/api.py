"""Needs API: the needs taxonomy (the platform's and the council's own), the council's area indicators,
and the needs profile of a ward or LSOA. Thin: selectors read, services decide, refuse and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.needs import assessments, demand, demand_figures, profiles, selectors, services
from civichub.needs.schemas import (
    AssessedNeedIn,
    AssessedNeedOut,
    ContactsIn,
    ContactsOut,
    DemandOut,
    IndicatorOut,
    NeedCategoryIn,
    NeedCategoryOut,
    NeedDetailsIn,
    NeedsProfileOut,
    NeedStatusIn,
    NeedWithdrawIn,
    UnmetCountOut,
)

router = Router(tags=["needs"])
C = "/c/{council_slug}"


@router.get(f"{C}/needs/categories", response=list[NeedCategoryOut], summary="The needs taxonomy")
@paginate(LimitOffset)
def list_categories(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "needs.view")
    return selectors.categories(council)


@router.post(
    f"{C}/needs/categories", response={201: NeedCategoryOut}, summary="Add a need of the council's own"
)
def add_category(request: HttpRequest, council_slug: str, payload: NeedCategoryIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "needs.manage")
    return 201, services.add_category(actor, council, **payload.dict())


@router.get(f"{C}/needs/indicators", response=list[IndicatorOut], summary="The council's area indicators")
@paginate(LimitOffset)
def list_indicators(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "needs.view")
    return selectors.indicators(council)


@router.get(
    f"{C}/needs/areas/{{code}}",
    response=NeedsProfileOut,
    summary="The needs profile of a ward or LSOA, against the council and England",
)
def area_profile(request: HttpRequest, council_slug: str, code: str) -> Any:
    _, council = council_actor(request, council_slug, "needs.view")
    found = profiles.profile(council, code)
    return {"area": found.area, "rows": found.rows, "trends": found.trends}


# --- Needs of people (personal data: every read is audited with its purpose) --------------------------


@router.post(
    f"{C}/needs/assessed", response={201: AssessedNeedOut}, summary="Record a need assessed for a person"
)
def record_need(request: HttpRequest, council_slug: str, payload: AssessedNeedIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "needs.people.record")
    return 201, assessments.record_need(actor, council, **payload.dict())


@router.put(f"{C}/needs/assessed/{{need_id}}", response=AssessedNeedOut, summary="Move an assessed need on")
def set_status(request: HttpRequest, council_slug: str, need_id: UUID, payload: NeedStatusIn) -> Any:
    actor, council = council_actor(request, council_slug, "needs.people.record")
    return assessments.set_status(actor, council, need_id, **payload.dict())


@router.put(
    f"{C}/needs/assessed/{{need_id}}/details",
    response=AssessedNeedOut,
    summary="Correct an assessed need: its category, the date assessed, the person's postcode then",
)
def change_need(request: HttpRequest, council_slug: str, need_id: UUID, payload: NeedDetailsIn) -> Any:
    actor, council = council_actor(request, council_slug, "needs.people.record")
    return assessments.change_need(actor, council, need_id, **payload.dict())


@router.post(
    f"{C}/needs/assessed/{{need_id}}/withdraw",
    response={204: None},
    summary="Withdraw an assessed need recorded in error, saying why (it is deleted; the audit keeps why)",
)
def withdraw_need(request: HttpRequest, council_slug: str, need_id: UUID, payload: NeedWithdrawIn) -> Any:
    actor, council = council_actor(request, council_slug, "needs.people.record")
    assessments.withdraw_need(actor, council, need_id, payload.reason)
    return 204, None


@router.get(
    f"{C}/needs/people/{{person_reference}}",
    response=list[AssessedNeedOut],
    summary="A person's assessed needs (personal data: the read is audited with its purpose)",
)
@paginate(LimitOffset)
def person_needs(request: HttpRequest, council_slug: str, person_reference: str, purpose: str) -> Any:
    actor, council = council_actor(request, council_slug, "needs.people.view")
    return selectors.person_needs(actor, council, person_reference, purpose)


@router.get(
    f"{C}/needs/unmet",
    response=list[UnmetCountOut],
    summary="People with an unmet need by ward and category (below 10 suppressed outside the officers)",
)
@paginate(LimitOffset)
def unmet(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "needs.view")
    return selectors.unmet_counts(actor, council)


# --- Demand ------------------------------------------------------------------------------------------


@router.post(
    f"{C}/needs/contacts", response={201: ContactsOut}, summary="Record contacts, classed value or failure"
)
def record_contacts(request: HttpRequest, council_slug: str, payload: ContactsIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "needs.contacts.record")
    rows = [contact.dict() for contact in payload.batch]
    return 201, {"recorded": demand.record_contacts(actor, council, rows)}


@router.get(
    f"{C}/needs/demand",
    response=DemandOut,
    summary="Failure demand by month (XmR chart), its top causes and each service's and provider's share",
)
def demand_figures_of(
    request: HttpRequest,
    council_slug: str,
    service: str = "",
    provider: str = "",
    start: str = "",
    end: str = "",
) -> Any:
    """`provider` is an organisation's id, or "own" for contacts naming none; `start` and `end` are months
    (2025-04)."""
    _, council = council_actor(request, council_slug, "needs.view")
    filters = demand_figures.filters_of(service[:200], provider[:40], start[:7], end[:7])
    return demand_figures.demand(council, filters)
