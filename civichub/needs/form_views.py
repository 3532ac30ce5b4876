"""The needs forms: a council's own need category, a need assessed for a person (recorded, and moved on
with who meets it), a person's needs read with a stated purpose (audited), and the unmet-need figures.

Thin: services decide and refuse, selectors read (and audit). A refusal comes back on the form, each
problem on its field and in the GOV.UK error summary; a person's reference travels only in POST bodies,
never in an address, so it stays out of logs and browser history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.needs import assessments, selectors, services
from civichub.needs.contact_rows import organisations_by_org_id
from civichub.needs.models import AssessedNeed

STATUSES = [(s.value, s.label) for s in AssessedNeed.Status]


def errors_of(exc: Refused) -> list[tuple[str | None, str]]:
    """Every problem of a refusal as (field, message), for the error summary and the fields."""
    return [(e.field, e.message) for e in exc.errors] or [(None, exc.detail)]


def _page(request: HttpRequest, council: Council, template: str, title: str, **context: Any) -> HttpResponse:
    errors = context.setdefault("errors", [])
    context.setdefault("form", {})
    return render(
        request,
        template,
        {"title": title, "section": "council", "council": council, **context},
        status=400 if errors else 200,
    )


@council_page("needs.manage")
def add_category(request: HttpRequest, council: Council) -> HttpResponse:
    if request.method != "POST":
        return _page(request, council, "needs/category_form.html", "Add a need category")
    form = request.POST
    try:
        services.add_category(
            actor_of(request),
            council,
            code=form.get("code", ""),
            name=form.get("name", ""),
            description=form.get("description", ""),
            directory_codes=form.get("directory_codes", "").split(","),
            market_codes=form.get("market_codes", "").split(","),
        )
    except Refused as exc:
        return _page(
            request,
            council,
            "needs/category_form.html",
            "Add a need category",
            form=form,
            errors=errors_of(exc),
        )
    return redirect(reverse("needs:index", kwargs={"council_slug": council.slug}) + "#categories")


def _assessed_on(form: Any) -> date:
    try:
        return date(
            int(form.get("assessed_on-year", "")),
            int(form.get("assessed_on-month", "")),
            int(form.get("assessed_on-day", "")),
        )
    except ValueError:
        raise Refused.on("assessed_on", "Enter the date of the assessment, like 27 3 2025") from None


def _met_by(form: Any) -> Any:
    """The organisation an org-id names (the form asks for org-ids, which people can read), or None."""
    org_id = form.get("met_by", "").strip().upper()
    if not org_id:
        return None
    found = organisations_by_org_id([org_id]).get(org_id)
    if found is None:
        raise Refused.on("met_by", f"'{org_id[:40]}' is no organisation's org-id here (like GB-CHC-1099999)")
    return found.pk


def _need_form(request: HttpRequest, council: Council, **context: Any) -> HttpResponse:
    return _page(
        request,
        council,
        "needs/need_form.html",
        "Record an assessed need",
        categories=selectors.categories(council),
        statuses=STATUSES,
        **context,
    )


@council_page("needs.people.record")
def record_need(request: HttpRequest, council: Council) -> HttpResponse:
    if request.method != "POST":
        return _need_form(request, council, form={"assessed_on-day": "", "status": "identified"})
    form = request.POST
    try:
        need = assessments.record_need(
            actor_of(request),
            council,
            person_reference=form.get("person_reference", ""),
            category=form.get("category", ""),
            assessed_on=_assessed_on(form),
            status=form.get("status", ""),
            postcode=form.get("postcode", ""),
            met_by=_met_by(form),
            met_by_service=form.get("met_by_service", ""),
        )
    except Refused as exc:
        return _need_form(request, council, form=form, errors=errors_of(exc))
    return _page(
        request,
        council,
        "needs/need_done.html",
        "Need recorded",
        need=need,
        names=selectors.category_names(council),
        action="recorded",
    )


@council_page("needs.people.record")
def change_status(request: HttpRequest, council: Council, need_id: str) -> HttpResponse:
    need = selectors.need_to_move_on(actor_of(request), council, need_id)
    context = {"need": need, "names": selectors.category_names(council), "statuses": STATUSES}
    if request.method != "POST":
        org_ids = sorted(i.org_id for i in need.met_by.identifiers.all()) if need.met_by else []
        form = {
            "status": need.status,
            "met_by": org_ids[0] if org_ids else "",
            "met_by_service": need.met_by_service,
        }
        return _page(request, council, "needs/status_form.html", "Move a need on", form=form, **context)
    form = request.POST
    try:
        need = assessments.set_status(
            actor_of(request),
            council,
            need.pk,
            status=form.get("status", ""),
            met_by=_met_by(form),
            met_by_service=form.get("met_by_service", ""),
        )
    except Refused as exc:
        return _page(
            request,
            council,
            "needs/status_form.html",
            "Move a need on",
            form=form,
            errors=errors_of(exc),
            **context,
        )
    return _page(
        request,
        council,
        "needs/need_done.html",
        "Need moved on",
        need=need,
        names=context["names"],
        action="moved on",
    )


def _correction(request: HttpRequest, council: Council, need: Any, form: Any, **more: Any) -> HttpResponse:
    return _page(
        request,
        council,
        "needs/need_change.html",
        "Correct or withdraw a need",
        need=need,
        form=form,
        categories=selectors.categories(council),
        names=selectors.category_names(council),
        **more,
    )


@council_page("needs.people.record")
def change_need(request: HttpRequest, council: Council, need_id: str) -> HttpResponse:
    """Correct a need's category, date or ward (GET: the form filled in; POST: save)."""
    need = selectors.need_to_move_on(actor_of(request), council, need_id)
    if request.method != "POST":
        form = {
            "category": need.category,
            "assessed_on-day": str(need.assessed_on.day),
            "assessed_on-month": str(need.assessed_on.month),
            "assessed_on-year": str(need.assessed_on.year),
        }
        return _correction(request, council, need, form)
    form = request.POST
    try:
        need = assessments.change_need(
            actor_of(request),
            council,
            need.pk,
            category=form.get("category", ""),
            assessed_on=_assessed_on(form),
            postcode=form.get("postcode", ""),
        )
    except Refused as exc:
        return _correction(request, council, need, form, errors=errors_of(exc))
    return _page(
        request,
        council,
        "needs/need_done.html",
        "Need corrected",
        need=need,
        names=selectors.category_names(council),
        action="corrected",
    )


