"""What a notice states: snapshots of a procurement or a contract as they stand at publication, in plain
JSON (money as text, dates as ISO), so a published notice never changes when the records do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from civichub.commissioning.models import AwardCriterion, Contract, CostLine, Kpi, Lot, Outcome, Procurement


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _criteria(procurement: Procurement, lot: Lot) -> list[dict[str, Any]]:
    every = list(AwardCriterion.objects.for_council(procurement.council).filter(procurement=procurement))
    own = [c for c in every if c.lot_id == lot.pk]
    shared = [c for c in every if c.lot_id is None]
    return [
        {"id": str(c.pk), "name": c.name, "kind": c.kind, "weight": str(c.weight)} for c in (own or shared)
    ]


def procurement_facts(procurement: Procurement) -> dict[str, Any]:
    """The procurement as it stands: its commission's purpose, procedure, value, deadline, lots, criteria."""
    commission = procurement.commission
    lots = list(Lot.objects.for_council(procurement.council).filter(procurement=procurement))
    return {
        "ocid": procurement.ocid,
        "reference": procurement.reference,
        "title": procurement.title,
        "description": procurement.description,
        "purpose": commission.purpose,
        "places": commission.places,
        "needs": commission.needs,
        "market_category": commission.market_category_code,
        "procedure": procurement.procedure,
        "direct_award_justification": procurement.direct_award_justification,
        "framework_reference": procurement.framework_reference,
        "stage": procurement.stage,
        "value_estimate": _money(procurement.value_estimate),
        "currency": "GBP",
        "tender_deadline": procurement.tender_deadline.isoformat() if procurement.tender_deadline else None,
        "standstill_ends": procurement.standstill_ends.isoformat() if procurement.standstill_ends else None,
        "lots": [
            {
                "id": str(lot.pk),
                "number": lot.number,
                "title": lot.title,
                "description": lot.description,
                "value_estimate": _money(lot.value_estimate),
                "criteria": _criteria(procurement, lot),
            }
            for lot in lots
        ],
    }


def contract_facts(contract: Contract) -> dict[str, Any]:
    """The contract as it stands: parties, value, dates, version, cost total, outcomes and KPIs."""
    council = contract.council
    lines = CostLine.objects.for_council(council).filter(contract=contract)
    outcomes = Outcome.objects.for_council(council).filter(contract=contract)
    kpis = Kpi.objects.for_council(council).filter(contract=contract)
    return {
        "ocid": contract.ocid,
        "reference": contract.reference,
        "title": contract.title,
        "description": contract.description,
        "supplier": {
            "id": str(contract.provider_id),
            "name": contract.provider.name,
            "identifiers": [i.org_id for i in contract.provider.identifiers.all()],
        },
        "lot_id": str(contract.lot_id) if contract.lot_id else None,
        "value": str(contract.value),
        "currency": "GBP",
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "status": contract.status,
        "version": contract.version,
        "open_book_total": str(sum((line.amount for line in lines), Decimal(0))),
        "outcomes": [
            {"measure": o.measure, "baseline": str(o.baseline), "target": str(o.target), "unit": o.unit}
            for o in outcomes
        ],
        "kpis": [{"id": str(k.pk), "name": k.name, "target": k.target} for k in kpis],
    }
