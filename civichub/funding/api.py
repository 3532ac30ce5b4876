"""Funding API: the catalogue of opportunities a council sees, searched and filtered, one opportunity,
and adding one of the council's own. Thin: selectors read, services decide, refuse and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.funding import selectors, services
from civichub.funding.schemas import OpportunityIn, OpportunityOut

router = Router(tags=["funding"])
C = "/c/{council_slug}"


@router.get(
    f"{C}/funding/opportunities",
    response=list[OpportunityOut],
    summary="Funding opportunities: the platform's and the council's own, closing soonest first",
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
    _, council = council_actor(request, council_slug, "funding.view")
    return selectors.search(
        council,
        selectors.Search(q=q[:200], open_now=open_now, theme=theme, applicant_type=applicant_type, area=area),
    )


@router.post(
    f"{C}/funding/opportunities",
    response={201: OpportunityOut},
    summary="Add an opportunity of the council's own",
)
def add_opportunity(request: HttpRequest, council_slug: str, payload: OpportunityIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "funding.manage")
    return 201, services.add_opportunity(actor, council, payload.dict())


@router.get(
    f"{C}/funding/opportunities/{{opportunity_id}}", response=OpportunityOut, summary="One opportunity"
)
def get_opportunity(request: HttpRequest, council_slug: str, opportunity_id: UUID) -> Any:
    _, council = council_actor(request, council_slug, "funding.view")
    return selectors.opportunity(council, opportunity_id)
