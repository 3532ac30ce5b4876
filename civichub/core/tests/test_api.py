"""The API as a program uses it: personal tokens, councils, organisations, a council's people (audited)."""

from __future__ import annotations

import hashlib

import pytest

from civichub.core.models import ApiToken, AuditEntry, Council, Role


@pytest.fixture
def officer(make_user, wigan):
    return make_user(Role.COMMISSIONER, wigan)


def _token(client_as, user) -> str:
    response = client_as(user).post(
        "/api/v1/me/tokens", {"name": "dashboard"}, content_type="application/json"
    )
    assert response.status_code == 201
    return response.json()["token"]


def test_a_token_is_shown_once_stored_hashed_and_can_be_revoked(client, client_as, officer) -> None:
    text = _token(client_as, officer)
    stored = ApiToken.objects.get(user=officer)
    assert (
        text not in (stored.digest, stored.prefix)
        and stored.digest == hashlib.sha256(text.encode()).hexdigest()
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    me = client.get("/api/v1/me", **auth)
    assert me.status_code == 200
    assert me.json()["memberships"] == [
        {"role": "commissioner", "council": "wigan", "organisation": None, "ward_code": ""}
    ]
    listed = client.get("/api/v1/me/tokens", **auth).json()["items"]
    assert [t["name"] for t in listed] == ["dashboard"] and "token" not in listed[0]
    assert client.delete(f"/api/v1/me/tokens/{stored.pk}", **auth).status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_a_made_up_or_malformed_token_is_refused(client, officer, client_as) -> None:
    text = _token(client_as, officer)
    for bad in (text[:-2] + "xx", "chub_nothing_here", "not-a-token", ""):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {bad}").status_code == 401


def test_token_names_are_validated(client_as, officer) -> None:
    client = client_as(officer)
    for name in ("", "x" * 101, "   ", "\u00ad", "\u200b\u200d\u2060", "\u202e"):
        response = client.post("/api/v1/me/tokens", {"name": name}, content_type="application/json")
        assert response.status_code == 400, name
        assert response.json()["errors"][0]["field"] == "name"
    created = client.post(
        "/api/v1/me/tokens", {"name": " Caf\u0065\u0301\u00ad  report "}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["name"] == "Caf\u00e9 report"


def test_councils_are_open_data(db, client) -> None:
    councils = client.get("/api/v1/councils").json()
    assert (councils["count"], councils["limit"], councils["offset"]) == (2, 50, 0)
    assert [(c["slug"], c["gss_code"]) for c in councils["items"]] == [
        ("sunderland", "E08000024"),
        ("wigan", "E08000010"),
    ]


def test_organisations_show_their_register_identifiers(client, wigan) -> None:
    orgs = client.get("/api/v1/organisations", {"q": "E08000010"}).json()
    assert orgs["count"] == 1
    assert {i["org_id"] for i in orgs["items"][0]["identifiers"]} == {"GB-GSS-E08000010", "GB-LAE-WGN"}
    assert client.get("/api/v1/organisations", {"kind": "spaceship"}).status_code == 400


def test_only_a_platform_admin_adds_a_council(client_as, officer, make_user) -> None:
    payload = {"gss_code": "E07000087"}
    assert (
        client_as(officer).post("/api/v1/councils", payload, content_type="application/json").status_code
        == 403
    )
    admin = client_as(make_user(Role.PLATFORM_ADMIN))
    created = admin.post("/api/v1/councils", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["slug"] == "fareham"
    again = admin.post("/api/v1/councils", payload, content_type="application/json")
    assert again.status_code == 409 and "already on the platform" in again.json()["detail"]


def test_reading_people_with_access_needs_a_purpose_and_is_audited(client_as, officer, wigan) -> None:
    client = client_as(officer)
    assert client.get("/api/v1/c/wigan/people-with-access").status_code == 400
    assert client.get("/api/v1/c/wigan/people-with-access", {"purpose": "x"}).status_code == 400
    before = AuditEntry.objects.filter(action="core.people_with_access.read").count()
    people = client.get("/api/v1/c/wigan/people-with-access", {"purpose": "Quarterly access review"}).json()
    assert [p["username"] for p in people["items"]] == [officer.username]
    entry = AuditEntry.objects.filter(action="core.people_with_access.read").order_by("-seq")[0]
    assert AuditEntry.objects.filter(action="core.people_with_access.read").count() == before + 1
    assert (entry.actor_id, entry.council_id, entry.purpose) == (
        str(officer.pk),
        str(wigan.pk),
        "Quarterly access review",
    )


def test_an_analyst_may_not_read_people_with_access(client_as, make_user, wigan) -> None:
    analyst = make_user(Role.ANALYST, wigan)
    response = client_as(analyst).get("/api/v1/c/wigan/people-with-access", {"purpose": "curious"})
    assert response.status_code == 403
    assert Council.objects.count() == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"offset": "32589158477190044730", "limit": "107111"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"kind": "spaceship"}, "kind"),
    ],
)
def test_out_of_range_paging_is_a_400_naming_the_field(client, db, query, field) -> None:
    """A fuzzer once got a 500 from this: every bad parameter is refused by name, in the one error shape."""
    response = client.get("/api/v1/organisations", query)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"} and field in [e["field"] for e in body["errors"]]


def test_every_operation_documents_its_errors_in_the_one_shape(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]
    page = schema["paths"]["/api/v1/organisations"]["get"]["responses"]
    assert set(page) >= {"200", "400"} and "401" not in page  # open data: no sign-in to fail
    provider = schema["paths"]["/api/v1/c/{council_slug}/providers/{provider_id}"]["get"]["responses"]
    assert set(provider) >= {"200", "400", "401", "403", "404"}
