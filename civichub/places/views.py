"""Place pages: public postcode, ward and LSOA look-ups; a council's overview of its area, wards and
LSOAs; and the councillor's and resident's homes, which are about the council's places too."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core import selectors as core
from civichub.core.access import council_page, page_of, public, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council, Role
from civichub.core.views import home_in
from civichub.places import selectors
from civichub.places.models import Lsoa


@public
def find(request: HttpRequest) -> HttpResponse:
    """Look up a postcode: the form, and its error summary when the postcode is not valid or not held."""
    text = request.GET.get("postcode", "")
    if "postcode" not in request.GET:
        return _find_page(request, text)
    if not text.strip():
        return _find_page(request, text, "Enter a postcode, like WN1 1AA", status=400)
    try:
        found = selectors.postcode(text)
    except Refused as exc:
        return _find_page(request, text, exc.message, status=exc.status)
    return redirect("places:postcode", postcode=found.compact)


@public
def postcode(request: HttpRequest, postcode: str) -> HttpResponse:
    try:
        place = selectors.postcode(postcode)
    except Refused as exc:
        # A postcode's address that is not one, or not held: the finder with the reason, to try again.
        return _find_page(request, postcode, exc.message, status=404)
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


def _find_page(request: HttpRequest, text: str, error: str | None = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "places/find.html",
        {"title": "Find a place", "section": "places", "postcode": text, "error": error},
        status=status,
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


@council_page("council.view")
def council_overview(request: HttpRequest, council: Council) -> HttpResponse:
    """The council overview (/c/<council>/): its area, deprivation and wards, for officers and councillors.

    It keeps the kernel's URL name core:council (see civichub/urls.py), the council's home, which every
    page's header and breadcrumbs link to. Provider staff and residents may not see the overview, so for
    them the council's home is their own (the provider's or resident's home in this council).
    """
    user = user_of(request)
    if not policy.allows(user, "council.areas.view", council):
        own = home_in(user, council)
        if own is None:
            raise PermissionDenied(f"You do not have access to this part of {council.short_name}")
        return redirect(own)
    return render(
        request,
        "places/council.html",
        {
            "council": council,
            "section": "council",
            "title": "Overview",
            "roles": sorted(r.label for r in policy.roles_in(user, council)),
            "profile": selectors.area_profile(council.gss_code),
            "wards": selectors.wards_in(council.gss_code),
            "can_see_people": policy.allows(user, "council.people_with_access.view", council),
            "can_manage_webhooks": policy.allows(user, "integration.webhooks.manage", council),
            "can_import": policy.allows(user, "integration.imports.run", council),
            "can_manage_retention": policy.allows(user, "council.retention.manage", council),
            "can_publish_services": policy.allows(user, "directory.services.publish", council),
            "can_view_services": policy.allows(user, "directory.services.view", council),
            "can_view_markets": policy.allows(user, "market.view", council),
            "can_see_records": policy.allows(user, "records.documents.view", council),
            "can_see_golden_records": policy.allows(user, "people.view", council),
            "can_see_records_dashboard": policy.allows(user, "records.retention.view", council),
        },
    )


@council_page("council.areas.view")
def councillor_home(request: HttpRequest, council: Council) -> HttpResponse:
    """A councillor's home: the wards they represent, with their neighbourhoods."""
    memberships = core.memberships_of(user_of(request)).filter(council=council, role=Role.COUNCILLOR)
    wards = selectors.wards([m.ward_code for m in memberships], in_area=council.gss_code)
    return render(
        request,
        "places/councillor_home.html",
        {
            "council": council,
            "title": "Your ward",
            "section": "council",
            "wards": [(w, selectors.lsoas_of_ward(w.gss_code)) for w in wards],
        },
    )


@council_page("council.view")
def resident_home(request: HttpRequest, council: Council) -> HttpResponse:
    return render(
        request,
        "places/resident_home.html",
        {
            "council": council,
            "title": "Your council",
            "profile": selectors.area_profile(council.gss_code),
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
            "best_fit_ward_name",
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
                area.best_fit_ward.name if area.best_fit_ward else "",
                area.imd_rank,
                area.imd_decile,
                *[getattr(area, name) for name, _ in Lsoa.DOMAINS],
                area.population,
            ]
            for area in lsoas
        ),
    )
