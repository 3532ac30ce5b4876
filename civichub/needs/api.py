"""Needs API: the needs taxonomy (the platform's and the council's own), the council's area indicators,
and the needs profile of a ward or LSOA. Thin: selectors read, services decide, refuse and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.needs import profiles, selectors, services
from civichub.needs.schemas import IndicatorOut, NeedCategoryIn, NeedCategoryOut, NeedsProfileOut

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
