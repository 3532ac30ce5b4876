"""Matching, saved funding needs, funding per head by deprivation, and the council's own grants with their
360Giving package (open data). Thin: matching and giving read; funding_needs and awards decide and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.errors import NotFound
from civichub.core.pagination import LimitOffset
from civichub.core.selectors import council_by_slug
from civichub.funding import awards, funding_needs, giving, matching
from civichub.funding.models import FundingNeed
from civichub.funding.work_schemas import (
    FitOut,
    GrantIn,
    GrantOut,
    GrantWithdrawIn,
    NeedIn,
    NeedOut,
    NeedWithMatchesOut,
    PerHeadOut,
    PublishingIn,
    PublishingOut,
)

router = Router(tags=["funding matching and giving"])
C = "/c/{council_slug}"


@router.get(
    f"{C}/funding/matches",
    response=list[FitOut],
    summary="Open opportunities ranked by fit to a need in a place, each part of the score with its reason",
)
@paginate(LimitOffset)
def matches(
    request: HttpRequest,
    council_slug: str,
    needs: str = "",
    areas: str = "",
    most_deprived: str = "",
    applicant_type: str = "",
    amount: str = "",
) -> Any:
    """`needs` and `areas` are codes separated by commas; `most_deprived` asks for the council's N most
    deprived wards instead of named places; no places: the whole council."""
    _, council = council_actor(request, council_slug, "funding.view")
    raw = {
        "needs": needs[:1000],
        "areas": areas[:1000],
        "most_deprived": most_deprived[:5],
        "applicant_type": applicant_type,
        "amount": amount[:20],
    }
    return matching.rank(council, matching.ask_of(council, raw))


def _needs(council: Any) -> Any:
    return FundingNeed.objects.for_council(council).order_by("name")


@router.get(f"{C}/funding/needs", response=list[NeedOut], summary="The council's saved funding needs")
@paginate(LimitOffset)
def list_needs(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "funding.view")
    return _needs(council)


@router.post(
    f"{C}/funding/needs",
    response={201: NeedWithMatchesOut},
    summary="Save a funding need: the opportunities that fit it are recorded now and as they appear",
)
def save_need(request: HttpRequest, council_slug: str, payload: NeedIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "funding.needs.manage")
    return 201, funding_needs.save_need(actor, council, payload.dict())


@router.get(
    f"{C}/funding/needs/{{need_id}}",
    response=NeedWithMatchesOut,
    summary="A saved funding need with its recorded matches",
)
def get_need(request: HttpRequest, council_slug: str, need_id: UUID) -> Any:
    _, council = council_actor(request, council_slug, "funding.view")
    found = _needs(council).filter(pk=need_id).first()
    if found is None:
        raise NotFound.on("need_id", "No such saved funding need here")
    return found


@router.get(
    f"{C}/funding/per-head",
    response=PerHeadOut,
    summary="Grant funding per head by IMD 2019 decile and by ward, and deprived areas getting little",
)
def per_head(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "funding.view")
    return giving.funding_against_need(council)


def _with_identifiers(council: Any, grants: Any) -> list[Any]:
    prefix = giving.publishing(council).prefix
    found = list(grants)
    for grant in found:
        grant.identifier = giving.identifier(grant, prefix)
    return found


@router.get(f"{C}/funding/grants", response=list[GrantOut], summary="The grants the council made")
@paginate(LimitOffset)
def list_grants(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "funding.view")
    return _with_identifiers(council, giving.grants(council))


@router.post(f"{C}/funding/grants", response={201: GrantOut}, summary="Record a grant the council made")
def record_grant(request: HttpRequest, council_slug: str, payload: GrantIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "funding.grants.manage")
    return 201, _with_identifiers(council, [awards.record_grant(actor, council, payload.dict())])[0]


@router.put(
    f"{C}/funding/grants/{{grant_id}}",
    response=GrantOut,
    summary="Correct a grant the council made (its number and 360Giving identifier stay)",
)
def change_grant(request: HttpRequest, council_slug: str, grant_id: UUID, payload: GrantIn) -> Any:
    actor, council = council_actor(request, council_slug, "funding.grants.manage")
    return _with_identifiers(council, [awards.change_grant(actor, council, grant_id, payload.dict())])[0]


@router.post(
    f"{C}/funding/grants/{{grant_id}}/withdraw",
    response=GrantOut,
    summary="Withdraw a grant published in error, saying why: it leaves the 360Giving package, and is kept",
)
def withdraw_grant(request: HttpRequest, council_slug: str, grant_id: UUID, payload: GrantWithdrawIn) -> Any:
    actor, council = council_actor(request, council_slug, "funding.grants.manage")
    return _with_identifiers(council, [awards.withdraw_grant(actor, council, grant_id, payload.reason)])[0]


@router.put(
    f"{C}/funding/giving-settings",
    response=PublishingOut,
    summary="Set the council's 360Giving prefix and its org-id as the funder",
)
def set_publishing(request: HttpRequest, council_slug: str, payload: PublishingIn) -> Any:
    actor, council = council_actor(request, council_slug, "funding.grants.manage")
    return awards.set_publishing(actor, council, prefix=payload.prefix, org_id=payload.org_id)


@router.get(
    f"{C}/grants/360giving.json",
    response=dict[str, Any],
    auth=None,
    summary="The council's grants as a 360Giving package (open data; 404 until it has made one)",
)
def package(request: HttpRequest, council_slug: str) -> Any:
    return giving.package(council_by_slug(council_slug))
