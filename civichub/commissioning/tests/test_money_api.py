"""The money's API: bad input is refused naming the field and changes nothing (never a 5xx), another
council's ids are 404, and a resident buys with their own personal budget only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from civichub.commissioning import personal_budgets
from civichub.commissioning.models import Contract, LedgerEntry
from civichub.commissioning.tests.money_fixtures import SYSTEM, council_budget, provider
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Role


def _token(user) -> dict[str, str]:
    _, text = core.create_api_token(Actor(user=user), "money")
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def setup(wigan, sunderland, make_user):
    holder = make_user(Role.RESIDENT, wigan)
    budget = personal_budgets.create_personal_budget(
        SYSTEM, wigan, holder, amount="900", financial_year="2026-27"
    )
    firm = provider("Wigan Helpers Ltd", "company")
    core.add_provider(SYSTEM, wigan, firm, services_summary="Help", since=date(2020, 1, 1))
    theirs = council_budget(sunderland, "100")
    return {"holder": holder, "budget": budget, "firm": firm, "theirs": theirs}


GOOD = {"title": "Cleaning", "amount": "100", "start_date": "2026-05-01", "end_date": "2026-06-01"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "NaN"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"amount": "1e99"}, "amount"),
        ({"amount": "100000"}, "amount"),
        ({"provider_id": "not-a-uuid"}, "provider_id"),
        ({"provider_id": "00000000-0000-0000-0000-000000000000"}, "provider_id"),
        ({"end_date": "2026-04-01"}, "end_date"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_purchases_are_refused_naming_the_field(wigan, client, setup, change, field) -> None:
    url = f"/api/v1/c/{wigan.slug}/personal-budgets/{setup['budget'].pk}/purchases"
    body = {**GOOD, "provider_id": str(setup["firm"].pk), **change}
    answer = client.post(url, body, content_type="application/json", **_token(setup["holder"]))
    assert 400 <= answer.status_code < 500, answer.content
    if answer.status_code != 422:  # ninja's own validation names the field in its own shape
        assert answer.json()["errors"][0]["field"] == field
    assert not Contract.objects.for_council(wigan).exists()
    assert not LedgerEntry.objects.for_council(wigan).filter(kind="commitment").exists()


def test_the_holder_buys_through_the_api_and_others_get_404(wigan, client, setup, make_user) -> None:
    url = f"/api/v1/c/{wigan.slug}/personal-budgets/{setup['budget'].pk}/purchases"
    body = {**GOOD, "provider_id": str(setup["firm"].pk)}
    officer = make_user(Role.COMMISSIONER, wigan)
    assert client.post(url, body, content_type="application/json", **_token(officer)).status_code == 404
    made = client.post(url, body, content_type="application/json", **_token(setup["holder"]))
    assert made.status_code == 201 and made.json()["origin"] == "call_off"
    mine = client.get(f"/api/v1/c/{wigan.slug}/personal-budgets", **_token(setup["holder"])).json()
    assert Decimal(mine["items"][0]["available"]) == Decimal("800")
    # Another council's budget, through our council's URL.
    theirs = f"/api/v1/c/{wigan.slug}/budgets/{setup['theirs'].pk}"
    assert client.get(theirs, **_token(officer)).status_code == 404
    allocation = client.post(
        f"{theirs}/allocations", {"amount": "5"}, content_type="application/json", **_token(officer)
    )
    assert allocation.status_code == 404
