"""Commissioning API schemas. What comes in is taken as typed (strings for money and dates) and checked
by the services, which name each field at fault; what goes out never carries a sealed bid's content
except in `OpenedBidOut` (evaluators, after the deadline) and `OwnBidOut` (the bidder's own staff)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema

S = Field("", max_length=300)
LONG = Field("", max_length=8000)


class CommissionIn(Schema):
    title: str = S
    purpose: str = Field("", max_length=4000)
    place_codes: list[str] = Field(default_factory=list, max_length=500, examples=[["E05000841"]])
    need_codes: list[str] = Field(default_factory=list, max_length=50)
    market_category_code: str = Field("", max_length=50)
    commissioner_organisation_id: str = Field("", max_length=40)
    commissioner_user_id: str = Field("", max_length=40)


class CommissionOut(Schema):
    id: UUID
    title: str
    purpose: str
    places: list[str]
    needs: list[str]
    market_category_code: str
    status: str
    commissioner_organisation_id: UUID | None
    commissioner_user_id: UUID | None


class ProcurementIn(Schema):
    reference: str = Field("", max_length=100)
    title: str = S
    description: str = LONG
    procedure: str = Field("open", max_length=30, examples=["open"])
    stage: str = Field("pipeline", max_length=30, examples=["pipeline"])
    value_estimate: str = Field("", max_length=20, examples=["1200000"])
    direct_award_justification: str = Field("", max_length=4000)
    framework_reference: str = Field("", max_length=200)


class CriterionIn(Schema):
    name: str = Field("", max_length=200)
    kind: str = Field("", max_length=20, examples=["quality"])
    weight: str = Field("", max_length=10, examples=["60"])


class LotIn(Schema):
    title: str = S
    description: str = Field("", max_length=4000)
    value_estimate: str = Field("", max_length=20)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=30)


class LotsIn(Schema):
    lots: list[LotIn] = Field(default_factory=list, max_length=50)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=30)


class StageIn(Schema):
    stage: str = Field("", max_length=30, examples=["planned"])


class TenderIn(Schema):
    tender_deadline: str = Field("", max_length=40, examples=["2026-05-01T12:00:00+01:00"])


class ReasonIn(Schema):
    reason: str = Field("", max_length=4000)


class CriterionOut(Schema):
    id: UUID
    name: str
    kind: str
    weight: Decimal
    lot_id: UUID | None


class LotOut(Schema):
    id: UUID
    number: int
    title: str
    description: str
    value_estimate: Decimal | None
    awarded_provider_id: UUID | None
    awarded_value: Decimal | None


class ProcurementOut(Schema):
    id: UUID
    ocid: str
    commission_id: UUID
    reference: str
    title: str
    description: str
    procedure: str
    direct_award_justification: str
    framework_reference: str
    stage: str
    value_estimate: Decimal | None
    tender_deadline: datetime | None
    awarded_at: datetime | None
    standstill_ends: date | None
    termination_reason: str


class ProcurementDetailOut(ProcurementOut):
    lots: list[LotOut]
    criteria: list[CriterionOut]


class NoticeOut(Schema):
    id: UUID
    notice_type: str
    notice_name: str
    tags: list[str]
    published_at: datetime
    procurement_id: UUID | None
    contract_id: UUID | None
    facts: dict[str, Any]

    @staticmethod
    def resolve_notice_name(obj: Any) -> str:
        return str(obj.get_notice_type_display())


class TenderBidIn(Schema):
    lot_id: str = Field("", max_length=40)
    price: str = Field("", max_length=20, examples=["950000"])
    response: str = Field("", max_length=20000)


class BidReceiptOut(Schema):
    lot_number: int
    bidder: str | None = Field(None, description="Empty until the deadline has passed")
    submitted_at: datetime | None


class OwnBidOut(Schema):
    id: UUID
    lot_id: UUID
    price: str
    response: str
    submitted_at: datetime


class OpenedBidOut(OwnBidOut):
    bidder_id: UUID
    bidder: str

    @staticmethod
    def resolve_bidder(obj: Any) -> str:
        return str(obj.bidder.name)


class ScoreIn(Schema):
    bid_id: str = Field("", max_length=40)
    criterion_id: str = Field("", max_length=40)
    score: str = Field("", max_length=10, examples=["7"])
    reason: str = Field("", max_length=4000)


class ScoreOut(Schema):
    id: UUID
    bid_id: UUID
    criterion_id: UUID
    evaluator_id: UUID
    score: Decimal
    reason: str


class RankedOut(Schema):
    lot_id: UUID
    lot_number: int
    bid_id: UUID
    bidder: str
    total: Decimal
    complete: bool


class AwardIn(Schema):
    choices: dict[str, str] = Field(default_factory=dict, description="Lot id -> the bid chosen for it")


class DirectAwardIn(Schema):
    provider_id: str = Field("", max_length=40)
    value: str = Field("", max_length=20, examples=["250000"])


class CostLineIn(Schema):
    kind: str = Field("", max_length=20, examples=["staff"])
    name: str = Field("", max_length=200)
    amount: str = Field("", max_length=20, examples=["600000"])


class OutcomeIn(Schema):
    measure: str = S
    baseline: str = Field("", max_length=20)
    target: str = Field("", max_length=20)
    unit: str = Field("", max_length=50)


class KpiIn(Schema):
    name: str = S
    target: str = S


class ContractIn(Schema):
    lot_id: str = Field("", max_length=40)
    title: str = S
    start_date: str = Field("", max_length=20, examples=["2026-04-01"])
    end_date: str = Field("", max_length=20, examples=["2029-03-31"])
    cost_lines: list[CostLineIn] = Field(default_factory=list, max_length=100)
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=50)
    kpis: list[KpiIn] = Field(default_factory=list, max_length=50)


class CostLinesIn(Schema):
    cost_lines: list[CostLineIn] = Field(default_factory=list, max_length=100)


class ResultIn(Schema):
    period_end: str = Field("", max_length=20, examples=["2026-09-30"])
    value: str = Field("", max_length=20, examples=["74"])


class RatingIn(Schema):
    kpi_id: str = Field("", max_length=40)
    rating: str = Field("", max_length=30, examples=["good"])
    note: str = Field("", max_length=4000)


class AssessmentIn(Schema):
    period_end: str = Field("", max_length=20)
    ratings: list[RatingIn] = Field(default_factory=list, max_length=50)


class BreachIn(Schema):
    kpi_id: str = Field("", max_length=40)
    description: str = Field("", max_length=4000)
    penalty: str = Field("", max_length=20)
    occurred_on: str = Field("", max_length=20)


class VariationIn(Schema):
    reason: str = Field("", max_length=4000)
    cost_change: str = Field("", max_length=20, examples=["120000"])
    agreed_by: str = S
    agreed_on: str = Field("", max_length=20)
    new_end_date: str = Field("", max_length=20)


class TerminationIn(Schema):
    reason: str = Field("", max_length=4000)
    terminated_on: str = Field("", max_length=20)
    ratings: list[RatingIn] = Field(default_factory=list, max_length=50)


class ContractOut(Schema):
    id: UUID
    ocid: str
    reference: str
    title: str
    origin: str
    procurement_id: UUID | None
    commission_id: UUID | None
    provider_id: UUID
    provider: str = Field(..., alias="provider_name")
    value: Decimal
    start_date: date
    end_date: date
    status: str
    version: int


class CostLineOut(Schema):
    kind: str
    name: str
    amount: Decimal


class ResultOut(Schema):
    period_end: date
    value: Decimal


class OutcomeOut(Schema):
    id: UUID
    measure: str
    baseline: Decimal
    target: Decimal
    unit: str
    results: list[ResultOut]


class AssessmentOut(Schema):
    period_end: date
    rating: str
    note: str
    at_termination: bool


class KpiOut(Schema):
    id: UUID
    name: str
    target: str
    assessments: list[AssessmentOut]


class ContractDetailOut(ContractOut):
    cost_total: Decimal
    cost_lines: list[CostLineOut] | None = Field(None, description="Only for the commissioner and provider")
    outcomes: list[OutcomeOut]
    kpis: list[KpiOut]
    assessment_due: bool


class ContractVersionOut(Schema):
    number: int
    reason: str
    created_at: datetime
    snapshot: dict[str, Any]


class VariationOut(Schema):
    id: UUID
    reason: str
    cost_change: Decimal
    agreed_by: str
    agreed_on: date
    new_version: int


class BreachOut(Schema):
    id: UUID
    kpi_id: UUID | None
    description: str
    penalty: Decimal
    occurred_on: date
