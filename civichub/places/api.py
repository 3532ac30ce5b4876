"""Places API: postcode, LSOA and ward look-ups (open data), and a council's wards and LSOAs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from civichub.core.api import ErrorOut, actor_for
from civichub.core.pagination import LimitOffset
from civichub.places import selectors
from civichub.places.models import Lsoa, Postcode, Ward

router = Router(tags=["places"])


class AreaRef(Schema):
    gss_code: str
    name: str


class LsoaOut(Schema):
    code: str
    name: str
    local_authority_gss: str
    best_fit_ward_gss: str | None
    best_fit_ward_name: str | None = Field(None, description="Empty if the ward's name is not known")
    imd_rank: int
    imd_decile: int
    domain_deciles: dict[str, int]
    population: int
    children: int
    older_people: int

    @staticmethod
    def resolve_local_authority_gss(obj: Lsoa) -> str:
        return obj.local_authority_id

    @staticmethod
    def resolve_best_fit_ward_gss(obj: Lsoa) -> str | None:
        return obj.best_fit_ward_id

    @staticmethod
    def resolve_best_fit_ward_name(obj: Lsoa) -> str | None:
        return obj.best_fit_ward.name if obj.best_fit_ward else None

    @staticmethod
    def resolve_domain_deciles(obj: Lsoa) -> dict[str, int]:
        return {name.removesuffix("_decile"): getattr(obj, name) for name, _ in Lsoa.DOMAINS}


class PostcodeOut(Schema):
    postcode: str
    live: bool
    introduced: str
    terminated: str
    latitude: float | None
    longitude: float | None
    local_authority: AreaRef | None
    ward: AreaRef | None
    lsoa: LsoaOut | None

    @staticmethod
    def resolve_live(obj: Postcode) -> bool:
        return obj.is_live

    @staticmethod
    def resolve_local_authority(obj: Postcode) -> dict[str, str] | None:
        la = obj.local_authority
        return {"gss_code": la.gss_code, "name": la.short_name} if la else None

    @staticmethod
    def resolve_ward(obj: Postcode) -> dict[str, str] | None:
        return {"gss_code": obj.ward.gss_code, "name": obj.ward.name} if obj.ward else None


class WardOut(Schema):
    gss_code: str
    name: str = Field(..., description="Empty if the ward is not in the ONS lookup (newer than it)")
    local_authority_gss: str
    lsoa_count: int | None = None
    population: int | None = None

    @staticmethod
    def resolve_local_authority_gss(obj: Ward) -> str:
        return obj.local_authority_id


@router.get(
    "/places/postcodes/{postcode}",
    response={200: PostcodeOut, 400: ErrorOut, 404: ErrorOut},
    auth=None,
    summary="Look up a postcode",
)
def get_postcode(request: HttpRequest, postcode: str) -> Postcode:
    """400 if it cannot be a UK postcode, 404 if we do not hold it; each names the field `postcode`."""
    return selectors.postcode(postcode)


@router.get("/places/lsoas/{code}", response=LsoaOut, auth=None, summary="One LSOA with its deprivation")
def get_lsoa(request: HttpRequest, code: str) -> Lsoa:
    return selectors.lsoa(code)


@router.get("/places/wards/{code}", response=WardOut, auth=None, summary="One ward")
def get_ward(request: HttpRequest, code: str) -> Ward:
    return selectors.ward(code)


@router.get("/c/{council_slug}/wards", response=list[WardOut], summary="A council's wards with population")
@paginate(LimitOffset)
def council_wards(request: HttpRequest, council_slug: str) -> object:
    actor = actor_for(request, council_slug, "council.areas.view")
    return selectors.wards_in(actor.council.gss_code)  # type: ignore[union-attr]


@router.get(
    "/c/{council_slug}/lsoas", response=list[LsoaOut], summary="A council's LSOAs, most deprived first"
)
@paginate(LimitOffset)
def council_lsoas(request: HttpRequest, council_slug: str) -> object:
    actor = actor_for(request, council_slug, "council.areas.view")
    return selectors.lsoas_in(actor.council.gss_code)  # type: ignore[union-attr]
