"""Reads of the money for pages and the API: a council's budgets with their balances, a resident's own
personal budgets (each read of one audited, as personal data), what a budget has bought, who a personal
budget may buy from, and ward budgets with their councillors. Nothing here writes but the audit of a read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from civichub.commissioning import balances
from civichub.commissioning.models import Budget, Contract, LedgerEntry, PersonalBudgetAppointee
from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council, Organisation, Role, User
from civichub.directory import selectors as directory
from civichub.market import selectors as market

NOT_A_PROVIDER = "Choose a provider from the directory or the provider register"


def _uuid(value: Any, error: Refused) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise error from None


def budgets(actor: Actor, council: Council, kind: str = "") -> QuerySet[Budget]:
    """A council's budgets with their balances (officers and councillors; personal budgets are listed
    by name only to those who manage budgets)."""
    policy.require(actor, "commissioning.dashboard.view", council)
    found = Budget.objects.for_council(council).order_by("kind", "name", "pk")
    if not balances.allows(actor, "commissioning.budgets.manage", council):
        found = found.exclude(kind=Budget.Kind.PERSONAL)
    return balances.with_balances(found.filter(kind=kind) if kind else found)


def budget(actor: Actor, council: Council, budget_id: Any) -> Budget:
    """One budget of the council's, to someone who may see it: officers see any but personal budgets,
    which only their holder, an appointee and budget managers see."""
    try:
        key = uuid.UUID(str(budget_id))
    except ValueError:
        raise NotFound("There is no such budget") from None
    found = balances.with_balances(Budget.objects.for_council(council).filter(pk=key)).first()
    if found is None:
        raise NotFound("There is no such budget in this council")
    if found.kind == Budget.Kind.PERSONAL:
        if not (
            balances.may_spend(actor, found)
            or balances.allows(actor, "commissioning.budgets.manage", council)
        ):
            raise NotFound("There is no such budget in this council")
        audit.record(
            actor, "commissioning.personal_budget.read", obj=found, council=council, purpose="view budget"
        )
    elif not balances.may_spend(actor, found):
        policy.require(actor, "commissioning.dashboard.view", council)
    return found


def own_budgets(actor: Actor, council: Council) -> QuerySet[Budget]:
    """The personal budgets a person holds, or spends as an appointee, in a council, with balances."""
    if actor.user is None:
        return Budget.objects.none()
    appointed = PersonalBudgetAppointee.objects.filter(budget=OuterRef("pk"), user=actor.user)
    found = Budget.objects.for_council(council).filter(
        Q(holder=actor.user) | Q(Exists(appointed)), kind=Budget.Kind.PERSONAL
    )
    return balances.with_balances(found.order_by("-financial_year", "name"))


def own_budget(actor: Actor, council: Council, budget_id: Any) -> Budget:
    """One personal budget, to its holder or an appointee only (404 to everyone else: council staff
    read personal budgets through `budget` above, audited)."""
    found = (
        own_budgets(actor, council)
        .filter(pk=_uuid(budget_id, NotFound("There is no such personal budget of yours")))
        .first()
    )
    if found is None:
        raise NotFound("There is no such personal budget of yours")
    audit.record(
        actor, "commissioning.personal_budget.read", obj=found, council=council, purpose="holder's own view"
    )
    return found


@dataclass(frozen=True)
class Spending:
    contracts: list[Contract]
    entries: list[LedgerEntry]


def spending(budget: Budget) -> Spending:
    """What a personal budget bought and every movement on it (the caller has already checked who)."""
    entries = list(
        LedgerEntry.objects.for_council(budget.council)
        .filter(budget=budget)
        .select_related("contract", "provider")
        .order_by("-created_at")
    )
    contracts = list(
        Contract.objects.for_council(budget.council)
        .filter(ledger_entries__budget=budget)
        .select_related("provider")
        .distinct()
        .order_by("-start_date")
    )
    return Spending(contracts, entries)


def providers_to_buy_from(council: Council, search: str = "") -> QuerySet[Organisation]:
    """Providers a personal budget may buy from: those with a published service in the council's
    directory, or in its market's provider register."""
    services = directory.published_services(council).filter(organisation=OuterRef("pk"))
    found = (
        Organisation.objects.filter(Q(Exists(services)) | market.in_market(council))
        .exclude(kind=Organisation.Kind.COUNCIL)
        .order_by("name", "pk")
    )
    return found.filter(name__icontains=search[:100]) if search else found


def services_to_buy(council: Council, search: str = "") -> list[Any]:
    return list(directory.published_services(council, search)[:200])


def councillors(council: Council, ward_code: str) -> QuerySet[User]:
    return User.objects.filter(
        memberships__council=council, memberships__role=Role.COUNCILLOR, memberships__ward_code=ward_code
    ).order_by("username")


def ward_budgets(actor: Actor, council: Council) -> QuerySet[Budget]:
    """The council's ward budgets with balances: to officers and councillors."""
    policy.require(actor, "commissioning.dashboard.view", council)
    return balances.with_balances(
        Budget.objects.for_council(council).filter(kind=Budget.Kind.WARD).order_by("-financial_year", "name")
    )


def own_ward_budgets(actor: Actor, council: Council) -> list[Budget]:
    """The ward budgets this person may spend (as one of the ward's councillors)."""
    return [b for b in ward_budgets(actor, council) if balances.may_spend(actor, b) and not actor.is_system]


def ward_budget(actor: Actor, council: Council, budget_id: Any) -> Budget:
    try:
        key = uuid.UUID(str(budget_id))
    except ValueError:
        raise NotFound("There is no such ward budget") from None
    found = ward_budgets(actor, council).filter(pk=key).first()
    if found is None:
        raise NotFound("There is no such ward budget in this council")
    return found


def local_groups(search: str = "") -> QuerySet[Organisation]:
    """Who a ward budget may fund: any organisation on the platform but a council."""
    found = Organisation.objects.exclude(kind=Organisation.Kind.COUNCIL).order_by("name", "pk")
    return found.filter(name__icontains=search[:100]) if search else found


def is_grant(contract: Contract) -> bool:
    return contract.origin == Contract.Origin.WARD_BUDGET and contract.reference.startswith("WG-")
