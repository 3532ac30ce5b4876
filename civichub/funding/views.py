"""The funding pages: search the catalogue (open now, theme, applicant type, area, words: best match
first) with a CSV of what was found, one opportunity, and an area's past grants. Opportunities and past
grants are open data (as the API reads them), so these pages are open to anyone, signed in or not;
saving searches, bids and matching for a council stay signed-in pages. Thin: selectors read."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from civichub.core.access import View, page_of, public
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.selectors import council_by_slug
from civichub.funding import selectors
from civichub.funding.details import FIELDS
from civichub.funding.models import ApplicantType
from civichub.funding.search import Ranked, ranked
from civichub.funding.views_search import SaveSearchForm, may_add, search_of
from civichub.needs import selectors as needs


def _search_of(request: HttpRequest) -> selectors.Search:
    return search_of(request.GET)


def open_data_page(view: View) -> View:
    """A council's open-data funding page: the council from the URL (404 if none), for anyone."""

    @wraps(view)
    def wrapper(request: HttpRequest, council_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, council_by_slug(council_slug), *args, **kwargs)

    return public(wrapper)


@open_data_page
def index(request: HttpRequest, council: Council) -> HttpResponse:
    search = _search_of(request)
    error: Refused | None = None
    try:
        found = ranked(council, search.q, search)
    except Refused as refused:
        error, found = refused, ranked(council, "", selectors.Search())
    if request.GET.get("format") == "csv" and error is None:
        return csv_download(
            f"{council.slug}-funding-opportunities.csv",
            ["id", *FIELDS],
            (
                [
                    o.pk,
                    o.programme,
                    o.funder,
                    o.summary,
                    "; ".join(o.applicant_type_list),
                    "; ".join([*o.area_list, *([o.locations] if o.locations else [])]),
                    o.minimum_award,
                    o.maximum_award,
                    o.total_pot,
                    o.opens_on,
                    o.closes_on,
                    o.url,
                    "; ".join(o.theme_list),
                ]
                for o in found
            ),
        )
    themes = needs.category_names(council)
    return render(
        request,
        "funding/index.html",
        {
            "title": "Funding opportunities",
            "section": "council",
            "council": council,
            "search": search,
            "error": error,
            "page": page_of(request, found),  # type: ignore[arg-type]  # Ranked pages as a queryset does
            "count": found.count(),
            "themes": themes,
            "applicant_types": ApplicantType.choices,
            "applicant_names": dict(ApplicantType.choices),
            "query": request.GET.urlencode(),
            "ranked": isinstance(found, Ranked),
            "capped": isinstance(found, Ranked) and found.capped,
            "may_add": may_add(request, council),
            "signed_in": request.user.is_authenticated,
            "saving": SaveSearchForm(),
        },
        status=400 if error else 200,
    )


@open_data_page
def opportunity(request: HttpRequest, council: Council, opportunity_id: str) -> HttpResponse:
    found = selectors.opportunity(council, opportunity_id)
    return render(
        request,
        "funding/opportunity.html",
        {
            "title": found.programme,
            "section": "council",
            "council": council,
            "o": found,
            "themes": needs.category_names(council),
            "applicant_names": dict(ApplicantType.choices),
        },
    )


@open_data_page
def past_grants(request: HttpRequest, council: Council, code: str) -> HttpResponse:
    """Who has funded things here before: 360Giving grants to beneficiaries in a ward, LSOA or the council."""
    name, found, totals = selectors.past_grants(council, code)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-past-grants-{code[:9]}.csv",
            [
                "id",
                "title",
                "award_date",
                "amount",
                "currency",
                "funder_id",
                "funder",
                "recipient_id",
                "recipient",
            ],
            (
                [
                    g.identifier,
                    g.title,
                    g.award_date,
                    g.amount,
                    g.currency,
                    g.funder_id,
                    g.funder_name,
                    g.recipient_id,
                    g.recipient_name,
                ]
                for g in found
            ),
        )
    return render(
        request,
        "funding/past_grants.html",
        {
            "title": f"Past grants: {name}",
            "section": "council",
            "council": council,
            "name": name,
            "page": page_of(request, found),
            "totals": totals,
        },
    )