@council_page("needs.people.record")
def withdraw_need(request: HttpRequest, council: Council, need_id: str) -> HttpResponse:
    """Withdraw a need recorded in error, with the reason (a POST; a GET goes to the correction form)."""
    need = selectors.need_to_move_on(actor_of(request), council, need_id)
    if request.method != "POST":
        return redirect("needs:change-need", council_slug=council.slug, need_id=need.pk)
    try:
        assessments.withdraw_need(actor_of(request), council, need.pk, request.POST.get("reason", "")[:500])
    except Refused as exc:
        filled = {
            "category": need.category,
            "assessed_on-day": str(need.assessed_on.day),
            "assessed_on-month": str(need.assessed_on.month),
            "assessed_on-year": str(need.assessed_on.year),
            "reason": request.POST.get("reason", "")[:500],
        }
        return _correction(request, council, need, filled, errors=errors_of(exc))
    return _page(request, council, "needs/need_withdrawn.html", "Need withdrawn")


@council_page("needs.people.view")
def person_needs(request: HttpRequest, council: Council) -> HttpResponse:
    """Ask for the person's reference and the reader's purpose; show their needs (the read is audited)."""
    context: dict[str, Any] = {
        "can_record": policy.allows(user_of(request), "needs.people.record", council),
        "names": selectors.category_names(council),
    }
    if request.method != "POST":
        return _page(request, council, "needs/person.html", "A person's needs", **context)
    form = request.POST
    try:
        needs = selectors.person_needs(
            actor_of(request), council, form.get("person_reference", ""), form.get("purpose", "")
        )
    except Refused as exc:
        return _page(
            request,
            council,
            "needs/person.html",
            "A person's needs",
            form=form,
            errors=errors_of(exc),
            **context,
        )
    return _page(request, council, "needs/person.html", "A person's needs", form=form, needs=needs, **context)


@council_page("needs.view")
def unmet(request: HttpRequest, council: Council) -> HttpResponse:
    """People with an unmet need by ward and need; below 10 suppressed outside the council's officers."""
    counts = selectors.unmet_counts(actor_of(request), council)
    names = selectors.category_names(council)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-unmet-need.csv",
            ["ward_code", "ward", "need_code", "need", "people"],
            (
                [u.ward_code, u.ward_name, u.category, names.get(u.category, u.category), u.shown]
                for u in counts
            ),
        )
    wards: dict[str, int] = {}
    for u in counts:
        wards[u.ward_name] = wards.get(u.ward_name, 0) + (u.people or 0)
    return _page(
        request,
        council,
        "needs/unmet.html",
        "Unmet need",
        unmet=counts,
        names=names,
        suppress_below=selectors.SUPPRESS_BELOW,
        suppressed=any(u.people is None for u in counts),
        wards=sorted(wards.items(), key=lambda w: (-w[1], w[0])),
    )
