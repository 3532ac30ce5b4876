"""The directory's pages: the resident's finder and service page, reporting a problem and following it,
and the council's own directory (services, proposed changes, history, who deals with reports).
The Open Referral UK API lives in `directory.oruk.api`."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, public, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.selectors import acting_provider, council_providers
from civichub.directory import changes, finder, reports, selectors
from civichub.directory import services as directory
from civichub.directory.details import FIELD_LABELS, HISTORY_LABELS
from civichub.directory.forms import ServiceForm
from civichub.directory.models import ChangeRequest, Report, Service
from civichub.directory.oruk import representation, search
from civichub.directory.oruk import selectors as public_directory
from civichub.places import selectors as places
from civichub.records import selectors as records


@public
def find(request: HttpRequest) -> HttpResponse:
    """The resident's finder: search, postcode and distance, age, day and category; no sign-in."""
    searched = any(request.GET.get(k) for k in ("q", "postcode", "age", "day", "category"))
    error: tuple[str | None, str] | None = None
    results: list[Service] = []
    total, query = 0, None
    if searched:
        try:
            query = finder.to_query(request.GET)
            results, total = search.search(query)
        except Refused as exc:
            error = (exc.field, exc.message)
    pages = max(1, -(-total // query.per_page)) if query else 1
    return render(
        request,
        "directory/find.html",
        {
            "title": "Find a service",
            "section": "find",
            "params": request.GET,
            "error": error,
            "searched": searched,
            "results": results,
            "total": total,
            "query": query,
            "pages": pages,
            "categories": selectors.taxonomy_terms(),
            "days": finder.DAY_NAMES,
            "miles": finder.MILES,
        },
        status=400 if error else 200,
    )


@public
def service_page(request: HttpRequest, service_id: str) -> HttpResponse:
    found = public_directory.service(str(service_id))
    return render(
        request,
        "directory/service.html",
        {
            "title": found.name,
            "section": "find",
            "service": found,
            "days": finder.DAY_NAMES,
            # The start of the golden thread: the council's published decisions about this service.
            "decisions": records.decisions_about(found.council, "service", str(found.pk)).order_by(
                "-decided_on"
            ),
        },
    )


@council_page("directory.services.publish")
def export(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's whole directory as one Open Referral UK page of full services (JSON download)."""
    documents = public_directory.council_documents(council)
    # The stored documents are already JSON: join them rather than parse and re-encode every one.
    envelope = json.dumps(
        representation.page([], len(documents), 1, max(1, len(documents)))
        | {"size": len(documents), "empty": not documents}
    )
    body = envelope.replace('"contents": []', '"contents": [' + ",".join(documents) + "]")
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-directory-oruk.json"'
    return response


@public
def report(request: HttpRequest) -> HttpResponse:
    """Report a problem: category, postcode and description; routed to whoever is responsible."""
    error = None
    if request.method == "POST":
        try:
            made = reports.submit(
                request.POST.get("category", ""),
                request.POST.get("postcode", ""),
                request.POST.get("description", ""),
                request.POST.get("email", ""),
            )
        except Refused as exc:
            error = (exc.field, exc.message)
        else:
            return redirect("directory:report-status", reference=made.reference)
    return render(
        request,
        "directory/report.html",
        {
            "title": "Report a problem",
            "section": "report",
            "error": error,
            "form": request.POST,
            "categories": selectors.report_categories(),
        },
        status=400 if error else 200,
    )


@public
def report_status(request: HttpRequest, reference: str) -> HttpResponse:
    found = selectors.report_status(reference)
    return render(
        request,
        "directory/report_status.html",
        {"title": f"Report {found.reference}", "section": "report", "report": found},
    )


@public
def track(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("reference", "").strip().upper()[:20]
    if reference:
        try:
            return redirect("directory:report-status", reference=selectors.report_status(reference).reference)
        except Http404:
            error = f"No report has the reference {reference}: check it against your confirmation"
    else:
        error = "Enter the reference of your report, like R-7K3M9QP" if "reference" in request.GET else ""
    return render(
        request,
        "directory/track.html",
        {"title": "Follow a report", "section": "report", "error": error, "reference": reference},
        status=400 if error else 200,
    )


@council_page("directory.reports.handle")
def report_queue(request: HttpRequest, council: Council) -> HttpResponse:
    queue = selectors.report_queue(actor_of(request), council)
    status = request.GET.get("status", "open")
    if status == "open":
        queue = queue.filter(status__in=Report.OPEN_STATUSES)
    return render(
        request,
        "directory/report_queue.html",
        {
            "title": "Reports",
            "section": "council",
            "council": council,
            "page": page_of(request, queue),
            "status": status,
        },
    )


@council_page("directory.reports.handle")
def handle_report(request: HttpRequest, council: Council, reference: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.report_to_handle(actor, council, reference)
    error = None
    if request.method == "POST":
        try:
            reports.update_status(actor, found, request.POST.get("status", ""), request.POST.get("note", ""))
        except Refused as exc:
            error = exc.message
        else:
            return redirect("directory:handle-report", council_slug=council.slug, reference=found.reference)
    return render(
        request,
        "directory/handle_report.html",
        {
            "title": f"Report {found.reference}",
            "section": "council",
            "council": council,
            "report": found,
            "ward_name": places.ward_names([found.ward_code]).get(found.ward_code, found.ward_code),
            "statuses": Report.Status.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@council_page("council.providers.manage")
def responsibilities(request: HttpRequest, council: Council) -> HttpResponse:
    """Who deals with each category of report: name a provider (council-wide or for a ward), or remove one."""
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                reports.remove_responsibility(
                    actor, selectors.responsibility(actor, council, request.POST["remove"])
                )
            else:
                reports.set_responsibility(
                    actor,
                    council,
                    category_id=request.POST.get("category", ""),
                    organisation_id=request.POST.get("organisation", ""),
                    ward_code=request.POST.get("ward", ""),
                    arrangement=request.POST.get("arrangement", ""),
                )
        except Refused as exc:
            error = (exc.field, exc.message)
        else:
            return redirect("directory:responsibilities", council_slug=council.slug)
    return render(
        request,
        "directory/responsibilities.html",
        {
            "title": "Who deals with reports",
            "section": "council",
            "council": council,
            "error": error,
            "form": request.POST,
            "entries": selectors.responsibilities(actor, council),
            "categories": selectors.report_categories(),
            "providers": council_providers(actor, council),
            "wards": selectors.council_wards(council),
        },
        status=400 if error else 200,
    )


@council_page("directory.services.view")
def managed_services(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's services (a provider sees its own), with what waits for the council's approval."""
    actor = actor_of(request)
    services = selectors.managed_services(actor, council).order_by("name", "id")
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-services.csv",
            ["service_id", "name", "provider", "public", "last_changed"],
            ([s.pk, s.name, s.organisation.name, s.is_published, s.updated_at.isoformat()] for s in services),
        )
    pending = selectors.change_requests(actor, council).filter(status=ChangeRequest.Status.PENDING)
    return render(
        request,
        "directory/managed_services.html",
        {
            "title": "Services",
            "section": "council",
            "council": council,
            "page": page_of(request, services),
            "pending": pending.count(),
            "can_propose": policy.allows(user_of(request), "directory.services.propose", council),
        },
    )


def _service_form(request: HttpRequest, council: Council, **kwargs: Any) -> ServiceForm:
    wards = selectors.service_wards(actor_of(request), council)
    return ServiceForm(request.POST or None, wards=wards, **kwargs)


def _submitted(council: Council, done: changes.Submitted) -> HttpResponse:
    if done.change is not None:
        return redirect("directory:change", council_slug=council.slug, change_id=done.change.pk)
    assert done.service is not None
    return redirect("directory:managed-service", council_slug=council.slug, service_id=done.service.pk)


@council_page("directory.services.propose")
def new_service(request: HttpRequest, council: Council) -> HttpResponse:
    """A new service: published at once by the council's commissioners, proposed by a provider."""
    actor = actor_of(request)
    providers = council_providers(actor, council) if acting_provider(actor, council) is None else None
    organisations = [(str(p.organisation_id), p.organisation.name) for p in providers or []]
    form = _service_form(request, council, organisations=organisations if providers is not None else None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("organisation")
        organisation = next(
            (p.organisation for p in providers or [] if str(p.organisation_id) == chosen), None
        )
        try:
            return _submitted(
                council, changes.submit(actor, council, form.details(), organisation=organisation)
            )
        except Refused as exc:
            form.show(exc)
    return _render_service_form(request, council, form, None)


@council_page("directory.services.propose")
def edit_service(request: HttpRequest, council: Council, service_id: str) -> HttpResponse:
    """Change a service: at once for commissioners, as a change request for the council from a provider."""
    actor = actor_of(request)
    found = selectors.managed_service(actor, council, service_id)
    initial, rows = ServiceForm.initial_from(selectors.details_of(found))
    form = _service_form(request, council, initial=initial, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            return _submitted(council, changes.submit(actor, council, form.details(), service=found))
        except Refused as exc:
            form.show(exc)
    return _render_service_form(request, council, form, found)


def _render_service_form(
    request: HttpRequest, council: Council, form: ServiceForm, service: Service | None
) -> HttpResponse:
    return render(
        request,
        "directory/service_form.html",
        {
            "title": f"Change {service.name}" if service else "Add a service",
            "section": "council",
            "council": council,
            "form": form,
            "service": service,
            "publishes": policy.allows(user_of(request), "directory.services.publish", council),
        },
        status=400 if form.errors else 200,
    )


@council_page("directory.services.view")
def managed_service(request: HttpRequest, council: Council, service_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.managed_service(actor, council, service_id)
    user = user_of(request)
    return render(
        request,
        "directory/managed_service.html",
        {
            "title": found.name,
            "section": "council",
            "council": council,
            "service": found,
            "says": [(FIELD_LABELS[k], v) for k, v in selectors.details_of(found).describe().items()],
            "pending": selectors.change_requests(actor, council).filter(
                service=found, status=ChangeRequest.Status.PENDING
            ),
            "can_propose": found.is_published and policy.allows(user, "directory.services.propose", council),
            "can_withdraw": found.is_published and policy.allows(user, "directory.services.publish", council),
        },
    )


@council_page("directory.services.publish")
def withdraw_service(request: HttpRequest, council: Council, service_id: str) -> HttpResponse:
    """Take a service out of the public directory, once the commissioner confirms (and says why)."""
    actor = actor_of(request)
    found = selectors.managed_service(actor, council, service_id)
    error = None
    if request.method == "POST":
        try:
            directory.withdraw_service(actor, found, request.POST.get("reason", ""))
        except Refused as exc:
            error = exc.message
        else:
            return redirect("directory:managed-service", council_slug=council.slug, service_id=found.pk)
    return render(
        request,
        "directory/withdraw_service.html",
        {
            "title": f"Withdraw {found.name}",
            "section": "council",
            "council": council,
            "service": found,
            "error": error,
        },
        status=409 if error else 200,  # the one refusal left here: it is already withdrawn
    )


HISTORY_COLUMNS = [
    "id",
    "resource_id",
    "resource_type",
    "last_action_date",
    "last_action_type",
    "field_name",
    "previous_value",
    "replacement_value",
    "updated_by",
]


@council_page("directory.services.view")
def service_history(request: HttpRequest, council: Council, service_id: str) -> HttpResponse:
    """Every change to a service, field by field (the HSDS metadata), with a CSV download."""
    actor = actor_of(request)
    found, records = selectors.service_history(actor, council, service_id)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"service-{found.pk}-history.csv",
            HISTORY_COLUMNS,
            (
                [
                    r.pk,
                    r.resource_id,
                    r.resource_type,
                    r.created_at.isoformat(),
                    r.last_action_type,
                    r.field_name,
                    r.previous_value,
                    r.replacement_value,
                    r.updated_by,
                ]
                for r in records
            ),
        )
    return render(
        request,
        "directory/service_history.html",
        {
            "title": f"History of {found.name}",
            "section": "council",
            "council": council,
            "service": found,
            "page": page_of(request, records),
            "labels": HISTORY_LABELS,
        },
    )


@council_page("directory.services.view")
def change_requests(request: HttpRequest, council: Council) -> HttpResponse:
    status = request.GET.get("status", ChangeRequest.Status.PENDING)
    found = selectors.change_requests(actor_of(request), council)
    if status in ChangeRequest.Status.values:
        found = found.filter(status=status)
    return render(
        request,
        "directory/changes.html",
        {
            "title": "Changes to services",
            "section": "council",
            "council": council,
            "page": page_of(request, found),
            "status": status,
            "statuses": ChangeRequest.Status.choices,
        },
    )


@council_page("directory.services.view")
def change_request(request: HttpRequest, council: Council, change_id: str) -> HttpResponse:
    """One proposed change with its diff; commissioners approve or turn it down, providers may withdraw."""
    actor = actor_of(request)
    change = selectors.change_request(actor, council, change_id)
    user = user_of(request)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("approve", "reject"):
                changes.decide(actor, change, approve=action == "approve", note=request.POST.get("note", ""))
            elif action == "withdraw":
                changes.withdraw(actor, change)
            else:
                raise Refused.on("decision", "Choose whether to approve it or not")
        except Refused as exc:
            error = (exc.field, exc.message)
        else:
            return redirect("directory:change", council_slug=council.slug, change_id=change.pk)
    return render(
        request,
        "directory/change.html",
        {
            "title": f"Change to {change.name}",
            "section": "council",
            "council": council,
            "change": change,
            "view": selectors.change_view(change),
            "pending": change.status == ChangeRequest.Status.PENDING,
            "can_decide": policy.allows(user, "directory.services.publish", council),
            "can_withdraw": policy.allows(user, "directory.services.propose", council),
            "error": error,
            "note": request.POST.get("note", ""),
        },
        status=400 if error else 200,
    )
