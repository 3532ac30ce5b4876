"""Sessions end when trust changes; passwords refuse breached patterns; the address behind a proxy is
believed only from a trusted proxy. (Sealed secrets: integration's test_sealed_secrets.)"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from civichub.core import accounts, throttle
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import AuditEntry, DomainEvent, Role
from civichub.core.passwords import BreachedPatternValidator

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "plaid ferret orbits quietly"


def _signed_in(user) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _still_signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def test_changing_the_password_ends_every_other_session(make_user, wigan) -> None:
    user = make_user(Role.ANALYST, wigan)
    laptop, phone = _signed_in(user), _signed_in(user)
    page = laptop.post("/account/password/", {"current_password": "wrong", "new_password": NEW_PASSWORD})
    assert page.status_code == 400 and "Your current password is not right" in page.content.decode()
    weak = laptop.post("/account/password/", {"current_password": PASSWORD, "new_password": "Summer2024!!!"})
    assert "common password with letters swapped" in weak.content.decode()
    assert _still_signed_in(phone)  # refusals change nothing
    laptop.post("/account/password/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert _still_signed_in(laptop)
    assert not _still_signed_in(phone)
    assert AuditEntry.objects.filter(action="core.user.password_changed", object_id=str(user.pk)).exists()


def test_the_api_changes_a_password_with_field_errors(make_user, wigan, client_as) -> None:
    user = make_user(Role.ANALYST, wigan)
    client = client_as(user)
    response = client.post(
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": "qwertyuiop1234"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"new_password"}
    response = client.post(
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me").status_code == 401  # that session ended with the others


def test_signing_out_everywhere_ends_every_session(make_user, wigan) -> None:
    user = make_user(Role.RESIDENT, wigan)
    here, there = _signed_in(user), _signed_in(user)
    assert here.get("/account/sign-out-everywhere/").status_code == 405  # a GET never writes
    assert _still_signed_in(there)
    assert here.post("/account/sign-out-everywhere/").status_code == 302
    assert not _still_signed_in(here) and not _still_signed_in(there)
    assert _still_signed_in(_signed_in(user))  # signing in again works


def test_losing_a_role_ends_the_sessions_at_once(make_user, wigan, sunderland, client_as) -> None:
    admin = make_user(Role.PLATFORM_ADMIN)
    officer = make_user(Role.CASEWORKER, wigan)
    session = _signed_in(officer)
    membership = officer.memberships.get()
    # Another council's id is not found there; a commissioner may see the list but not remove anyone.
    commissioner = make_user(Role.COMMISSIONER, sunderland)
    assert (
        client_as(admin).delete(f"/api/v1/c/{sunderland.slug}/memberships/{membership.pk}").status_code == 404
    )
    assert (
        client_as(commissioner).delete(f"/api/v1/c/{sunderland.slug}/memberships/{membership.pk}").status_code
        == 404
    )
    assert _still_signed_in(session)
    response = client_as(admin).post(f"/c/{wigan.slug}/people-with-access/{membership.pk}/remove/")
    assert response.status_code == 302
    assert not officer.memberships.exists()
    assert not _still_signed_in(session)
    event = DomainEvent.objects.for_council(wigan).get(type="core.membership.removed")
    assert event.data == {
        "membership_id": str(membership.pk),
        "user_id": str(officer.pk),
        "role": "caseworker",
    }


@pytest.mark.parametrize(
    "password",
    ["P@ssw0rd12345", "Summer2024!!!", "qwertyuiop12", "abcabcabcabc", "Wigan2025!!!!", "1qaz2wsx3edc"],
)
def test_breached_patterns_are_refused(password: str) -> None:
    with pytest.raises(Exception, match="password"):
        BreachedPatternValidator().validate(password)


@pytest.mark.parametrize("password", ["plaid ferret orbits quietly", "tin-lantern-harbour-9", "Mx7#kq2Lp9vR"])
def test_good_passwords_pass(password: str) -> None:
    BreachedPatternValidator().validate(password)


@override_settings(CIVICHUB_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_addresses_are_believed_only_from_trusted_proxies() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.9.9.9"
    )
    # Read from the right, past our own proxies: the client is the first address not ours. What the
    # client wrote further left (6.6.6.6) is never believed.
    assert throttle.address_of(request) == "198.51.100.4"
    direct = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert throttle.address_of(direct) == "203.0.113.5"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="not-an-address")
    assert throttle.address_of(garbage) == "unknown"


def test_the_council_setting_refuses_people_who_may_not(make_user, wigan) -> None:
    analyst = make_user(Role.ANALYST, wigan)
    with pytest.raises(Exception, match="permission"):
        accounts.set_staff_second_factor(Actor(user=analyst, council=wigan), wigan, True)
    with pytest.raises(Refused):
        accounts.change_password(Actor(user=analyst), PASSWORD, PASSWORD)
