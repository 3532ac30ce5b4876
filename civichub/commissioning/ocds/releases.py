"""A UK notice as an OCDS 1.1.5 release: `build(notice)` is called once, when the notice is published,
and its result is stored on the notice, so a published release never changes afterwards.

What each UK notice says, in OCDS terms (the Cabinet Office's UK extension names the notice in
`documents[].noticeType`, and Find a Tender tags its releases the same way):

    UK1 pipeline, UK2 preliminary engagement, UK3 planned procurement  -> planning
    UK4 tender                                                          -> tender
    UK5 transparency (a direct award, with its justification)           -> award
    UK6 contract award                                                  -> award
    UK7 contract details                                                -> contract
    UK9 contract performance (KPI ratings, breaches)                    -> implementation
    UK10 contract change (a variation)                                  -> contractAmendment
    UK11 contract termination                                           -> contractTermination
    UK12 procurement termination                                        -> tenderCancellation

Bids are sealed: a release never carries a bid's price, response or bidder. From the award on, it
carries only how many bids each lot received (the bid extension's statistics).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from civichub.commissioning.models import (
    AwardCriterion,
    Bid,
    Breach,
    Kpi,
    KpiAssessment,
    Lot,
    Termination,
    Variation,
)
from civichub.commissioning.ocds import schema
from civichub.commissioning.ocds.parties import Parties
from civichub.core.models import Organisation

TAGS = {
    "UK1": "planning",
    "UK2": "planning",
    "UK3": "planning",
    "UK4": "tender",
    "UK5": "award",
    "UK6": "award",
    "UK7": "contract",
    "UK9": "implementation",
    "UK10": "contractAmendment",
    "UK11": "contractTermination",
    "UK12": "tenderCancellation",
}
# The OCDS documentType of each notice (the core codelist, with the UK extension's additions).
DOCUMENT_TYPES = {
    "UK1": "plannedProcurementNotice",
    "UK2": "marketEngagementNotice",
    "UK3": "plannedProcurementNotice",
    "UK4": "tenderNotice",
    "UK5": "tenderNotice",
    "UK6": "awardNotice",
    "UK7": "contractNotice",
    "UK9": "implementationNotice",
    "UK10": "contractAmendmentNotice",
    "UK11": "contractTerminationNotice",
    "UK12": "tenderCancellationNotice",
}
TENDER_STATUS = {"UK1": "planning", "UK2": "planning", "UK3": "planned", "UK4": "active", "UK5": "active"}
METHODS = {
    "open": ("open", "Open procedure"),
    "competitive_flexible": ("selective", "Competitive flexible procedure"),
    "direct_award": ("direct", "Direct award"),
    "framework_call_off": ("selective", "Call-off from a framework"),
}
CRITERION_TYPES = {"price": "price", "quality": "quality", "social_value": "quality"}
# The Procurement Regulations 2024 ratings, as the UK extension's measureClassification ids.
RATINGS = {
    "good": "met",
    "approaching_target": "slightlyBelow",
    "requires_improvement": "below",
    "inadequate": "significantlyBelow",
    "other": "other",
}
CONTRACT_STATUS = {"active": "active", "terminated": "terminated", "expired": "terminated"}


def stamp(moment: datetime | date | None) -> str | None:
    """An OCDS date-time: UTC, with a Z. A date is taken as the start of that day."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min, tzinfo=timezone.get_current_timezone())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount: Decimal | int | float | str | None) -> dict[str, Any] | None:
    if amount is None or amount == "":
        return None
    number = Decimal(str(amount))
    # Whole pounds as integers, pence as a float with two places: both are JSON numbers.
    value: int | float = int(number) if number == number.to_integral_value() else float(number)
    return {"amount": value, "currency": "GBP"}


def ocid_of(notice: Any) -> str:
    if notice.procurement_id:
        return str(notice.procurement.ocid)
    return str(notice.contract.ocid)


def build(notice: Any) -> dict[str, Any]:
    """The OCDS release of a published notice, from its facts and the procurement and contract as they
    stand at publication."""
    kind = notice.notice_type
    procurement = notice.procurement
    contract = notice.contract
    parties = Parties(notice.council)
    buyer = parties.buyer(procurement.commission if procurement else contract.commission)
    release: dict[str, Any] = {
        "ocid": ocid_of(notice),
        "id": f"{kind}-{notice.pk}",
        "date": stamp(notice.published_at),
        "tag": list(notice.tags or [TAGS[kind]]),
        "initiationType": "tender",
        "language": "en",
        "buyer": buyer,
    }
    facts = notice.facts or {}
    if procurement is not None:
        release["tender"] = _tender(notice, procurement, facts)
        if kind in ("UK1", "UK2", "UK3"):
            release["planning"] = _planning(procurement, facts)
        if kind in ("UK6", "UK7", "UK9", "UK10", "UK11") and procurement.tender_deadline is not None:
            release["bids"] = {"statistics": _bid_statistics(procurement)}
    if kind in ("UK5", "UK6") and procurement is not None:
        release["awards"] = _awards(procurement, parties, facts)
    if contract is not None and kind in ("UK7", "UK9", "UK10", "UK11"):
        release["awards"] = [_award_of_contract(contract, parties)]
        release["contracts"] = [_contract(notice, contract, facts)]
    release["parties"] = parties.as_list()
    _attach(release, kind, _notice_document(notice))
    return _without_empty(release)


