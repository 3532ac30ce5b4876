"""A true race on the one ledger: two transactions, in two threads with their own connections, commit
contracts that each need most of one budget at the same moment. Exactly one wins; the other is refused,
and the budget never goes below zero.

The rows must be committed for the other connection to see them, so the test writes from threads of
its own, outside the usual per-test transaction, through real transactions (on PostgreSQL, where
`SELECT ... FOR UPDATE` is a row lock; SQLite locks the whole file, so there is no race to lose there),
and removes what it made afterwards. Its audit entries stay: the audit log is append-only by design.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction

from civichub.commissioning import balances, ledger
from civichub.commissioning.models import Budget, Commission, CommissionFunding, Contract, LedgerEntry
from civichub.commissioning.tests.money_fixtures import SYSTEM, contract, council_budget, funded, provider
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council, Organisation
from civichub.core.outbox import DomainEvent


def _both_at_once(deals: list[Contract]) -> list[Any]:
    """The first transaction commits its contract and holds its transaction open until the second, which
    starts only then, is seen waiting on a lock in PostgreSQL; only then does the first commit. Whatever
    the second read before it had to wait decides whether it overspends: with the budget locked before
    its balance is read, it reads the balance only after the first has committed."""
    first_inside, second_waits = threading.Event(), threading.Event()
    outcomes: list[Any] = [None, None]

    def first() -> None:
        try:
            with transaction.atomic():
                outcomes[0] = ledger.commit_contract(SYSTEM, deals[0])
                first_inside.set()
                assert second_waits.wait(timeout=600), "the second transaction never waited"
        except (Conflict, Refused) as refused:
            outcomes[0] = refused
        finally:
            first_inside.set()
            connections.close_all()

    def second() -> None:
        try:
            assert first_inside.wait(timeout=600)
            outcomes[1] = ledger.commit_contract(SYSTEM, deals[1])
        except (Conflict, Refused) as refused:
            outcomes[1] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    _committed(lambda: _until_a_transaction_waits_on_a_lock(threads[0]))
    second_waits.set()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a commitment never finished (a deadlock?)"
    return outcomes


def _until_a_transaction_waits_on_a_lock(first: threading.Thread) -> None:
    """Ask PostgreSQL (each statement its own snapshot) until a backend waits on a lock, for 5 minutes at
    most; the first thread having ended means something failed, and the test says so."""
    deadline = time.monotonic() + 300
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and first.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
    raise AssertionError("the second transaction never waited on the first")


def _committed(work: Callable[[], Any]) -> Any:
    """Run `work` in a thread of its own: its own connection, outside the test's transaction, so what it
    writes is committed and the racing threads' connections see it."""
    done: list[Any] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as error:  # handed back to the test's thread
            failed.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=600)
    if failed:
        raise failed[0]
    assert done, "the work never finished"
    return done[0]


def _set_up() -> tuple[Council, Budget, list[Contract], int]:
    wigan = Council.objects.get(gss_code="E08000010")
    # The outbox's last event on the whole platform (unscoped: the sequence is the platform's).
    last_event = DomainEvent.unscoped.order_by("-seq").values_list("seq", flat=True).first() or 0
    budget = council_budget(wigan, "1000", name="The last of the winter fund")
    # Each commission was promised 600 of the 1,000: together they ask for more than there is.
    deals = [
        contract(wigan, funded(wigan, (budget, "600")), provider(f"Racer {n}"), "600", ref=f"RACE-{n}")
        for n in (1, 2)
    ]
    return wigan, budget, deals, last_event


def test_two_transactions_spending_the_last_of_one_budget_at_once_exactly_one_wins(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole file, so there is no race: run with scripts/with-postgres")
    wigan, budget, deals, last_event = _committed(_set_up)
    try:
        outcomes = _both_at_once(deals)
        won = [o for o in outcomes if isinstance(o, list)]
        lost = [o for o in outcomes if isinstance(o, (Conflict, Refused))]
        assert len(won) == 1 and len(lost) == 1, outcomes
        left = _committed(lambda: balances.balance(Budget.objects.for_council(wigan).get(pk=budget.pk)))
        assert left.available == Decimal(400)
        committed = _committed(
            lambda: list(
                LedgerEntry.objects.for_council(wigan)
                .filter(budget=budget, kind="commitment")
                .values_list("override_reason", flat=True)
            )
        )
        assert committed == [""]  # one commitment, and no override
    finally:
        _committed(lambda: _remove(wigan, budget, deals, last_event))


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
