"""The Open Referral UK API: every response validates against the UK profile's schemas in
../shared/standards/oruk, the profile's query parameters filter as they should, and bad parameters
get a 400 naming the parameter."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from jsonschema import Draft202012Validator

ORUK = Path(settings.SHARED_DIR) / "standards" / "oruk"


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((ORUK / "schema" / "compiled" / name).read_text())
    return Draft202012Validator(schema)


@cache
def page_schema() -> dict:
    return json.loads((ORUK / "openapi30.json").read_text())["components"]["schemas"]["Page"]


def assert_valid_page(body: dict, item_schema: str) -> None:
    for key, spec in page_schema()["properties"].items():
        assert isinstance(body[key], bool if spec["type"] == "boolean" else int), key
    for item in body["contents"]:
        errors = sorted(validator(item_schema).iter_errors(item), key=str)
        assert not errors, errors[0].message


def ids(client, url: str, **params) -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return {s["name"] for s in response.json()["contents"]}


def test_the_root_says_which_version_and_profile(db, client) -> None:
    body = client.get("/openreferral/").json()
    assert body["version"] == "3.0" and body["openapi_url"].endswith("/openreferral/openapi.json")
    spec = client.get("/openreferral/openapi.json").json()
    assert spec["openapi"].startswith("3.0") and "/service_at_locations/{id}" in spec["paths"]
    assert spec["servers"] == [{"url": "http://testserver/openreferral"}]


def test_service_list_and_detail_validate_against_the_uk_profile(client, directory) -> None:
    listing = client.get("/openreferral/services")
    assert listing["Access-Control-Allow-Origin"] == "*"
    assert_valid_page(listing.json(), "service_list.json")
    assert listing.json()["total_items"] == 3
    for service in directory.values():
        detail = client.get(f"/openreferral/services/{service.pk}").json()
        errors = sorted(validator("service.json").iter_errors(detail), key=str)
        assert not errors, errors[0].message
    youth = client.get(f"/openreferral/services/{directory['youth'].pk}").json()
    assert youth["organization"]["organization_identifiers"][0]["identifier"] == "01234567"
    assert youth["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "WN1 1AA"
    assert youth["schedules"][0]["byday"] == "MO,WE" and youth["service_areas"][0]["extent"] == "E05000861"
    assert youth["service_areas"][0]["name"] == "Wigan Central"  # the ward by its name, as residents know it
    assert [f["source"] for f in youth["funding"]] == [
        "Wigan Metropolitan Borough Council: Youth services contract 2024"
    ]


def test_taxonomies_and_terms(client, directory) -> None:
    taxonomies = client.get("/openreferral/taxonomies").json()
    assert [t["name"] for t in taxonomies["contents"]] == ["civichub service categories"]
    terms = client.get("/openreferral/taxonomy_terms", {"per_page": 5}).json()
    assert terms["total_items"] == 10 and len(terms["contents"]) == 5 and terms["total_pages"] == 2


def test_the_profiles_query_parameters_filter(client, directory) -> None:
    url = "/openreferral/services"
    assert ids(client, url, text="debt") == {"Debt advice"}
    assert ids(client, url, search="meal") == {"Lunch club"}
    assert ids(client, url, minimum_age=65) == {"Lunch club", "Debt advice"}
    assert ids(client, url, maximum_age=12) == {"Youth club", "Debt advice"}
    assert ids(client, url, day="MO") == {"Youth club", "Debt advice"}
    assert ids(client, url, day="TU", start_time="12:00") == {"Lunch club", "Debt advice"}
    assert ids(client, url, start_time="18:00", end_time="19:30") == {"Youth club"}
    term = directory["advice"].taxonomy_terms.get()
    assert ids(client, url, taxonomy_term_id=str(term.pk)) == {"Debt advice"}
    assert ids(client, url, organization_id=str(directory["youth"].organisation_id)) == {
        "Youth club",
        "Lunch club",
        "Debt advice",
    }
    near = client.get(url, {"postcode": "WN1 2AA", "proximity": "3000"}).json()
    assert {s["name"] for s in near["contents"]} == {"Youth club", "Lunch club"}
    assert ids(client, url, per_page=1, page=2) <= {"Youth club", "Lunch club", "Debt advice"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"per_page": "1000"}, "per_page: must be between 1 and 200"),
        ({"page": "0"}, "page: must be between 1 and 1000000"),
        ({"page": "99999999999999999999"}, "page: must be between 1 and 1000000"),
        ({"minimum_age": "-1"}, "minimum_age: must be between 0 and 130"),
        ({"minimum_age": "ten"}, "minimum_age: must be a whole number"),
        ({"minimum_age": "30", "maximum_age": "20"}, "minimum_age: must not be more than maximum_age"),
        ({"taxonomy_term_id": "childcare"}, "taxonomy_term_id: must be an id"),
        ({"postcode": "NOWHERE"}, "postcode: 'NOWHERE' is not a valid UK postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode: We do not hold the postcode ZZ9 9ZZ"),
        ({"proximity": "500"}, "proximity: needs a postcode"),
        ({"postcode": "WN1 1AA", "proximity": "far"}, "proximity: must be a distance in metres"),
        ({"postcode": "WN1 1AA", "proximity": "nan"}, "proximity: must be more than 0"),
        ({"day": "someday"}, "day: must be one of MO, TU"),
        ({"start_time": "25:00"}, "start_time: must be a time like 09:30"),
        ({"modified_after": "yesterday"}, "modified_after: must be a date and time"),
        ({"modified_after": "2026-02-31T00:00:00"}, "modified_after: must be a date and time"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(client, db, params, message) -> None:
    for url in ("/openreferral/services", "/openreferral/service_at_locations"):
        response = client.get(url, params)
        body = response.json()
        assert response.status_code == 400 and message in body["detail"], url
        # The profile specifies no error shape: the platform's own, naming the parameter.
        assert body["errors"][0]["field"] == message.split(":")[0]


def test_unknown_ids_are_404_not_500(client, db) -> None:
    for url in (
        "/openreferral/services/not-a-uuid",
        "/openreferral/services/00000000-0000-0000-0000-000000000000",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json() == {
            "detail": "No service has that id",
            "errors": [],
        }


def test_services_at_locations_and_organizations_validate(client, directory) -> None:
    listing = client.get(
        "/openreferral/service_at_locations", {"postcode": "WN1 1AA", "proximity": "5000"}
    ).json()
    assert_valid_page(listing, "service_at_location_list.json")
    assert {row["service"]["name"] for row in listing["contents"]} == {"Youth club", "Lunch club"}
    one = client.get(f"/openreferral/service_at_locations/{listing['contents'][0]['id']}").json()
    assert not list(validator("service_at_location.json").iter_errors(one))
    orgs = client.get("/openreferral/organizations").json()
    assert_valid_page(orgs, "organization_list.json")
    assert [o["name"] for o in orgs["contents"]] == ["Pemberton Care Ltd"]
    org = client.get(f"/openreferral/organizations/{orgs['contents'][0]['id']}").json()
    assert not list(validator("organization.json").iter_errors(org))
    assert {s["name"] for s in org["services"]} == {"Youth club", "Lunch club", "Debt advice"}


def test_taxonomy_and_term_by_id(client, directory) -> None:
    term = directory["youth"].taxonomy_terms.get()
    assert client.get(f"/openreferral/taxonomy_terms/{term.pk}").json()["name"] == "Young people"
    assert (
        client.get(f"/openreferral/taxonomies/{term.taxonomy_id}").json()["name"]
        == "civichub service categories"
    )
    for url in (
        "/openreferral/taxonomies/x",
        "/openreferral/taxonomy_terms/x",
        "/openreferral/organizations/x",
        "/openreferral/service_at_locations/00000000-0000-0000-0000-000000000000",
    ):
        assert client.get(url).status_code == 404


def test_the_detail_is_served_from_the_document_stored_at_publication(client, directory, wigan) -> None:
    from civichub.directory.models import Service
    from civichub.directory.oruk import representation, selectors

    youth = directory["youth"]
    stored = Service.objects.for_council(wigan).values_list("oruk_document", flat=True).get(pk=youth.pk)
    assert json.loads(stored) == representation.service_full(selectors.service(str(youth.pk)))
    assert client.get(f"/openreferral/services/{youth.pk}").json() == json.loads(stored)
    # A service stored before documents existed is rendered for the reply, but not stored by a read:
    # the reindex command stores it.
    Service.objects.for_council(wigan).filter(pk=youth.pk).update(oruk_document="")
    assert client.get(f"/openreferral/services/{youth.pk}").json() == json.loads(stored)
    assert not Service.objects.for_council(wigan).values_list("oruk_document", flat=True).get(pk=youth.pk)
    call_command("directory", "reindex", "wigan", stdout=io.StringIO())
    assert (
        Service.objects.for_council(wigan).values_list("oruk_document", flat=True).get(pk=youth.pk) == stored
    )


def test_a_commissioner_exports_the_councils_directory_as_oruk(
    client_as, make_user, directory, wigan
) -> None:
    from civichub.core.models import Role

    response = client_as(make_user(Role.COMMISSIONER, wigan)).get("/c/wigan/directory/export.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    feed = json.loads(response.content)
    assert (feed["total_items"], feed["size"], feed["empty"]) == (2, 2, False)
    assert [s["name"] for s in feed["contents"]] == ["Lunch club", "Youth club"]  # Wigan's only
    for service in feed["contents"]:
        assert not list(validator("service.json").iter_errors(service))
    assert client_as(make_user(Role.ANALYST, wigan)).get("/c/wigan/directory/export.json").status_code == 403


@pytest.mark.parametrize("near", [{}, {"postcode": "WN1 2AA", "proximity": "20000"}])
def test_services_at_locations_page_in_the_database_like_services(client, directory, near) -> None:
    from civichub.directory.models import SearchEntry

    url = "/openreferral/service_at_locations"
    whole = client.get(url, near).json()
    assert whole["total_items"] == len(whole["contents"]) == (2 if near else 3)
    one_by_one = [
        client.get(url, {**near, "per_page": 1, "page": n}).json()["contents"][0]["id"]
        for n in range(1, whole["total_items"] + 1)
    ]
    assert one_by_one == [row["id"] for row in whole["contents"]]
    assert client.get(url, {**near, "per_page": 1, "page": 9}).json()["contents"] == []
    if near:
        assert SearchEntry.unscoped.filter(location__isnull=False).count() == 3
    else:  # ordered as /services orders services
        assert [row["service"]["name"] for row in whole["contents"]] == [
            "Debt advice",
            "Lunch club",
            "Youth club",
        ]
    assert [r["service"]["name"] for r in client.get(url, {**near, "text": "club"}).json()["contents"]] == (
        sorted(["Youth club", "Lunch club"])
        if not near
        else [r["service"]["name"] for r in whole["contents"]]
    )
