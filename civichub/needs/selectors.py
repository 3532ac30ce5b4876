"""Needs selectors: the taxonomy a council sees (the platform's and its own), its indicators, and which
of its places an area code names. Needs profiles are in `needs.profiles`.

The taxonomy and the council's area indicators are not personal data, so these reads are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from civichub.core.errors import NotFound
from civichub.core.models import Council
from civichub.needs.models import Indicator, IndicatorValue, NeedCategory
from civichub.places import selectors as places


def categories(council: Council) -> QuerySet[NeedCategory]:
    return NeedCategory.objects.for_council_and_platform(council).order_by("name")


def category_names(council: Council) -> dict[str, str]:
    """{code: name} of every need the council sees."""
    return dict(categories(council).values_list("code", "name"))


def indicators(council: Council) -> QuerySet[Indicator]:
    return Indicator.objects.for_council(council).annotate(value_count=Count("values")).order_by("name")


def period_formats(council: Council) -> dict[str, str]:
    """{indicator code: its period shape}: a new file must keep a series' shape."""
    return dict(Indicator.objects.for_council(council).values_list("code", "period_format"))


def values_of(council: Council, indicator_ids: list[object]) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.for_council(council).filter(indicator_id__in=indicator_ids)


@dataclass(frozen=True)
class Area:
    """A ward or an LSOA of the council, by its GSS code."""

    kind: str  # "ward" or "lsoa"
    code: str
    name: str
    ward_code: str  # the ward itself, or an LSOA's best-fit ward
    ward_name: str


def area_of(council: Council, code: str) -> Area:
    """The council's ward or LSOA with this code (404 for anyone else's, or none)."""
    code = code.strip().upper()[:9]
    try:
        ward = places.ward(code, in_area=council.gss_code)
        return Area(
            "ward", ward.gss_code, ward.name or ward.gss_code, ward.gss_code, ward.name or ward.gss_code
        )
    except Http404:
        pass
    try:
        lsoa = places.lsoa(code)
    except Http404:
        lsoa = None
    if lsoa is None or lsoa.local_authority_id != council.gss_code:
        raise NotFound.on("code", f"'{code}' is not a ward or LSOA of {council.short_name}")
    best = lsoa.best_fit_ward
    return Area(
        "lsoa",
        lsoa.code,
        lsoa.name,
        best.gss_code if best else "",
        (best.name or best.gss_code) if best else "",
    )


def theme_codes(council: Council | None) -> list[str]:
    """The need codes the council sees (the platform's alone, for no council): funding's themes."""
    found = categories(council) if council is not None else NeedCategory.objects.for_platform()
    return list(found.values_list("code", flat=True))
