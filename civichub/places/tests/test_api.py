"""The places API: open look-ups show each ward's name beside its code; a council's lists page the house
way; a postcode we cannot use is refused in the one error shape."""

from __future__ import annotations

from civichub.core.models import Role


def test_a_postcode_shows_its_council_ward_and_lsoa_by_name(db, client) -> None:
    place = client.get("/api/v1/places/postcodes/wn1%201aa").json()
    assert place["local_authority"] == {"gss_code": "E08000010", "name": "Wigan"}
    assert place["ward"] == {"gss_code": "E05000861", "name": "Wigan Central"}
    assert place["lsoa"]["code"] == "E01006369" and 1 <= place["lsoa"]["imd_decile"] <= 10
    assert place["lsoa"]["best_fit_ward_name"] == "Wigan Central"


def test_a_postcode_that_cannot_be_one_is_a_400_naming_the_field(db, client) -> None:
    response = client.get("/api/v1/places/postcodes/NOTAPOSTCODE")
    message = "'NOTAPOSTCODE' is not a valid UK postcode, like WN1 1AA"
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": [{"field": "postcode", "message": message}]}


def test_a_postcode_we_do_not_hold_is_a_404_in_the_error_shape(db, client) -> None:
    response = client.get("/api/v1/places/postcodes/zz9%209zz")
    message = "We do not hold the postcode ZZ9 9ZZ"
    assert response.status_code == 404
    assert response.json() == {"detail": message, "errors": [{"field": "postcode", "message": message}]}


def test_the_openapi_documents_the_postcode_errors(db, client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    responses = paths["/api/v1/places/postcodes/{postcode}"]["get"]["responses"]
    assert {"200", "400", "404"} <= responses.keys()


def test_wards_and_lsoas_show_ward_names(db, client) -> None:
    ward = client.get("/api/v1/places/wards/E05000861").json()
    assert ward["name"] == "Wigan Central" and ward["gss_code"] == "E05000861"
    assert client.get("/api/v1/places/wards/E05013076").json()["name"] == ""
    lsoa = client.get("/api/v1/places/lsoas/E01006369").json()
    assert (lsoa["best_fit_ward_gss"], lsoa["best_fit_ward_name"]) == ("E05000861", "Wigan Central")


def test_a_councils_wards_page_with_their_names(client_as, make_user, wigan) -> None:
    client = client_as(make_user(Role.ANALYST, wigan))
    first = client.get("/api/v1/c/wigan/wards", {"limit": 5}).json()
    assert (first["count"], first["limit"], first["offset"], len(first["items"])) == (23, 5, 0, 5)
    assert first["items"][0]["name"] == "Abram" and first["items"][0]["gss_code"] == "E05000840"
    everything = client.get("/api/v1/c/wigan/wards", {"limit": 50}).json()["items"]
    assert [w["name"] for w in everything] == sorted(w["name"] for w in everything)
    lsoas = client.get("/api/v1/c/wigan/lsoas", {"limit": 500}).json()
    assert lsoas["count"] == 200 and lsoas["limit"] == 500
    assert {lsoa["best_fit_ward_name"] for lsoa in lsoas["items"] if lsoa["best_fit_ward_gss"]} <= {
        w["name"] for w in everything
    }
