"""The one way a contract enters the register, and the one way it gets a new version.

Every contract is made here, whichever way it comes: awarded after a procurement (`contracts`), a
call-off from a personal budget or a ward budget's grant or small contract (`direct`), or imported from
another register's OCDS (`ocds/register`). Making one saves it with its open-book lines, outcomes and
KPIs, keeps its first version, commits its value on the one ledger (a contract whose commission has no
funding, as an imported one, commits nothing), and audits and publishes it, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from civichub.commissioning import ledger
from civichub.commissioning.models import Contract, CostLine, Kpi, Outcome
from civichub.commissioning.versions import keep_version
from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.outbox import publish


@transaction.atomic
def contract_changed(actor: Actor, contract: Contract, change: str, **data: Any) -> None:
    """Audit and publish a change of a contract (in the caller's transaction)."""
    audit.record(actor, f"commissioning.contract.{change}", obj=contract, council=contract.council, data=data)
    publish(
        "commissioning.contract.changed",
        council=contract.council,
        subject=contract,
        data={
            "contract_id": str(contract.pk),
            "ocid": contract.ocid,
            "status": contract.status,
            "version": contract.version,
            "change": change,
            "value": str(contract.value),
        },
    )


@transaction.atomic
def record_contract(
    actor: Actor,
    contract: Contract,
    *,
    change: str,
    reason: str,
    cost_lines: Iterable[Mapping[str, Any]] = (),
    outcomes: Iterable[Mapping[str, Any]] = (),
    kpis: Iterable[Mapping[str, Any]] = (),
    override_reason: str = "",
    **data: Any,
) -> Contract:
    """Save a new contract (checked by the caller, who holds any locks) with its cost lines, outcomes
    and KPIs; keep version 1; commit its value on the ledger; audit (`commissioning.contract.<change>`,
    with `data`) and publish `commissioning.contract.changed`."""
    contract.version = 1
    contract.save(force_insert=True)
    council = contract.council
    for line in cost_lines:
        CostLine.objects.create(council=council, contract=contract, updated_by=actor.user, **line)
    for outcome in outcomes:
        Outcome.objects.create(council=council, contract=contract, **outcome)
    for kpi in kpis:
        Kpi.objects.create(council=council, contract=contract, **kpi)
    keep_version(actor, contract, reason)
    # money: the contract's value is committed from the commission's funding on the one ledger.
    ledger.commit_contract(actor, contract, override_reason=override_reason)
    contract_changed(actor, contract, change, **data)
    return contract


@transaction.atomic
def change_contract(actor: Actor, contract: Contract, *, change: str, reason: str, **data: Any) -> Contract:
    """Save a contract whose fields the caller changed (no money moves: a variation or a termination
    moves it on the ledger itself) as a new version, audited and published."""
    contract.version += 1
    contract.save()
    keep_version(actor, contract, reason)
    contract_changed(actor, contract, change, **data)
    return contract
