"""Pages of a person's own account, and the second step of signing in.

Thin views over `core.accounts` and `core.second_factor`: they read the form, call the service and say
what happened.
"""

from __future__ import annotations

import pyotp
import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civichub.core import accounts, second_factor, selectors, signin, throttle
from civichub.core.access import actor_of, council_page, public, signed_in, user_of
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.forms import CodeForm, PasswordChangeForm, SignInForm, show_refusal
from civichub.core.models import Council, SecondFactor, User


class SignInView(auth_views.LoginView):
    """The password step. Someone with a second factor (or who must have one) goes on to the code step."""

    template_name = "core/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if selectors.second_factor(user) is None and not selectors.second_factor_required(user):
            return super().form_valid(form)
        signin.hold(self.request, user, self.get_success_url())
        return redirect("core:sign-in-code")


sign_in = public(SignInView.as_view())


@public
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The code step: the app's 6-digit code or a recovery code."""
    user = signin.pending(request)
    if user is None:
        messages.error(request, "Sign in again: that sign-in was not finished in time")
        return redirect("core:sign-in")
    if selectors.second_factor(user) is None:
        return redirect("core:sign-in-set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(user, form.cleaned_data["code"], throttle.address_of(request))
        except Refused as exc:
            show_refusal(form, exc)
        else:
            return redirect(signin.finish(request, user) or "core:home")
    return render(
        request,
        "core/sign_in_code.html",
        {"form": form, "title": "Enter your code"},
        status=400 if form.errors else 200,
    )


@public
def sign_in_set_up(request: HttpRequest) -> HttpResponse:
    """Setting up an app during sign-in, for someone whose council (or role) requires one."""
    user = signin.pending(request)
    if user is None:
        messages.error(request, "Sign in again: that sign-in was not finished in time")
        return redirect("core:sign-in")
    if selectors.second_factor(user) is not None:
        return redirect("core:sign-in-code")
    return _set_up(request, user, at_sign_in=True)


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return render(
        request,
        "core/account.html",
        {
            "title": "Your account",
            "section": "account",
            "factor": selectors.second_factor(user),
            "required": selectors.second_factor_required(user),
            "recovery_left": selectors.unused_recovery_codes(user),
        },
    )


@signed_in
def account_second_factor(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if selectors.second_factor(user) is not None:
        return redirect("core:account")
    return _set_up(request, user, at_sign_in=False)


def _set_up(request: HttpRequest, user: User, *, at_sign_in: bool) -> HttpResponse:
    """Both ways of setting up an app: first a POST makes the key (a GET never writes), then the page
    shows it as a QR code and asks for the first code, and the answer shows the recovery codes once."""
    actor = Actor(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "begin":
        second_factor.begin(actor)
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.confirm(actor, form.cleaned_data["code"])
        except Refused as exc:
            show_refusal(form, exc)
        else:
            next_url = (signin.finish(request, user) or "/home/") if at_sign_in else "/account/"
            return render(
                request,
                "core/recovery_codes.html",
                {"title": "Your recovery codes", "codes": codes, "next_url": next_url, "new": True},
            )
    factor = selectors.second_factor_being_set_up(user)
    return render(
        request,
        "core/second_factor_set_up.html",
        {
            "title": ("Error: " if form.errors else "") + "Set up an authenticator app",
            "form": form,
            "factor": factor,
            "qr_code": _qr_code(factor, user) if factor else "",
            "at_sign_in": at_sign_in,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@signed_in
def renew_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = second_factor.renew_recovery_codes(actor_of(request))
    return render(
        request,
        "core/recovery_codes.html",
        {"title": "Your new recovery codes", "codes": codes, "next_url": "/account/", "new": False},
    )


@require_POST
@signed_in
def remove_second_factor(request: HttpRequest) -> HttpResponse:
    second_factor.remove(actor_of(request), user_of(request))
    logout(request)
    messages.success(request, "Your authenticator app is removed. Sign in again.")
    return redirect("core:sign-in")


@signed_in
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.change_password(
                actor_of(request), form.cleaned_data["current_password"], form.cleaned_data["new_password"]
            )
        except Refused as exc:
            show_refusal(form, exc)
        else:
            # Every other session has ended; this one carries on under the new password.
            update_session_auth_hash(request, user_of(request))
            messages.success(request, "Your password is changed. You are signed out everywhere else.")
            return redirect("core:account")
    return render(
        request,
        "core/change_password.html",
        {
            "title": ("Error: " if form.errors else "") + "Change your password",
            "form": form,
            "section": "account",
        },
        status=400 if form.errors else 200,
    )


@require_POST
@signed_in
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    accounts.sign_out_everywhere(actor_of(request))
    logout(request)
    messages.success(request, "You are signed out on every device")
    return redirect("core:sign-in")


@require_POST
@council_page("council.people_with_access.view")
def remove_membership(request: HttpRequest, council: Council, membership_id: str) -> HttpResponse:
    membership = selectors.membership(council, membership_id)
    accounts.remove_membership(actor_of(request), membership)
    messages.success(
        request, f"{membership.user.display_name} is no longer {membership.get_role_display().lower()}"
    )
    return redirect("core:people-with-access", council_slug=council.slug)


@require_POST
@council_page("council.security.manage")
def staff_second_factor(request: HttpRequest, council: Council) -> HttpResponse:
    required = request.POST.get("required") == "yes"
    accounts.set_staff_second_factor(actor_of(request), council, required)
    messages.success(
        request,
        "Officers must now sign in with an authenticator app"
        if required
        else "Officers no longer need an authenticator app to sign in",
    )
    return redirect("core:people-with-access", council_slug=council.slug)


@require_POST
@signed_in
def reset_second_factor(request: HttpRequest) -> HttpResponse:
    """A platform administrator removes someone's second factor (a lost phone)."""
    username = request.POST.get("username", "")
    try:
        second_factor.reset(actor_of(request), username)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{username} will set up a new authenticator app at their next sign-in")
    return redirect("core:platform")


def _qr_code(factor: SecondFactor, user: User) -> str:
    """The app's key as a QR code in inline SVG (no script, no style, no third party), for the app to scan."""
    uri = pyotp.TOTP(factor.secret, interval=second_factor.STEP_SECONDS).provisioning_uri(
        name=user.get_username(), issuer_name=second_factor.ISSUER
    )
    return str(segno.make(uri, error="m").svg_inline(scale=4, title="QR code of your authenticator key"))
