"""Place pages as people use them: the council overview, the councillor's home, postcode, ward and LSOA
pages, and their CSV downloads, each showing a ward by its name with its GSS code."""

from __future__ import annotations

import csv
import io
import re

from django.urls import resolve, reverse

from civichub.core.models import Role
from civichub.places import selectors, views


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_residents_and_providers_do_not_see_the_officers_overview(
    client_as, make_user, wigan, sunderland
) -> None:
    """The council's home, which every page's header and breadcrumbs link to, is their own home there;
    someone with no role in the council is still refused."""
    for role, home in ((Role.RESIDENT, "/c/wigan/resident/"), (Role.PROVIDER_STAFF, "/c/wigan/provider/")):
        client = client_as(make_user(role, wigan))
        response = client.get("/c/wigan/")
        assert response.status_code == 302 and response["Location"] == home
        assert "wards with postcodes loaded" not in client.get(home).content.decode()
    assert client_as(make_user(Role.PROVIDER_STAFF, sunderland)).get("/c/wigan/").status_code == 403


def test_a_provider_follows_the_council_breadcrumb_to_their_own_home(client_as, make_user, wigan) -> None:
    client = client_as(make_user(Role.PROVIDER_STAFF, wigan))
    for page in ("/c/wigan/market/", "/c/wigan/services/"):
        body = client.get(page).content.decode()
        crumb = re.search(r'<a class="govuk-breadcrumbs__link" href="([^"]+)">Wigan</a>', body)
        assert crumb is not None and crumb.group(1) == "/c/wigan/", page
        followed = client.get(crumb.group(1), follow=True)
        assert followed.status_code == 200 and followed.redirect_chain == [("/c/wigan/provider/", 302)]
        assert "Your organisation" in followed.content.decode()


def test_the_council_page_shows_its_wards_by_name_with_population_and_deprivation(
    client_as, make_user, wigan
) -> None:
    page = client_as(make_user(Role.COMMISSIONER, wigan)).get("/c/wigan/").content.decode()
    assert "23 wards with postcodes loaded" in page
    assert page.count('href="/c/wigan/wards/E05') == 23
    assert '<svg class="civichub-chart"' in page and "Neighbourhoods and people by IMD 2019 decile" in page
    assert (
        '<a class="govuk-link" href="/c/wigan/wards/E05000861/">Wigan Central</a> '
        '<span class="govuk-hint govuk-!-display-inline">E05000861</span>'
    ) in page
    assert "Ward E05" not in page
    # In the order of their names, not their codes.
    assert page.index(">Abram<") < page.index(">Hindley<") < page.index(">Wigan Central<")


def test_the_overview_keeps_its_url_name_for_every_contexts_breadcrumbs(wigan) -> None:
    assert reverse("core:council", kwargs={"council_slug": "wigan"}) == "/c/wigan/"
    assert resolve("/c/wigan/").func is views.council_overview


def test_ward_and_lsoa_lists_export_as_csv_with_ward_names_and_paginate(client_as, make_user, wigan) -> None:
    client = client_as(make_user(Role.ANALYST, wigan))
    rows = _csv(client.get("/c/wigan/lsoas/?format=csv").content.decode())
    assert len(rows) == 200 and rows[0]["lsoa_code"].startswith("E01")
    assert [int(r["imd_rank"]) for r in rows] == sorted(int(r["imd_rank"]) for r in rows)
    names = selectors.ward_names(r["best_fit_ward"] for r in rows)
    fitted = [r for r in rows if r["best_fit_ward"]]
    assert len(fitted) == 160
    assert all(r["best_fit_ward_name"] == names[r["best_fit_ward"]] for r in fitted)
    assert all(r["best_fit_ward_name"] == "" for r in rows if not r["best_fit_ward"])
    wards = _csv(client.get("/c/wigan/wards.csv").content.decode())
    assert len(wards) == 23
    assert {"ward_code": "E05000861", "ward_name": "Wigan Central"}.items() <= next(
        w for w in wards if w["ward_code"] == "E05000861"
    ).items()
    assert all(w["ward_name"] for w in wards)
    page4 = client.get("/c/wigan/lsoas/", {"page": 4}).content.decode()
    assert "Page 4 of 4" in page4 and rows[150]["lsoa_code"] in page4


def test_the_councillor_home_names_their_ward(client_as, make_user, wigan) -> None:
    councillor = make_user(Role.COUNCILLOR, wigan, ward_code="E05000849")
    page = client_as(councillor).get("/c/wigan/councillor/").content.decode()
    assert "Hindley" in page and "E05000849" in page
    assert "neighbourhoods" in page and "Ward E05000849" not in page


def test_a_councillor_whose_ward_is_not_held_sees_no_ward_rather_than_an_error(
    client_as, make_user, wigan
) -> None:
    councillor = make_user(Role.COUNCILLOR, wigan, ward_code="E05001163")  # a Sunderland ward
    page = client_as(councillor).get("/c/wigan/councillor/")
    assert page.status_code == 200 and "No ward is recorded against your role yet" in page.content.decode()


def test_the_resident_home_shows_the_area(client_as, make_user, wigan) -> None:
    page = client_as(make_user(Role.RESIDENT, wigan)).get("/c/wigan/resident/").content.decode()
    assert "in 23 wards" in page and 'href="/places/"' in page


def test_ward_postcode_and_lsoa_pages_show_the_ward_name_and_code(db, client) -> None:
    ward = client.get("/places/wards/E05000861/").content.decode()
    assert '<h1 class="govuk-heading-l">Wigan Central</h1>' in ward and "Ward E05000861 in Wigan" in ward
    postcode = client.get("/places/postcodes/WN11AA/").content.decode()
    assert (
        '<a class="govuk-link" href="/places/wards/E05000861/">Wigan Central</a> '
        '<span class="govuk-hint govuk-!-display-inline">E05000861</span>'
    ) in postcode
    assert "Wigan" in postcode and "E01006369" in postcode and "Decile" in postcode
    lsoa = client.get("/places/lsoas/E01006369/").content.decode()
    assert "Mostly in" in lsoa and "E05000861</span>" in lsoa


def test_a_ward_without_a_name_shows_its_code_once(db, client) -> None:
    page = client.get("/places/wards/E05013076/").content.decode()
    assert '<h1 class="govuk-heading-l">Ward E05013076</h1>' in page


def test_postcode_finder_explains_bad_input(db, client) -> None:
    assert client.get("/places/", {"postcode": "wn1 1aa"})["Location"] == "/places/postcodes/WN11AA/"
    for text, status, message in [
        ("", 400, "Enter a postcode"),
        ("hello", 400, "&#39;hello&#39; is not a valid UK postcode"),
        ("ZZ9 9ZZ", 404, "We do not hold the postcode ZZ9 9ZZ"),
    ]:
        response = client.get("/places/", {"postcode": text})
        assert response.status_code == status and message in response.content.decode()
        assert "There is a problem" in response.content.decode()


def test_a_postcode_page_we_do_not_hold_is_a_404_page_to_try_again(db, client) -> None:
    for address, message in [
        ("/places/postcodes/ZZ99ZZ/", "We do not hold the postcode ZZ9 9ZZ"),
        ("/places/postcodes/HELLO/", "is not a valid UK postcode"),
    ]:
        response = client.get(address)
        body = response.content.decode()
        assert response.status_code == 404
        assert "There is a problem" in body and message in body
        assert '<form method="get"' in body and "<title>Error: Find a place" in body
