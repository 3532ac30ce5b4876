"""Contracts made straight from a budget, with no procurement: a personal budget's call-off and a ward
budget's small contract or grant. Each is a commission (the person as commissioner), its funding, a
contract made as every contract is (`services.making`): its first version, the commitment on the
ledger, audited and published, in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from civichub.commissioning import balances
from civichub.commissioning.budgets import fund_commission
from civichub.commissioning.models import Budget, Commission, Contract
from civichub.commissioning.models.procurement import ocid_for
from civichub.commissioning.services.making import record_contract
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Organisation, User
from civichub.core.text import clean_name, clean_text


def _as_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Refused.on(field, "Give a date as YYYY-MM-DD") from None


@transaction.atomic
def contract_from_budget(
    actor: Actor,
    budget: Budget,
    *,
    commissioner: User,
    provider: Organisation,
    title: str,
    purpose: str,
    amount: Any,
    start_date: Any,
    end_date: Any,
    origin: str,
    reference_prefix: str,
    description: str = "",
    override_reason: str = "",
) -> Contract:
    balances.require_spender(actor, budget)
    amount = balances.clean_amount(amount)
    title = clean_name(title or "", field="title", max_length=300, label="what is being bought")
    start, end = _as_date(start_date, "start_date"), _as_date(end_date, "end_date")
    if end < start:
        raise Refused.on("end_date", "The end date must be on or after the start date")
    if provider.kind == Organisation.Kind.COUNCIL:
        raise Refused.on("provider", "Choose a provider, not a council")
    council = budget.council
    commission = Commission.objects.create(
        council=council,
        title=title,
        purpose=clean_text(purpose or title, multiline=True)[:4000],
        commissioner_user=commissioner,
        place_codes=f" {budget.ward_code} " if budget.ward_code else "",
        status=Commission.Status.ACTIVE,
    )
    fund_commission(actor, commission, budget, amount)
    contract = Contract(
        council=council,
        commission=commission,
        provider=provider,
        origin=origin,
        title=title,
        description=clean_text(description or "", multiline=True)[:8000],
        value=amount,
        start_date=start,
        end_date=end,
    )
    contract.reference = f"{reference_prefix}-{contract.pk.hex[:10].upper()}"
    contract.ocid = ocid_for(council, contract.pk)
    return record_contract(
        actor,
        contract,
        change="created",
        reason=origin,
        override_reason=override_reason,
        origin=origin,
        budget=str(budget.pk),
    )
