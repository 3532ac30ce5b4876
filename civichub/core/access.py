"""How a web request reaches council data: the council from the URL, checked against the user.

Every page is either marked `@public` or requires sign-in; a test walks every URL to prove it. A
council page (`/c/<council_slug>/…`) resolves the council from the URL (404 if there is none), then
asks the policy whether this user may see it (403 if not), and hands views an `Actor` acting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.models import User

View = Callable[..., HttpResponseBase]
PAGE_SIZE = 50


def page_of(request: HttpRequest, items: QuerySet[Any], size: int = PAGE_SIZE) -> Page[Any]:
    """The page of `items` that the request's ?page= asks for (the last page if it asks for too much)."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def public(view: View) -> View:
    """Mark a view as open to anyone, signed in or not."""
    view.civichub_public = True  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        request.actor = Actor(user=request.user)  # type: ignore[attr-defined, arg-type]
        return view(request, *args, **kwargs)

    return wrapper


def council_page(permission: str) -> Callable[[View], View]:
    """For views under /c/<council_slug>/: resolve the council and require `permission` in it."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, council_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            from civichub.core.selectors import council_by_slug

            council = council_by_slug(council_slug)
            if not policy.allows(request.user, permission, council):  # type: ignore[arg-type]
                raise PermissionDenied(f"You do not have access to this part of {council.short_name}")
            request.council = council  # type: ignore[attr-defined]
            request.actor = Actor(user=request.user, council=council)  # type: ignore[attr-defined, arg-type]
            return view(request, council, *args, **kwargs)

        return wrapper

    return decorator


def actor_of(request: HttpRequest) -> Actor:
    """The Actor that `signed_in` or `council_page` attached to the request."""
    return request.actor  # type: ignore[attr-defined]


def user_of(request: HttpRequest) -> User:
    """The signed-in user (the decorators have already turned anyone else away)."""
    assert isinstance(request.user, User)
    return request.user
