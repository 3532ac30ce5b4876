"""The contracts' lifecycle moves the money: making a contract commits its value from the commission's
funding, a variation commits or releases the difference, termination releases what is unspent, and a
payment on a contract (page and API) is checked against the ledger; and the lock that keeps two
commitments from sharing the same money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civichub.commissioning import balances, budgets, ledger
from civichub.commissioning.selectors import lots
from civichub.commissioning.services import contracts, evaluation
from civichub.commissioning.tests.conftest import start
from civichub.commissioning.tests.money_fixtures import SYSTEM, contract, council_budget, funded, provider
from civichub.core.errors import Conflict

D = Decimal


def _contract_by_call_off(people, commission, value: str, reference: str = "WIG-M1"):
    procurement = start(
        people,
        commission,
        reference=reference,
        procedure="framework_call_off",
        framework_reference="NW-FW-12",
    )
    procurement = evaluation.call_off(people["officer"], procurement, people["south_org"].pk, value)
    lot = lots(procurement).first()
    assert lot is not None
    return contracts.make_contract(
        people["officer"], procurement, lot.pk, {"start_date": "2026-04-01", "end_date": "2027-03-31"}
    )


def test_making_varying_and_terminating_a_contract_moves_the_money(wigan, people, commission) -> None:
    budget = council_budget(wigan, "100000")
    budgets.fund_commission(people["officer"], commission, budget, "60000")
    made = _contract_by_call_off(people, commission, "40000")
    assert balances.contract_balance(made).committed == D("40000")
    contracts.vary_contract(
        people["officer"],
        made,
        {"reason": "Two more visits a week", "cost_change": "5000", "agreed_by": "Both"},
    )
    assert balances.contract_balance(made).net_committed == D("45000")
    contracts.vary_contract(
        people["officer"], made, {"reason": "Fewer nights", "cost_change": "-2000", "agreed_by": "Both"}
    )
    assert balances.contract_balance(made).net_committed == D("43000")
    ledger.pay(people["officer"], made, "10000")
    contracts.terminate_contract(people["officer"], made, {"reason": "The provider closed"})
    got = balances.contract_balance(made)
    assert got.committed_unspent == 0 and got.paid == D("10000")
    assert balances.balance(budget).available == D("90000")


def test_a_contract_beyond_its_funding_is_refused_and_not_made(wigan, people, commission) -> None:
    from civichub.commissioning.models import Contract

    budget = council_budget(wigan, "100000")
    budgets.fund_commission(people["officer"], commission, budget, "10000")
    with pytest.raises(Conflict) as refused:
        _contract_by_call_off(people, commission, "40000")
    assert refused.value.field == "value"
    assert not Contract.objects.for_council(wigan).exists()


def test_payments_through_the_page_and_the_api_are_checked_against_the_ledger(
    wigan, people, commission, client_as
) -> None:
    from civichub.core import services as core
    from civichub.core.actors import Actor

    budget = council_budget(wigan, "100000")
    budgets.fund_commission(people["officer"], commission, budget, "50000")
    made = _contract_by_call_off(people, commission, "20000")
    officer = people["officer"].user
    url = reverse("money:contract-payments", kwargs={"council_slug": wigan.slug, "contract_id": made.pk})
    client = client_as(officer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"amount": "15000"}).status_code == 302
    refused = client.post(url, {"amount": "6000"})
    assert refused.status_code == 400 and "more than is committed" in refused.content.decode()
    _, token = core.create_api_token(Actor(user=officer), "payments")
    api = f"/api/v1/c/{wigan.slug}/contracts/{made.pk}/payments"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answer = client.post(api, {"amount": "6000"}, content_type="application/json", **headers)
    assert answer.status_code == 409 and answer.json()["errors"][0]["field"] == "amount"
    answer = client.post(api, {"amount": "5000"}, content_type="application/json", **headers)
    assert answer.status_code == 201
    assert balances.contract_balance(made).paid == D("20000")
    # An analyst sees the page but may not pay.
    analyst = people["analyst"].user
    assert client_as(analyst).post(url, {"amount": "1"}).status_code == 400
    assert balances.contract_balance(made).paid == D("20000")


def test_a_commitment_locks_its_budgets_in_one_order_before_reading_the_balance(wigan) -> None:
    """Two commitments cannot both see the same money: each locks the budgets (FOR UPDATE, in primary
    key order, so two movements over the same budgets never deadlock) before it reads a balance. A
    threaded race needs committed rows, which would mean flushing the session's geography, so the test
    reads the SQL instead (on PostgreSQL, where the lock exists)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: run with scripts/with-postgres")
    first, second = council_budget(wigan, "1000"), council_budget(wigan, "1000", name="Better Care Fund")
    deal = contract(wigan, funded(wigan, (second, "500"), (first, "500")), provider(), "1000")
    with CaptureQueriesContext(connection) as queries:
        ledger.commit_contract(SYSTEM, deal)
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [i for i, q in enumerate(sql) if "FOR UPDATE" in q and "commissioning_budget" in q]
    reads = [i for i, q in enumerate(sql) if "commissioning_ledgerentry" in q and "SUM" in q]
    assert locks and reads and locks[0] < reads[0]
    assert 'ORDER BY "commissioning_budget"."id" ASC' in sql[locks[0]]
