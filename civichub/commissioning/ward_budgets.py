"""Ward budgets: every ward of a council can have one, held by its councillors (the councillors whose
council membership names that ward). A councillor makes grants and small contracts to local groups
from it; each is a contract with the councillor as commissioner, committed on the ledger.

A grant is recorded as a contract made from a ward budget whose reference starts `WG-` (a small
contract's starts `WC-`). When funding's `Grant` model lands (branch fmatch), ward grants should be
published through it as well; the ledger entry stays the one record of the money.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from civichub.commissioning import balances, money_selectors
from civichub.commissioning.budgets import create_budget
from civichub.commissioning.direct import contract_from_budget
from civichub.commissioning.models import Budget, Contract
from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.places import selectors as places

KINDS = {"grant": "WG", "contract": "WC"}


@transaction.atomic
def set_up_ward_budgets(actor: Actor, council: Council, *, amount: Any, financial_year: str) -> list[Budget]:
    """A ward budget of `amount` for every ward of the council that has none for the year. It belongs to
    the ward's first councillor (any of its councillors may spend it), or to the council until one is
    recorded."""
    policy.require(actor, "commissioning.budgets.manage", council)
    have = set(
        Budget.objects.for_council(council)
        .filter(kind=Budget.Kind.WARD, financial_year=financial_year)
        .values_list("ward_code", flat=True)
    )
    made = []
    for ward in places.wards_in(council.gss_code):
        if ward.gss_code in have:
            continue
        owner = money_selectors.councillors(council, ward.gss_code).first()
        made.append(
            create_budget(
                actor,
                council,
                kind=Budget.Kind.WARD,
                name=f"{ward.name or ward.gss_code} ward budget {financial_year}",
                amount=amount,
                financial_year=financial_year,
                ward_code=ward.gss_code,
                owner_user=owner,
            )
        )
    return made


def award(
    actor: Actor,
    council: Council,
    budget: Budget,
    *,
    kind: str,
    provider_id: Any,
    title: str,
    amount: Any,
    start_date: Any,
    end_date: Any,
    purpose: str = "",
    override_reason: str = "",
) -> Contract:
    """A councillor's grant or small contract from their ward budget (refused to anyone else, officers
    included: the councillor is the commissioner)."""
    if budget.council_id != council.pk or budget.kind != Budget.Kind.WARD:
        raise NotFound("There is no such ward budget")
    if actor.is_system or not balances.may_spend(actor, budget):
        raise Refused.on("budget", "Only a councillor of the ward can spend its ward budget")
    if kind not in KINDS:
        raise Refused.on("kind", "Choose a grant or a small contract")
    try:
        provider = money_selectors.local_groups().filter(pk=uuid.UUID(str(provider_id))).first()
    except ValueError:
        provider = None
    if provider is None:
        raise Refused.on("provider_id", "Choose a local group or provider on the platform")
    assert actor.user is not None
    return contract_from_budget(
        actor,
        budget,
        commissioner=actor.user,
        provider=provider,
        title=title,
        purpose=purpose or f"A ward {kind} from {budget.name}",
        amount=amount,
        start_date=start_date,
        end_date=end_date,
        origin=Contract.Origin.WARD_BUDGET,
        reference_prefix=KINDS[kind],
        description="Grant" if kind == "grant" else "Small contract",
        override_reason=override_reason,
    )
