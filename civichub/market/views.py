"""The market's pages: the register and providers' offers (with their history), officers' notes, cost
exercises and returns, the market health page of a category, and position statements (drafted, worded,
published as a public printable page). Thin: selectors read, services decide and write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.forms import show_refusal
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.core.models import Council
from civichub.core.selectors import acting_provider
from civichub.market import returns, selectors, services
from civichub.market.costs import SUPPRESS_BELOW, lines_of
from civichub.market.forms import (
    CategoryForm,
    ExerciseForm,
    NoteForm,
    OfferForm,
    ProfileForm,
    RegisterForm,
    ReturnForm,
    ThresholdForm,
    UploadForm,
)
from civichub.market.models import ProviderNote


def _page(
    request: HttpRequest, council: Council, template: str, title: str, status: int = 200, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"market/{template}",
        {"title": title, "section": "council", "council": council, **context},
        status=status,
    )


def _can(request: HttpRequest, permission: str, council: Council) -> bool:
    return policy.allows(user_of(request), permission, council)


@council_page("market.view")
def index(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's markets: each category, its exercises, and the forms commissioners use to add a
    category of their own or set the ward risk threshold."""
    actor = actor_of(request)
    category_form = CategoryForm(request.POST if request.POST.get("form") == "category" else None)
    threshold_form = ThresholdForm(
        request.POST if request.POST.get("form") == "threshold" else None,
        initial={"ward_share_threshold": selectors.ward_share_threshold(council).normalize()},
    )
    if request.method == "POST":
        form = category_form if request.POST.get("form") == "category" else threshold_form
        if form.is_valid():
            try:
                if form is category_form:
                    services.add_category(actor, council, **form.cleaned_data)
                else:
                    services.set_ward_share_threshold(
                        actor, council, form.cleaned_data["ward_share_threshold"]
                    )
                return redirect("market:index", council_slug=council.slug)
            except Refused as exc:
                show_refusal(form, exc)
        elif not _can(request, "market.manage", council):
            raise PermissionDenied("Only commissioners change the council's markets")
    return _page(
        request,
        council,
        "index.html",
        "Markets",
        status=400 if category_form.errors or threshold_form.errors else 200,
        categories=selectors.categories(council),
        own=acting_provider(actor, council),
        sees_figures=_can(request, "market.figures.view", council),
        manages=_can(request, "market.manage", council),
        category_form=category_form,
        threshold_form=threshold_form,
    )


@council_page("market.view")
def providers(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.providers(actor, council, request.GET.get("q", "")[:100])
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-market-providers.csv",
            ["organisation_id", "name", "kind", "org_ids", "vcse", "sme", "public_service_mutual"],
            (
                [
                    o.pk,
                    o.name,
                    o.kind,
                    " ".join(i.org_id for i in o.identifiers.all()),
                    *(
                        bool(getattr(getattr(o, "market_profile", None), f, False))
                        for f in ("is_vcse", "is_sme", "is_public_service_mutual")
                    ),
                ]
                for o in found
            ),
        )
    return _page(
        request,
        council,
        "providers.html",
        "Provider register",
        page=page_of(request, found),
        q=request.GET.get("q", ""),
        registers=_can(request, "market.providers.register", council),
    )


@council_page("market.providers.register")
def register(request: HttpRequest, council: Council) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.register_provider(
                actor_of(request),
                council,
                name=data["name"],
                kind=data["kind"],
                identifiers={data["scheme"]: data["identifier"].strip().upper()},
                is_vcse=data["is_vcse"],
                is_sme=data["is_sme"],
                is_public_service_mutual=data["is_public_service_mutual"],
            )
            return redirect(
                "market:provider", council_slug=council.slug, organisation_id=profile.organisation_id
            )
        except Refused as exc:
            show_refusal(form, exc)
    return _page(
        request,
        council,
        "register.html",
        "Register a provider",
        status=400 if form.errors else 200,
        form=form,
    )


