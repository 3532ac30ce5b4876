"""Core pages: start, sign in/out, sending each role home, the platform admin's councils, the provider's
home, providers, people with access, organisations and API tokens. Thin: services and selectors do the
work. The council overview and the councillor's and resident's homes show places, so places serves them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from civichub.core import policy, selectors, services, throttle
from civichub.core.access import actor_of, council_page, page_of, public, signed_in, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.forms import AddCouncilForm, ApiTokenForm, show_refusal
from civichub.core.models import Council, Organisation, Role, User


@public
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.html", {"councils": selectors.councils(), "title": "Welcome"})


sign_out = public(auth_views.LogoutView.as_view())


ROLE_HOMES = {
    Role.COMMISSIONER: "core:council",
    Role.ANALYST: "core:council",
    Role.RECORDS_MANAGER: "core:council",
    Role.CASEWORKER: "core:council",
    Role.COUNCILLOR: "places:councillor-home",
    Role.PROVIDER_STAFF: "core:provider-home",
    Role.RESIDENT: "places:resident-home",
}


def home_in(user: User, council: Council) -> str | None:
    """The page of the user's own role in this council other than its overview (the provider's or the
    resident's home, say), or None if they hold no such role there."""
    held = policy.roles_in(user, council)
    for role, name in ROLE_HOMES.items():
        if role in held and name != "core:council":
            return reverse(name, kwargs={"council_slug": council.slug})
    return None


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their role."""
    membership = selectors.primary_membership(user_of(request))
    if membership is None:
        return render(request, "core/no_access.html", {"title": "You have no role yet"})
    if membership.role == Role.PLATFORM_ADMIN:
        return redirect("core:platform")
    assert membership.council is not None
    return redirect(ROLE_HOMES[Role(membership.role)], council_slug=membership.council.slug)


@signed_in
def platform(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    policy.require(actor, "platform.manage")
    form = AddCouncilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.add_council(actor, form.cleaned_data["gss_code"])
        except Refused as exc:
            form.add_error("gss_code", exc.message)
        else:
            messages.success(request, f"{council.name} is now on the platform")
            return redirect("core:platform")
    return render(
        request,
        "core/platform.html",
        {
            "councils": selectors.councils(),
            "imports": selectors.platform_imports(actor)[:20],
            "locked": throttle.locked_accounts(),
            "form": form,
            "title": "Councils on the platform",
        },
        status=400 if form.errors else 200,
    )


@council_page("council.view")
def provider_home(request: HttpRequest, council: Council) -> HttpResponse:
    memberships = selectors.memberships_of(user_of(request)).filter(council=council, role=Role.PROVIDER_STAFF)
    organisations = [m.organisation for m in memberships if m.organisation]
    return render(
        request,
        "core/provider_home.html",
        {
            "council": council,
            "title": "Your organisation",
            "organisations": [(o, selectors.councils_served_by(o)) for o in organisations],
        },
    )


@council_page("council.providers.view")
def providers(request: HttpRequest, council: Council) -> HttpResponse:
    entries = selectors.council_providers(actor_of(request), council)
    return render(
        request,
        "core/providers.html",
        {
            "council": council,
            "section": "council",
            "title": "Providers",
            "page": page_of(request, entries),
        },
    )


@council_page("council.providers.view")
def provider(request: HttpRequest, council: Council, provider_id: str) -> HttpResponse:
    entry = selectors.council_provider(actor_of(request), council, provider_id)
    return render(
        request,
        "core/provider.html",
        {
            "council": council,
            "section": "council",
            "title": entry.organisation.name,
            "entry": entry,
            "served": selectors.councils_served_by(entry.organisation),
        },
    )


@council_page("council.people_with_access.view")
def people_with_access(request: HttpRequest, council: Council) -> HttpResponse:
    members = selectors.people_with_access(
        actor_of(request),
        council,
        purpose="Reviewing who has access to the council's data",
    )
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-people-with-access.csv",
            ["username", "name", "email", "role", "organisation", "ward"],
            (
                [
                    m.user.username,
                    m.user.display_name,
                    m.user.email,
                    m.get_role_display(),
                    m.organisation.name if m.organisation else "",
                    m.ward_code,
                ]
                for m in members
            ),
        )
    return render(
        request,
        "core/people_with_access.html",
        {
            "council": council,
            "section": "council",
            "title": "People with access",
            "members": members,
            "can_remove": policy.allows(user_of(request), "platform.manage"),
            "can_set_policy": policy.allows(user_of(request), "council.security.manage", council),
        },
    )


@public
def organisations(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in Organisation.Kind.values:
        kind = ""
    return render(
        request,
        "core/organisations.html",
        {
            "title": "Organisations",
            "section": "organisations",
            "search": search,
            "kind": kind,
            "kinds": Organisation.Kind.choices,
            "page": page_of(request, selectors.organisations(search, kind)),
        },
    )


@public
def organisation(request: HttpRequest, organisation_id: str) -> HttpResponse:
    org = selectors.organisation(organisation_id)
    return render(
        request,
        "core/organisation.html",
        {
            "title": org.name,
            "section": "organisations",
            "organisation": org,
            "served": selectors.councils_served_by(org),
        },
    )


@signed_in
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = services.create_api_token(actor_of(request), form.cleaned_data["name"])
        except Refused as exc:
            show_refusal(form, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "core/api_tokens.html",
        {
            "title": "API tokens",
            "section": "account",
            "form": form,
            "new_token": new_token,
            "tokens": selectors.api_tokens(user_of(request)),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@signed_in
def revoke_api_token(request: HttpRequest, token_id: str) -> HttpResponse:
    token = selectors.api_token(user_of(request), token_id)
    services.revoke_api_token(actor_of(request), token)
    messages.success(request, f"The token “{token.name}” no longer works")
    return redirect("core:api-tokens")


@public
@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability in this deployment, and until when that holds."""
    expires = settings.SECURITY_TXT_EXPIRES or (timezone.now() + timedelta(days=365)).strftime(
        "%Y-%m-%dT00:00:00Z"
    )
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_POST
@signed_in
def unlock_account(request: HttpRequest) -> HttpResponse:
    """A platform administrator unlocks an account locked after failed sign-ins."""
    username = request.POST.get("username", "")
    try:
        throttle.unlock(actor_of(request), username)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{username} can sign in again")
    return redirect("core:platform")
