"""The needs pages: the taxonomy and the council's indicators with its wards, and the needs profile of a
ward or LSOA (charts beside tables, every table as CSV). Thin: selectors and profiles read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.downloads import csv_download
from civichub.core.models import Council
from civichub.needs import profiles, selectors
from civichub.places import selectors as places

CSV_HEADER = ["section", "measure", "unit", "period", "area", "council", "england", "rank", "of", "note"]


@council_page("needs.view")
def index(request: HttpRequest, council: Council) -> HttpResponse:
    return render(
        request,
        "needs/index.html",
        {
            "title": "Needs",
            "section": "council",
            "council": council,
            "categories": selectors.categories(council),
            "names": selectors.category_names(council),
            "unmet": selectors.unmet_counts(actor_of(request), council),
            "suppress_below": selectors.SUPPRESS_BELOW,
            "indicators": selectors.indicators(council),
            "wards": places.wards_in(council.gss_code),
            "can_import": policy.allows(user_of(request), "needs.indicators.import", council)
            and policy.allows(user_of(request), "integration.imports.run", council),
        },
    )


@council_page("needs.view")
def area(request: HttpRequest, council: Council, code: str) -> HttpResponse:
    found = profiles.profile(council, code)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-needs-{found.area.code}.csv",
            CSV_HEADER,
            (
                [r.section, r.measure, r.unit, r.period, r.area, r.council, r.england, r.rank, r.of, r.note]
                for r in found.rows
            ),
        )
    return render(
        request,
        "needs/area.html",
        {
            "title": f"Needs profile: {found.area.name}",
            "section": "council",
            "council": council,
            "profile": found,
            "lsoas": places.lsoas_of_ward(found.area.code) if found.area.kind == "ward" else [],
        },
    )


@council_page("needs.view")
def demand(request: HttpRequest, council: Council) -> HttpResponse:
    """Value and failure demand: the failure share by month as a process behaviour chart (XmR), its top
    causes, and each service's share; ?service= narrows to one service."""
    found = selectors.demand(council, request.GET.get("service", ""))
    if request.GET.get("format") == "csv":
        chart = found.chart
        signals = {p.label: p.signal for p in chart.points} if chart else {}
        return csv_download(
            f"{council.slug}-failure-demand.csv",
            [
                "month",
                "contacts",
                "failure",
                "failure_share_pct",
                "mean",
                "upper_limit",
                "lower_limit",
                "signal",
            ],
            (
                [
                    m.month,
                    m.contacts,
                    m.failure,
                    m.share,
                    chart and chart.mean,
                    chart and chart.upper,
                    chart and chart.lower,
                    signals.get(m.month, ""),
                ]
                for m in found.months
            ),
        )
    return render(
        request,
        "needs/demand.html",
        {"title": "Demand", "section": "council", "council": council, "demand": found},
    )
