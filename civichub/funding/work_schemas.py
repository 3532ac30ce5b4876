"""API schemas of bids, matching, saved funding needs, funding per head and the council's own grants."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from civichub.funding.bid_selectors import TRANSITIONS
from civichub.funding.models import FundingMatch


class BidOut(Schema):
    id: UUID
    opportunity_id: UUID | None
    funder: str
    programme: str
    organisation_id: UUID
    organisation: str
    owner_id: UUID
    owner: str
    status: str
    next_statuses: list[str]
    amount_sought: Decimal
    amount_won: Decimal | None
    need_codes: list[str] = Field(..., alias="need_list")
    commission_refs: list[str] = Field(..., alias="commission_list")
    notes: str
    due_on: date | None
    submitted_on: date | None
    decided_on: date | None

    @staticmethod
    def resolve_organisation(obj: object) -> str:
        return str(getattr(obj, "organisation", ""))

    @staticmethod
    def resolve_owner(obj: object) -> str:
        owner = getattr(obj, "owner", None)
        return owner.display_name if owner is not None else ""

    @staticmethod
    def resolve_next_statuses(obj: object) -> list[str]:
        return list(TRANSITIONS[getattr(obj, "status", "won")])


class FundingBidIn(Schema):
    opportunity_id: str = Field("", max_length=40, description="An opportunity of the catalogue, or empty")
    funder: str = Field("", max_length=200, description="For an opportunity not in the catalogue")
    programme: str = Field("", max_length=300, description="For an opportunity not in the catalogue")
    owner_id: str = Field("", max_length=40, description="Who owns the bid (you, if empty)")
    amount_sought: str = Field(..., max_length=20, examples=["20000"])
    need_codes: list[str] = Field(default_factory=list, max_length=20)
    commission_refs: list[str] = Field(default_factory=list, max_length=9)
    notes: str = Field("", max_length=5000)
    due_on: str = Field("", max_length=30, examples=["2026-03-31"])


class BidChange(Schema):
    opportunity_id: str | None = Field(None, max_length=40)
    funder: str | None = Field(None, max_length=200)
    programme: str | None = Field(None, max_length=300)
    owner_id: str | None = Field(None, max_length=40)
    amount_sought: str | None = Field(None, max_length=20)
    need_codes: list[str] | None = Field(None, max_length=20)
    commission_refs: list[str] | None = Field(None, max_length=9)
    notes: str | None = Field(None, max_length=5000)
    due_on: str | None = Field(None, max_length=30)


class BidStatusIn(Schema):
    status: str = Field(..., max_length=20, examples=["submitted"])
    amount_won: str = Field("", max_length=20, description="Needed when the bid is won")
    on: str = Field("", max_length=30, description="The day it happened (today if empty)")


class StatusCountsOut(Schema):
    drafting: int
    submitted: int
    won: int
    lost: int


class ReasonOut(Schema):
    part: str
    points: int
    of: int
    text: str
    ok: bool


class FitOut(Schema):
    opportunity_id: UUID
    grantName: str
    grantFunder: str
    grantApplicationCloseDate: date | None
    score: int
    blocked: bool
    reasons: list[ReasonOut]

    @staticmethod
    def resolve_opportunity_id(obj: Any) -> object:
        return obj.opportunity.pk

    @staticmethod
    def resolve_grantName(obj: Any) -> str:
        return str(obj.opportunity.programme)

    @staticmethod
    def resolve_grantFunder(obj: Any) -> str:
        return str(obj.opportunity.funder)

    @staticmethod
    def resolve_grantApplicationCloseDate(obj: Any) -> object:
        return obj.opportunity.closes_on

    @staticmethod
    def resolve_reasons(obj: Any) -> list[dict[str, object]]:
        return [r.as_dict() for r in obj.reasons]


class NeedIn(Schema):
    name: str = Field(..., max_length=200)
    needs: list[str] = Field(..., max_length=20, description="Need category codes")
    areas: list[str] = Field(default_factory=list, max_length=50, description="Ward and LSOA codes")
    most_deprived: int | None = Field(None, ge=1, le=30, description="Or: the N most deprived wards")
    applicant_type: str = Field(..., max_length=30)
    amount: str = Field("", max_length=20)


class NeedOut(Schema):
    id: UUID
    name: str
    needs: list[str] = Field(..., alias="need_list")
    areas: list[str] = Field(..., alias="area_list")
    most_deprived: int | None
    applicant_type: str
    amount: Decimal | None
    created_at: datetime


class MatchOut(Schema):
    id: UUID
    opportunity_id: UUID
    score: int
    reasons: list[ReasonOut]
    found_at: datetime


class NeedWithMatchesOut(NeedOut):
    matches: list[MatchOut]

    @staticmethod
    def resolve_matches(obj: Any) -> list[object]:
        return list(
            FundingMatch.objects.for_council(obj.council).filter(need=obj).order_by("-score", "found_at")
        )


class LineOut(Schema):
    key: str
    name: str
    lsoas: int
    population: int
    amount: Decimal = Field(..., alias="shown_amount")
    per_head: Decimal | None
    deprived_share: float | None


class ColdSpotOut(Schema):
    code: str
    name: str
    ward: str
    decile: int
    imd_rank: int
    population: int
    amount: Decimal
    per_head: Decimal | None


class PerHeadOut(Schema):
    population: int
    amount: Decimal
    per_head: Decimal | None
    little_below: Decimal = Field(..., description="An LSOA below this a head gets 'little' grant money")
    grants: int
    spread_from_wards: int
    not_placed: int
    not_placed_amount: Decimal
    deciles: list[LineOut]
    wards: list[LineOut]
    cold_spots: list[ColdSpotOut]


class GrantIn(Schema):
    title: str = Field(..., max_length=300)
    description: str = Field(..., max_length=5000)
    amount: str = Field(..., max_length=20, examples=["5000"])
    award_date: str = Field(..., max_length=30, examples=["2026-04-01"])
    recipient_name: str = Field(..., max_length=255)
    recipient_org_id: str = Field(..., max_length=100, examples=["GB-CHC-1234567"])
    beneficiary_code: str = Field(..., max_length=12, examples=["E05000841"])
    programme: str = Field("", max_length=300)


class GrantOut(Schema):
    id: UUID
    identifier: str
    number: int
    title: str
    description: str
    amount: Decimal
    award_date: date
    recipient_name: str
    recipient_org_id: str
    beneficiary_code: str
    beneficiary_kind: str
    beneficiary_name: str
    programme: str
    withdrawn_on: date | None = None
    withdrawn_reason: str = ""


class GrantWithdrawIn(Schema):
    reason: str = Field(..., max_length=2000, examples=["Recorded twice: the same award is 360G-wigan-12"])


class PublishingIn(Schema):
    prefix: str = Field(..., max_length=60, examples=["wiganmbc"])
    org_id: str = Field(..., max_length=100, examples=["GB-LAE-WGN"])


class PublishingOut(Schema):
    prefix: str
    org_id: str
