"""The JSON API at /api/v1: one NinjaAPI, one router per bounded context.

Signed-in browsers use their session (with CSRF on writes); programs send a personal token as
`Authorization: Bearer chub_…`. Routes that serve open data say `auth=None` explicitly; a test
proves every other route refuses an anonymous caller.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from civichub.core.api import router as core_router
from civichub.directory.api import router as directory_router
from civichub.integration.api import router as integration_router
from civichub.places.api import router as places_router


class ApiTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        from civichub.core.services import user_for_api_token

        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="civichub API",
    version="1",
    description="Councils, places and organisations on a shared civichub platform.",
    auth=[ApiTokenAuth(), django_auth],
    urls_namespace="api-1",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


api.add_router("/", core_router)
api.add_router("/", places_router)
api.add_router("/", integration_router)
api.add_router("/", directory_router)