def _notice_document(notice: Any) -> dict[str, Any]:
    return {
        "id": f"notice-{notice.pk}",
        "documentType": DOCUMENT_TYPES[notice.notice_type],
        "noticeType": notice.notice_type,
        "title": notice.get_notice_type_display(),
        "datePublished": stamp(notice.published_at),
        "language": "en",
    }


def _attach(release: dict[str, Any], kind: str, document: dict[str, Any]) -> None:
    """The notice itself, as a document of the section it speaks of (OCDS has documents per section,
    not per release): planning, the tender, each award, each contract, or its implementation."""
    if kind in ("UK1", "UK2", "UK3"):
        places = [release.setdefault("planning", {})]
    elif kind in ("UK5", "UK6") and release.get("awards"):
        places = release["awards"]
    elif kind == "UK9" and release.get("contracts"):
        places = [c.setdefault("implementation", {}) for c in release["contracts"]]
    elif kind in ("UK7", "UK10", "UK11") and release.get("contracts"):
        places = release["contracts"]
    else:
        places = [release.setdefault("tender", {"id": release["ocid"]})]
    for place in places:
        place.setdefault("documents", []).append(dict(document))


def notice_document(release: dict[str, Any]) -> dict[str, Any] | None:
    """The UK notice document of a release, wherever its section put it."""
    sections = [release.get("planning") or {}, release.get("tender") or {}]
    sections += release.get("awards") or []
    for contract in release.get("contracts") or []:
        sections += [contract, contract.get("implementation") or {}]
    for section in sections:
        for document in section.get("documents") or []:
            if document.get("noticeType"):
                return dict(document)
    return None


def _planning(procurement: Any, facts: dict[str, Any]) -> dict[str, Any]:
    planning: dict[str, Any] = {"rationale": procurement.commission.purpose}
    estimate = facts.get("value_estimate", procurement.value_estimate)
    if estimate not in (None, ""):
        planning["budget"] = {"amount": money(estimate), "description": procurement.commission.title}
    return planning


def _tender(notice: Any, procurement: Any, facts: dict[str, Any]) -> dict[str, Any]:
    kind = notice.notice_type
    method, details = METHODS.get(procurement.procedure, ("open", procurement.get_procedure_display()))
    tender: dict[str, Any] = {
        "id": procurement.reference,
        "title": procurement.title,
        "description": procurement.description or None,
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": "services",
        "value": money(facts.get("value_estimate", procurement.value_estimate)),
    }
    if kind in TENDER_STATUS:
        tender["status"] = TENDER_STATUS[kind]
    elif kind == "UK12":
        tender["status"] = "cancelled"
        tender["statusDetails"] = facts.get("termination_reason") or procurement.termination_reason or None
    else:
        tender["status"] = "complete"
    if procurement.procedure == "direct_award":
        tender["procurementMethodRationale"] = procurement.direct_award_justification
    if procurement.tender_deadline is not None and kind not in ("UK1", "UK2"):
        tender["tenderPeriod"] = {"endDate": stamp(procurement.tender_deadline)}
    criteria = list(AwardCriterion.objects.for_council(procurement.council).filter(procurement=procurement))
    tender["lots"] = [_lot(lot, criteria) for lot in _lots(procurement)]
    return tender


def _lots(procurement: Any) -> list[Any]:
    return list(
        Lot.objects.for_council(procurement.council).filter(procurement=procurement).order_by("number")
    )


def _lot(lot: Any, every: list[Any]) -> dict[str, Any]:
    own = [c for c in every if c.lot_id == lot.pk]
    criteria = own or [c for c in every if c.lot_id is None]
    found: dict[str, Any] = {
        "id": str(lot.number),
        "title": lot.title,
        "description": lot.description or None,
        "value": money(lot.value_estimate),
    }
    if criteria:
        found["awardCriteria"] = {
            "criteria": [
                {
                    "type": CRITERION_TYPES.get(c.kind, "quality"),
                    "name": c.name,
                    "description": c.get_kind_display(),
                    "numbers": [{"number": float(c.weight), "weight": "percentageExact"}],
                }
                for c in criteria
            ]
        }
    return found


def _bid_statistics(procurement: Any) -> list[dict[str, Any]]:
    """How many bids each lot received: counts only, and only from the award on (the builder is not
    called for earlier notices), so nothing of a sealed bid is ever published."""
    statistics = []
    bids = Bid.objects.for_council(procurement.council).filter(procurement=procurement)
    for lot in _lots(procurement):
        statistics.append(
            {
                "id": f"bids-lot-{lot.number}",
                "measure": "bids",
                "value": bids.filter(lot=lot).count(),
                "relatedLot": str(lot.number),
            }
        )
    return statistics


