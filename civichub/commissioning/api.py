"""Commissioning API under /api/v1/c/{council}/: commissions, procurements and their stages, lots and
criteria, sealed bids, scores and the award, contracts and everything recorded on them, and notices.
Thin: selectors read, services decide, refuse and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.commissioning import schemas as s
from civichub.commissioning import selectors
from civichub.commissioning.models import Contract, Procurement
from civichub.commissioning.services import bidding, contracts, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.core.actors import Actor
from civichub.core.api import ErrorOut, council_actor
from civichub.core.pagination import LimitOffset

router = Router(tags=["commissioning"])
C = "/c/{council_slug}"
P = f"{C}/procurements/{{procurement_id}}"
K = f"{C}/contracts/{{contract_id}}"


def _procurement(request: HttpRequest, council_slug: str, procurement_id: UUID, permission: str) -> Any:
    actor, council = council_actor(request, council_slug, permission)
    return actor, selectors.procurement(actor, council, procurement_id)


def _contract(
    request: HttpRequest, council_slug: str, contract_id: UUID, permission: str
) -> tuple[Actor, Contract]:
    actor, council = council_actor(request, council_slug, permission)
    return actor, selectors.contract(actor, council, contract_id)


def _detail(procurement: Procurement) -> dict[str, Any]:
    return {
        **{f: getattr(procurement, f) for f in s.ProcurementOut.model_fields if f != "commission_id"},
        "commission_id": procurement.commission_id,
        "lots": list(selectors.lots(procurement)),
        "criteria": list(selectors.criteria(procurement)),
    }


def _contract_detail(actor: Actor, contract: Contract) -> dict[str, Any]:
    return {
        **{f: getattr(contract, f) for f in s.ContractOut.model_fields if f != "provider"},
        "provider_name": contract.provider.name,
        "cost_total": selectors.cost_total(contract),
        "cost_lines": list(selectors.cost_lines(actor, contract))
        if selectors.may_see_costs(actor, contract)
        else None,
        "outcomes": [
            {
                **{f: getattr(o, f) for f in ("id", "measure", "baseline", "target", "unit")},
                "results": results,
            }
            for o, results in selectors.outcomes(contract)
        ],
        "kpis": [
            {"id": k.pk, "name": k.name, "target": k.target, "assessments": a}
            for k, a in selectors.kpis(contract)
        ],
        "assessment_due": selectors.assessment_due(contract),
    }


# --- Commissions ----------------------------------------------------------------------------------


@router.get(f"{C}/commissions", response=list[s.CommissionOut], summary="The council's commissions")
@paginate(LimitOffset)
def list_commissions(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "commissioning.view")
    return selectors.commissions(actor, council)


@router.post(f"{C}/commissions", response={201: s.CommissionOut}, summary="Set up a commission")
def add_commission(request: HttpRequest, council_slug: str, payload: s.CommissionIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "commissioning.manage")
    return 201, procuring.create_commission(actor, council, payload.dict())


@router.get(f"{C}/commissions/{{commission_id}}", response=s.CommissionOut, summary="One commission")
def get_commission(request: HttpRequest, council_slug: str, commission_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "commissioning.view")
    return selectors.commission(actor, council, commission_id)


@router.post(
    f"{C}/commissions/{{commission_id}}/procurements",
    response={201: s.ProcurementDetailOut},
    summary="Start a procurement for a commission (publishes UK1, UK2 or UK3)",
)
def start_procurement(
    request: HttpRequest, council_slug: str, commission_id: UUID, payload: s.ProcurementIn
) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "commissioning.manage")
    commission = selectors.commission(actor, council, commission_id)
    return 201, _detail(procuring.start_procurement(actor, commission, payload.dict()))


# --- Procurements ---------------------------------------------------------------------------------


@router.get(f"{C}/procurements", response=list[s.ProcurementOut], summary="The council's procurements")
@paginate(LimitOffset)
def list_procurements(request: HttpRequest, council_slug: str, stage: str = "") -> Any:
    actor, council = council_actor(request, council_slug, "commissioning.view")
    return selectors.procurements(actor, council, stage[:30])


@router.get(P, response=s.ProcurementDetailOut, summary="One procurement, with its lots and criteria")
def get_procurement(request: HttpRequest, council_slug: str, procurement_id: UUID) -> Any:
    _, procurement = _procurement(request, council_slug, procurement_id, "commissioning.view")
    return _detail(procurement)


@router.post(
    f"{P}/stage", response=s.ProcurementDetailOut, summary="Move on to engagement (UK2) or planned (UK3)"
)
def advance(request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.StageIn) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    return _detail(procuring.advance(actor, procurement, payload.stage))


@router.put(
    f"{P}/lots", response=list[s.LotOut], summary="Set the lots and award criteria (weights add to 100)"
)
def set_lots(request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.LotsIn) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    data = payload.dict()
    return procuring.set_lots(actor, procurement, data["lots"], data["criteria"])


@router.post(f"{P}/tender", response=s.ProcurementDetailOut, summary="Open the tender (UK4)")
def open_tender(request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.TenderIn) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    return _detail(procuring.open_tender(actor, procurement, payload.tender_deadline))


@router.post(f"{P}/termination", response=s.ProcurementDetailOut, summary="End the procurement (UK12)")
def terminate_procurement(
    request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.ReasonIn
) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    return _detail(procuring.terminate_procurement(actor, procurement, payload.reason))


@router.get(f"{P}/notices", response=list[s.NoticeOut], summary="The procurement's published notices")
@paginate(LimitOffset)
def procurement_notices(request: HttpRequest, council_slug: str, procurement_id: UUID) -> Any:
    _, procurement = _procurement(request, council_slug, procurement_id, "commissioning.view")
    return selectors.notices_of(procurement)


# --- Bids, scores, award --------------------------------------------------------------------------


@router.post(
    f"{P}/bids", response={201: s.OwnBidOut}, summary="Submit a sealed bid for a lot (provider staff)"
)
def submit_bid(
    request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.TenderBidIn
) -> tuple[int, Any]:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.bids.submit")
    return 201, bidding.submit_bid(actor, procurement, payload.lot_id, payload.price, payload.response)


@router.get(f"{P}/my-bids", response=list[s.OwnBidOut], summary="Your organisation's own bids")
def own_bids(request: HttpRequest, council_slug: str, procurement_id: UUID) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.bids.submit")
    return selectors.own_bids(actor, procurement)


@router.get(
    f"{P}/bid-receipts", response=list[s.BidReceiptOut], summary="Bids received (never their content)"
)
def bid_receipts(request: HttpRequest, council_slug: str, procurement_id: UUID) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.view")
    return selectors.bid_receipts(actor, procurement)


@router.get(
    f"{P}/bids",
    response={200: list[s.OpenedBidOut], 409: ErrorOut},
    summary="The opened bids, for evaluators: refused (409) until the tender deadline has passed",
)
def opened_bids(request: HttpRequest, council_slug: str, procurement_id: UUID) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.bids.evaluate")
    return selectors.opened_bids(actor, procurement)


@router.post(
    f"{P}/scores", response={201: s.ScoreOut}, summary="Score a bid against a criterion, with a reason"
)
def score_bid(
    request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.ScoreIn
) -> tuple[int, Any]:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.bids.evaluate")
    return 201, evaluation.score_bid(
        actor, procurement, payload.bid_id, payload.criterion_id, payload.score, payload.reason
    )


@router.get(
    f"{P}/ranking",
    response={200: list[s.RankedOut], 409: ErrorOut},
    summary="Each lot's bids by weighted score: refused (409) until the tender deadline has passed",
)
def ranking(request: HttpRequest, council_slug: str, procurement_id: UUID) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.bids.evaluate")
    return selectors.rankings(actor, procurement)


@router.post(
    f"{P}/award", response=s.ProcurementDetailOut, summary="Award to the top scorers (UK6, standstill)"
)
def award(request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.AwardIn) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    return _detail(evaluation.award(actor, procurement, payload.choices))


@router.post(f"{P}/direct-award", response=s.ProcurementDetailOut, summary="A direct award (UK5, UK6)")
def direct_award(
    request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.DirectAwardIn
) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    return _detail(evaluation.award_directly(actor, procurement, payload.provider_id, payload.value))


@router.post(f"{P}/call-off", response=s.ProcurementDetailOut, summary="A call-off from a framework (UK6)")
def call_off(request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.DirectAwardIn) -> Any:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    return _detail(evaluation.call_off(actor, procurement, payload.provider_id, payload.value))


@router.post(f"{P}/contracts", response={201: s.ContractDetailOut}, summary="Make a lot's contract (UK7)")
def make_contract(
    request: HttpRequest, council_slug: str, procurement_id: UUID, payload: s.ContractIn
) -> tuple[int, Any]:
    actor, procurement = _procurement(request, council_slug, procurement_id, "commissioning.manage")
    made = contracts.make_contract(actor, procurement, payload.lot_id, payload.dict())
    return 201, _contract_detail(actor, made)


# --- Contracts ------------------------------------------------------------------------------------


@router.get(f"{C}/contracts", response=list[s.ContractOut], summary="The council's contracts")
@paginate(LimitOffset)
def list_contracts(request: HttpRequest, council_slug: str, status: str = "") -> Any:
    actor, council = council_actor(request, council_slug, "commissioning.view")
    return selectors.contracts(actor, council, status[:20])


@router.get(K, response=s.ContractDetailOut, summary="One contract: open book, outcomes, KPIs")
def get_contract(request: HttpRequest, council_slug: str, contract_id: UUID) -> Any:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.view")
    return _contract_detail(actor, contract)


@router.put(f"{K}/cost-lines", response=list[s.CostLineOut], summary="Replace the open book's lines")
def set_cost_lines(request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.CostLinesIn) -> Any:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.contracts.report")
    return contracts.set_cost_lines(actor, contract, payload.dict()["cost_lines"])


@router.post(f"{K}/outcomes", response={201: s.OutcomeOut}, summary="Add an outcome")
def add_outcome(
    request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.OutcomeIn
) -> tuple[int, Any]:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.manage")
    made = contracts.add_outcome(actor, contract, payload.dict())
    return 201, {
        **{f: getattr(made, f) for f in ("id", "measure", "baseline", "target", "unit")},
        "results": [],
    }


@router.post(f"{K}/outcomes/{{outcome_id}}/results", response={201: s.ResultOut}, summary="Report a result")
def report_result(
    request: HttpRequest, council_slug: str, contract_id: UUID, outcome_id: UUID, payload: s.ResultIn
) -> tuple[int, Any]:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.contracts.report")
    return 201, contracts.report_result(actor, contract, outcome_id, payload.period_end, payload.value)


@router.post(f"{K}/kpis", response={201: s.KpiOut}, summary="Add a KPI")
def add_kpi(request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.KpiIn) -> tuple[int, Any]:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.manage")
    made = contracts.add_kpi(actor, contract, payload.name, payload.target)
    return 201, {"id": made.pk, "name": made.name, "target": made.target, "assessments": []}


@router.post(f"{K}/assessments", response={201: list[s.AssessmentOut]}, summary="Rate every KPI (UK9)")
def assess(
    request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.AssessmentIn
) -> tuple[int, Any]:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.manage")
    return 201, contracts.assess_performance(actor, contract, payload.period_end, payload.dict()["ratings"])


@router.get(f"{K}/breaches", response=list[s.BreachOut], summary="The contract's breaches")
def list_breaches(request: HttpRequest, council_slug: str, contract_id: UUID) -> Any:
    _, contract = _contract(request, council_slug, contract_id, "commissioning.view")
    return list(selectors.breaches(contract))


@router.post(f"{K}/breaches", response={201: s.BreachOut}, summary="Record a breach and its penalty")
def add_breach(
    request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.BreachIn
) -> tuple[int, Any]:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.manage")
    return 201, contracts.record_breach(actor, contract, payload.dict())


@router.get(f"{K}/variations", response=list[s.VariationOut], summary="The contract's variations")
def list_variations(request: HttpRequest, council_slug: str, contract_id: UUID) -> Any:
    _, contract = _contract(request, council_slug, contract_id, "commissioning.view")
    return list(selectors.variations(contract))


@router.post(f"{K}/variations", response={201: s.VariationOut}, summary="Vary the contract (UK10)")
def vary(
    request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.VariationIn
) -> tuple[int, Any]:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.manage")
    return 201, contracts.vary_contract(actor, contract, payload.dict())


@router.post(f"{K}/termination", response=s.ContractDetailOut, summary="Terminate the contract (UK9, UK11)")
def terminate(request: HttpRequest, council_slug: str, contract_id: UUID, payload: s.TerminationIn) -> Any:
    actor, contract = _contract(request, council_slug, contract_id, "commissioning.manage")
    contracts.terminate_contract(actor, contract, payload.dict())
    return _contract_detail(actor, selectors.contract(actor, contract.council, contract.pk))


@router.get(
    f"{K}/versions", response=list[s.ContractVersionOut], summary="Every version of the contract: its history"
)
def versions(request: HttpRequest, council_slug: str, contract_id: UUID) -> Any:
    _, contract = _contract(request, council_slug, contract_id, "commissioning.view")
    return list(selectors.versions(contract))


@router.get(f"{K}/notices", response=list[s.NoticeOut], summary="The contract's published notices")
@paginate(LimitOffset)
def contract_notices(request: HttpRequest, council_slug: str, contract_id: UUID) -> Any:
    _, contract = _contract(request, council_slug, contract_id, "commissioning.view")
    return selectors.contract_notices(contract)
