"""The needs pages: the taxonomy and the council's indicators with its wards, and the needs profile of a
ward or LSOA (charts beside tables, every table as CSV). Thin: selectors and profiles read."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.needs import demand_figures, profiles, selectors
from civichub.needs.form_views import errors_of
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
            "can_read_people": policy.allows(user_of(request), "needs.people.view", council),
            "can_record_people": policy.allows(user_of(request), "needs.people.record", council),
            "can_manage": policy.allows(user_of(request), "needs.manage", council),
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
    causes, and each service's and provider's share; narrowed by service, provider and months. A filter
    that is not one shows the page with its error, not a 5xx."""
    get = request.GET
    error = None
    try:
        filters = demand_figures.filters_of(
            get.get("service", ""), get.get("provider", ""), get.get("start", ""), get.get("end", "")
        )
    except Refused as exc:
        error, filters = exc, demand_figures.Filters()
    found = demand_figures.demand(council, filters)
    if get.get("format") == "csv" and error is None:
        return _demand_csv(council, found, get.get("table", ""))
    return render(
        request,
        "needs/demand.html",
        {
            "title": "Demand",
            "section": "council",
            "council": council,
            "demand": found,
            "errors": errors_of(error) if error else [],
            "query": urlencode({k: v for k, v in vars(filters).items() if v}),
            # What was sent, so a refused filter shows as typed beside its error.
            "filter_form": {k: get.get(k, "") for k in ("service", "provider", "start", "end")}
            if error
            else vars(filters),
        },
        status=400 if error else 200,
    )


def _demand_csv(council: Council, found: demand_figures.Demand, table: str) -> HttpResponse:
    if table in ("services", "providers"):
        shares = found.services if table == "services" else found.providers
        return csv_download(
            f"{council.slug}-failure-demand-by-{table[:-1]}.csv",
            [table[:-1], "org_id", "contacts", "failure", "failure_share_pct", "top_cause"],
            ([s.name, s.org_id, s.contacts, s.failure, s.share, s.top_cause] for s in shares),
        )
    chart = found.chart
    signals = {p.label: p.signal for p in chart.points} if chart else {}
    return csv_download(
        f"{council.slug}-failure-demand.csv",
        ["month", "contacts", "failure", "failure_share_pct", "mean", "upper_limit", "lower_limit", "signal"],
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
