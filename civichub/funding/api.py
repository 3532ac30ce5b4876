"""Funding API: the catalogue of opportunities a council sees, searched (best match first) and filtered,
one opportunity, and the past grants of an area: open data, read without signing in. Adding an
opportunity of the council's own, and a person's saved searches, need a token. Thin: selectors read,
services decide, refuse and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.core.selectors import council_by_slug
from civichub.funding import alerts, search, selectors, services
from civichub.funding.schemas import (
    OpportunityIn,
    OpportunityOut,
    PastGrantOut,
    SavedSearchIn,
    SavedSearchOut,
)

router = Router(tags=["funding"])
C = "/c/{council_slug}"


@router.get(
    f"{C}/funding/opportunities",
    response=list[OpportunityOut],
    summary="Funding opportunities: the platform's and the council's own; best match first for words, "
    "else closing soonest first",
    description="With words, at most 1,000 matches are ranked (the most recently added): a `count` of "
    "1000 means there may be more; add words or filters to narrow the search.",
    auth=None,
)
@paginate(LimitOffset)
def list_opportunities(
    request: HttpRequest,
    council_slug: str,
    q: str = "",
    open_now: bool = False,
    theme: str = "",
    applicant_type: str = "",
    area: str = "",
) -> Any:
    council = council_by_slug(council_slug)
    filters = selectors.Search(open_now=open_now, theme=theme, applicant_type=applicant_type, area=area)
    return search.ranked(council, q[:200], filters)


@router.post(
    f"{C}/funding/opportunities",
    response={201: OpportunityOut},
    summary="Add an opportunity of the council's own",
)
def add_opportunity(request: HttpRequest, council_slug: str, payload: OpportunityIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "funding.manage")
    return 201, services.add_opportunity(actor, council, payload.dict())


@router.get(
    f"{C}/funding/opportunities/{{opportunity_id}}",
    response=OpportunityOut,
    summary="One opportunity",
    auth=None,
)
def get_opportunity(request: HttpRequest, council_slug: str, opportunity_id: UUID) -> Any:
    return selectors.opportunity(council_by_slug(council_slug), opportunity_id)


@router.get(
    f"{C}/funding/past-grants/{{code}}",
    response=list[PastGrantOut],
    summary="Past grants (360Giving) to beneficiaries in the council, a ward or an LSOA of it, newest first",
    auth=None,
)
@paginate(LimitOffset)
def list_past_grants(request: HttpRequest, council_slug: str, code: str) -> Any:
    return selectors.past_grants(council_by_slug(council_slug), code)[1]


@router.get(
    f"{C}/funding/saved-searches",
    response=list[SavedSearchOut],
    summary="Your saved searches of the council's funding catalogue",
)
@paginate(LimitOffset)
def list_saved_searches(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "funding.view")
    return selectors.saved_searches(council, actor.user)


@router.post(
    f"{C}/funding/saved-searches",
    response={201: SavedSearchOut},
    summary="Save a search: you are emailed when a new opportunity matches it",
)
def save_search(request: HttpRequest, council_slug: str, payload: SavedSearchIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "funding.view")
    found = selectors.Search(
        q=payload.q,
        open_now=payload.open_now,
        theme=payload.theme,
        applicant_type=payload.applicant_type,
        area=payload.area,
    )
    return 201, alerts.save_search(actor, council, payload.name, found)


@router.delete(
    f"{C}/funding/saved-searches/{{saved_search_id}}",
    response={204: None},
    summary="Delete one of your saved searches",
)
def delete_saved_search(request: HttpRequest, council_slug: str, saved_search_id: UUID) -> tuple[int, None]:
    actor, council = council_actor(request, council_slug, "funding.view")
    alerts.delete_search(actor, council, saved_search_id)
    return 204, None
