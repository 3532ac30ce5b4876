"""Writing imported OCDS processes into the contracts register (the `ocds_releases` import's apply).

Runs inside the import runner's transaction: every contract, organisation, commission and procurement
of the file, or none. Each contract is added or changed as every contract is (`services.making`: a
version kept, audited and published as `commissioning.contract.changed`) in that same transaction.

Each imported process gets a procurement shell at the contract stage, so an imported contract has a
procurement as every awarded one does. The shell's ocid is the platform's own (an ocid names one
procurement on the whole platform, and two councils may import the same published process); its
reference is the source ocid, by which a re-import finds it, and its contracts keep the source ocid.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from civichub.commissioning.models import Commission, Contract, Procurement, Stage
from civichub.commissioning.models.procurement import ocid_for
from civichub.commissioning.ocds.importing import ImportedContract, Party, Process
from civichub.commissioning.services.making import change_contract, record_contract
from civichub.commissioning.services.procurement import changed
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


def _procurement(actor: Actor, council: Any, process: Process, commission: Commission) -> Procurement:
    """The process's procurement: the council's own where the file is its own export, else the shell made
    when it was first imported, else a new shell."""
    reference = process.ocid[:100]
    found = Procurement.objects.for_council(council).filter(Q(ocid=process.ocid) | Q(reference=reference))
    procurement = found.order_by("created_at").first()
    if procurement is None:
        procurement = Procurement(
            council=council,
            commission=commission,
            reference=reference,
            title=process.title[:300],
            description=f"Imported from OCDS: {process.ocid}",
            stage=Stage.CONTRACT,
        )
        procurement.ocid = ocid_for(council, procurement.pk)
        procurement.save(force_insert=True)
        changed(actor, procurement, "imported", source_ocid=process.ocid)
    return procurement


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
            reason = f"Imported from OCDS ({item.ocid})"
            if contract is None:
                contract = Contract(
                    council=council,
                    origin=Contract.Origin.IMPORTED,
                    procurement=_procurement(actor, council, process, commission),
                    reference=reference,
                    ocid=item.ocid,
                    **values,
                )
                record_contract(actor, contract, change="imported", reason=reason, ocid=item.ocid)
                result.created += 1
            elif any(getattr(contract, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(contract, name, value)
                change_contract(actor, contract, change="reimported", reason=reason, ocid=item.ocid)
                result.updated += 1
            else:
                result.unchanged += 1
                done += 1
                continue
            if item.other_suppliers:
                result.notes.append(
                    f"{reference}: also awarded to {', '.join(item.other_suppliers)} "
                    "(the register keeps one provider)"
                )
            done += 1
            progress("Saving contracts", done, total)
    return result
