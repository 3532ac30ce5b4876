"""Budgets: setting one up (with its first allocation on the ledger), putting it towards a commission,
and the selectors that read budgets and their balances. The money itself moves only in `ledger`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from civichub.commissioning import balances, ledger
from civichub.commissioning.models import Budget, Commission, CommissionFunding
from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council, Organisation, User
from civichub.core.outbox import publish
from civichub.core.text import clean_name


@transaction.atomic
def published(actor: Actor, budget: Budget, change: str, data: dict[str, Any] | None = None) -> None:
    """Audit and publish a change to a budget (inside the caller's transaction)."""
    audit.record(
        actor,
        f"commissioning.budget.{change}",
        obj=budget,
        council=budget.council,
        data={"kind": budget.kind, "name": budget.name, **(data or {})},
    )
    publish(
        "commissioning.budget.changed",
        council=budget.council,
        subject=budget,
        data={
            "budget_id": str(budget.pk),
            "kind": budget.kind,
            "change": change,
            "ward_code": budget.ward_code,
        },
    )


def _financial_year(text: str) -> str:
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        raise Refused.on("financial_year", "Give the financial year as 2026-27")
    if int(text[5:]) != (int(text[:4]) + 1) % 100:
        raise Refused.on("financial_year", "The second year must follow the first, as in 2026-27")
    return text


@transaction.atomic
def create_budget(
    actor: Actor,
    council: Council,
    *,
    kind: str,
    name: str,
    amount: Any,
    financial_year: str,
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    holder: User | None = None,
    ward_code: str = "",
    source_reference: str = "",
) -> Budget:
    """Set a budget up and allocate its first amount on the ledger. A council budget line or external
    funding belongs to an organisation (the council, an NHS body); a ward budget to its councillor; a
    personal budget to its holder."""
    if not actor.is_system:
        policy.require(actor, "commissioning.budgets.manage", council)
    if kind not in Budget.Kind.values:
        raise Refused.on(
            "kind", "Choose a council budget line, ward budget, personal budget or external funding"
        )
    name = clean_name(name or "", max_length=300)
    if kind == Budget.Kind.PERSONAL:
        if holder is None:
            raise Refused.on("holder", "A personal budget needs the resident who holds it")
        owner_user, owner_organisation = holder, None
    elif kind == Budget.Kind.WARD:
        if not ward_code:
            raise Refused.on("ward_code", "A ward budget needs its ward")
        if owner_user is None and owner_organisation is None:
            owner_organisation = council.organisation
    elif owner_organisation is None and owner_user is None:
        owner_organisation = council.organisation
    if (owner_organisation is None) == (owner_user is None):
        raise Refused.on("owner", "A budget has exactly one owner: an organisation or a person")
    budget = Budget.objects.create(
        council=council,
        kind=kind,
        name=name,
        amount_allocated=0,
        financial_year=_financial_year(financial_year),
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        holder=holder if kind == Budget.Kind.PERSONAL else None,
        ward_code=ward_code if kind == Budget.Kind.WARD else "",
        source_reference=(source_reference or "")[:200],
    )
    published(actor, budget, "created")
    ledger.allocate(actor, budget, amount, "First allocation")
    return budget


@transaction.atomic
def fund_commission(actor: Actor, commission: Commission, budget: Budget, amount: Any) -> CommissionFunding:
    """Put (some of) a budget towards a commission: its contracts are then committed from it."""
    balances.require_spender(actor, budget)
    if budget.council_id != commission.council_id:
        raise NotFound("There is no such budget in this council")
    amount = balances.clean_amount(amount)
    funding, made = CommissionFunding.objects.for_council(commission.council).get_or_create(
        council=commission.council, commission=commission, budget=budget, defaults={"amount": amount}
    )
    if not made:
        funding.amount += amount
        funding.save(update_fields=["amount", "updated_at"])
    published(actor, budget, "funds_commission", {"commission": str(commission.pk), "amount": str(amount)})
    return funding