@council_page("market.view")
def provider(request: HttpRequest, council: Council, organisation_id: str) -> HttpResponse:
    """A provider: its register entry and offers; for officers, what the council has noted and a form to
    note more; for its own staff, its flags."""
    actor = actor_of(request)
    found = selectors.provider(actor, council, organisation_id)
    assesses = _can(request, "market.providers.assess", council)
    own = acting_provider(actor, council)
    is_own = own is not None and own.pk == found.pk
    note_form = NoteForm(request.POST if request.POST.get("form") == "note" else None)
    profile = getattr(found, "market_profile", None)
    profile_form = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        initial={f: getattr(profile, f, False) for f in ("is_vcse", "is_sme", "is_public_service_mutual")},
    )
    if request.method == "POST":
        form = note_form if request.POST.get("form") == "note" else profile_form
        if form.is_valid():
            try:
                if form is note_form:
                    services.add_note(actor, council, found, **form.cleaned_data)
                else:
                    services.update_profile(actor, council, found, **form.cleaned_data)
                return redirect("market:provider", council_slug=council.slug, organisation_id=found.pk)
            except Refused as exc:
                show_refusal(form, exc)
        elif not (assesses or is_own):
            raise PermissionDenied("You cannot change this provider")
    return _page(
        request,
        council,
        "provider.html",
        found.name,
        status=400 if note_form.errors or profile_form.errors else 200,
        provider=found,
        profile=profile,
        offers=selectors.offers_of(found),
        notes=selectors.notes(actor, council, found)[:50] if assesses else [],
        standing=selectors.standing(council, found) if assesses else None,
        assesses=assesses,
        is_own=is_own,
        note_form=note_form,
        profile_form=profile_form,
        kinds=ProviderNote.Kind.choices,
    )


@council_page("market.view")
def offer(request: HttpRequest, council: Council, offer_id: str) -> HttpResponse:
    """One offer with every change to it (who, when, before, after), as a page and as CSV."""
    found = selectors.offer(actor_of(request), council, offer_id)
    history = selectors.offer_history(found)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"offer-{found.pk}-history.csv",
            ["when", "action", "field", "before", "after", "by"],
            (
                [
                    c.created_at.isoformat(),
                    c.action,
                    c.field_name,
                    c.previous_value,
                    c.new_value,
                    c.changed_by,
                ]
                for c in history
            ),
        )
    own = acting_provider(actor_of(request), council)
    return _page(
        request,
        council,
        "offer.html",
        f"{found.organisation.name}: {found.category.name}",
        offer=found,
        coverage=selectors.coverage_of(found),
        page=page_of(request, history),
        is_own=own is not None and own.pk == found.organisation_id,
    )


@council_page("market.offers.edit")
def edit_offer(request: HttpRequest, council: Council, category: str) -> HttpResponse:
    """A provider's own staff add or change its offer in a category; officers never reach this."""
    actor = actor_of(request)
    own = selectors.own_organisation(actor, council)
    market = selectors.category(council, category)
    existing = selectors.offers_of(own).filter(category=market).first()
    initial = {}
    if existing is not None:
        initial = selectors.offer_fields(existing) | {"coverage": " ".join(selectors.coverage_of(existing))}
    form = OfferForm(request.POST or None, initial=initial, category=market)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.set_offer(actor, council, own, market, form.cleaned_data)
            return redirect("market:offer", council_slug=council.slug, offer_id=made.pk)
        except Refused as exc:
            show_refusal(form, exc)
    return _page(
        request,
        council,
        "offer_form.html",
        f"Your offer: {market.name}",
        status=400 if form.errors else 200,
        form=form,
        category=market,
        organisation=own,
        existing=existing,
    )


