"""Commissioning's reads: commissions, procurements, their lots and criteria, bids (sealed until the
deadline), scores and rankings, contracts with their open book, outcomes, KPIs, breaches, variations and
versions, and notices. Everything is looked up within one council, so another council's ids are not
found.

Bids are SEALED: their price and response are read only through `opened_bids` (officers, after the
deadline) and `own_bids` (the bidder's own staff). Every other read of a bid (`bid_receipts`) carries no
content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from civichub.commissioning.models import (
    AwardCriterion,
    Bid,
    Breach,
    Commission,
    Contract,
    ContractVersion,
    CostLine,
    Kpi,
    KpiAssessment,
    Lot,
    Notice,
    Outcome,
    OutcomeResult,
    Procurement,
    Score,
    Variation,
)
from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council, Organisation
from civichub.core.selectors import acting_provider


def _one(queryset: QuerySet[Any], message: str, key: Any) -> Any:
    try:
        found = queryset.filter(pk=UUID(str(key))).first()
    except ValueError:
        found = None
    if found is None:
        raise Http404(message)
    return found


# --- Commissions and procurements -----------------------------------------------------------------


def commissions(actor: Actor, council: Council) -> QuerySet[Commission]:
    policy.require(actor, "commissioning.view", council)
    return Commission.objects.for_council(council).select_related("commissioner_organisation")


def commission(actor: Actor, council: Council, commission_id: Any) -> Commission:
    return _one(commissions(actor, council), "The council has no commission with that id", commission_id)


def procurements(actor: Actor, council: Council, stage: str = "") -> QuerySet[Procurement]:
    policy.require(actor, "commissioning.view", council)
    found = Procurement.objects.for_council(council).select_related("commission")
    return found.filter(stage=stage) if stage else found


def procurement(actor: Actor, council: Council, procurement_id: Any) -> Procurement:
    return _one(procurements(actor, council), "The council has no procurement with that id", procurement_id)


def procurements_of(actor: Actor, commission: Commission) -> QuerySet[Procurement]:
    return procurements(actor, commission.council).filter(commission=commission)


def lots(procurement: Procurement) -> QuerySet[Lot]:
    return Lot.objects.for_council(procurement.council).filter(procurement=procurement)


def lot(procurement: Procurement, lot_id: Any) -> Lot:
    return _one(lots(procurement), "The procurement has no lot with that id", lot_id)


def criteria(procurement: Procurement) -> QuerySet[AwardCriterion]:
    return AwardCriterion.objects.for_council(procurement.council).filter(procurement=procurement)


def criteria_of(procurement: Procurement, lot: Lot) -> list[AwardCriterion]:
    """The criteria a lot's bids are scored against: its own, or else the procurement's."""
    every = list(criteria(procurement))
    return [c for c in every if c.lot_id == lot.pk] or [c for c in every if c.lot_id is None]


def notices(council: Council) -> QuerySet[Notice]:
    """The council's published notices, oldest first (notices are public once published)."""
    return Notice.objects.for_council(council).order_by("published_at", "id")


def notices_of(procurement: Procurement) -> QuerySet[Notice]:
    return notices(procurement.council).filter(procurement=procurement)


# --- Sealed bids ----------------------------------------------------------------------------------


def is_sealed(procurement: Procurement, now: datetime | None = None) -> bool:
    """Bids stay sealed until the tender deadline has passed (and a procurement with no deadline has had
    no tender, so nothing in it can be opened)."""
    deadline = procurement.tender_deadline
    return deadline is None or (now or timezone.now()) < deadline


def _bids(procurement: Procurement) -> QuerySet[Bid]:
    return Bid.objects.for_council(procurement.council).filter(procurement=procurement)


@dataclass(frozen=True)
class Receipt:
    """That a bid arrived, and nothing of what it says."""

    lot_number: int
    bidder: str | None  # None while sealed: even who bid is not shown before the deadline
    submitted_at: datetime | None


