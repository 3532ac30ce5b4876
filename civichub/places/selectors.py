"""Places selectors: postcode, ward and LSOA look-ups, ward names, and a council's area profile.

Geography is public open data, so these reads are not audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from civichub.places.errors import BadPostcode, PostcodeNotHeld
from civichub.places.models import LocalAuthority, Lsoa, Postcode, Ward
from civichub.places.postcodes import normalise_postcode

__all__ = ["BadPostcode", "PostcodeNotHeld"]  # re-exported: callers catch them as selectors.<Name>


def local_authority(gss_code: str) -> LocalAuthority | None:
    return LocalAuthority.objects.filter(gss_code=gss_code).first()


def postcode(text: str, *, field: str = "postcode") -> Postcode:
    """Look a postcode up, however it was typed ('wn11aa', ' WN1  1AA ').

    Raises BadPostcode (400) if it cannot be a UK postcode and PostcodeNotHeld (404) if we do not hold
    it, each naming `field`, so a form or an API body can point at its own field.
    """
    normal = normalise_postcode(text)
    if normal is None:
        raise BadPostcode(text.strip(), field)
    related = ("local_authority", "ward", "lsoa__best_fit_ward")
    found = Postcode.objects.select_related(*related).filter(postcode=normal).first()
    if found is None:
        raise PostcodeNotHeld(normal, field)
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


def ward_names(codes: Iterable[str]) -> dict[str, str]:
    """{GSS code: name} for the wards among `codes` that we hold and know the name of.

    Codes we do not hold, or whose name has not been imported, are left out: callers show the code.
    """
    wanted = {code.strip().upper() for code in codes if code}
    return dict(Ward.objects.filter(gss_code__in=wanted).exclude(name="").values_list("gss_code", "name"))


def wards(codes: Iterable[str], *, in_area: str | None = None) -> list[Ward]:
    """The wards among `codes` that we hold (optionally only in one local authority), ordered by name."""
    queryset = Ward.objects.select_related("local_authority").filter(
        gss_code__in={code.strip().upper() for code in codes if code}
    )
    if in_area is not None:
        queryset = queryset.filter(local_authority__gss_code=in_area)
    return list(queryset.order_by("name", "gss_code"))


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
