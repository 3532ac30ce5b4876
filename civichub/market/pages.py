"""The market health page of a category (council-wide or one ward), with a chart beside each table and
every table as CSV, and the position statement pages: versions, the draft's wording, and the public,
printable page of a published version."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core.access import actor_of, council_page, page_of, public
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.forms import show_refusal
from civichub.core.models import Council
from civichub.market import figures, health, selectors, statements
from civichub.market.forms import StatementForm
from civichub.market.models import MarketStatement
from civichub.market.views import _can, _page

DOWNLOADS = ("providers", "wards", "years", "risks", "flagged", "neighbours")


def _download(view: health.MarketView, which: str, name: str) -> HttpResponse:
    f = view.figures
    tables: dict[str, tuple[list[str], list[list[object]]]] = {
        "providers": (
            [
                "organisation_id",
                "provider",
                "capacity",
                "capacity_share_pct",
                "spend",
                "spend_share_pct",
                "dependency_pct",
                "price",
                "gap_to_fair_cost",
            ],
            [
                [
                    s.organisation_id,
                    s.name,
                    s.capacity,
                    s.capacity_share,
                    s.spend,
                    s.spend_share,
                    s.dependency,
                    view.prices_paid.get(s.organisation_id),
                    view.gap_of(s.organisation_id),
                ]
                for s in f.shares
            ],
        ),
        "wards": (
            [
                "ward_code",
                "ward",
                "need_basis_people",
                "need",
                "capacity",
                "capacity_to_need",
                "under_supplied",
            ],
            [[w.code, w.name, w.basis, w.need, w.capacity, w.ratio, w.under_supplied] for w in f.wards],
        ),
        "years": (["year", "entries", "exits"], [list(row) for row in f.years]),
        "risks": (
            ["ward_code", "ward", "organisation_id", "provider", "share_of_ward_capacity_pct"],
            [[r.ward_code, r.ward_name, r.organisation_id, r.name, r.share] for r in f.risks],
        ),
        "flagged": (
            ["organisation_id", "provider", "flags", "capacity_share_pct"],
            [
                [
                    v.organisation_id,
                    v.name,
                    "; ".join(f"{k}: {t}" for k, t in v.flags.items()),
                    v.capacity_share,
                ]
                for v in view.flagged
            ],
        ),
        "neighbours": (
            ["council", "providers", "capacity", "need", "hhi", "median_price"],
            [[n.council, n.providers, n.capacity, n.need, n.hhi, n.median_price] for n in f.neighbours],
        ),
    }
    header, rows = tables[which]
    return csv_download(f"{name}-{which}.csv", header, rows)


@council_page("market.figures.view")
def market(request: HttpRequest, council: Council, category: str) -> HttpResponse:
    """Market health: providers and shares, concentration, entries and exits, capacity against need per
    ward, prices against the fair cost, quality, failure risks and the councils across the boundary."""
    which = request.GET.get("download", "")
    try:
        view = health.market_view(
            actor_of(request),
            council,
            category,
            request.GET.get("ward", ""),
            limit=None if which == "providers" else figures.SHOWN_PROVIDERS,
        )
    except Refused as exc:
        if exc.field != "ward":
            raise
        return redirect("market:market", council_slug=council.slug, category=category)
    if which in DOWNLOADS:
        return _download(
            view, which, f"{council.slug}-{category}{'-' + view.figures.ward if view.figures.ward else ''}"
        )
    f = view.figures
    return _page(
        request,
        council,
        "market.html",
        f.category.name + (f" in {view.ward_name}" if view.ward_name else ""),
        view=view,
        f=f,
        source=figures.THRESHOLDS_SOURCE,
        largest_ratio=max([w.ratio or 0 for w in f.wards] + [1.0]),
        manages=_can(request, "market.manage", council),
    )


@council_page("market.figures.view")
def statement_versions(request: HttpRequest, council: Council, category: str) -> HttpResponse:
    """Every version of a category's statement; commissioners draft the next one from the live figures."""
    actor = actor_of(request)
    market = selectors.category(council, category)
    error = None
    if request.method == "POST":
        try:
            made = statements.draft_statement(actor, council, market)
            return redirect("market:statement", council_slug=council.slug, statement_id=made.pk)
        except Refused as exc:
            error = exc.message
    return _page(
        request,
        council,
        "statements.html",
        f"{market.name}: market position statements",
        status=409 if error else 200,
        category=market,
        page=page_of(request, selectors.statements(actor, council, market)),
        manages=_can(request, "market.manage", council),
        error=error,
    )


@council_page("market.figures.view")
def statement(request: HttpRequest, council: Council, statement_id: str) -> HttpResponse:
    """A version of a statement: a draft to reword and publish, or a published one as it was published."""
    actor = actor_of(request)
    found = selectors.statement(actor, council, statement_id)
    draft = found.status == MarketStatement.Status.DRAFT
    form = StatementForm(request.POST or None, initial={"title": found.title, **found.sections})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        title = data.pop("title")
        try:
            statements.edit_statement(actor, found, title=title, sections=data)
            if request.POST.get("action") == "publish":
                statements.publish_statement(actor, found)
            return redirect("market:statement", council_slug=council.slug, statement_id=found.pk)
        except Refused as exc:
            show_refusal(form, exc)
    return _page(
        request,
        council,
        "statement.html",
        found.title,
        status=400 if form.errors else 200,
        statement=found,
        draft=draft,
        form=form,
        sections=statements.SECTIONS,
        manages=_can(request, "market.manage", council),
    )


@public
def public_statement(request: HttpRequest, statement_id: str) -> HttpResponse:
    """A published statement, for anyone, as printable as a page can be: its figures frozen as published."""
    found = selectors.published_statement(statement_id)
    return render(
        request,
        "market/public_statement.html",
        {
            "title": found.title,
            "statement": found,
            "sections": statements.SECTIONS,
            "others": selectors.published_statements(found.council).exclude(pk=found.pk)[:20],
        },
    )