def bid_receipts(actor: Actor, procurement: Procurement) -> list[Receipt]:
    """What officers may know of the bids: before the deadline only how many each lot has; after it, who
    bid. Never a price or a response."""
    policy.require(actor, "commissioning.view", procurement.council)
    if acting_provider(actor, procurement.council) is not None:
        raise PermissionDenied("Providers see only their own bids")
    sealed = is_sealed(procurement)
    rows = _bids(procurement).select_related("lot", "bidder").order_by("lot__number", "submitted_at")
    return [
        Receipt(b.lot.number, None if sealed else b.bidder.name, None if sealed else b.submitted_at)
        for b in rows
    ]


def opened_bids(actor: Actor, procurement: Procurement) -> list[Bid]:
    """The bids with their price and response, for evaluators: refused before the deadline, whoever asks."""
    policy.require(actor, "commissioning.bids.evaluate", procurement.council)
    if is_sealed(procurement):
        raise Conflict.on(
            "tender_deadline",
            "Bids are sealed until the tender deadline has passed: no one can read them yet",
        )
    return list(_bids(procurement).select_related("lot", "bidder").order_by("lot__number", "submitted_at"))


def opened_bid(actor: Actor, procurement: Procurement, bid_id: Any) -> Bid:
    for found in opened_bids(actor, procurement):
        if str(found.pk) == str(bid_id):
            return found
    raise Http404("The procurement has no bid with that id")


def own_bids(actor: Actor, procurement: Procurement) -> list[Bid]:
    """A provider's own bids in a procurement (its staff wrote them); never another bidder's."""
    policy.require(actor, "commissioning.bids.submit", procurement.council)
    own = acting_provider(actor, procurement.council)
    if own is None:
        raise PermissionDenied("Only a provider's own staff see its bids")
    return list(_bids(procurement).filter(bidder=own).select_related("lot").order_by("lot__number"))


# --- Scores and the ranking -----------------------------------------------------------------------


def scores(procurement: Procurement) -> QuerySet[Score]:
    return Score.objects.for_council(procurement.council).filter(bid__procurement=procurement)


@dataclass(frozen=True)
class Ranked:
    bid: Bid
    total: Decimal  # out of 100: each criterion's weight times its mean score out of 10
    complete: bool  # every criterion has at least one score


def ranking(procurement: Procurement, lot: Lot) -> list[Ranked]:
    """The lot's bids by weighted total, highest first. Each criterion counts its weight times the mean
    of the evaluators' scores (out of 10). Reads scores only, never the sealed content."""
    applying = criteria_of(procurement, lot)
    weights = {c.pk: c.weight for c in applying}
    marks: dict[tuple[Any, Any], list[Decimal]] = {}
    for score in scores(procurement).filter(bid__lot=lot):
        marks.setdefault((score.bid_id, score.criterion_id), []).append(score.score)
    ranked = []
    for bid in _bids(procurement).filter(lot=lot).select_related("bidder"):
        total, complete = Decimal(0), True
        for criterion_id, weight in weights.items():
            given = marks.get((bid.pk, criterion_id))
            if not given:
                complete = False
                continue
            total += weight * (sum(given, Decimal(0)) / len(given)) / 10
        ranked.append(Ranked(bid, total.quantize(Decimal("0.01")), complete))
    return sorted(ranked, key=lambda r: (-r.total, r.bid.submitted_at))


def rankings(actor: Actor, procurement: Procurement) -> list[dict[str, Any]]:
    """Every lot's ranking, for evaluators, once the deadline has passed (it names the bidders)."""
    policy.require(actor, "commissioning.bids.evaluate", procurement.council)
    if is_sealed(procurement):
        raise Conflict.on("tender_deadline", "Bids are sealed until the tender deadline has passed")
    return [
        {
            "lot_id": lot.pk,
            "lot_number": lot.number,
            "bid_id": r.bid.pk,
            "bidder": r.bid.bidder.name,
            "total": r.total,
            "complete": r.complete,
        }
        for lot in lots(procurement)
        for r in ranking(procurement, lot)
    ]


# --- Contracts ------------------------------------------------------------------------------------


def contracts(actor: Actor, council: Council, status: str = "") -> QuerySet[Contract]:
    policy.require(actor, "commissioning.view", council)
    found = Contract.objects.for_council(council).select_related("provider")
    return found.filter(status=status) if status else found


