"""Integration pages: the event catalogue, a council's events, and webhook endpoints with their logs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civichub.core import policy, pruning
from civichub.core import selectors as core_selectors
from civichub.core.access import actor_of, council_page, page_of, public, user_of
from civichub.core.catalogue import CATALOGUE
from civichub.core.errors import Refused
from civichub.core.forms import show_refusal
from civichub.core.importing.registry import IMPORT_TYPES, MAX_BYTES, council_types
from civichub.core.importing.runner import start_import
from civichub.core.models import Council
from civichub.core.retention import MAX_DAYS, MIN_DAYS
from civichub.core.selectors import acting_provider
from civichub.integration import selectors, services
from civichub.integration.forms import EndpointForm, RetentionForm

PAGE = 50


@public
def event_types(request: HttpRequest) -> HttpResponse:
    types = sorted(CATALOGUE.values(), key=lambda t: t.name)
    return render(request, "integration/event_types.html", {"title": "Event catalogue", "types": types})


@council_page("integration.events.view")
def events(request: HttpRequest, council: Council) -> HttpResponse:
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    items = selectors.events(actor_of(request), council, after=after, limit=PAGE + 1)
    return render(
        request,
        "integration/events.html",
        {
            "council": council,
            "section": "council",
            "title": "Events",
            "events": items[:PAGE],
            "next_cursor": items[PAGE - 1].seq if len(items) > PAGE else None,
        },
    )


@council_page("integration.webhooks.manage")
def webhooks(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.register_endpoint(
                actor,
                council,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
                organisation=acting_provider(actor, council),
            )
        except Refused as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Webhook endpoint registered: copy its signing secret below")
            return redirect("integration:webhook", council_slug=council.slug, endpoint_id=endpoint.pk)
    return render(
        request,
        "integration/webhooks.html",
        {
            "council": council,
            "section": "council",
            "title": "Webhooks",
            "form": form,
            "endpoints": selectors.endpoints(actor, council),
        },
        status=400 if form.errors else 200,
    )


@council_page("integration.webhooks.manage")
def webhook(request: HttpRequest, council: Council, endpoint_id: str) -> HttpResponse:
    endpoint = selectors.endpoint(actor_of(request), council, endpoint_id)
    page = page_of(request, selectors.deliveries(endpoint))
    return render(
        request,
        "integration/webhook.html",
        {
            "council": council,
            "section": "council",
            "title": endpoint.url,
            "endpoint": endpoint,
            "page": page,
        },
    )


@require_POST
@council_page("integration.webhooks.manage")
def webhook_action(request: HttpRequest, council: Council, endpoint_id: str, action: str) -> HttpResponse:
    actor = actor_of(request)
    endpoint = selectors.endpoint(actor, council, endpoint_id)
    if action == "rotate-secret":
        services.rotate_secret(actor, endpoint)
        messages.success(request, "New secret made. The old one also signs deliveries for the next 24 hours.")
    elif action in ("enable", "disable"):
        services.set_active(actor, endpoint, action == "enable")
        messages.success(request, f"Endpoint {'switched on' if action == 'enable' else 'switched off'}")
    else:
        raise Http404("No such action")
    return redirect("integration:webhook", council_slug=council.slug, endpoint_id=endpoint.pk)


@council_page("integration.webhooks.manage")
def delivery(request: HttpRequest, council: Council, endpoint_id: str, delivery_id: str) -> HttpResponse:
    endpoint = selectors.endpoint(actor_of(request), council, endpoint_id)
    found = selectors.delivery(endpoint, delivery_id)
    return render(
        request,
        "integration/delivery.html",
        {
            "council": council,
            "section": "council",
            "title": "Delivery",
            "endpoint": endpoint,
            "delivery": found,
            "attempts": selectors.attempts(found),
        },
    )


@require_POST
@council_page("integration.webhooks.manage")
def redeliver(request: HttpRequest, council: Council, endpoint_id: str, delivery_id: str) -> HttpResponse:
    actor = actor_of(request)
    endpoint = selectors.endpoint(actor, council, endpoint_id)
    services.redeliver(actor, selectors.delivery(endpoint, delivery_id))
    messages.success(request, "The delivery will be sent again in a moment")
    return redirect(
        "integration:delivery", council_slug=council.slug, endpoint_id=endpoint.pk, delivery_id=delivery_id
    )


@council_page("integration.imports.run")
def imports(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = ("file", "Choose a file to import")
        else:
            try:
                run, is_new = start_import(
                    actor,
                    council,
                    request.POST.get("import_type", ""),
                    file_name=upload.name or "upload.csv",
                    content=upload.read(MAX_BYTES + 1),
                )
            except Refused as exc:
                error = (exc.field or "file", exc.message)
            else:
                if not is_new:
                    messages.success(
                        request,
                        f"This file was already imported on {run.created_at:%-d %B %Y}: nothing new was done",
                    )
                return redirect("integration:import", council_slug=council.slug, run_id=run.pk)
    page = page_of(request, selectors.imports(actor, council))
    return render(
        request,
        "integration/imports.html",
        {
            "council": council,
            "section": "council",
            "title": "Imports",
            "page": page,
            "error": error,
            # Only what this person may run: a provider's cost return is not a commissioner's to upload.
            "types": [t for t in council_types() if policy.allows(user_of(request), t.permission, council)],
        },
        status=400 if error else 200,
    )


@council_page("integration.imports.run")
def import_run(request: HttpRequest, council: Council, run_id: str) -> HttpResponse:
    run = selectors.import_run(actor_of(request), council, run_id)
    return render(
        request,
        "integration/import.html",
        {
            "council": council,
            "section": "council",
            "title": f"Import of {run.file_name}",
            "run": run,
            "kind": IMPORT_TYPES.get(run.import_type),
        },
    )


@council_page("council.retention.manage")
def retention(request: HttpRequest, council: Council) -> HttpResponse:
    """How long the council keeps its delivered events, delivery attempts, finished jobs and imports."""
    actor = actor_of(request)
    periods = core_selectors.retention_periods(actor, council)
    form = RetentionForm(request.POST or None, kinds=[p.kind for p in periods])
    if request.method == "POST" and form.is_valid():
        try:
            pruning.set_periods(actor, council, form.cleaned_data)
        except Refused as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Retention periods saved")
            return redirect("integration:retention", council_slug=council.slug)
    return render(
        request,
        "integration/retention.html",
        {
            "council": council,
            "section": "council",
            "title": "How long records are kept",
            "form": form,
            "periods": periods,
            "min_days": MIN_DAYS,
            "max_days": MAX_DAYS,
        },
        status=400 if form.errors else 200,
    )
