"""Place pages: public postcode, ward and LSOA look-ups, and a council's own wards and LSOAs."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core.access import council_page, page_of, public
from civichub.core.downloads import csv_download
from civichub.core.models import Council
from civichub.places import selectors
from civichub.places.models import Lsoa


@public
def find(request: HttpRequest) -> HttpResponse:
    """Look up a postcode: the form, and its error summary when the postcode is not valid."""
    text = request.GET.get("postcode", "")
    error = None
    if "postcode" in request.GET:
        if not text.strip():
            error = "Enter a postcode, like WN1 1AA"
        else:
            try:
                found = selectors.postcode(text)
            except selectors.BadPostcode as exc:
                error = str(exc)
            except Http404:
                error = f"We do not hold the postcode {text.strip().upper()}: we hold the WN and SR areas"
            else:
                return redirect("places:postcode", postcode=found.compact)
    return render(
        request,
        "places/find.html",
        {"title": "Find a place", "section": "places", "postcode": text, "error": error},
        status=400 if error else 200,
    )


@public
def postcode(request: HttpRequest, postcode: str) -> HttpResponse:
    try:
        place = selectors.postcode(postcode)
    except selectors.BadPostcode as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "places/postcode.html",
        {
            "title": place.postcode,
            "section": "places",
            "place": place,
            "domains": Lsoa.DOMAINS,
        },
    )


@public
def lsoa(request: HttpRequest, code: str) -> HttpResponse:
    area = selectors.lsoa(code)
    return render(
        request,
        "places/lsoa.html",
        {
            "title": area.name,
            "section": "places",
            "lsoa": area,
            "domains": Lsoa.DOMAINS,
        },
    )


@public
def ward(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.ward(code)
    return render(
        request,
        "places/ward.html",
        {
            "title": found.label,
            "section": "places",
            "ward": found,
            "lsoas": selectors.lsoas_of_ward(found.gss_code),
        },
    )


@council_page("council.areas.view")
def council_ward(request: HttpRequest, council: Council, code: str) -> HttpResponse:
    found = selectors.ward(code, in_area=council.gss_code)
    return render(
        request,
        "places/ward.html",
        {
            "title": found.label,
            "section": "council",
            "council": council,
            "ward": found,
            "lsoas": selectors.lsoas_of_ward(found.gss_code),
        },
    )


@council_page("council.areas.view")
def council_lsoas(request: HttpRequest, council: Council) -> HttpResponse:
    lsoas = selectors.lsoas_in(council.gss_code)
    if request.GET.get("format") == "csv":
        return _lsoa_csv(f"{council.slug}-lsoas.csv", lsoas)
    page = page_of(request, lsoas)
    return render(
        request,
        "places/council_lsoas.html",
        {
            "title": "LSOAs and deprivation",
            "section": "council",
            "council": council,
            "page": page,
        },
    )


@council_page("council.areas.view")
def council_wards_csv(request: HttpRequest, council: Council) -> HttpResponse:
    return csv_download(
        f"{council.slug}-wards.csv",
        ["ward_code", "ward_name", "lsoas", "population_mid_2015", "lsoas_in_most_deprived_decile"],
        (
            [w.gss_code, w.name, w.lsoa_count, w.population or 0, w.most_deprived_lsoas]  # type: ignore[attr-defined]
            for w in selectors.wards_in(council.gss_code)
        ),
    )


def _lsoa_csv(filename: str, lsoas: Iterable[Lsoa]) -> HttpResponse:
    return csv_download(
        filename,
        [
            "lsoa_code",
            "lsoa_name",
            "best_fit_ward",
            "imd_rank",
            "imd_decile",
            *[name for name, _ in Lsoa.DOMAINS],
            "population_mid_2015",
        ],
        (
            [
                area.code,
                area.name,
                area.best_fit_ward_id or "",
                area.imd_rank,
                area.imd_decile,
                *[getattr(area, name) for name, _ in Lsoa.DOMAINS],
                area.population,
            ]
            for area in lsoas
        ),
    )
