"""Procurements taken through every stage by commissioning's own services, each stage publishing its UK
notice (and so its OCDS release, built and validated by `publish_notice`): the tests' and the
benchmark's source of real releases. The clock is moved by moving the deadline and the standstill, never
by sleeping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civichub.commissioning import selectors
from civichub.commissioning.models import Contract, Notice, Procurement, Stage
from civichub.commissioning.services import bidding, contracts, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.core.actors import Actor
from civichub.core.models import Council, Membership, Organisation, OrganisationIdentifier, Role, User

CRITERIA = [
    {"name": "Quality of care", "kind": "quality", "weight": "60"},
    {"name": "Price", "kind": "price", "weight": "30"},
    {"name": "Social value", "kind": "social_value", "weight": "10"},
]


@dataclass
class World:
    council: Council
    officer: Actor
    bidders: list[tuple[Actor, Organisation]]


@dataclass
class Lifecycle:
    council: Council
    procurement: Procurement
    contract: Contract | None = None
    notices: list[Notice] = field(default_factory=list)

    def reread(self) -> Lifecycle:
        self.notices = list(
            Notice.objects.for_council(self.council)
            .filter(procurement=self.procurement)
            .order_by("published_at", "id")
        )
        return self


def _user(name: str, role: Role, council: Council, organisation: Organisation | None = None) -> User:
    user, made = User.objects.get_or_create(username=name, defaults={"first_name": "Test", "last_name": name})
    if made:
        Membership.objects.create(user=user, role=role, council=council, organisation=organisation)
    return user


def provider(name: str, number: str) -> Organisation:
    found = OrganisationIdentifier.objects.filter(scheme="GB-COH", identifier=number).first()
    if found is not None:
        return found.organisation
    organisation = Organisation.objects.create(name=name, kind="company", postcode="WN1 1AA")
    OrganisationIdentifier.objects.create(organisation=organisation, scheme="GB-COH", identifier=number)
    return organisation


def world(council: Council) -> World:
    officer = Actor(user=_user(f"commissioner-{council.slug}", Role.COMMISSIONER, council), council=council)
    bidders = []
    for name, number in (("Helping Hands Care Ltd", "01234567"), ("Brightside Support Ltd", "07654321")):
        organisation = provider(name, number)
        staff = _user(f"staff-{number}-{council.slug}", Role.PROVIDER_STAFF, council, organisation)
        bidders.append((Actor(user=staff, council=council), organisation))
    return World(council=council, officer=officer, bidders=bidders)


def _move(procurement: Procurement, **values: Any) -> Procurement:
    Procurement.objects.for_council(procurement.council).filter(pk=procurement.pk).update(**values)
    return Procurement.objects.for_council(procurement.council).get(pk=procurement.pk)


def start(w: World, reference: str, **extra: Any) -> Procurement:
    commission = procuring.create_commission(
        w.officer,
        w.council,
        {
            "title": f"Home care ({reference})",
            "purpose": "People stay well and independent at home for longer",
            "market_category_code": "home-care-18",
        },
    )
    return procuring.start_procurement(
        w.officer,
        commission,
        {
            "reference": reference,
            "title": f"Home care in the borough ({reference})",
            "value_estimate": "250000",
        }
        | extra,
    )


def to_contract(w: World, reference: str) -> Lifecycle:
    """UK1 pipeline, UK2, UK3, UK4 tender, two sealed bids, scores, UK6 award, UK7 contract."""
    procurement = start(w, reference)
    procurement = procuring.advance(w.officer, procurement, Stage.PRELIMINARY_ENGAGEMENT)
    procurement = procuring.advance(w.officer, procurement, Stage.PLANNED)
    procuring.set_lots(w.officer, procurement, [{"title": "North"}], CRITERIA)
    procurement = procuring.open_tender(w.officer, procurement, timezone.now() + timedelta(days=14))
    lot = selectors.lots(procurement).get()
    (winner, _), (other, _) = w.bidders
    bidding.submit_bid(winner, procurement, lot.pk, "239999.50", "SEALED RESPONSE: we visit daily")
    bidding.submit_bid(other, procurement, lot.pk, "251000.00", "SEALED RESPONSE: twice a day")
    procurement = _move(procurement, tender_deadline=timezone.now() - timedelta(minutes=1))
    marks = {w.bidders[0][1].pk: Decimal(8), w.bidders[1][1].pk: Decimal(6)}
    for bid in selectors.opened_bids(w.officer, procurement):
        for criterion in selectors.criteria_of(procurement, bid.lot):
            evaluation.score_bid(
                w.officer, procurement, bid.pk, criterion.pk, marks[bid.bidder_id], "As evidenced"
            )
    procurement = evaluation.award(w.officer, procurement)
    procurement = _move(procurement, standstill_ends=timezone.localdate() - timedelta(days=1))
    contract = contracts.make_contract(
        w.officer,
        procurement,
        lot.pk,
        {
            "start_date": date(2026, 1, 1),
            "end_date": date(2028, 12, 31),
            "kpis": [{"name": "Visits on time", "target": "95% of visits within 15 minutes"}],
        },
    )
    return Lifecycle(council=w.council, procurement=procurement, contract=contract).reread()


def to_end(w: World, life: Lifecycle) -> Lifecycle:
    """UK9 performance (a rating and a breach), UK10 a variation, UK11 termination."""
    contract = life.contract
    assert contract is not None
    kpi = selectors.kpis(contract)[0][0]
    contracts.assess_performance(
        w.officer,
        contract,
        "2026-03-31",
        [{"kpi_id": kpi.pk, "rating": "approaching_target", "note": "Winter"}],
    )
    contracts.record_breach(
        w.officer,
        contract,
        {"kpi_id": kpi.pk, "description": "Missed visits", "penalty": "1500", "occurred_on": "2026-02-01"},
    )
    contracts.vary_contract(
        w.officer,
        contract,
        {"reason": "More hours in winter", "cost_change": "12000", "agreed_by": "Both parties"},
    )
    contract = Contract.objects.for_council(contract.council).get(pk=contract.pk)
    contracts.terminate_contract(
        w.officer,
        contract,
        {"reason": "The provider left the market", "ratings": [{"kpi_id": kpi.pk, "rating": "inadequate"}]},
    )
    life.contract = Contract.objects.for_council(contract.council).get(pk=contract.pk)
    return life.reread()


def direct_award(w: World, reference: str) -> Lifecycle:
    """UK1, then UK5 (the transparency notice with its justification) and UK6."""
    procurement = start(
        w,
        reference,
        procedure="direct_award",
        direct_award_justification="Extreme urgency: the provider failed",
    )
    procurement = evaluation.award_directly(w.officer, procurement, w.bidders[0][1].pk, "80000")
    return Lifecycle(council=w.council, procurement=procurement).reread()


def terminated(w: World, reference: str) -> Lifecycle:
    """UK1, UK4, then UK12 when the procurement is ended."""
    procurement = start(w, reference)
    procuring.set_lots(w.officer, procurement, [{"title": "Whole borough"}], CRITERIA)
    procurement = procuring.open_tender(w.officer, procurement, timezone.now() + timedelta(days=14))
    procurement = procuring.terminate_procurement(w.officer, procurement, "The need has changed")
    return Lifecycle(council=w.council, procurement=procurement).reread()
