"""Reading a contract's money: the council's contract by id, and its commitments and payments for
whoever may see them (the payments page and API)."""

from __future__ import annotations

from typing import Any

from civichub.commissioning.balances import Balance, allows, contract_balance, may_spend
from civichub.commissioning.models import Contract, LedgerEntry
from civichub.core.actors import Actor
from civichub.core.errors import NotFound
from civichub.core.selectors import acting_provider, one_or_404


def council_contract(council: Any, contract_id: Any) -> Contract:
    """One of the council's contracts (404 for another council's ids)."""
    return one_or_404(
        Contract.objects.for_council(council), "There is no such contract in this council", pk=contract_id
    )


def contract_money(
    actor: Actor, council: Any, contract_id: Any
) -> tuple[Contract, Balance, list[LedgerEntry]]:
    """A contract's commitments and payments, to who may see them: whoever may spend one of the budgets
    behind it, budget managers, and (except for a resident's call-off) officers and councillors, and the
    provider's own staff for their own contract."""
    contract = council_contract(council, contract_id)
    entries = list(
        LedgerEntry.objects.for_council(council)
        .filter(contract=contract)
        .select_related("budget")
        .order_by("created_at")
    )
    spender = any(may_spend(actor, e.budget) for e in entries)
    if not (spender or allows(actor, "commissioning.budgets.manage", council)):
        own = acting_provider(actor, council)
        if contract.origin == Contract.Origin.CALL_OFF or not allows(actor, "commissioning.view", council):
            raise NotFound("There is no such contract in this council")
        if own is not None and own.pk != contract.provider_id:
            raise NotFound("There is no such contract in this council")
    return contract, contract_balance(contract), entries
