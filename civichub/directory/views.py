"""The Open Referral UK API at /openreferral/: public, no key, CORS open, every response in the shape
of the UK profile's schemas. Bad parameters get a 400 with a message naming the parameter."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from civichub.core.access import actor_of, council_page, page_of, public
from civichub.core.models import Council
from civichub.core.selectors import council_providers
from civichub.directory import finder, oruk, reports, selectors
from civichub.directory.models import Report, Service


def oruk_endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponseBase]:
    """JSON out, CORS open, 400 for a bad query and 404 for an unknown id, each with a `detail`."""

    @public
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            result = view(request, *args, **kwargs)
            response: HttpResponse = (
                result
                if isinstance(result, HttpResponse)
                else JsonResponse(result, json_dumps_params={"separators": (",", ":")})
            )
        except selectors.BadQuery as exc:
            response = JsonResponse({"detail": str(exc)}, status=400)
        except Http404 as exc:
            response = JsonResponse({"detail": str(exc) or "Not found"}, status=404)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


@oruk_endpoint
def root(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": oruk.HSDS_VERSION,
        "profile": oruk.PROFILE,
        "openapi_url": request.build_absolute_uri("/openreferral/openapi.json"),
    }


@oruk_endpoint
def services(request: HttpRequest) -> dict[str, Any]:
    query = selectors.parse_query(request.GET)
    found, total = selectors.search(query)
    return oruk.page([oruk.service_summary(s) for s in found], total, query.page, query.per_page)


@oruk_endpoint
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    return HttpResponse(selectors.service_document(service_id), content_type="application/json")


@oruk_endpoint
def taxonomies(request: HttpRequest) -> dict[str, Any]:
    items = [oruk.taxonomy(t) for t in selectors.taxonomies()]
    return oruk.page(items, len(items), 1, max(1, len(items)))


@oruk_endpoint
def taxonomy_terms(request: HttpRequest) -> dict[str, Any]:
    query = selectors.parse_query(request.GET)
    terms = selectors.taxonomy_terms(query.taxonomy_id)
    items = [oruk.taxonomy_term(t) for t in terms[query.window]]
    return oruk.page(items, terms.count(), query.page, query.per_page)


@oruk_endpoint
def taxonomy(request: HttpRequest, taxonomy_id: str) -> dict[str, Any]:
    return oruk.taxonomy(selectors.taxonomy(taxonomy_id))


@oruk_endpoint
def taxonomy_term(request: HttpRequest, term_id: str) -> dict[str, Any]:
    return oruk.taxonomy_term(selectors.taxonomy_term(term_id))


@oruk_endpoint
def services_at_locations(request: HttpRequest) -> dict[str, Any]:
    query = selectors.parse_query(request.GET)
    rows, total = selectors.services_at_locations(query)
    return oruk.page([oruk.service_at_location(r) for r in rows], total, query.page, query.per_page)


@oruk_endpoint
def service_at_location(request: HttpRequest, sal_id: str) -> dict[str, Any]:
    return oruk.service_at_location(selectors.service_at_location(sal_id))


@oruk_endpoint
def organizations(request: HttpRequest) -> dict[str, Any]:
    query = selectors.parse_query(request.GET)
    orgs = selectors.organisations_with_services()
    if query.text:
        orgs = orgs.filter(name__icontains=query.text)
    items = [oruk.organization_summary(o) for o in orgs[query.window]]
    return oruk.page(items, orgs.count(), query.page, query.per_page)


@oruk_endpoint
def organization(request: HttpRequest, org_id: str) -> dict[str, Any]:
    return oruk.organization_full(*selectors.organisation(org_id))


@public
def find(request: HttpRequest) -> HttpResponse:
    """The resident's finder: search, postcode and distance, age, day and category; no sign-in."""
    searched = any(request.GET.get(k) for k in ("q", "postcode", "age", "day", "category"))
    error: tuple[str, str] | None = None
    results: list[Service] = []
    total, query = 0, None
    if searched:
        try:
            query = finder.to_query(request.GET)
            results, total = selectors.search(query)
        except finder.FinderError as exc:
            error = (exc.field, str(exc))
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
    found = selectors.service(str(service_id))
    return render(
        request,
        "directory/service.html",
        {
            "title": found.name,
            "section": "find",
            "service": found,
            "days": finder.DAY_NAMES,
        },
    )


@council_page("directory.services.publish")
def export(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's whole directory as one Open Referral UK page of full services (JSON download)."""
    documents = selectors.council_documents(council)
    # The stored documents are already JSON: join them rather than parse and re-encode every one.
    envelope = json.dumps(
        oruk.page([], len(documents), 1, max(1, len(documents)))
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
        except reports.ReportNotAccepted as exc:
            error = (exc.field, str(exc))
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
        {
            "title": f"Report {found.reference}",
            "section": "report",
            "report": found,
        },
    )


@public
def track(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("reference", "").strip().upper()
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
    page = page_of(request, queue)
    return render(
        request,
        "directory/report_queue.html",
        {
            "title": "Reports",
            "section": "council",
            "council": council,
            "page": page,
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
        except reports.ReportNotAccepted as exc:
            error = str(exc)
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
                found = selectors.responsibilities(actor, council).filter(pk=request.POST["remove"]).first()
                if found is None:
                    raise Http404("No such responsibility")
                reports.remove_responsibility(actor, found)
            else:
                reports.set_responsibility(
                    actor,
                    council,
                    category_id=request.POST.get("category", ""),
                    organisation_id=request.POST.get("organisation", ""),
                    ward_code=request.POST.get("ward", ""),
                    arrangement=request.POST.get("arrangement", ""),
                )
        except reports.ReportNotAccepted as exc:
            error = (exc.field, str(exc))
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
        },
        status=400 if error else 200,
    )
