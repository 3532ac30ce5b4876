"""Personal budgets are spent only by their holder or an appointee (council staff included in the
refusal); ward budgets only by the ward's councillors, each award a contract with the councillor as
commissioner; and the pages and API that show and spend them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from civichub.commissioning import balances, ledger, money_selectors, personal_budgets, ward_budgets
from civichub.commissioning.models import Budget, Contract, LedgerEntry
from civichub.commissioning.tests.money_fixtures import SYSTEM, provider
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import AuditEntry, Role

WARD = "E05000841"


@pytest.fixture
def money(wigan, make_user):
    holder = make_user(Role.RESIDENT, wigan)
    budget = personal_budgets.create_personal_budget(
        SYSTEM, wigan, holder, amount="3000", financial_year="2026-27"
    )
    firm = provider("Home From Home Care", "company")
    core.add_provider(SYSTEM, wigan, firm, services_summary="Personal assistants", since=date(2020, 1, 1))
    return {"holder": holder, "budget": budget, "provider": firm}


def _buy(actor, wigan, money, amount="1200", **kw):
    return personal_budgets.buy(
        actor,
        wigan,
        money["budget"],
        provider_id=money["provider"].pk,
        title="Personal assistant, 6 hours a week",
        amount=amount,
        start_date="2026-05-01",
        end_date="2027-04-30",
        **kw,
    )


def test_the_holder_buys_a_service_which_makes_a_call_off_and_commits_the_money(wigan, money) -> None:
    holder = Actor(user=money["holder"], council=wigan)
    made = _buy(holder, wigan, money)
    assert made.origin == Contract.Origin.CALL_OFF and made.procurement is None
    assert made.commission.commissioner_user == money["holder"]
    assert balances.balance(money["budget"]).available == Decimal("1800")
    assert balances.contract_balance(made).committed == Decimal("1200")
    # Overspending a personal budget is refused, and there is no override for it.
    with pytest.raises(Conflict):
        _buy(holder, wigan, money, amount="2000")
    assert Contract.objects.for_council(wigan).count() == 1


def test_no_one_else_spends_a_personal_budget_not_even_council_staff(wigan, money, make_user) -> None:
    for role in (Role.COMMISSIONER, Role.CASEWORKER, Role.RESIDENT, Role.COUNCILLOR):
        other = Actor(user=make_user(role, wigan), council=wigan)
        with pytest.raises(Refused) as refused:
            _buy(other, wigan, money)
        assert refused.value.field == "budget"
        with pytest.raises(NotFound):
            money_selectors.own_budget(other, wigan, money["budget"].pk)
    assert not LedgerEntry.objects.for_council(wigan).filter(kind="commitment").exists()
    # A commissioner cannot reach it through the ledger either, nor pay a holder's call-off.
    made = _buy(Actor(user=money["holder"], council=wigan), wigan, money, amount="100")
    officer = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    with pytest.raises(Refused):
        ledger.pay(officer, made, "50")
    with pytest.raises(Refused):
        ledger.commit(officer, money["budget"], made, "10")


def test_an_appointee_spends_it_once_recorded(wigan, money, make_user) -> None:
    daughter = make_user(Role.RESIDENT, wigan)
    as_daughter = Actor(user=daughter, council=wigan)
    with pytest.raises(Refused):
        _buy(as_daughter, wigan, money)
    # The holder records her; the budget is then hers to spend and to see.
    personal_budgets.appoint(Actor(user=money["holder"], council=wigan), money["budget"], daughter)
    assert AuditEntry.objects.filter(action="commissioning.budget.appointee_added").exists()
    _buy(as_daughter, wigan, money)
    assert list(money_selectors.own_budgets(as_daughter, wigan)) == [money["budget"]]
    # A stranger cannot appoint someone.
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the policy
        personal_budgets.appoint(
            Actor(user=make_user(Role.RESIDENT, wigan), council=wigan), money["budget"], daughter
        )


def test_only_a_provider_in_the_directory_or_register_can_be_bought_from(wigan, money) -> None:
    stranger = provider("Not Listed Ltd", "company")
    with pytest.raises(Refused) as refused:
        personal_budgets.buy(
            Actor(user=money["holder"], council=wigan),
            wigan,
            money["budget"],
            provider_id=stranger.pk,
            title="x",
            amount="10",
            start_date="2026-05-01",
            end_date="2026-05-02",
        )
    assert refused.value.field == "provider_id"


def test_the_holders_page_shows_allocation_balance_and_spending(wigan, money, client_as, make_user) -> None:
    _buy(Actor(user=money["holder"], council=wigan), wigan, money)
    url = reverse(
        "money:personal-budget", kwargs={"council_slug": wigan.slug, "personal_budget_id": money["budget"].pk}
    )
    page = client_as(money["holder"]).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "£3,000.00" in text and "£1,800.00" in text and "Home From Home Care" in text
    assert AuditEntry.objects.filter(action="commissioning.personal_budget.read").exists()
    # Council staff who are not appointees get a 404, as if it did not exist.
    assert client_as(make_user(Role.COMMISSIONER, wigan)).get(url).status_code == 404
    # The holder buys through the page.
    made = client_as(money["holder"]).post(
        url,
        {
            "provider_id": str(money["provider"].pk),
            "title": "Gardening",
            "amount": "100",
            "start_date": "2026-06-01",
            "end_date": "2026-06-30",
        },
    )
    assert made.status_code == 302
    assert balances.balance(money["budget"]).available == Decimal("1700")
    bad = client_as(money["holder"]).post(
        url,
        {
            "provider_id": str(money["provider"].pk),
            "title": "x",
            "amount": "99999",
            "start_date": "2026-06-01",
            "end_date": "2026-06-30",
        },
    )
    assert bad.status_code == 400 and "below zero" in bad.content.decode()


def test_ward_budgets_for_every_ward_spent_only_by_its_councillors(wigan, make_user) -> None:
    cllr = make_user(Role.COUNCILLOR, wigan, ward_code=WARD)
    other_cllr = make_user(Role.COUNCILLOR, wigan, ward_code="E05000842")
    officer = make_user(Role.COMMISSIONER, wigan)
    made = ward_budgets.set_up_ward_budgets(
        Actor(user=officer, council=wigan), wigan, amount="10000", financial_year="2026-27"
    )
    from civichub.places.selectors import wards_in

    assert len(made) == wards_in(wigan.gss_code).count() > 20
    ours = Budget.objects.for_council(wigan).get(kind="ward", ward_code=WARD)
    assert ours.owner_user == cllr
    group = provider("Abram Allotment Society")
    award: dict[str, Any] = {
        "kind": "grant",
        "provider_id": group.pk,
        "title": "Raised beds",
        "amount": "750",
        "start_date": "2026-06-01",
        "end_date": "2026-09-30",
    }
    for stranger in (other_cllr, officer):
        with pytest.raises(Refused):
            ward_budgets.award(Actor(user=stranger, council=wigan), wigan, ours, **award)
    grant = ward_budgets.award(Actor(user=cllr, council=wigan), wigan, ours, **award)
    assert grant.commission is not None and grant.commission.commissioner_user == cllr
    assert money_selectors.is_grant(grant)
    assert grant.origin == Contract.Origin.WARD_BUDGET
    assert balances.balance(ours).available == Decimal("9250")
    small = ward_budgets.award(Actor(user=cllr, council=wigan), wigan, ours, **{**award, "kind": "contract"})
    assert not money_selectors.is_grant(small)
    with pytest.raises(Conflict):
        ward_budgets.award(Actor(user=cllr, council=wigan), wigan, ours, **{**award, "amount": "9000"})
    # Setting up again makes none twice.
    assert (
        ward_budgets.set_up_ward_budgets(
            Actor(user=officer, council=wigan), wigan, amount="1", financial_year="2026-27"
        )
        == []
    )


def test_ward_budget_pages(wigan, make_user, client_as) -> None:
    cllr = make_user(Role.COUNCILLOR, wigan, ward_code=WARD)
    ward_budgets.set_up_ward_budgets(SYSTEM, wigan, amount="5000", financial_year="2026-27")
    ours = Budget.objects.for_council(wigan).get(kind="ward", ward_code=WARD)
    group = provider("Abram Youth Club")
    url = reverse("money:ward-budget", kwargs={"council_slug": wigan.slug, "ward_budget_id": ours.pk})
    listing = client_as(cllr).get(reverse("money:ward-budgets", kwargs={"council_slug": wigan.slug}))
    assert listing.status_code == 200 and "(yours)" in listing.content.decode()
    posted = client_as(cllr).post(
        url,
        {
            "kind": "grant",
            "provider_id": str(group.pk),
            "title": "Summer trips",
            "amount": "400",
            "start_date": "2026-07-01",
            "end_date": "2026-08-31",
            "purpose": "Days out for young people",
        },
    )
    assert posted.status_code == 302
    assert "Summer trips" in client_as(cllr).get(url).content.decode()
    analyst = make_user(Role.ANALYST, wigan)
    assert client_as(analyst).get(url).status_code == 200
    assert client_as(analyst).post(url, {"kind": "grant"}).status_code == 403
