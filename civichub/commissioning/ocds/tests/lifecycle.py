"""One procurement taken through every stage, with a UK notice published at each: the tests' and the
benchmark's source of real releases.

The stages are driven through commissioning's services where they exist; the notices through
`commissioning.notices.publish_notice`, which builds and stores each release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from civichub.commissioning.models import (
    AwardCriterion,
    Bid,
    Breach,
    Commission,
    Contract,
    Kpi,
    KpiAssessment,
    Lot,
    Notice,
    Procurement,
    Termination,
    Variation,
)
from civichub.commissioning.ocds.releases import build
from civichub.core.models import Council, Organisation, OrganisationIdentifier, User


@dataclass
class Lifecycle:
    council: Council
    procurement: Procurement
    contract: Contract | None = None
    notices: list[Notice] = field(default_factory=list)


def provider(name: str, number: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name, kind="company")
    OrganisationIdentifier.objects.get_or_create(
        scheme="GB-COH", identifier=number, defaults={"organisation": organisation}
    )
    return organisation


def publish(life: Lifecycle, notice_type: str, at: datetime, facts: dict[str, Any] | None = None) -> Notice:
    notice = Notice.objects.create(
        council=life.council,
        procurement=life.procurement,
        contract=life.contract,
        notice_type=notice_type,
        published_at=at,
        facts=facts or {},
    )
    notice.release = build(notice)
    notice.tags = notice.release["tag"]
    notice.save(update_fields=["release", "tags"])
    life.notices.append(notice)
    return notice


def start(
    council: Council, reference: str, *, value: Decimal = Decimal("250000.00"), at: datetime | None = None
) -> Lifecycle:
    at = at or timezone.now() - timedelta(days=400)
    commission = Commission.objects.create(
        council=council,
        title=f"Home care {reference}",
        purpose="People stay well and independent at home for longer",
        commissioner_organisation=council.organisation,
    )
    procurement = Procurement.objects.create(
        council=council,
        commission=commission,
        reference=reference,
        title=f"Home care in the borough ({reference})",
        description="Care and support at home, by outcomes",
        value_estimate=value,
        ocid="",
    )
    procurement.ocid = f"{settings.CIVICHUB_OCID_PREFIX}-{council.gss_code}-{procurement.pk}"
    procurement.save(update_fields=["ocid"])
    Lot.objects.create(
        council=council, procurement=procurement, number=1, title="North", value_estimate=value
    )
    for name, kind, weight in (
        ("Quality", "quality", 60),
        ("Price", "price", 30),
        ("Social value", "social_value", 10),
    ):
        AwardCriterion.objects.create(
            council=council, procurement=procurement, name=name, kind=kind, weight=weight
        )
    return Lifecycle(council=council, procurement=procurement)


def run_to_contract(life: Lifecycle, bidder_user: User, *, at: datetime | None = None) -> Lifecycle:
    """UK1 to UK7: pipeline, engagement, planned, tender, bids, award, contract."""
    at = at or timezone.now() - timedelta(days=400)
    procurement, council = life.procurement, life.council
    publish(life, "UK1", at)
    publish(life, "UK2", at + timedelta(days=10))
    publish(life, "UK3", at + timedelta(days=20))
    procurement.tender_deadline = at + timedelta(days=60)
    procurement.stage = "tender"
    procurement.save()
    publish(life, "UK4", at + timedelta(days=30))
    lot = Lot.objects.for_council(council).get(procurement=procurement)
    winner = provider("Helping Hands Care Ltd", "01234567")
    other = provider("Brightside Support Ltd", "07654321")
    bids = [
        Bid.objects.create(
            council=council,
            procurement=procurement,
            lot=lot,
            bidder=organisation,
            submitted_by=bidder_user,
            price=price,
            response=f"SEALED RESPONSE of {organisation.name}",
            submitted_at=at + timedelta(days=40),
        )
        for organisation, price in ((winner, "239999.50"), (other, "251000.00"))
    ]
    lot.awarded_bid = bids[0]
    lot.save()
    procurement.awarded_at = at + timedelta(days=70)
    procurement.standstill_ends = (at + timedelta(days=82)).date()
    procurement.stage = "standstill"
    procurement.save()
    publish(life, "UK6", at + timedelta(days=70), {"values": {"1": "239999.50"}})
    life.contract = Contract.objects.create(
        council=council,
        procurement=procurement,
        lot=lot,
        bid=bids[0],
        commission=procurement.commission,
        provider=winner,
        reference=f"{procurement.reference}-C1",
        title=procurement.title,
        value=Decimal("239999.50"),
        start_date=(at + timedelta(days=90)).date(),
        end_date=(at + timedelta(days=90 + 3 * 365)).date(),
        ocid=procurement.ocid,
    )
    procurement.stage = "contract"
    procurement.save()
    publish(life, "UK7", at + timedelta(days=85))
    return life


def run_to_end(life: Lifecycle, *, at: datetime | None = None) -> Lifecycle:
    """UK9, UK10, UK11 on the contract: a KPI rating and a breach, a variation, termination."""
    at = at or timezone.now() - timedelta(days=400)
    contract, council = life.contract, life.council
    assert contract is not None
    kpi = Kpi.objects.create(council=council, contract=contract, name="Visits on time", target="95%")
    KpiAssessment.objects.create(
        council=council, kpi=kpi, period_end=date(2026, 3, 31), rating="approaching_target"
    )
    Breach.objects.create(
        council=council,
        contract=contract,
        kpi=kpi,
        description="Missed visits",
        penalty=Decimal("1500"),
        occurred_on=date(2026, 2, 1),
    )
    publish(life, "UK9", at + timedelta(days=200))
    Variation.objects.create(
        council=council,
        contract=contract,
        reason="More hours in winter",
        cost_change=Decimal("12000.00"),
        agreed_by="Both parties",
        agreed_on=date(2026, 4, 1),
        new_version=2,
    )
    contract.value += Decimal("12000.00")
    contract.version = 2
    contract.save()
    publish(life, "UK10", at + timedelta(days=250))
    Termination.objects.create(
        council=council, contract=contract, reason="Provider left the market", terminated_on=date(2026, 6, 1)
    )
    contract.status = "terminated"
    contract.save()
    publish(life, "UK11", at + timedelta(days=300), {"reason": "Provider left the market"})
    return life


def direct_award(council: Council, reference: str, at: datetime | None = None) -> Lifecycle:
    """UK5 (transparency) for a direct award, then UK12 when the procurement is terminated."""
    at = at or timezone.now() - timedelta(days=300)
    life = start(council, reference, at=at)
    procurement = life.procurement
    procurement.procedure = "direct_award"
    procurement.direct_award_justification = "Extreme urgency: the previous provider failed"
    procurement.save()
    publish(life, "UK5", at)
    procurement.stage = "terminated"
    procurement.termination_reason = "The need was met another way"
    procurement.save()
    publish(life, "UK12", at + timedelta(days=5), {"reason": "The need was met another way"})
    return life