def contract(actor: Actor, council: Council, contract_id: Any) -> Contract:
    return _one(contracts(actor, council), "The council has no contract with that id", contract_id)


def may_see_costs(actor: Actor, contract: Contract) -> bool:
    """The commissioner sees every open-book line, and so does the provider's own staff."""
    if actor.is_system or (
        actor.user and policy.allows(actor.user, "commissioning.costs.view", contract.council)
    ):
        return True
    own = acting_provider(actor, contract.council)
    return own is not None and own.pk == contract.provider_id


def cost_lines(actor: Actor, contract: Contract) -> QuerySet[CostLine]:
    """The open book, line by line: for the commissioner and the provider only."""
    if not may_see_costs(actor, contract):
        raise PermissionDenied("Only the commissioner and the provider see the open book's lines")
    return CostLine.objects.for_council(contract.council).filter(contract=contract)


def cost_total(contract: Contract) -> Decimal:
    """The open book's total: what everyone may see."""
    total = (
        CostLine.objects.for_council(contract.council).filter(contract=contract).aggregate(t=Sum("amount"))
    )
    return total["t"] or Decimal(0)


def outcomes(contract: Contract) -> list[tuple[Outcome, list[OutcomeResult]]]:
    council = contract.council
    results: dict[Any, list[OutcomeResult]] = {}
    for result in OutcomeResult.objects.for_council(council).filter(outcome__contract=contract):
        results.setdefault(result.outcome_id, []).append(result)
    return [
        (o, results.get(o.pk, [])) for o in Outcome.objects.for_council(council).filter(contract=contract)
    ]


def kpis(contract: Contract) -> list[tuple[Kpi, list[KpiAssessment]]]:
    council = contract.council
    ratings: dict[Any, list[KpiAssessment]] = {}
    for assessment in KpiAssessment.objects.for_council(council).filter(kpi__contract=contract):
        ratings.setdefault(assessment.kpi_id, []).append(assessment)
    return [(k, ratings.get(k.pk, [])) for k in Kpi.objects.for_council(council).filter(contract=contract)]


def kpi(contract: Contract, kpi_id: Any) -> Kpi:
    return _one(Kpi.objects.for_council(contract.council).filter(contract=contract), "No such KPI", kpi_id)


def outcome(contract: Contract, outcome_id: Any) -> Outcome:
    found = Outcome.objects.for_council(contract.council).filter(contract=contract)
    return _one(found, "The contract has no outcome with that id", outcome_id)


def assessment_due(contract: Contract, today: date | None = None) -> bool:
    """Whether the KPIs are due a rating: none in the 12 months since the contract started or was last
    rated (the Procurement Act's "at least every 12 months")."""
    today = today or timezone.localdate()
    if contract.status != Contract.Status.ACTIVE:
        return False
    if not Kpi.objects.for_council(contract.council).filter(contract=contract).exists():
        return False
    last = (
        KpiAssessment.objects.for_council(contract.council)
        .filter(kpi__contract=contract)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    since = last or contract.start_date
    # A year on, the same date (28 February for a 29th).
    year_on = since.replace(year=since.year + 1, day=min(since.day, 28) if since.month == 2 else since.day)
    return year_on <= today


def breaches(contract: Contract) -> QuerySet[Breach]:
    return Breach.objects.for_council(contract.council).filter(contract=contract)


def variations(contract: Contract) -> QuerySet[Variation]:
    return Variation.objects.for_council(contract.council).filter(contract=contract)


def versions(contract: Contract) -> QuerySet[ContractVersion]:
    """Every version of the contract, first to latest: its history."""
    return ContractVersion.objects.for_council(contract.council).filter(contract=contract)


def contract_notices(contract: Contract) -> QuerySet[Notice]:
    return notices(contract.council).filter(contract=contract)


def organisation(organisation_id: Any, field: str = "provider_id") -> Organisation:
    try:
        found = Organisation.objects.filter(pk=UUID(str(organisation_id))).first()
    except ValueError:
        found = None
    if found is None:
        raise Refused.on(field, "No organisation on the platform has that id")
    return found
