"""The one ledger: balances derived from entries, never below zero without an audited override, each
pound counted once whoever paid it, and payments checked against commitments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from civichub.commissioning import balances, budgets, ledger
from civichub.commissioning.models import Budget, LedgerEntry
from civichub.commissioning.tests.money_fixtures import (
    SYSTEM,
    commission,
    contract,
    council_budget,
    funded,
    provider,
)
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import AuditEntry, DomainEvent, Role

D = Decimal


def test_a_budget_balance_is_derived_from_its_entries(wigan) -> None:
    budget = council_budget(wigan, "10000")
    made = funded(wigan, (budget, "8000"))
    deal = contract(wigan, made, provider(), "6000")
    ledger.commit_contract(SYSTEM, deal)
    ledger.pay(SYSTEM, deal, "2500")
    ledger.release(SYSTEM, deal, "1000")
    ledger.allocate(SYSTEM, budget, "500")
    got = balances.balance(budget)
    assert (got.allocated, got.committed, got.released, got.paid) == (
        D("10500"),
        D("6000"),
        D("1000"),
        D("2500"),
    )
    assert got.available == D("5500")  # 10500 - 6000 + 1000
    assert got.committed_unspent == D("2500")  # 6000 - 1000 - 2500
    row: Any = balances.with_balances(Budget.objects.for_council(wigan).filter(pk=budget.pk)).get()
    assert (row.allocated, row.committed, row.released, row.paid) == (
        D("10500"),
        D("6000"),
        D("1000"),
        D("2500"),
    )


def test_a_commitment_beyond_the_budget_is_refused_and_changes_nothing(wigan, make_user) -> None:
    officer = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    budget = council_budget(wigan, "1000")
    made = funded(wigan, (budget, "5000"))
    deal = contract(wigan, made, provider(), "1500")
    before = LedgerEntry.objects.for_council(wigan).count()
    with pytest.raises(Conflict) as refused:
        ledger.commit_contract(officer, deal)
    assert refused.value.field == "amount" and "below zero" in refused.value.message
    assert LedgerEntry.objects.for_council(wigan).count() == before
    assert balances.balance(budget).available == D("1000")


def test_an_override_needs_a_reason_and_the_permission_and_is_audited(wigan, make_user) -> None:
    budget = council_budget(wigan, "1000")
    made = funded(wigan, (budget, "5000"))
    deal = contract(wigan, made, provider(), "1500")
    analyst = Actor(user=make_user(Role.ANALYST, wigan), council=wigan)
    budgets_manager = make_user(Role.COMMISSIONER, wigan)
    # Someone who may not spend the budget at all is refused before any override is weighed.
    with pytest.raises(Refused):
        ledger.commit_contract(analyst, deal, override_reason="Winter pressures")
    # A commissioner without a reason is refused; with one, the budget goes below zero, on the record.
    officer = Actor(user=budgets_manager, council=wigan)
    with pytest.raises(Conflict):
        ledger.commit_contract(officer, deal, override_reason="   ")
    [entry] = ledger.commit_contract(
        officer, deal, override_reason="Winter pressures: agreed by the director"
    )
    assert entry.is_override and entry.override_by == budgets_manager
    assert balances.balance(budget).available == D("-500")
    audited = AuditEntry.objects.filter(action="commissioning.ledger.override", object_id=str(entry.pk)).get()
    assert audited.data["override_reason"] == "Winter pressures: agreed by the director"
    assert DomainEvent.unscoped.filter(subject_id=str(entry.pk), data__override=True).exists()


def test_only_commissioners_hold_the_override(wigan, make_user) -> None:
    from civichub.core import policy

    assert policy.allows(make_user(Role.COMMISSIONER, wigan), "commissioning.override_budget", wigan)
    for role in (Role.ANALYST, Role.COUNCILLOR, Role.RESIDENT, Role.PROVIDER_STAFF, Role.CASEWORKER):
        assert not policy.allows(make_user(role, wigan), "commissioning.override_budget", wigan)


def test_payments_never_exceed_the_commitment_without_an_override(wigan, make_user) -> None:
    officer = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    budget = council_budget(wigan, "10000")
    deal = contract(wigan, funded(wigan, (budget, "3000")), provider(), "3000")
    ledger.commit_contract(officer, deal)
    ledger.pay(officer, deal, "2000")
    with pytest.raises(Conflict) as refused:
        ledger.pay(officer, deal, "1500")
    assert "more than is committed" in refused.value.message
    assert balances.contract_balance(deal).paid == D("2000")
    entries = ledger.pay(officer, deal, "1500", override_reason="Extra visits over Christmas")
    assert [e.kind for e in entries] == ["payment", "commitment", "payment"]
    assert entries[1].is_override
    got = balances.balance(budget)
    assert got.paid == D("3500") and got.available == D("6500")  # the excess is counted against the budget


def test_release_returns_unspent_money_and_no_more(wigan) -> None:
    budget = council_budget(wigan, "5000")
    deal = contract(wigan, funded(wigan, (budget, "5000")), provider(), "4000")
    ledger.commit_contract(SYSTEM, deal)
    ledger.pay(SYSTEM, deal, "1000")
    with pytest.raises(Conflict):
        ledger.release(SYSTEM, deal, "3500")
    ledger.release(SYSTEM, deal)
    assert balances.contract_balance(deal).committed_unspent == 0
    assert balances.balance(budget).available == D("4000")


def test_funding_caps_what_a_contract_takes_from_each_budget(wigan) -> None:
    council_money = council_budget(wigan, "10000")
    nhs = council_budget(wigan, "2000", name="Better Care Fund")
    made = funded(wigan, (council_money, "1000"), (nhs, "2000"))
    deal = contract(wigan, made, provider(), "3000")
    entries = ledger.commit_contract(SYSTEM, deal)
    assert sorted((e.budget.name, e.amount) for e in entries) == [
        ("Adult social care", D("1000")),
        ("Better Care Fund", D("2000")),
    ]
    too_much = contract(wigan, made, provider("Second Ltd", "company"), "1", ref="C-2")
    with pytest.raises(Conflict) as refused:
        ledger.commit_contract(SYSTEM, too_much)
    assert refused.value.field == "value"


def test_money_moving_between_a_ward_budget_and_a_contract_is_counted_once(wigan) -> None:
    """A ward budget puts £3,000 towards a council commission for one ward; the council's budget line
    the other £7,000. Totals by provider, category and ward are the contract's £10,000 once, and the
    payments once, however many budgets paid."""
    ward = "E05000841"
    council_money = council_budget(wigan, "50000")
    ward_money = budgets.create_budget(
        SYSTEM,
        wigan,
        kind="ward",
        name="Abram ward budget",
        amount="5000",
        financial_year="2026-27",
        ward_code=ward,
    )
    made = commission(wigan, places=f" {ward} ")
    budgets.fund_commission(SYSTEM, made, ward_money, "3000")
    budgets.fund_commission(SYSTEM, made, council_money, "7000")
    firm = provider()
    deal = contract(wigan, made, firm, "10000")
    ledger.commit_contract(SYSTEM, deal)
    ledger.pay(SYSTEM, deal, "4000")
    ledger.vary(SYSTEM, deal, "-1000")

    def one(field: str, key: object) -> dict:
        [row] = [r for r in balances.totals_by(wigan, field) if r[field] == key]
        return row

    for field, key in (("provider", firm.pk), ("category_code", "home-care-18"), ("ward_code", ward)):
        row = one(field, key)
        assert row["committed"] - row["released"] == D("9000"), field
        assert row["paid"] == D("4000"), field
    # And each budget holds only its own share.
    assert balances.balance(ward_money).net_committed + balances.balance(council_money).net_committed == D(
        "9000"
    )
    assert balances.balance(ward_money).available == D("5000") - balances.balance(ward_money).net_committed


def test_variations_commit_or_release_the_difference(wigan) -> None:
    budget = council_budget(wigan, "10000")
    deal = contract(wigan, funded(wigan, (budget, "9000")), provider(), "5000")
    ledger.commit_contract(SYSTEM, deal)
    ledger.vary(SYSTEM, deal, "2000")
    assert balances.contract_balance(deal).net_committed == D("7000")
    ledger.vary(SYSTEM, deal, "-500")
    assert balances.contract_balance(deal).net_committed == D("6500")
    with pytest.raises(Conflict):
        ledger.vary(SYSTEM, deal, "5000")  # beyond the commission's funding


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "NaN", "Infinity", "1e40", ""])
def test_bad_amounts_are_refused_naming_the_field(wigan, bad) -> None:
    budget = council_budget(wigan, "100")
    with pytest.raises(Refused) as refused:
        ledger.allocate(SYSTEM, budget, bad)
    assert refused.value.field == "amount"
