"""A second factor at sign-in: set up, used, replay refused, throttled, required by a council, reset.

Codes are worked out from the key the page shows, with pyotp, as a phone would; time is passed to the
service as a number where a test needs the next time step, never waited for.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.test import Client

from civichub.core import accounts, second_factor, selectors, throttle
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import AuditEntry, RecoveryCode, Role, SecondFactor, SignInFailures

PASSWORD = "a-long-test-password"


def _sign_in(client: Client, user) -> str:
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    return response.headers.get("Location", "")


def _key_on(page: str) -> str:
    found = re.search(r'data-testid="authenticator-key">([A-Z2-7]+)<', page)
    assert found is not None, "the page shows no key"
    return found.group(1)


def _set_up_on_the_web(client: Client) -> tuple[str, list[str]]:
    """Set up an app through the account pages, as a person would; returns its key and recovery codes."""
    client.post("/account/authenticator/", {"action": "begin"})
    page = client.get("/account/authenticator/").content.decode()
    assert "<svg" in page and "<title>QR code of your authenticator key</title>" in page
    key = _key_on(page)
    done = client.post("/account/authenticator/", {"code": pyotp.TOTP(key).now()}).content.decode()
    codes = re.findall(r'<code class="civichub-token">([A-Z0-9-]+)</code>', done)
    return key, codes


def test_set_up_then_sign_in_asks_for_the_code(client_as, make_user, wigan) -> None:
    user = make_user(Role.COMMISSIONER, wigan)
    key, codes = _set_up_on_the_web(client_as(user))
    assert len(codes) == 10 and len(set(codes)) == 10
    # The key is sealed at rest and recovery codes are only digests.
    assert SecondFactor.objects.get(user=user).secret == key
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()

    client = Client()
    assert _sign_in(client, user) == "/sign-in/code/"
    # The password alone signs no one in: no page, no API.
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/account/").status_code == 302
    page = client.post("/sign-in/code/", {"code": "12345"})
    assert page.status_code == 400 and "The code is not right" in page.content.decode()
    # The code that turned the app on is spent; move that use back a step, as if it were made earlier,
    # rather than wait for the app's next code.
    SecondFactor.objects.filter(user=user).update(last_step=F("last_step") - 1)
    response = client.post("/sign-in/code/", {"code": pyotp.TOTP(key).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(action="core.second_factor.used", object_id=str(user.pk)).exists()


def test_a_code_is_accepted_once_only(make_user, wigan) -> None:
    user = make_user(Role.COMMISSIONER, wigan)
    factor = second_factor.begin(Actor(user=user))
    now = time.time()
    totp = pyotp.TOTP(factor.secret)
    second_factor.confirm(Actor(user=user), totp.at(now), now=now)
    # The code that confirmed set-up is spent: replaying it, or an older one, is refused.
    with pytest.raises(Refused):
        second_factor.verify(user, totp.at(now), "192.0.2.1", now=now)
    with pytest.raises(Refused):
        second_factor.verify(user, totp.at(now - 30), "192.0.2.1", now=now)
    later = now + 30
    assert second_factor.verify(user, totp.at(later), "192.0.2.1", now=later) == "app"
    with pytest.raises(Refused):
        second_factor.verify(user, totp.at(later), "192.0.2.1", now=later)


def test_a_recovery_code_works_once(make_user, wigan) -> None:
    user = make_user(Role.ANALYST, wigan)
    factor = second_factor.begin(Actor(user=user))
    codes = second_factor.confirm(Actor(user=user), pyotp.TOTP(factor.secret).now())
    assert second_factor.verify(user, codes[0].lower().replace("-", " "), "192.0.2.1") == "recovery code"
    with pytest.raises(Refused):
        second_factor.verify(user, codes[0], "192.0.2.1")
    assert selectors.unused_recovery_codes(user) == 9
    fresh = second_factor.renew_recovery_codes(Actor(user=user))
    with pytest.raises(Refused):
        second_factor.verify(user, codes[1], "192.0.2.1")  # the old set stopped working
    assert second_factor.verify(user, fresh[0], "192.0.2.1") == "recovery code"


def test_wrong_codes_are_throttled_and_a_right_password_does_not_clear_them(make_user, wigan) -> None:
    user = make_user(Role.CASEWORKER, wigan)
    factor = second_factor.begin(Actor(user=user))
    second_factor.confirm(Actor(user=user), pyotp.TOTP(factor.secret).now())
    for _ in range(throttle.FREE_FAILURES):
        with pytest.raises(Refused):
            second_factor.verify(user, "12345", "192.0.2.9")
    # The password step succeeding clears the password's count, not the code's.
    throttle.record_success(user.username)
    with pytest.raises(throttle.Throttled):
        second_factor.verify(user, pyotp.TOTP(factor.secret).now(), "192.0.2.9")
    assert SignInFailures.objects.get(key=f"2fa:{user.username}").failures == throttle.FREE_FAILURES


def test_a_council_can_require_it_of_its_officers(make_user, client_as, wigan) -> None:
    officer = make_user(Role.ANALYST, wigan)
    resident = make_user(Role.RESIDENT, wigan)
    commissioner = make_user(Role.COMMISSIONER, wigan)
    signed_in_officer = client_as(officer)
    assert signed_in_officer.get("/account/").status_code == 200
    # An analyst may not set it; the commissioner may, through the page.
    assert (
        signed_in_officer.post(f"/c/{wigan.slug}/authenticator-policy/", {"required": "yes"}).status_code
        == 403
    )
    client_as(commissioner).post(f"/c/{wigan.slug}/authenticator-policy/", {"required": "yes"})
    wigan.refresh_from_db()
    assert wigan.staff_second_factor_required
    # The officer without an app is signed out at once, and must set one up to sign in.
    assert signed_in_officer.get("/account/").status_code == 302
    client = Client()
    assert _sign_in(client, officer) == "/sign-in/code/"
    assert client.get("/sign-in/code/").headers["Location"] == "/sign-in/set-up-authenticator/"
    client.post("/sign-in/set-up-authenticator/", {"action": "begin"})
    page = client.get("/sign-in/set-up-authenticator/").content.decode()
    key = _key_on(page)
    assert "_auth_user_id" not in client.session
    done = client.post("/sign-in/set-up-authenticator/", {"code": pyotp.TOTP(key).now()})
    assert "Your recovery codes" in done.content.decode()
    assert client.session["_auth_user_id"] == str(officer.pk)
    # Residents are not staff: they sign in with a password, and may opt in.
    assert _sign_in(Client(), resident) == "/home/"
    # An officer who must have one cannot turn it off.
    with pytest.raises(Refused):
        second_factor.remove(Actor(user=officer), officer)
    assert AuditEntry.objects.filter(action="core.council.second_factor_policy_changed").count() == 1


def test_an_administrator_resets_a_lost_app(make_user, client_as, wigan) -> None:
    admin = make_user(Role.PLATFORM_ADMIN)
    user = make_user(Role.COMMISSIONER, wigan)
    factor = second_factor.begin(Actor(user=user))
    second_factor.confirm(Actor(user=user), pyotp.TOTP(factor.secret).now())
    # Only an administrator may reset someone else's, and asking about a name tells others nothing.
    other = make_user(Role.COMMISSIONER, wigan)
    with pytest.raises(PermissionDenied):
        second_factor.reset(Actor(user=other), "no-such-person")
    client_as(admin).post("/platform/reset-authenticator/", {"username": user.username})
    assert selectors.second_factor(user) is None
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert _sign_in(Client(), user) == "/home/"


def test_staff_who_must_have_one_are_told_so_in_the_api(make_user, client_as, wigan) -> None:
    officer = make_user(Role.RECORDS_MANAGER, wigan)
    commissioner = make_user(Role.COMMISSIONER, wigan)
    response = client_as(commissioner).put(
        f"/api/v1/c/{wigan.slug}/authenticator-policy", {"required": True}, content_type="application/json"
    )
    assert response.json() == {"required": True}
    accounts.set_staff_second_factor(
        Actor(user=commissioner, council=wigan), wigan, True
    )  # no change: no entry
    assert AuditEntry.objects.filter(action="core.council.second_factor_policy_changed").count() == 1
    officer.refresh_from_db()  # switching it on ended the officer's sessions (a new session epoch)
    me = client_as(officer).get("/api/v1/me").json()
    assert me["second_factor"] is False and me["second_factor_required"] is True
