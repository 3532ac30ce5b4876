"""Pages as people use them: signing in, each role's home, tokens, platform admin (the council overview
is a places page: civichub/places/tests/test_pages.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from civichub.core.models import ApiToken, AuditEntry, Council, Role


def test_signing_in_with_a_wrong_password_shows_the_error_summary(db, make_user) -> None:
    user = make_user(Role.ANALYST, Council.objects.get(slug="wigan"))
    client = Client(enforce_csrf_checks=False)
    page = client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in body and "Enter a correct username and password" in body
    assert "<title>Error: Sign in" in body
    empty = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in empty and "Enter your password" in empty
    signed_in = client.post("/sign-in/", {"username": user.username, "password": "a-long-test-password"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/home/"


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.COMMISSIONER, "/c/wigan/"),
        (Role.ANALYST, "/c/wigan/"),
        (Role.RECORDS_MANAGER, "/c/wigan/"),
        (Role.CASEWORKER, "/c/wigan/"),
        (Role.COUNCILLOR, "/c/wigan/councillor/"),
        (Role.PROVIDER_STAFF, "/c/wigan/provider/"),
        (Role.RESIDENT, "/c/wigan/resident/"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client_as, make_user, wigan, role, home) -> None:
    client = client_as(make_user(role, wigan, ward_code="E05000849" if role == Role.COUNCILLOR else ""))
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"] == home
    assert client.get(home).status_code == 200


def test_a_platform_admin_lands_on_the_councils_and_can_add_one(client_as, make_user) -> None:
    client = client_as(make_user(Role.PLATFORM_ADMIN))
    assert client.get("/home/")["Location"] == "/platform/"
    bad = client.post("/platform/", {"gss_code": "E99999999"})
    assert bad.status_code == 400
    assert (
        "There is a problem" in bad.content.decode()
        and "No UK local authority has the GSS code" in bad.content.decode()
    )
    assert client.post("/platform/", {"gss_code": "E07000087"}).status_code == 302
    page = client.get("/platform/").content.decode()
    assert "<title>Councils on the platform \u2013 civichub</title>" in page
    assert "Fareham Borough Council" in page
    # The geography the platform holds, each file an import run of the platform's.
    assert "Reference data imports" in page and "NSPL_NOV_2021_UK_WN.csv.gz" in page
    runs = client.get("/api/v1/platform/imports").json()
    assert runs["count"] == 6 and {r["import_type"] for r in runs["items"]} >= {"postcodes", "ward_names"}


def test_only_platform_administrators_see_platform_imports(client_as, make_user, wigan) -> None:
    officer = client_as(make_user(Role.COMMISSIONER, wigan))
    assert officer.get("/api/v1/platform/imports").status_code == 403


def test_people_with_access_is_audited_and_limited_to_those_who_manage_it(
    client_as, make_user, wigan
) -> None:
    manager = make_user(Role.RECORDS_MANAGER, wigan)
    before = AuditEntry.objects.filter(action="core.people_with_access.read").count()
    page = client_as(manager).get("/c/wigan/people-with-access/").content.decode()
    assert manager.username in page and "recorded in the audit log" in page
    assert AuditEntry.objects.filter(action="core.people_with_access.read").count() == before + 1
    assert client_as(make_user(Role.CASEWORKER, wigan)).get("/c/wigan/people-with-access/").status_code == 403


def test_api_tokens_from_the_web(client_as, make_user, wigan) -> None:
    user = make_user(Role.ANALYST, wigan)
    client = client_as(user)
    assert "Enter a name for the token" in client.post("/account/api-tokens/", {"name": ""}).content.decode()
    page = client.post("/account/api-tokens/", {"name": "ward dashboard"}).content.decode()
    token = ApiToken.objects.get(user=user)
    assert "it will not be shown again" in page and f"chub_{token.prefix}_" in page
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_sign_ins_and_failed_attempts_are_audited(db, make_user, wigan) -> None:
    user = make_user(Role.CASEWORKER, wigan)
    client = Client()
    client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    client.post("/sign-in/", {"username": user.username, "password": "a-long-test-password"})
    failed = AuditEntry.objects.filter(action="core.user.sign_in_failed").order_by("-seq")[0]
    assert failed.data == {"username": user.username}
    assert AuditEntry.objects.filter(action="core.user.signed_in", actor_id=str(user.pk)).count() == 1


def test_every_page_carries_a_strict_content_security_policy(client, db) -> None:
    import re

    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy and "http" not in policy
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts and all(f'nonce="{nonce.group(1)}"' in attributes for attributes in scripts)
    # A new nonce for every response.
    assert re.search(r"'nonce-([^']+)'", client.get("/sign-in/")["Content-Security-Policy"]) != nonce
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_security_txt_says_where_to_report_and_until_when(client, db, settings) -> None:
    body = client.get("/.well-known/security.txt")
    assert body["Content-Type"].startswith("text/plain")
    lines = dict(line.split(": ", 1) for line in body.content.decode().splitlines())
    assert lines["Contact"] == settings.SECURITY_CONTACT and lines["Expires"] > "2026"
    assert lines["Canonical"].endswith("/.well-known/security.txt")
    settings.SECURITY_CONTACT = "mailto:security@wigan.gov.uk"
    settings.SECURITY_TXT_EXPIRES = "2027-06-30T00:00:00Z"
    again = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: mailto:security@wigan.gov.uk" in again and "Expires: 2027-06-30T00:00:00Z" in again
