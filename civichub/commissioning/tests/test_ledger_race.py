"""A true race on the one ledger: two transactions, in two threads with their own connections, commit
contracts that each need most of one budget at the same moment. Exactly one wins; the other is refused,
and the budget never goes below zero.

The rows must be committed for the other connection to see them, so this test does not run inside the
usual per-test transaction: it writes through real transactions (on PostgreSQL, where `SELECT ... FOR
UPDATE` is a row lock; SQLite locks the whole file, so there is no race to lose there) and removes what
it made afterwards. Its audit entries stay: the audit log is append-only by design.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from civichub.commissioning import balances, ledger
from civichub.commissioning.models import Budget, Commission, CommissionFunding, Contract, LedgerEntry
from civichub.commissioning.tests.money_fixtures import SYSTEM, contract, council_budget, funded, provider
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council, Organisation
from civichub.core.outbox import DomainEvent


def _both_at_once(deals: list[Contract]) -> list[Any]:
    """Commit each contract in its own thread, both released together by a barrier; what each gave."""
    gate = threading.Barrier(len(deals), timeout=60)
    outcomes: list[Any] = [None] * len(deals)

    def spend(n: int) -> None:
        try:
            gate.wait()
            outcomes[n] = ledger.commit_contract(SYSTEM, deals[n])
        except (Conflict, Refused) as refused:
            outcomes[n] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(len(deals))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a commitment never finished (a deadlock?)"
    return outcomes


def test_two_transactions_spending_the_last_of_one_budget_at_once_exactly_one_wins(django_db_blocker) -> None:
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("SQLite locks the whole file, so there is no race: run with scripts/with-postgres")
        wigan = Council.objects.get(gss_code="E08000010")
        # The outbox's last event on the whole platform (unscoped: the sequence is the platform's).
        last_event = DomainEvent.unscoped.order_by("-seq").values_list("seq", flat=True).first() or 0
        budget = council_budget(wigan, "1000", name="The last of the winter fund")
        # Each commission was promised 600 of the 1,000: together they ask for more than there is.
        deals = [
            contract(wigan, funded(wigan, (budget, "600")), provider(f"Racer {n}"), "600", ref=f"RACE-{n}")
            for n in (1, 2)
        ]
        try:
            outcomes = _both_at_once(deals)
            won = [o for o in outcomes if isinstance(o, list)]
            lost = [o for o in outcomes if isinstance(o, (Conflict, Refused))]
            assert len(won) == 1 and len(lost) == 1, outcomes
            left = balances.balance(Budget.objects.for_council(wigan).get(pk=budget.pk)).available
            assert left == Decimal(400)
            committed = LedgerEntry.objects.for_council(wigan).filter(budget=budget, kind="commitment")
            assert committed.count() == 1 and not committed.filter(override_reason__gt="").exists()
        finally:
            _remove(wigan, budget, deals, last_event)


def _remove(council: Council, budget: Budget, deals: list[Contract], last_event: int) -> None:
    """Take away what the test committed, so later tests see the council as they expect."""
    commissions = [d.commission_id for d in deals]
    LedgerEntry.objects.for_council(council).filter(budget=budget).delete()
    Contract.objects.for_council(council).filter(pk__in=[d.pk for d in deals]).delete()
    CommissionFunding.objects.for_council(council).filter(budget=budget).delete()
    Commission.objects.for_council(council).filter(pk__in=commissions).delete()
    Budget.objects.for_council(council).filter(pk=budget.pk).delete()
    Organisation.objects.filter(pk__in=[d.provider_id for d in deals]).delete()
    DomainEvent.objects.for_council(council).filter(seq__gt=last_event).delete()
