"""Writing imported OCDS processes into the contracts register (the `ocds_releases` import's apply).

Runs inside the import runner's transaction: every contract, organisation and commission of the file,
or none. Each contract added or changed is audited and published (`commissioning.contract.changed`)
in that same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from civichub.commissioning.models import Commission, Contract, ContractVersion
from civichub.commissioning.ocds.importing import ImportedContract, Party, Process
from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.importing import ImportResult, Progress
from civichub.core.models import Organisation, OrganisationIdentifier
from civichub.core.outbox import publish
from civichub.core.services import register_organisation


def _organisation(actor: Actor, party: Party, known: dict[str, Organisation]) -> Organisation:
    """The register's organisation for a party: by any of its identifiers, else by its exact name (a
    party with no identifier we hold, so that re-importing does not add it twice), else a new one."""
    key = "|".join(f"{s}-{i}" for s, i in sorted(party.identifiers.items())) or f"name:{party.name.lower()}"
    if key in known:
        return known[key]
    organisation = None
    if not party.identifiers:
        organisation = Organisation.objects.filter(name=party.name, identifiers__isnull=True).first()
    if organisation is None:
        organisation = register_organisation(
            actor, name=party.name, kind=party.kind, identifiers=party.identifiers, postcode=party.postcode
        )
        # An organisation found by one identifier gains the others the publisher gives.
        for scheme, identifier in party.identifiers.items():
            taken = OrganisationIdentifier.objects.filter(scheme=scheme, identifier=identifier).exists()
            if not taken and not organisation.identifiers.filter(scheme=scheme).exists():
                OrganisationIdentifier.objects.create(
                    organisation=organisation, scheme=scheme, identifier=identifier
                )
    known[key] = organisation
    return organisation


def _commission(actor: Actor, council: Any, process: Process, buyer: Organisation) -> Commission:
    marker = f"Imported from OCDS: {process.ocid}"
    commission = Commission.objects.for_council(council).filter(contracts__ocid=process.ocid).first()
    if commission is None:
        commission = Commission.objects.create(
            council=council,
            title=process.title,
            purpose=f"{process.purpose}\n\n{marker}" if process.purpose != process.title else marker,
            commissioner_organisation=buyer,
        )
        audit.record(actor, "commissioning.commission.imported", obj=commission, council=council)
        publish(
            "commissioning.commission.changed",
            council=council,
            subject=commission,
            data={
                "commission_id": str(commission.pk),
                "title": commission.title,
                "status": commission.status,
                "change": "added",
            },
        )
    return commission


def _reference(council: Any, item: ImportedContract, used: set[str]) -> str:
    """The publisher's contract id, or the ocid and id where that id is already another's."""
    mine = Contract.objects.for_council(council).filter(ocid=item.ocid)
    for reference in (item.source_id[:100], f"{item.ocid}-{item.source_id}"[:100]):
        if mine.filter(reference=reference).exists():
            return reference
    plain = item.source_id[:100]
    if plain not in used and not Contract.objects.for_council(council).filter(reference=plain).exists():
        return plain
    return f"{item.ocid}-{item.source_id}"[:100]


def _fields(item: ImportedContract, provider: Organisation, commission: Commission) -> dict[str, Any]:
    return {
        "title": item.title,
        "description": item.description,
        "value": item.value,
        "start_date": item.start,
        "end_date": item.end,
        "status": Contract.Status.TERMINATED if item.terminated else Contract.Status.ACTIVE,
        "provider": provider,
        "commission": commission,
    }


@transaction.atomic
def apply_records(actor: Actor, council: Any, processes: list[Process], progress: Progress) -> ImportResult:
    result = ImportResult()
    known: dict[str, Organisation] = {}
    used: set[str] = set()
    total = sum(len(p.contracts) for p in processes)
    done = 0
    for process in processes:
        buyer = _organisation(actor, process.buyer, known) if process.buyer else council.organisation
        commission = _commission(actor, council, process, buyer)
        for item in process.contracts:
            provider = _organisation(actor, item.supplier, known)
            reference = _reference(council, item, used)
            used.add(reference)
            values = _fields(item, provider, commission)
            contract = (
                Contract.objects.for_council(council).filter(ocid=item.ocid, reference=reference).first()
            )
            if contract is None:
                contract = Contract.objects.create(
                    council=council,
                    origin=Contract.Origin.IMPORTED,
                    reference=reference,
                    ocid=item.ocid,
                    **values,
                )
                change = "imported"
                result.created += 1
            elif any(getattr(contract, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(contract, name, value)
                contract.version += 1
                contract.save()
                change = "reimported"
                result.updated += 1
            else:
                result.unchanged += 1
                done += 1
                continue
            ContractVersion.objects.create(
                council=council,
                contract=contract,
                number=contract.version,
                snapshot=_snapshot(contract),
                reason=f"Imported from OCDS ({item.ocid})",
                created_by=actor.user,
            )
            if item.other_suppliers:
                result.notes.append(
                    f"{reference}: also awarded to {', '.join(item.other_suppliers)} "
                    "(the register keeps one provider)"
                )
            audit.record(
                actor,
                f"commissioning.contract.{change}",
                obj=contract,
                council=council,
                data={"ocid": item.ocid},
            )
            publish(
                "commissioning.contract.changed",
                council=council,
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
            done += 1
            progress("Saving contracts", done, total)
    return result


def _snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "reference": contract.reference,
        "title": contract.title,
        "value": str(contract.value),
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "status": contract.status,
        "provider_id": str(contract.provider_id),
        "ocid": contract.ocid,
    }
