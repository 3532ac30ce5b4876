"""The Jinja2 environment: GOV.UK Frontend macros (govuk-frontend-jinja) plus Django's url/static/CSRF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.template.backends.jinja2 import Jinja2
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import cached_property
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """The response's Content-Security-Policy nonce as `cspNonce`, the name GOV.UK Frontend's template
    puts on its inline script (a context processor: every page template gets it)."""
    # str() now: django-csp's nonce is lazy and reads as false until first used, and GOV.UK Frontend's
    # template asks `if cspNonce` before anything has used it.
    return {"cspNonce": str(getattr(request, "csp_nonce", ""))}


def environment(**options: Any) -> Environment:
    loader = options.pop("loader")
    # govuk-frontend-jinja's own imports name "govuk_frontend_jinja/..." paths.
    env = Environment(
        loader=ChoiceLoader(
            [loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        **{k: v for k, v in options.items() if k != "autoescape"},
    )
    env.globals.update({"url": url, "static": static, "get_messages": get_messages})
    env.filters["number"] = number
    return env


class Jinja2Templates(Jinja2):
    """Jinja2, finding each app's templates in `<app>/templates/` like the rest of the house."""

    app_dirname = "templates"

    @cached_property
    def template_dirs(self) -> tuple[Any, ...]:
        # Only civichub's own apps: other apps' templates (django-ninja's docs page) are Django templates.
        own = Path(__file__).resolve().parent
        return tuple(d for d in super().template_dirs if Path(d).resolve().is_relative_to(own))