@council_page("market.offers.edit")
def end_offer(request: HttpRequest, council: Council, offer_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.offer(actor, council, offer_id)
    error = None
    if request.method == "POST":
        try:
            services.end_offer(actor, council, found)
            return redirect("market:offer", council_slug=council.slug, offer_id=found.pk)
        except Refused as exc:
            error = exc.message
    return _page(
        request,
        council,
        "end_offer.html",
        f"Leave the market: {found.category.name}",
        status=409 if error else 200,
        offer=found,
        error=error,
    )


# --- Cost exercises and returns -------------------------------------------------------------------


@council_page("market.view")
def exercises(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    form = ExerciseForm(request.POST or None, categories=list(selectors.categories(council)))
    if request.method == "POST":
        if not _can(request, "market.manage", council):
            raise PermissionDenied("Only commissioners open cost exercises")
        if form.is_valid():
            try:
                made = returns.open_exercise(
                    actor,
                    council,
                    selectors.category_or_refuse(council, form.cleaned_data["category"]),
                    title=form.cleaned_data["title"],
                    closes_on=form.cleaned_data["closes_on"],
                )
                return redirect("market:exercise", council_slug=council.slug, exercise_id=made.pk)
            except Refused as exc:
                show_refusal(form, exc)
    return _page(
        request,
        council,
        "exercises.html",
        "Cost exercises",
        status=400 if form.errors else 200,
        page=page_of(request, selectors.exercises(actor, council)),
        form=form,
        manages=_can(request, "market.manage", council),
    )


@council_page("market.view")
def exercise(request: HttpRequest, council: Council, exercise_id: str) -> HttpResponse:
    """An exercise's figures (suppressed below 5 returns for providers), every return for officers, and
    for a provider its own return, by form or as a CSV through the import pipeline."""
    actor = actor_of(request)
    found = selectors.exercise(actor, council, exercise_id)
    own = acting_provider(actor, council)
    mine = selectors.returns(actor, found).filter(organisation=own).first() if own else None
    action = request.POST.get("form", "")
    return_form = ReturnForm(
        request.POST if action == "return" else None,
        template=found.template,
        initial={k: f"{v:f}" for k, v in selectors.return_lines(mine).items()} if mine else None,
    )
    upload = UploadForm(
        request.POST if action == "upload" else None, request.FILES if action == "upload" else None
    )
    if request.method == "POST":
        try:
            if action == "close":
                returns.close_exercise(actor, found)
            elif action == "upload" and own is not None and upload.is_valid():
                file = upload.cleaned_data["file"]
                run_now(
                    actor,
                    council,
                    "cost_returns",
                    file_name=file.name,
                    content=file.read(),
                    idempotency_key="",
                )
            elif action == "return" and own is not None and return_form.is_valid():
                returns.submit_return(actor, found, own, return_form.cleaned_data)
            elif own is None and action != "close":
                raise PermissionDenied("Only a provider's own staff submit its return")
            if not (upload.errors or return_form.errors):
                return redirect("market:exercise", council_slug=council.slug, exercise_id=found.pk)
        except ImportRejected as exc:
            for row in exc.rows[:20]:
                upload.add_error(None, f"{row.place}: {row.message}")
        except Refused as exc:
            show_refusal(return_form, exc)
    figures = selectors.exercise_figures(actor, found)
    every = selectors.sees_every_return(actor, council)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"cost-exercise-{found.pk}-figures.csv",
            ["line", "label", "unit", "count", "lower_quartile", "median", "upper_quartile"],
            (
                [f.code, f.label, f.unit, f.count, f.lower_quartile, f.median, f.upper_quartile]
                for f in figures
            ),
        )
    return _page(
        request,
        council,
        "exercise.html",
        found.title,
        status=400 if return_form.errors or upload.errors else 200,
        exercise=found,
        is_open=selectors.exercise_is_open(found),
        figures=figures,
        fair_cost=selectors.fair_cost(figures),
        returns=selectors.returns(actor, found) if every else [],
        mine=mine,
        own=own,
        return_form=return_form,
        upload=upload,
        lines=lines_of(found.template),
        manages=_can(request, "market.manage", council),
        suppress_below=SUPPRESS_BELOW,
    )


@council_page("market.returns.view")
def cost_return(request: HttpRequest, council: Council, exercise_id: str, return_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.exercise(actor, council, exercise_id)
    one = selectors.cost_return(actor, found, return_id)
    amounts = selectors.return_lines(one)
    return _page(
        request,
        council,
        "return.html",
        f"{one.organisation.name}'s return",
        exercise=found,
        cost_return=one,
        rows=[(line, amounts.get(line.code)) for line in lines_of(found.template)],
    )
