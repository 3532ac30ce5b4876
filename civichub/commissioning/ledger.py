"""The one ledger: every commissioner's money, moved only here (ADR 0021).

Four movements, each a `LedgerEntry` against one budget, audited and published in the transaction that
writes it:

- an **allocation** puts money into a budget;
- a **commitment** promises some of it to a contract (from the commission's funding);
- a **payment** pays against a commitment (never beyond it without an override);
- a **release** gives back a commitment that will not be spent.

A budget's balance is derived from its entries, never stored: available = allocations - commitments +
releases. Each pound is on exactly one budget's entries, so a total by provider, category or ward is a
plain sum over the ledger and counts it once, whoever paid it.

Concurrency: every movement locks the budgets it touches with `select_for_update`, always in primary-key
order, before it reads a balance, so two commitments cannot both see the same money (and two movements
over the same budgets cannot deadlock).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from civichub.commissioning import money_events  # noqa: F401 - registers the events published here
from civichub.commissioning.balances import (
    ZERO,
    Kind,
    balance,
    clean_amount,
    contract_balance,
    lock,
    require_spender,
    sum_of,
)
from civichub.commissioning.models import (
    Budget,
    CommissionFunding,
    Contract,
    LedgerEntry,
)
from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.outbox import publish
from civichub.core.text import clean_text


def _override(actor: Actor, budget: Budget, reason: str, shortfall: Decimal) -> str:
    """Allow a movement that takes a budget below zero only with a reason, by someone allowed."""
    reason = clean_text(reason or "")[:2000]
    if not reason:
        raise Conflict.on(
            "amount",
            f"{budget.name} has not enough left: it would be £{shortfall} below zero. Give an override "
            "reason if you are allowed to overspend it",
        )
    if not actor.is_system:
        policy.require(actor, "commissioning.override_budget", budget.council)
    return reason


# --- Movements ----------------------------------------------------------------------------------------


def _record(
    actor: Actor,
    budget: Budget,
    kind: str,
    amount: Decimal,
    *,
    contract: Contract | None = None,
    description: str = "",
    override_reason: str = "",
) -> LedgerEntry:
    commission = contract.commission if contract is not None else None
    ward = budget.ward_code
    if not ward and commission is not None and len(commission.places) == 1:
        ward = commission.places[0]
    entry = LedgerEntry.objects.create(
        council=budget.council,
        budget=budget,
        kind=kind,
        amount=amount,
        contract=contract,
        commission=commission,
        provider=contract.provider if contract is not None else None,
        category_code=(commission.market_category_code if commission is not None else ""),
        ward_code=ward[:9],
        description=clean_text(description)[:300],
        is_override=bool(override_reason),
        override_reason=override_reason,
        override_by=actor.user if override_reason else None,
        recorded_by=actor.user,
    )
    data = {
        "budget": str(budget.pk),
        "kind": kind,
        "amount": str(amount),
        "contract": str(contract.pk) if contract is not None else None,
    }
    if override_reason:
        data["override_reason"] = override_reason
    audit.record(
        actor,
        "commissioning.ledger.override" if override_reason else f"commissioning.ledger.{kind}",
        obj=entry,
        council=budget.council,
        data=data,
    )
    publish(
        "commissioning.ledger.recorded",
        council=budget.council,
        subject=entry,
        data={
            "entry_id": str(entry.pk),
            "budget_id": str(budget.pk),
            "kind": kind,
            "amount": str(amount),
            "contract_id": str(contract.pk) if contract is not None else None,
            "override": bool(override_reason),
        },
    )
    return entry


@transaction.atomic
def allocate(actor: Actor, budget: Budget, amount: Any, description: str = "") -> LedgerEntry:
    """Put money into a budget (the year's allocation, or a top-up)."""
    if not actor.is_system:
        policy.require(actor, "commissioning.budgets.manage", budget.council)
    amount = clean_amount(amount)
    locked = lock([budget])[budget.pk]
    locked.amount_allocated += amount
    locked.save(update_fields=["amount_allocated", "updated_at"])
    budget.amount_allocated = locked.amount_allocated
    return _record(actor, locked, Kind.ALLOCATION, amount, description=description or "Allocation")


def _commit_locked(
    actor: Actor, budget: Budget, amount: Decimal, contract: Contract, override_reason: str, description: str
) -> LedgerEntry:
    available = balance(budget).available
    reason = ""
    if amount > available:
        reason = _override(actor, budget, override_reason, amount - available)
    return _record(
        actor,
        budget,
        Kind.COMMITMENT,
        amount,
        contract=contract,
        description=description,
        override_reason=reason,
    )


@transaction.atomic
def commit(
    actor: Actor,
    budget: Budget,
    contract: Contract,
    amount: Any,
    *,
    override_reason: str = "",
    description: str = "",
) -> LedgerEntry:
    """Commit money from one budget to a contract (a call-off, a ward grant): refused if the budget has
    not enough left, unless overridden."""
    require_spender(actor, budget)
    if budget.council_id != contract.council_id:
        raise Refused.on("budget", "The budget and the contract are in different councils")
    amount = clean_amount(amount)
    locked = lock([budget])[budget.pk]
    return _commit_locked(actor, locked, amount, contract, override_reason, description or "Commitment")


def _funding(contract: Contract) -> list[CommissionFunding]:
    if contract.commission_id is None:
        return []
    return list(
        CommissionFunding.objects.for_council(contract.council)
        .filter(commission_id=contract.commission_id)
        .select_related("budget")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def commit_contract(
    actor: Actor, contract: Contract, amount: Any = None, *, override_reason: str = ""
) -> list[LedgerEntry]:
    """Commit a contract's value (or a variation's extra cost) from its commission's funding, each budget
    up to what it funds, in the order the funding was agreed. A contract whose commission has no funding
    (an imported contract) commits nothing. Refused when the funding does not cover it."""
    funding = _funding(contract)
    if not funding or (amount is None and contract.value <= 0):
        return []
    amount = clean_amount(contract.value if amount is None else amount)
    budgets = lock(f.budget for f in funding)
    remaining, entries = amount, []
    for share in funding:
        if remaining <= 0:
            break
        budget = budgets[share.budget_id]
        require_spender(actor, budget)
        used = (
            LedgerEntry.objects.for_council(contract.council)
            .filter(budget=budget, commission_id=contract.commission_id)
            .aggregate(c=sum_of(Kind.COMMITMENT), r=sum_of(Kind.RELEASE))
        )
        room = share.amount - used["c"] + used["r"]
        take = min(room, remaining)
        if take > 0:
            entries.append(
                _commit_locked(actor, budget, take, contract, override_reason, "Contract commitment")
            )
            remaining -= take
    if remaining > 0:
        raise Conflict.on(
            "value",
            f"The commission's funding leaves £{remaining} of this contract unfunded: add funding first",
        )
    return entries


@transaction.atomic
def release(actor: Actor, contract: Contract, amount: Any = None, description: str = "") -> list[LedgerEntry]:
    """Release what a contract was committed and will not spend (all of it when no amount is given: at
    the end, on termination, for a variation that saves money), latest budget first."""
    rows = (
        LedgerEntry.objects.for_council(contract.council)
        .filter(contract=contract)
        .values_list("budget_id", flat=True)
        .distinct()
    )
    # No spender check: giving money back to its budgets never spends it, and the callers (termination,
    # a variation's saving) have already decided who may change the contract.
    budgets = lock(Budget.unscoped.filter(pk__in=list(rows)))
    unspent = {pk: contract_balance(contract, b).committed_unspent for pk, b in budgets.items()}
    total = sum(unspent.values(), ZERO)
    wanted = total if amount is None else clean_amount(amount)
    if wanted > total:
        raise Conflict.on("amount", f"Only £{total} of this contract's commitment is unspent")
    entries = []
    for pk in sorted(budgets, key=str, reverse=True):
        take = min(unspent[pk], wanted)
        if take > 0:
            entries.append(
                _record(
                    actor,
                    budgets[pk],
                    Kind.RELEASE,
                    take,
                    contract=contract,
                    description=description or "Release",
                )
            )
            wanted -= take
    return entries


@transaction.atomic
def pay(
    actor: Actor, contract: Contract, amount: Any, *, override_reason: str = "", description: str = ""
) -> list[LedgerEntry]:
    """Pay a contract against its commitments. A payment beyond what is committed and unspent is
    refused unless overridden (by someone allowed, with a reason): the excess is then committed too,
    from the first budget, so the budget's balance still counts it."""
    amount = clean_amount(amount)
    rows = LedgerEntry.objects.for_council(contract.council).filter(contract=contract)
    funded = [f.budget for f in _funding(contract)]
    budgets = lock([*Budget.unscoped.filter(pk__in=rows.values("budget_id")), *funded])
    if not budgets:
        raise Conflict.on(
            "amount", "Nothing is committed to this contract, so it cannot be paid from a budget"
        )
    for budget in budgets.values():
        require_spender(actor, budget)
    remaining, entries = amount, []
    for pk in sorted(budgets, key=str):
        take = min(contract_balance(contract, budgets[pk]).committed_unspent, remaining)
        if take > 0:
            entries.append(
                _record(
                    actor,
                    budgets[pk],
                    Kind.PAYMENT,
                    take,
                    contract=contract,
                    description=description or "Payment",
                )
            )
            remaining -= take
    if remaining > 0:
        first = budgets[sorted(budgets, key=str)[0]]
        reason = clean_text(override_reason or "")[:2000]
        if not reason:
            raise Conflict.on(
                "amount",
                f"This pays £{remaining} more than is committed to the contract. Give an override reason "
                "if you are allowed to pay beyond the commitment",
            )
        if not actor.is_system:
            policy.require(actor, "commissioning.override_budget", contract.council)
        entries.append(
            _record(
                actor,
                first,
                Kind.COMMITMENT,
                remaining,
                contract=contract,
                description="Committed to cover a payment beyond the commitment",
                override_reason=reason,
            )
        )
        entries.append(
            _record(
                actor, first, Kind.PAYMENT, remaining, contract=contract, description=description or "Payment"
            )
        )
    return entries


@transaction.atomic
def vary(
    actor: Actor, contract: Contract, cost_change: Any, *, override_reason: str = ""
) -> list[LedgerEntry]:
    """A variation's cost: an increase is committed from the funding, a saving released."""
    change = Decimal(str(cost_change))
    if change > 0:
        return commit_contract(actor, contract, change, override_reason=override_reason)
    if change < 0 and LedgerEntry.objects.for_council(contract.council).filter(contract=contract).exists():
        unspent = contract_balance(contract).committed_unspent
        return release(actor, contract, min(-change, unspent), "Variation saving") if unspent > 0 else []
    return []
