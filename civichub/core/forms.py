from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from civichub.core import throttle
from civichub.core.errors import FieldError, Refused


def show_refusal(form: forms.Form, refusal: Refused) -> None:
    """Put a service's refusal on the form, each message on its field, so the GOV.UK error summary lists it.

    A field the form does not have (a JSON path, a whole-record problem) goes at the top of the summary.
    """
    for error in refusal.errors or [FieldError(None, refusal.detail)]:
        form.add_error(error.field if error.field in form.fields else None, error.message)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your council's administrator.",
    }

    def clean(self) -> dict[str, object]:
        username, password = self.data.get("username", ""), self.data.get("password", "")
        if not username:
            self.add_error("username", "Enter your username")
        if not password:
            self.add_error("password", "Enter your password")
        if self.errors:
            return self.cleaned_data
        try:
            # Refused before the password is even checked, so guessing cannot go on during the wait.
            throttle.check(str(username), throttle.address_of(self.request))
        except throttle.Throttled as exc:
            raise forms.ValidationError(exc.detail, code="throttled") from exc
        return super().clean()


class AddCouncilForm(forms.Form):
    gss_code = forms.CharField(
        label="GSS code of the council",
        max_length=9,
        error_messages={"required": "Enter the council's GSS code, like E07000087"},
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token, so you can tell it apart later",
            "max_length": "The token name must be 100 characters or fewer",
        },
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app, or a recovery code",
            "max_length": "A code is 6 digits, or a recovery code of 24 letters and numbers",
        },
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label="Current password",
        max_length=4096,
        strip=False,
        error_messages={"required": "Enter your current password"},
    )
    new_password = forms.CharField(
        label="New password",
        max_length=4096,
        strip=False,
        error_messages={"required": "Enter a new password"},
    )
