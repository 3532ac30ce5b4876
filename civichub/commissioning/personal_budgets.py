"""Personal budgets (direct payments): the council sets one up for a resident and records appointees;
the holder (or an appointee) sees its allocation, balance and spending, and buys a service from the
directory or the market's provider register, which makes a call-off contract and commits the money.

Only the holder or an appointee spends it: `balances.may_spend` decides, for every door, and council
staff who are not appointees are refused like anyone else.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from civichub.commissioning import balances, money_selectors
from civichub.commissioning.budgets import create_budget, published
from civichub.commissioning.direct import contract_from_budget
from civichub.commissioning.models import Budget, Contract, PersonalBudgetAppointee
from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import Council, Membership, Role, User


@transaction.atomic
def create_personal_budget(
    actor: Actor, council: Council, holder: User, *, amount: Any, financial_year: str, name: str = ""
) -> Budget:
    """A personal budget for a resident of the council (someone with a resident's place in it)."""
    if not Membership.objects.filter(user=holder, council=council, role=Role.RESIDENT).exists():
        raise Refused.on("holder", f"The holder must be a resident signed up with {council.short_name}")
    return create_budget(
        actor,
        council,
        kind=Budget.Kind.PERSONAL,
        name=name or f"Personal budget {financial_year}",
        amount=amount,
        financial_year=financial_year,
        holder=holder,
    )


@transaction.atomic
def appoint(actor: Actor, budget: Budget, user: User) -> PersonalBudgetAppointee:
    """Record someone who may spend a personal budget for its holder (the council does this, or the
    holder)."""
    if budget.kind != Budget.Kind.PERSONAL:
        raise Refused.on("budget", "Only a personal budget has appointees")
    if not actor.is_system and actor.user != budget.holder:
        policy.require(actor, "commissioning.budgets.manage", budget.council)
    if user.pk == budget.holder_id:
        raise Conflict.on("user", "The holder already spends their own budget")
    appointee, made = PersonalBudgetAppointee.objects.for_council(budget.council).get_or_create(
        council=budget.council, budget=budget, user=user
    )
    if not made:
        raise Conflict.on("user", f"{user.username} is already an appointee")
    published(actor, budget, "appointee_added", {"appointee": str(user.pk)})
    return appointee


def buy(
    actor: Actor,
    council: Council,
    budget: Budget,
    *,
    provider_id: Any,
    title: str,
    amount: Any,
    start_date: Any,
    end_date: Any,
    description: str = "",
) -> Contract:
    """Buy a service with a personal budget: a call-off contract with the provider, committed on the
    ledger. Refused for anyone but the holder or an appointee, and when the budget has not enough left
    (a personal budget is never overspent by its holder: there is no override here)."""
    if budget.council_id != council.pk or budget.kind != Budget.Kind.PERSONAL:
        raise NotFound("There is no such personal budget")
    if not balances.may_spend(actor, budget) or actor.is_system:
        raise Refused.on("budget", "Only the holder of a personal budget, or their appointee, can spend it")
    provider = money_selectors.providers_to_buy_from(council).filter(pk=_provider_id(provider_id)).first()
    if provider is None:
        raise Refused.on("provider_id", money_selectors.NOT_A_PROVIDER)
    assert budget.holder is not None
    return contract_from_budget(
        actor,
        budget,
        commissioner=budget.holder,
        provider=provider,
        title=title,
        purpose=f"Support bought with a personal budget: {title}",
        amount=amount,
        start_date=start_date,
        end_date=end_date,
        origin=Contract.Origin.CALL_OFF,
        reference_prefix="PB",
        description=description,
    )


def _provider_id(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Refused.on("provider_id", money_selectors.NOT_A_PROVIDER) from None
