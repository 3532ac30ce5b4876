"""Funding against need (per head by deprivation decile and ward, with the deprived areas that get little,
as a chart, tables and CSV), and the council's own grants: recorded here, and published as a 360Giving
package that anyone may download (open data)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, public, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.forms import show_refusal
from civichub.core.models import Council
from civichub.core.selectors import council_by_slug
from civichub.funding import awards, giving
from civichub.funding.forms import GrantForm, PublishingForm
from civichub.funding.models import Grant


@council_page("funding.view")
def per_head(request: HttpRequest, council: Council) -> HttpResponse:
    found = giving.funding_against_need(council)
    if request.GET.get("format") == "csv":
        lines = [("decile", line) for line in found.deciles] + [("ward", line) for line in found.wards]
        rows: list[list[object]] = [
            [kind, line.key, line.name, line.lsoas, line.population, line.shown_amount, line.per_head, ""]
            for kind, line in lines
        ]
        rows += [
            ["little-funded LSOA", s.code, s.name, 1, s.population, s.amount, s.per_head, s.decile]
            for s in found.cold_spots
        ]
        return csv_download(
            f"{council.slug}-grant-funding-per-head.csv",
            ["level", "code", "name", "lsoas", "population", "amount", "per_head", "imd_decile"],
            rows,
        )
    return render(
        request,
        "funding/per_head.html",
        {"title": "Grant funding against need", "section": "council", "council": council, "f": found},
    )


@council_page("funding.view")
def grants(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    how = giving.publishing(council)
    form = GrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            awards.record_grant(actor, council, {name: request.POST.get(name, "") for name in form.fields})
            return redirect("funding:grants", council_slug=council.slug)
        except Refused as exc:
            form.is_valid()
            show_refusal(form, exc)
    listed = giving.grants(council)
    return render(
        request,
        "funding/grants.html",
        {
            "title": "Grants we make",
            "section": "council",
            "council": council,
            "form": form,
            "settings_form": PublishingForm(initial={"giving_prefix": how.prefix, "org_id": how.org_id}),
            "how": how,
            "page": page_of(request, listed),
            "count": listed.count(),
            "can_manage": policy.allows(user_of(request), "funding.grants.manage", council),
            "withdrawn": giving.withdrawn_grants(council)[:50],
        },
        status=400 if form.errors else 200,
    )


@council_page("funding.grants.manage")
def publishing(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's 360Giving prefix and org-id (a POST; a GET goes back to the grants page)."""
    form = PublishingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            awards.set_publishing(
                actor_of(request),
                council,
                prefix=request.POST.get("giving_prefix", "")[:60],
                org_id=request.POST.get("org_id", "")[:100],
            )
        except Refused as exc:
            form.is_valid()
            show_refusal(form, exc)
            listed = giving.grants(council)
            return render(
                request,
                "funding/grants.html",
                {
                    "title": "Grants we make",
                    "section": "council",
                    "council": council,
                    "form": GrantForm(),
                    "settings_form": form,
                    "how": giving.publishing(council),
                    "page": page_of(request, listed),
                    "count": listed.count(),
                    "can_manage": True,
                },
                status=400,
            )
    return redirect("funding:grants", council_slug=council.slug)


@public
def package(request: HttpRequest, council_slug: str) -> HttpResponse:
    """The council's grants as a 360Giving package: open data, for anyone (404 until it has made one)."""
    council = council_by_slug(council_slug)
    body = json.dumps(giving.package(council), indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-360giving.json"'
    return response


def _grant_page(
    request: HttpRequest,
    council: Council,
    grant: Grant,
    form: GrantForm,
    *,
    status: int = 200,
    withdraw_error: str = "",
) -> HttpResponse:
    failed = bool(form.errors or withdraw_error)
    return render(
        request,
        "funding/grant_edit.html",
        {
            "title": f"{'Error: ' if failed else ''}Change or withdraw a grant",
            "section": "council",
            "council": council,
            "grant": grant,
            "identifier": giving.identifier(grant, giving.publishing(council).prefix),
            "form": form,
            "withdraw_error": withdraw_error,
            "reason": request.POST.get("reason", "")[:2000],
        },
        status=status,
    )


def _filled(grant: Grant) -> GrantForm:
    return GrantForm(initial={name: getattr(grant, name) for name in GrantForm.base_fields})


@council_page("funding.grants.manage")
def edit_grant(request: HttpRequest, council: Council, grant_id: str) -> HttpResponse:
    """Correct one of the council's grants (GET: the form filled in; POST: save it)."""
    grant = giving.standing_grant(council, grant_id)
    if request.method != "POST":
        return _grant_page(request, council, grant, _filled(grant))
    form = GrantForm(request.POST)
    try:
        awards.change_grant(
            actor_of(request), council, grant.pk, {name: request.POST.get(name, "") for name in form.fields}
        )
    except Refused as exc:
        form.is_valid()
        show_refusal(form, exc)
        return _grant_page(request, council, grant, form, status=400)
    return redirect("funding:grants", council_slug=council.slug)


@council_page("funding.grants.manage")
def withdraw_grant(request: HttpRequest, council: Council, grant_id: str) -> HttpResponse:
    """Withdraw a grant published in error, with the reason (a POST; a GET goes to the grant's form)."""
    grant = giving.standing_grant(council, grant_id)
    if request.method != "POST":
        return redirect("funding:grant-edit", council_slug=council.slug, grant_id=grant.pk)
    try:
        awards.withdraw_grant(actor_of(request), council, grant.pk, request.POST.get("reason", "")[:2000])
    except Refused as exc:
        message = exc.errors[0].message if exc.errors else str(exc)
        return _grant_page(request, council, grant, _filled(grant), status=400, withdraw_error=message)
    return redirect("funding:grants", council_slug=council.slug)
