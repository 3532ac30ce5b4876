"""Failed sign-ins are throttled per account and per address, an account locks after ten, and an
administrator can unlock it. Time is moved by moving the recorded failures back, never by waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from civichub.core import throttle
from civichub.core.models import AuditEntry, Role, SignInFailures


def _try(client: Client, username: str, password: str) -> str:
    return client.post("/sign-in/", {"username": username, "password": password}).content.decode()


def _let_time_pass(seconds: float) -> None:
    SignInFailures.objects.update(last_failure_at=timezone.now() - timedelta(seconds=seconds))


def test_the_sixth_wrong_password_is_throttled_then_waits_grow(db, make_user, wigan) -> None:
    user = make_user(Role.COMMISSIONER, wigan)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(throttle.FREE_FAILURES):
        assert "Enter a correct username and password" in _try(client, user.username, "wrong guess")
    # The sixth attempt waits, even with the right password: it is not checked during the wait.
    page = _try(client, user.username, "a-long-test-password")
    assert "Too many failed sign-ins. Try again in 1 second." in page
    assert "_auth_user_id" not in client.session
    _let_time_pass(1.5)
    assert "Enter a correct username and password" in _try(client, user.username, "wrong again")
    assert "Try again in 2 seconds" in _try(client, user.username, "wrong again")  # doubled
    _let_time_pass(3)
    _try(client, user.username, "a-long-test-password")
    assert client.session["_auth_user_id"] == str(user.pk)
    # Success clears the account's count; the address keeps its own.
    assert not SignInFailures.objects.filter(scope="account").exists()
    assert SignInFailures.objects.get(scope="address").failures == throttle.FREE_FAILURES + 1


def test_one_address_cannot_walk_through_many_accounts(db, make_user, wigan) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(throttle.FREE_FAILURES):
        _try(client, f"someone-{n}", "guess")
    assert "Too many failed sign-ins" in _try(client, "someone-else", "guess")
    assert "Too many failed sign-ins" not in _try(Client(REMOTE_ADDR="203.0.113.10"), "someone-else", "guess")


def test_ten_failures_lock_the_account_until_an_administrator_unlocks_it(make_user, client_as, wigan) -> None:
    user = make_user(Role.COMMISSIONER, wigan)
    for n in range(throttle.LOCK_AFTER):
        _let_time_pass(3600)  # each attempt after its wait, from a new address each time
        _try(Client(REMOTE_ADDR=f"192.0.2.{n}"), user.username, "wrong")
    lock = AuditEntry.objects.get(action="core.user.locked")
    assert lock.object_id == user.username
    _let_time_pass(3600)  # back-off long over, but the lock is 30 minutes from the tenth failure
    page = _try(Client(REMOTE_ADDR="192.0.2.200"), user.username, "a-long-test-password")
    assert "This account is locked after too many failed sign-ins" in page

    admin = client_as(make_user(Role.PLATFORM_ADMIN))
    listed = admin.get("/api/v1/platform/locked-accounts").json()
    assert [a["username"] for a in listed["items"]] == [user.username]
    assert user.username in admin.get("/platform/").content.decode()
    assert admin.post("/platform/unlock/", {"username": user.username}).status_code == 302
    assert AuditEntry.objects.filter(action="core.user.unlocked", object_id=user.username).count() == 1
    fresh = Client(REMOTE_ADDR="192.0.2.201")
    _try(fresh, user.username, "a-long-test-password")
    assert fresh.session["_auth_user_id"] == str(user.pk)
    again = admin.post(f"/api/v1/platform/locked-accounts/{user.username}/unlock")
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "username"


def test_a_lock_runs_out_by_itself(db, make_user, wigan) -> None:
    user = make_user(Role.RESIDENT, wigan)
    SignInFailures.objects.create(
        scope="account", key=user.username, failures=10, locked_until=timezone.now() - timedelta(seconds=1)
    )
    client = Client(REMOTE_ADDR="192.0.2.99")
    _try(client, user.username, "a-long-test-password")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_only_platform_administrators_unlock(db, make_user, client_as, wigan) -> None:
    officer = client_as(make_user(Role.COMMISSIONER, wigan))
    assert officer.get("/api/v1/platform/locked-accounts").status_code == 403
    assert officer.post("/api/v1/platform/locked-accounts/anyone/unlock").status_code == 403


@pytest.mark.parametrize("bad", ["chub_nope_nope", "not-even-a-token"])
def test_bad_api_tokens_are_throttled_by_address_and_a_good_one_still_works(make_user, bad, wigan) -> None:
    from civichub.core.actors import Actor
    from civichub.core.services import create_api_token

    user = make_user(Role.COMMISSIONER, wigan)
    _, good = create_api_token(Actor(user=user), "dashboard")
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(throttle.FREE_FAILURES):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {bad}").status_code == 401
    throttled = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {bad}")
    assert throttled.status_code == 429 and throttled["Retry-After"] == "1"
    assert throttled.json()["detail"].startswith("Too many failed sign-ins")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 200


def test_an_address_that_failed_hundreds_of_times_still_just_waits(db) -> None:
    SignInFailures.objects.create(
        scope="address", key="192.0.2.200", failures=500, last_failure_at=timezone.now()
    )
    with pytest.raises(throttle.Throttled) as wait:
        throttle.check("anyone", "192.0.2.200")
    assert wait.value.retry_after == throttle.LONGEST_WAIT.total_seconds()
