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

# The seven domains of the Index of Deprivation 2019, as (LSOA field, name), for other contexts' pages.
DEPRIVATION_DOMAINS = Lsoa.DOMAINS

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


def places_of(postcodes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{normalised postcode: (LSOA code, ward code)} for those of `postcodes` we hold (blank where a
    postcode has no LSOA or ward): one query for a whole file, for contexts that place many records."""
    wanted = {p for p in postcodes if p}
    found: dict[str, tuple[str, str]] = {}
    rows = Postcode.objects.filter(postcode__in=wanted).values_list("postcode", "lsoa_id", "ward_id")
    for code, lsoa_code, ward_code in rows.iterator(chunk_size=2000):
        found[code] = (str(lsoa_code or ""), str(ward_code or ""))
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


def lsoas(codes: Iterable[str]) -> list[Lsoa]:
    """The LSOAs among `codes` that we hold, with their local authority and best-fit ward codes."""
    return list(
        Lsoa.objects.filter(code__in={code.strip().upper() for code in codes if code}).order_by("code")
    )


@dataclass(frozen=True)
class WardPopulation:
    """A ward's people by the age bands places holds (IoD 2019 File 6, mid-2015), summed over the LSOAs
    whose best-fit ward it is."""

    gss_code: str
    name: str
    population: int
    children: int
    older_people: int

    @property
    def adults(self) -> int:
        return self.population - self.children


def ward_populations(area_gss: str) -> list[WardPopulation]:
    """Every ward of a local authority with its population by age band (0 for a ward with no LSOA)."""
    rows = (
        Ward.objects.filter(local_authority__gss_code=area_gss)
        .annotate(
            people=Sum("lsoas__population"), young=Sum("lsoas__children"), old=Sum("lsoas__older_people")
        )
        .order_by("name", "gss_code")
        .values_list("gss_code", "name", "people", "young", "old")
    )
    return [
        WardPopulation(code, name or code, people or 0, young or 0, old or 0)
        for code, name, people, young, old in rows
    ]


def area_population(area_gss: str) -> WardPopulation:
    """A whole local authority's population by age band (every LSOA in it, with a best-fit ward or not)."""
    found = Lsoa.objects.filter(local_authority__gss_code=area_gss).aggregate(
        people=Sum("population"), young=Sum("children"), old=Sum("older_people")
    )
    return WardPopulation(area_gss, area_gss, found["people"] or 0, found["young"] or 0, found["old"] or 0)
