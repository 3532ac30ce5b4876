"""The people pages: the overview (counts of people by place, runs, the queue), the review queue and a
pair side by side, a golden record (after its reader gives a purpose), the subject access export, the
merges with their undo, the linkage-quality page, the review and link thresholds and the data-sharing
agreements. Thin: selectors read,
services decide and audit."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.people import charts, selectors
from civichub.people.models import SHAREABLE_FIELDS, Purpose
from civichub.people.quality import quality as quality_of
from civichub.people.services import agreements as agreement_services
from civichub.people.services import linkage, merging, review
from civichub.people.thresholds import probability


def _error(exc: Refused) -> tuple[str | None, str]:
    return exc.field, exc.message


def _page(
    request: HttpRequest, council: Council, template: str, title: str, status: int = 200, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"people/{template}",
        {"title": title, "section": "council", "council": council, **context},
        status=status,
    )


def _can(request: HttpRequest, permission: str, council: Council) -> bool:
    return policy.allows(user_of(request), permission, council)


@council_page("people.view")
def index(request: HttpRequest, council: Council) -> HttpResponse:
    """Counts of people by ward and by source system, the last runs, and what waits for review.
    A POST starts a full linkage run (a background job)."""
    error = None
    if request.method == "POST":
        try:
            linkage.start_run(actor_of(request), council, retrain=request.POST.get("retrain") == "yes")
            return redirect("people:runs", council_slug=council.slug)
        except Refused as exc:
            error = _error(exc)
    actor = actor_of(request)
    return _page(
        request,
        council,
        "index.html",
        "People",
        status=400 if error else 200,
        error=error,
        wards=selectors.counts(actor, council, "ward"),
        systems=selectors.counts(actor, council, "source_system"),
        services=selectors.counts(actor, council, "service"),
        suppress_below=selectors.SUPPRESS_BELOW,
        pending=selectors.review_queue(council).count(),
        runs=selectors.runs(council)[:3],
        thresholds=selectors.thresholds(council),
        can_run=_can(request, "people.linkage.run", council),
        can_review=_can(request, "people.review.decide", council),
        can_merge=_can(request, "people.merge", council),
        can_import=_can(request, "people.records.load", council)
        and _can(request, "integration.imports.run", council),
        can_agree=_can(request, "people.agreements.manage", council),
    )


@council_page("people.review.decide")
def review_queue(request: HttpRequest, council: Council) -> HttpResponse:
    pairs = selectors.review_queue(council)
    return _page(request, council, "review.html", "Review queue", pairs=pairs[:200], total=pairs.count())


@council_page("people.review.decide")
def review_pair(request: HttpRequest, council: Council, pair_id: UUID) -> HttpResponse:
    """Two records side by side with the weight and reasons; a POST decides (audited)."""
    error = None
    if request.method == "POST":
        choice = request.POST.get("decision", "")
        try:
            if choice not in ("same", "different"):
                raise Refused.on("decision", "Choose whether these records are the same person")
            review.decide(actor_of(request), council, pair_id, same_person=choice == "same")
            following = selectors.review_queue(council).first()
            if following is not None:
                return redirect("people:pair", council_slug=council.slug, pair_id=following.pk)
            return redirect("people:review", council_slug=council.slug)
        except Refused as exc:
            error = _error(exc)
    pair = selectors.pair(actor_of(request), council, pair_id)
    fields = [
        "first_name",
        "surname",
        "sex",
        "date_of_birth",
        "address_line",
        "postcode",
        "nhs_number",
        "service",
    ]
    rows = [
        (
            name.replace("_", " ").capitalize(),
            getattr(pair.record_a, name) or "",
            getattr(pair.record_b, name) or "",
        )
        for name in fields
    ]
    return _page(
        request,
        council,
        "pair.html",
        "Are these the same person?",
        status=400 if error else 200,
        pair=pair,
        rows=rows,
        error=error,
    )


@council_page("people.records.view")
def person(request: HttpRequest, council: Council, person_id: UUID) -> HttpResponse:
    """A golden record's records, once the reader says why (the read is audited with it)."""
    selectors.reference_of(council, person_id)  # another council's golden record: 404 before anything
    purpose = request.GET.get("purpose", "")
    if not purpose:
        return _page(
            request, council, "purpose.html", "Why do you need this person's records?", error=None, action=""
        )
    try:
        found = selectors.person(actor_of(request), council, person_id, purpose)
    except Refused as exc:
        return _page(
            request,
            council,
            "purpose.html",
            "Why do you need this person's records?",
            status=400,
            error=_error(exc),
            action="",
        )
    return _page(
        request,
        council,
        "person.html",
        f"Golden record {found.person.reference}",
        found=found,
        can_sar=_can(request, "people.sar.produce", council),
    )


@council_page("people.sar.produce")
def subject_access(request: HttpRequest, council: Council, person_id: UUID) -> HttpResponse:
    """The subject access export, readable (or ?format=json to download): its production is audited."""
    selectors.reference_of(council, person_id)  # another council's golden record: 404 before anything
    purpose = request.GET.get("purpose", "")
    title = "Subject access export"
    if not purpose:
        return _page(request, council, "purpose.html", title, error=None, action="sar")
    try:
        export = selectors.sar(actor_of(request), council, person_id, purpose)
    except Refused as exc:
        return _page(request, council, "purpose.html", title, status=400, error=_error(exc), action="sar")
    if request.GET.get("format") == "json":
        response = HttpResponse(json.dumps(export, indent=2), content_type="application/json")
        reference = export["golden_record"]["reference"]
        response["Content-Disposition"] = f'attachment; filename="{council.slug}-sar-{reference}.json"'
        return response
    return _page(request, council, "sar.html", title, export=export, purpose=purpose)


