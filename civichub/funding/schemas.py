"""Funding API schemas: opportunities in and out in the field names of Find a Grant's adverts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class OpportunityOut(Schema):
    id: UUID
    grantName: str = Field(..., alias="programme")
    grantFunder: str = Field(..., alias="funder")
    grantShortDescription: str = Field(..., alias="summary")
    grantApplicantType: list[str] = Field(..., alias="applicant_type_list")
    grantLocation: list[str] = Field(..., description="GSS codes covered, then places in words")
    grantMinimumAward: Decimal | None = Field(None, alias="minimum_award")
    grantMaximumAward: Decimal | None = Field(None, alias="maximum_award")
    grantTotalAwardAmount: Decimal | None = Field(None, alias="total_pot")
    grantApplicationOpenDate: date | None = Field(None, alias="opens_on")
    grantApplicationCloseDate: date | None = Field(None, alias="closes_on")
    grantWebpageUrl: str = Field(..., alias="url")
    themes: list[str] = Field(..., alias="theme_list")
    council_own: bool

    @staticmethod
    def resolve_grantLocation(obj: object) -> list[str]:
        words = [w for w in str(getattr(obj, "locations", "")).split("; ") if w]
        return [*getattr(obj, "area_list", []), *words]

    @staticmethod
    def resolve_council_own(obj: object) -> bool:
        return getattr(obj, "council_id", None) is not None


class OpportunityIn(Schema):
    grantName: str = Field(..., max_length=300)
    grantFunder: str = Field(..., max_length=200)
    grantShortDescription: str = Field("", max_length=2000)
    grantApplicantType: list[str] = Field(default_factory=list, max_length=20)
    grantLocation: list[str] = Field(default_factory=list, max_length=400)
    grantMinimumAward: str = Field("", max_length=20, examples=["1000"])
    grantMaximumAward: str = Field("", max_length=20, examples=["25000"])
    grantTotalAwardAmount: str = Field("", max_length=20)
    grantApplicationOpenDate: str = Field("", max_length=30, examples=["2025-04-01"])
    grantApplicationCloseDate: str = Field("", max_length=30, examples=["2025-06-30"])
    grantWebpageUrl: str = Field("", max_length=500)
    themes: list[str] = Field(default_factory=list, max_length=20)


class PastGrantOut(Schema):
    """A grant already made, in the 360Giving Data Standard's names."""

    id: str = Field(..., alias="identifier")
    title: str
    description: str
    currency: str
    amountAwarded: Decimal = Field(..., alias="amount")
    awardDate: date = Field(..., alias="award_date")
    fundingOrganization: str = Field(..., alias="funder_name")
    recipientOrganization: str = Field(..., alias="recipient_name")


class SavedSearchIn(Schema):
    name: str = Field("", max_length=100)
    q: str = Field("", max_length=200)
    open_now: bool = False
    theme: str = Field("", max_length=50)
    applicant_type: str = Field("", max_length=30)
    area: str = Field("", max_length=20)


class SavedSearchOut(Schema):
    id: UUID
    name: str
    q: str
    open_now: bool
    theme: str
    applicant_type: str
    area: str
    created_at: datetime
