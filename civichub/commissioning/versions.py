"""A contract's versions: each change that makes a new version keeps the contract as it then stands, for
the history page. Called inside the transaction of the service that made the change (which audits and
publishes it), so it is not a service of its own."""

from __future__ import annotations

from civichub.commissioning.facts import contract_facts
from civichub.commissioning.models import Contract, ContractVersion
from civichub.core.actors import Actor


def keep_version(actor: Actor, contract: Contract, reason: str) -> ContractVersion:
    """Keep the contract as it now stands as its version `contract.version`."""
    return ContractVersion.objects.create(
        council=contract.council,
        contract=contract,
        number=contract.version,
        snapshot=contract_facts(contract),
        reason=reason[:300],
        created_by=actor.user,
    )
