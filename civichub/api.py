"""The JSON API at /api/v1: one NinjaAPI, one router per bounded context.

Signed-in browsers use their session (with CSRF on writes); programs send a personal token as
`Authorization: Bearer chub_…`. Routes that serve open data say `auth=None` explicitly; a test
proves every other route refuses an anonymous caller.

One way to refuse: whatever a service raises (`Refused`, `NotFound`, `Conflict`), a 404, a permission
refused or a parameter out of range, the caller gets `{"detail": …, "errors": [{"field", "message"}]}`
with the right status, and the OpenAPI says which of those statuses each operation can answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from civichub.commissioning.api import router as commissioning_router
from civichub.commissioning.api_money import router as money_router
from civichub.commissioning.ocds.api import router as ocds_router
from civichub.core import throttle
from civichub.core.api import router as core_router
from civichub.core.errors import Refused
from civichub.directory.api import router as directory_router
from civichub.funding.api import router as funding_router
from civichub.funding.bids_api import router as funding_bids_router
from civichub.funding.giving_api import router as funding_giving_router
from civichub.integration.api import router as integration_router
from civichub.market.api import router as market_router
from civichub.needs.api import router as needs_router
from civichub.people.api import router as people_router
from civichub.places.api import router as places_router
from civichub.records.api import router as records_router
from civichub.records.register_api import router as decisions_router


class ApiTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        from civichub.core.services import user_for_api_token

        user = user_for_api_token(token)
        if user is not None:
            request.user = user
            return user
        # A bad token is a failed sign-in: from an address that must wait, it is a 429, not a guess.
        address = throttle.address_of(request)
        throttle.check("", address)
        throttle.record_failure("", address)
        return None


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words"},
        "errors": {
            "type": "array",
            "description": "Each field at fault (a parameter name or JSON path) and why",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
ERROR_WORDS = {
    400: "The request was refused: the errors name each parameter or field and why",
    401: "No valid session or API token",
    403: "You do not have permission for this",
    404: "Not found (or not visible to you)",
    409: "The thing is not in a state that allows this",
    429: "Too many failed sign-ins from here: wait for Retry-After seconds",
}


class CivichubAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Document, on every operation, each error status it can answer, all in the one error shape.

        The statuses follow from the operation itself, so they cannot drift from the code: any parameter
        or body can be refused (400); a path names something that may not exist (404); an operation that
        needs a caller can meet none (401) or one without permission (403); a write can meet a state that
        does not allow it (409).
        """
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                statuses = set()
                # Even a plain string in the path can be refused (a postcode that is not one).
                if "requestBody" in operation or operation.get("parameters"):
                    statuses.add(400)
                if "{" in path:
                    statuses.add(404)
                if operation.get("security"):
                    statuses |= {401, 403, 429}
                    if method in ("post", "put", "patch", "delete"):
                        statuses.add(409)
                responses = operation.setdefault("responses", {})
                # An operation's own error responses have int keys; ours must not add a second "400".
                for status in sorted(statuses - {int(code) for code in responses if str(code).isdigit()}):
                    responses.setdefault(
                        str(status),
                        {
                            "description": ERROR_WORDS[status],
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                            },
                        },
                    )
        return schema


api = CivichubAPI(
    title="civichub API",
    version="1",
    description="Councils, places and organisations on a shared civichub platform.",
    auth=[ApiTokenAuth(), django_auth],
    urls_namespace="api-1",
)


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if isinstance(exc, throttle.Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You do not have permission for this", [])


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found", [])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), [])


@api.exception_handler(MultiPartParserError)
def unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A form body that cannot be parsed (no boundary, cut short) is the caller's fault, as in Django."""
    return _error(request, 400, f"The form data could not be read: {exc}", [])


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters and bodies that fail their schema: a 400 naming each field (not ninja's bare 422)."""
    errors: list[dict[str, Any]] = []
    for error in exc.errors:
        # loc is ("query", "limit") or ("body", "payload", "locations", 0, "postcode"): keep the field.
        sources = ("query", "path", "body", "form")
        location = [str(part) for part in error.get("loc", ()) if part not in sources]
        if location and location[0] in ("payload", "filters", "data"):
            location = location[1:]
        errors.append({"field": ".".join(location) or None, "message": str(error.get("msg", "is not valid"))})
    detail = "; ".join(
        f"{e['field']}: {e['message']}" if e["field"] else str(e["message"]) for e in errors[:5]
    )
    return _error(request, 400, detail or "The request is not valid", errors)


api.add_router("/", core_router)
api.add_router("/", places_router)
api.add_router("/", integration_router)
api.add_router("/", directory_router)
api.add_router("/", market_router)
api.add_router("/", needs_router)
api.add_router("/", funding_router)
api.add_router("/", funding_bids_router)
api.add_router("/", funding_giving_router)
api.add_router("/", records_router)
api.add_router("/", decisions_router)
api.add_router("/", commissioning_router)
api.add_router("/", money_router)
api.add_router("/", ocds_router)
api.add_router("/", people_router)
