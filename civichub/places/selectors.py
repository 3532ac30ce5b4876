"""Places selectors: postcode, ward and LSOA look-ups, and a council's area profile.

Geography is public open data, so these reads are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from civichub.places.models import LocalAuthority, Lsoa, Postcode, Ward
from civichub.places.services import normalise_postcode


class BadPostcode(ValueError):
    pass


def local_authority(gss_code: str) -> LocalAuthority | None:
    return LocalAuthority.objects.filter(gss_code=gss_code).first()


def postcode(text: str) -> Postcode:
    """Look a postcode up, however it was typed. BadPostcode if it cannot be one; 404 if unknown."""
    normal = normalise_postcode(text)
    if normal is None:
        raise BadPostcode(f"'{text}' is not a valid UK postcode, like WN1 1AA")
    found = Postcode.objects.select_related("local_authority", "ward", "lsoa").filter(postcode=normal).first()
    if found is None:
        raise Http404(f"We do not hold the postcode {normal}")
    return found


def lsoa(code: str) -> Lsoa:
    found = Lsoa.objects.select_related("local_authority", "best_fit_ward").filter(code=code.upper()).first()
    if found is None:
        raise Http404(f"We do not hold an LSOA with the code {code}")
    return found


def ward(code: str, *, in_area: str | None = None) -> Ward:
    """A ward by GSS code; with in_area, only if it lies in that local authority (else 404)."""
    queryset = Ward.objects.select_related("local_authority").filter(gss_code=code.upper())
    if in_area is not None:
        queryset = queryset.filter(local_authority__gss_code=in_area)
    found = queryset.first()
    if found is None:
        raise Http404(f"We do not hold a ward with the code {code} here")
    return found


def lsoas_in(area_gss: str) -> QuerySet[Lsoa]:
    return (
        Lsoa.objects.filter(local_authority__gss_code=area_gss)
        .select_related("best_fit_ward")
        .order_by("imd_rank")
    )


def lsoas_of_ward(ward_code: str) -> QuerySet[Lsoa]:
    return Lsoa.objects.filter(best_fit_ward__gss_code=ward_code).order_by("imd_rank")


def wards_in(area_gss: str) -> QuerySet[Ward]:
    """A local authority's wards with the population and deprivation of their best-fit LSOAs."""
    return (
        Ward.objects.filter(local_authority__gss_code=area_gss)
        .annotate(
            lsoa_count=Count("lsoas", distinct=True),
            population=Sum("lsoas__population"),
            most_deprived_lsoas=Count("lsoas", filter=Q(lsoas__imd_decile=1), distinct=True),
        )
        .order_by("name", "gss_code")
    )


def live_postcodes_in(area_gss: str) -> QuerySet[Postcode]:
    """A local authority's live postcodes that have a location (not terminated, not non-geographic)."""
    return Postcode.objects.filter(
        local_authority__gss_code=area_gss, terminated="", latitude__isnull=False
    ).order_by("postcode")


@dataclass(frozen=True)
class DecileBand:
    decile: int
    lsoas: int
    population: int


@dataclass(frozen=True)
class AreaProfile:
    lsoas: int
    wards: int
    postcodes: int
    population: int
    bands: list[DecileBand]

    @property
    def most_deprived_share(self) -> float:
        """Share of the population living in England's most deprived 10% of LSOAs."""
        first = self.bands[0].population if self.bands else 0
        return first / self.population if self.population else 0.0


def area_profile(area_gss: str) -> AreaProfile:
    lsoas = Lsoa.objects.filter(local_authority__gss_code=area_gss)
    by_decile = {
        row["imd_decile"]: row
        for row in lsoas.values("imd_decile").annotate(n=Count("id"), people=Sum("population"))
    }
    bands = [
        DecileBand(d, by_decile.get(d, {}).get("n", 0), by_decile.get(d, {}).get("people", 0) or 0)
        for d in range(1, 11)
    ]
    return AreaProfile(
        lsoas=sum(b.lsoas for b in bands),
        wards=Ward.objects.filter(local_authority__gss_code=area_gss).count(),
        postcodes=Postcode.objects.filter(local_authority__gss_code=area_gss, terminated="").count(),
        population=sum(b.population for b in bands),
        bands=bands,
    )
