"""The resident's finder: no sign-in, the same search as the API, clear errors for bad input."""

from __future__ import annotations

import pytest


def test_a_resident_finds_services_near_a_postcode_nearest_first(client, directory) -> None:
    page = client.get("/find/", {"postcode": "wn1 2aa", "miles": "3"}).content.decode()
    assert "2 services found, nearest first" in page
    assert "Youth club" in page and "Lunch club" in page and "Debt advice" not in page
    assert "miles away" in page


def test_text_search_puts_name_matches_first(client, directory) -> None:
    page = client.get("/find/", {"q": "club"}).content.decode()
    assert "2 services found" in page
    advice = client.get("/find/", {"q": "advice"}).content.decode()
    assert advice.index("Debt advice") < advice.index("Youth club")  # name match before description match


def test_age_day_and_category_narrow_the_results(client, directory) -> None:
    assert "Lunch club" in client.get("/find/", {"age": "70", "day": "TU"}).content.decode()
    assert "Youth club" not in client.get("/find/", {"age": "70"}).content.decode()
    category = directory["youth"].taxonomy_terms.get()
    page = client.get("/find/", {"category": str(category.pk)}).content.decode()
    assert "1 service found" in page and "Youth club" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "nonsense"}, "is not a valid UK postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "We do not hold the postcode ZZ9 9ZZ"),
        ({"age": "-4"}, "Enter an age in whole years, from 0 to 130"),
        ({"age": "old"}, "Enter an age in whole years, from 0 to 130"),
        ({"day": "Funday"}, "Choose a day from the list"),
        ({"category": "not-a-term"}, "Choose a category from the list"),
        ({"postcode": "WN1 1AA", "miles": "500"}, "Choose a distance from the list"),
    ],
)
def test_bad_input_gets_the_error_summary(client, db, params, message) -> None:
    response = client.get("/find/", params)
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body and message in body


def test_the_service_page_says_who_provides_and_who_commissions_it(client, directory) -> None:
    page = client.get(f"/find/services/{directory['youth'].pk}/").content.decode()
    assert "Pemberton Care Ltd" in page
    assert "Wigan Metropolitan Borough Council, under Youth services contract 2024" in page
    lunch = client.get(f"/find/services/{directory['lunch'].pk}/").content.decode()
    assert "Not commissioned by the council" in lunch
    assert "Monday, Wednesday, 17:00 to 20:00" in page and "Ages 11 to 18" in page
