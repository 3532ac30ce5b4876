"""The one way to refuse, on the web too: a refusal no view caught becomes a page, never a 500.

Views catch `Refused` where they have a form to show it on. Anything else (a bad query parameter on a
list page, a state that changed under the user) reaches here and is shown with its status and every
message, in the GOV.UK error summary. The API has its own handler (civichub/api.py): ninja catches
refusals before this middleware sees them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civichub.core.errors import NotFound, Refused

TITLES = {400: "There is a problem with that request", 404: "Page not found", 409: "That cannot be done now"}


class RefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Refused) or isinstance(exception, NotFound):
            return None  # a NotFound is also an Http404: Django's own 404 page shows it
        return render(
            request,
            "refused.html",
            {"title": TITLES.get(exception.status, TITLES[400]), "refusal": exception},
            status=exception.status,
        )


class PermissionsPolicyMiddleware:
    """Switch off the browser features no page uses (camera, location…), on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
