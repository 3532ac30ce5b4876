"""Balances, derived from the ledger's entries (never stored), and who may spend a budget: the reads
the ledger's movements, the pages, the API and the dashboard share. The movements are in `ledger`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from civichub.commissioning.models import Budget, Contract, LedgerEntry, PersonalBudgetAppointee
from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Membership, Role

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")
Kind = LedgerEntry.Kind


# --- Balances (derived from the entries) --------------------------------------------------------------


def sum_of(kind: str, **where: Any) -> Any:
    return Coalesce(Sum("amount", filter=Q(kind=kind, **where)), ZERO)


@dataclass(frozen=True)
class Balance:
    allocated: Decimal
    committed: Decimal
    released: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        """What is not yet committed: allocations - commitments + releases."""
        return self.allocated - self.committed + self.released

    @property
    def committed_unspent(self) -> Decimal:
        """Promised to contracts and not yet paid nor released."""
        return self.committed - self.released - self.paid

    @property
    def net_committed(self) -> Decimal:
        return self.committed - self.released


def _balance_of(entries: QuerySet[LedgerEntry]) -> Balance:
    sums = entries.aggregate(
        allocated=sum_of(Kind.ALLOCATION),
        committed=sum_of(Kind.COMMITMENT),
        released=sum_of(Kind.RELEASE),
        paid=sum_of(Kind.PAYMENT),
    )
    return Balance(**sums)


def balance(budget: Budget) -> Balance:
    return _balance_of(LedgerEntry.objects.for_council(budget.council).filter(budget=budget))


def contract_balance(contract: Contract, budget: Budget | None = None) -> Balance:
    """What a contract has been committed and paid (from one budget, or from all of them)."""
    entries = LedgerEntry.objects.for_council(contract.council).filter(contract=contract)
    return _balance_of(entries.filter(budget=budget) if budget is not None else entries)


def with_balances(budgets: QuerySet[Budget]) -> QuerySet[Budget]:
    """Budgets annotated with their sums, in one query (lists and the dashboard)."""
    return budgets.annotate(
        allocated=Coalesce(Sum("entries__amount", filter=Q(entries__kind=Kind.ALLOCATION)), ZERO),
        committed=Coalesce(Sum("entries__amount", filter=Q(entries__kind=Kind.COMMITMENT)), ZERO),
        released=Coalesce(Sum("entries__amount", filter=Q(entries__kind=Kind.RELEASE)), ZERO),
        paid=Coalesce(Sum("entries__amount", filter=Q(entries__kind=Kind.PAYMENT)), ZERO),
    )


def totals_by(council: Any, field: str) -> list[dict[str, Any]]:
    """Net commitments and payments per provider, category or ward: each pound once, since each entry
    belongs to one budget and one contract."""
    if field not in ("provider", "category_code", "ward_code"):
        raise ValueError(field)
    return list(
        LedgerEntry.objects.for_council(council)
        .exclude(kind=Kind.ALLOCATION)
        .values(field)
        .annotate(
            committed=sum_of(Kind.COMMITMENT),
            released=sum_of(Kind.RELEASE),
            paid=sum_of(Kind.PAYMENT),
        )
        .order_by(field)
    )


# --- Who may spend a budget -------------------------------------------------------------------------


def may_spend(actor: Actor, budget: Budget) -> bool:
    """A personal budget: only its holder or an appointee recorded for them (council staff included:
    a commissioner who is not an appointee cannot spend it). A ward budget: its owner or a councillor of
    that ward. Any other budget: the council's commissioners."""
    if actor.is_system:
        return True
    user = actor.user
    assert user is not None
    if budget.kind == Budget.Kind.PERSONAL:
        return budget.holder_id == user.pk or (
            PersonalBudgetAppointee.objects.for_council(budget.council)
            .filter(budget=budget, user=user)
            .exists()
        )
    if budget.kind == Budget.Kind.WARD:
        return (
            budget.owner_user_id == user.pk
            or Membership.objects.filter(
                user=user, council=budget.council, role=Role.COUNCILLOR, ward_code=budget.ward_code
            ).exists()
        )
    return policy.allows(user, "commissioning.budgets.manage", budget.council)


def allows(actor: Actor, permission: str, council: Any) -> bool:
    """The policy's answer for an actor (system jobs are allowed everything)."""
    return actor.is_system or (actor.user is not None and policy.allows(actor.user, permission, council))


def require_spender(actor: Actor, budget: Budget) -> None:
    if not may_spend(actor, budget):
        raise Refused.on(
            "budget", f"You cannot spend {budget.name}: only its holder (or their appointee) can"
        )


def clean_amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(PENNY)
    except (ArithmeticError, ValueError):
        raise Refused.on(field, "Give an amount of money in pounds, such as 1250.00") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise Refused.on(field, "Give an amount of money above £0")
    return amount


def lock(budgets: Iterable[Budget]) -> dict[Any, Budget]:
    """Lock the budgets, in primary-key order (one order everywhere, so no deadlock)."""
    ids = sorted({b.pk for b in budgets})
    return {b.pk: b for b in Budget.unscoped.select_for_update().filter(pk__in=ids).order_by("pk")}