def _awards(procurement: Any, parties: Parties, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The awards the notice states (its facts: lot, supplier, value), with the standstill period."""
    awards = []
    standstill_end = procurement.standstill_ends
    titles = {lot.number: lot.title for lot in _lots(procurement)}
    for fact in facts.get("awards") or []:
        supplier_id = (fact.get("supplier") or {}).get("id")
        supplier = Organisation.objects.filter(pk=supplier_id).first() if supplier_id else None
        if supplier is None:
            continue
        number = fact.get("lot_number")
        award: dict[str, Any] = {
            "id": f"lot-{number}",
            "title": titles.get(number),
            "status": "pending",
            "date": stamp(procurement.awarded_at),
            "value": money(fact.get("value")),
            "suppliers": [parties.supplier(supplier)],
            "relatedLots": [str(number)],
        }
        if standstill_end is not None and procurement.awarded_at is not None:
            award["standstillPeriod"] = {
                "startDate": stamp(procurement.awarded_at),
                "endDate": stamp(datetime.combine(standstill_end, time(23, 59, 59), tzinfo=UTC)),
            }
        awards.append(award)
    return awards


def award_id(contract: Any) -> str:
    """A contract's award: the lot's award when it followed a procurement, else its own."""
    return f"lot-{_lot_number(contract)}" if contract.lot_id else f"award-{contract.reference}"


def _lot_number(contract: Any) -> int:
    return Lot.objects.for_council(contract.council).values_list("number", flat=True).get(pk=contract.lot_id)


def _award_of_contract(contract: Any, parties: Parties) -> dict[str, Any]:
    return {
        "id": award_id(contract),
        "title": contract.title,
        "status": "active",
        "value": money(contract.value),
        "suppliers": [parties.supplier(contract.provider)],
        "relatedLots": [str(_lot_number(contract))] if contract.lot_id else None,
    }


def _contract(notice: Any, contract: Any, facts: dict[str, Any]) -> dict[str, Any]:
    kind = notice.notice_type
    found: dict[str, Any] = {
        "id": contract.reference,
        "awardID": award_id(contract),
        "title": contract.title,
        "description": contract.description or None,
        "status": "terminated" if kind == "UK11" else CONTRACT_STATUS.get(contract.status, "active"),
        "period": {"startDate": stamp(contract.start_date), "endDate": stamp(contract.end_date)},
        "value": money(contract.value),
        "dateSigned": stamp(contract.start_date),
    }
    variations = list(Variation.objects.for_council(contract.council).filter(contract=contract))
    if variations:
        found["amendments"] = [
            {
                "id": f"variation-{v.new_version}",
                "date": stamp(v.agreed_on),
                "rationale": v.reason,
                "description": f"Agreed by {v.agreed_by}; cost change £{v.cost_change}",
            }
            for v in variations
        ]
    if kind in ("UK9", "UK11"):
        found["implementation"] = _implementation(contract)
    if kind == "UK11":
        termination = Termination.objects.for_council(contract.council).filter(contract=contract).first()
        reason = (facts.get("termination") or {}).get("reason") or (termination.reason if termination else "")
        found["terminationRationaleClassifications"] = [{"description": reason or "Terminated"}]
    return found


def _implementation(contract: Any) -> dict[str, Any]:
    metrics = []
    council = contract.council
    for kpi in Kpi.objects.for_council(council).filter(contract=contract):
        metrics.append(
            {
                "id": str(kpi.pk),
                "title": kpi.name,
                "description": f"Target: {kpi.target}",
                "observations": [
                    {
                        "id": str(assessment.pk),
                        "period": {"endDate": stamp(assessment.period_end)},
                        "notes": assessment.note or assessment.get_rating_display(),
                        "measureClassification": {
                            "id": RATINGS.get(assessment.rating, "other"),
                            "description": assessment.get_rating_display(),
                        },
                    }
                    for assessment in KpiAssessment.objects.for_council(council).filter(kpi=kpi)
                ],
            }
        )
    failures = [
        {
            "id": str(breach.pk),
            "period": {"startDate": stamp(breach.occurred_on)},
            "description": breach.description,
            "requirement": breach.kpi.name if breach.kpi_id else None,
            "events": 1,
            "penaltyValue": money(breach.penalty),
        }
        for breach in Breach.objects.for_council(council).filter(contract=contract).select_related("kpi")
    ]
    return {"metrics": metrics, "performanceFailures": failures}


def _without_empty(value: Any) -> Any:
    """OCDS omits what is not known rather than sending nulls or empty objects."""
    if isinstance(value, dict):
        cleaned = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def build_checked(notice: Any) -> dict[str, Any]:
    """The builder publishing uses: in DEBUG and in the tests (CIVICHUB_OCDS_VALIDATE) every release is
    validated against the extended schema as it is published, and an invalid one refuses the notice."""
    release = build(notice)
    if getattr(settings, "CIVICHUB_OCDS_VALIDATE", settings.DEBUG):
        schema.check(release)
    return release