@council_page("people.merge")
def merges(request: HttpRequest, council: Council) -> HttpResponse:
    """The merges by hand (each with its undo); a POST merges golden records by their references."""
    error, form = None, {}
    if request.method == "POST":
        form = request.POST.dict()
        references = [
            r.strip().upper() for r in form.get("references", "").replace(",", " ").split() if r.strip()
        ]
        ids = list(selectors.people(council).filter(reference__in=references).values_list("reference", "pk"))
        by_reference = dict(ids)
        try:
            missing = [r for r in references if r not in by_reference]
            if missing:
                raise Refused.on("references", f"No active golden record {', '.join(missing[:5])} here")
            merging.merge(
                actor_of(request),
                council,
                [by_reference[r] for r in references],
                reason=form.get("reason", ""),
            )
            return redirect("people:merges", council_slug=council.slug)
        except Refused as exc:
            error = _error(exc)
    return _page(
        request,
        council,
        "merges.html",
        "Merges",
        status=400 if error else 200,
        merges=selectors.merges(council)[:100],
        error=error,
        form=form,
    )


@require_POST
@council_page("people.merge")
def unmerge(request: HttpRequest, council: Council, merge_id: UUID) -> HttpResponse:
    try:
        merging.unmerge(actor_of(request), council, merge_id)
    except NotFound:
        raise  # another council's merge, or none: a 404, not a refusal shown on the page
    except Refused as exc:
        return _page(
            request,
            council,
            "merges.html",
            "Merges",
            status=409,
            merges=selectors.merges(council)[:100],
            error=_error(exc),
            form={},
        )
    return redirect("people:merges", council_slug=council.slug)


@council_page("people.linkage.run")
def runs(request: HttpRequest, council: Council) -> HttpResponse:
    return _page(request, council, "runs.html", "Linkage runs", runs=selectors.runs(council)[:50])


@council_page("people.linkage.run")
def thresholds(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's two thresholds: from which match weight a pair goes to a reviewer, and from which
    two records are linked without one. A change applies to the next run and to records arriving."""
    error, form = None, {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            weights = {}
            for name in ("review_from", "link_from"):
                try:
                    weights[name] = float(form.get(name, "").strip())
                except ValueError:
                    raise Refused.on(name, "Give a match weight as a number, like 2 or 8.5") from None
                if not math.isfinite(weights[name]):
                    raise Refused.on(name, "Give a match weight as a number, like 2 or 8.5")
            review.set_thresholds(actor_of(request), council, **weights)
            return redirect("people:thresholds", council_slug=council.slug)
        except Refused as exc:
            error = _error(exc)
    review_from, link_from = selectors.thresholds(council)
    if not form:
        form = {"review_from": f"{review_from:g}", "link_from": f"{link_from:g}"}
    return _page(
        request,
        council,
        "thresholds.html",
        "Review and link thresholds",
        status=400 if error else 200,
        review_from=review_from,
        link_from=link_from,
        review_probability=probability(review_from),
        link_probability=probability(link_from),
        error=error,
        form=form,
    )


@council_page("people.view")
def quality(request: HttpRequest, council: Council) -> HttpResponse:
    found = quality_of(council)
    return _page(
        request,
        council,
        "quality.html",
        "Linkage quality",
        q=found,
        sizes=charts.columns([(str(n), people) for n, people in found.cluster_sizes]),
        histogram=charts.columns([(str(w), pairs) for w, pairs in found.histogram]),
        levels=charts.levels(found.levels),
        thresholds=selectors.thresholds(council),
    )


@council_page("people.agreements.manage")
def agreements(request: HttpRequest, council: Council) -> HttpResponse:
    error, form = None, {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            partner = Council.objects.filter(slug=form.get("partner", "")).exclude(pk=council.pk).first()
            if partner is None:
                raise Refused.on("partner", "Choose the council you share with")
            try:
                starts_on = date.fromisoformat(form.get("starts_on", ""))
                ends_on = date.fromisoformat(form.get("ends_on", ""))
            except ValueError:
                raise Refused.on("starts_on", "Give the dates as YYYY-MM-DD") from None
            agreement_services.record_agreement(
                actor_of(request),
                council,
                partner=partner,
                fields=request.POST.getlist("fields"),
                purpose=form.get("purpose", ""),
                starts_on=starts_on,
                ends_on=ends_on,
                reference=form.get("reference", ""),
            )
            return redirect("people:agreements", council_slug=council.slug)
        except Refused as exc:
            error = _error(exc)
    return _page(
        request,
        council,
        "agreements.html",
        "Data-sharing agreements",
        status=400 if error else 200,
        agreements=selectors.agreements(council),
        partners=Council.objects.exclude(pk=council.pk).order_by("short_name"),
        shareable=SHAREABLE_FIELDS,
        purposes=Purpose.choices,
        today=date.today(),
        error=error,
        form=form,
    )
