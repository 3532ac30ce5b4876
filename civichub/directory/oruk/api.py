"""The Open Referral UK API at /openreferral/: public, no key, CORS open, every response in the shape
of the UK profile's schemas.

The profile specifies no error shape, so its errors take the platform's own: a bad parameter is a 400
and an unknown id a 404, each `{"detail": …, "errors": [{"field": …, "message": …}]}`. Every endpoint
only reads: a GET never writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_GET

from civichub.core.access import public
from civichub.core.errors import Refused
from civichub.directory.oruk import representation as oruk
from civichub.directory.oruk import search
from civichub.directory.oruk import selectors as directory
from civichub.directory.oruk.query import parse_query


def oruk_endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponseBase]:
    """JSON out, CORS open, refusals (400) and unknown ids (404) in the one error shape."""

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
        except Refused as exc:
            response = JsonResponse(exc.as_dict(), status=exc.status)
        except Http404 as exc:
            response = JsonResponse({"detail": str(exc) or "Not found", "errors": []}, status=404)
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


def oruk_openapi_file() -> Path:
    return Path(settings.SHARED_DIR) / "standards" / "oruk" / "openapi30.json"


@oruk_endpoint
def openapi(request: HttpRequest) -> dict[str, Any]:
    """The UK profile's own OpenAPI, which this API implements, read in place from the shared standards
    (never copied into the repository), with this server as its base."""
    spec: dict[str, Any] = json.loads(oruk_openapi_file().read_text())
    spec["servers"] = [{"url": request.build_absolute_uri("/openreferral")}]
    return spec


@oruk_endpoint
def services(request: HttpRequest) -> dict[str, Any]:
    query = parse_query(request.GET)
    found, total = search.search(query)
    return oruk.page([oruk.service_summary(s) for s in found], total, query.page, query.per_page)


@oruk_endpoint
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    return HttpResponse(directory.service_document(service_id), content_type="application/json")


@oruk_endpoint
def taxonomies(request: HttpRequest) -> dict[str, Any]:
    items = [oruk.taxonomy(t) for t in directory.taxonomies()]
    return oruk.page(items, len(items), 1, max(1, len(items)))


@oruk_endpoint
def taxonomy_terms(request: HttpRequest) -> dict[str, Any]:
    query = parse_query(request.GET)
    terms = directory.taxonomy_terms(query.taxonomy_id)
    items = [oruk.taxonomy_term(t) for t in terms[query.window]]
    return oruk.page(items, terms.count(), query.page, query.per_page)


@oruk_endpoint
def taxonomy(request: HttpRequest, taxonomy_id: str) -> dict[str, Any]:
    return oruk.taxonomy(directory.taxonomy(taxonomy_id))


@oruk_endpoint
def taxonomy_term(request: HttpRequest, term_id: str) -> dict[str, Any]:
    return oruk.taxonomy_term(directory.taxonomy_term(term_id))


@oruk_endpoint
def services_at_locations(request: HttpRequest) -> dict[str, Any]:
    query = parse_query(request.GET)
    rows, total = search.services_at_locations(query)
    return oruk.page([oruk.service_at_location(r) for r in rows], total, query.page, query.per_page)


@oruk_endpoint
def service_at_location(request: HttpRequest, sal_id: str) -> dict[str, Any]:
    return oruk.service_at_location(directory.service_at_location(sal_id))


@oruk_endpoint
def organizations(request: HttpRequest) -> dict[str, Any]:
    query = parse_query(request.GET)
    orgs = directory.organisations_with_services()
    if query.text:
        orgs = orgs.filter(name__icontains=query.text)
    items = [oruk.organization_summary(o) for o in orgs[query.window]]
    return oruk.page(items, orgs.count(), query.page, query.per_page)


@oruk_endpoint
def organization(request: HttpRequest, org_id: str) -> dict[str, Any]:
    return oruk.organization_full(*directory.organisation(org_id))
