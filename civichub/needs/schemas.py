"""Needs API schemas, named so they shadow no other context's (NeedCategoryOut, not CategoryOut)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class NeedCategoryOut(Schema):
    id: UUID
    code: str
    name: str
    description: str
    directory_codes: list[str]
    market_codes: list[str]
    council_own: bool

    @staticmethod
    def resolve_council_own(obj: object) -> bool:
        return getattr(obj, "council_id", None) is not None


class NeedCategoryIn(Schema):
    code: str = Field(..., max_length=50, examples=["digital-inclusion"])
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=300)
    directory_codes: list[str] = Field(default_factory=list, max_length=20)
    market_codes: list[str] = Field(default_factory=list, max_length=20)


class IndicatorOut(Schema):
    id: UUID
    code: str
    name: str
    unit: str
    source: str
    licence: str
    need: str
    period_format: str
    higher_is_worse: bool
    value_count: int
    updated_at: datetime


class ProfileRowOut(Schema):
    section: str
    measure: str
    unit: str
    area: Decimal | None = Field(None, description="The ward's or LSOA's value")
    council: Decimal | None = None
    england: Decimal | None = None
    rank: int | None = Field(None, description="Among the council's areas of this kind; 1 = the worst")
    of: int | None = None
    period: str
    note: str


class TrendOut(Schema):
    code: str
    name: str
    unit: str
    points: list[tuple[str, Decimal]]


class NeedsAreaOut(Schema):
    kind: str
    code: str
    name: str
    ward_code: str
    ward_name: str


class NeedsProfileOut(Schema):
    area: NeedsAreaOut
    rows: list[ProfileRowOut]
    trends: list[TrendOut]


class AssessedNeedIn(Schema):
    person_reference: str = Field(..., max_length=64, description="The council's record of the person")
    category: str = Field(..., max_length=50, examples=["housing"])
    assessed_on: date
    status: str = Field("identified", max_length=10, examples=["identified", "being_met", "met", "unmet"])
    postcode: str = Field("", max_length=10, description="Where the person lives: gives the ward and LSOA")
    met_by: UUID | None = Field(None, description="The organisation meeting the need")
    met_by_service: str = Field("", max_length=200)


class NeedStatusIn(Schema):
    status: str = Field(..., max_length=10, examples=["being_met", "met", "unmet"])
    met_by: UUID | None = None
    met_by_service: str = Field("", max_length=200)


class NeedDetailsIn(Schema):
    category: str = Field(..., max_length=50, examples=["housing"])
    assessed_on: date
    postcode: str = Field(
        "", max_length=10, description="Where the person lived then: gives the ward and LSOA"
    )


class NeedWithdrawIn(Schema):
    reason: str = Field(..., max_length=500, examples=["Recorded against the wrong person"])


class AssessedNeedOut(Schema):
    id: UUID
    person_reference: str
    category: str
    assessed_on: date
    status: str
    met_by_id: UUID | None = None
    met_by_service: str
    ward_code: str
    lsoa_code: str


class UnmetCountOut(Schema):
    ward_code: str
    ward_name: str
    category: str
    people: int | None = Field(None, description="Empty when fewer than 10 (suppressed for this reader)")
    shown: str


class DemandContactIn(Schema):
    occurred_on: date
    channel: str = Field(..., max_length=10, examples=["phone"])
    category: str = Field(..., max_length=50, examples=["housing"])
    service: str = Field(..., max_length=200)
    kind: str = Field(..., max_length=10, examples=["value", "failure"])
    cause: str = Field("", max_length=100, examples=["chasing progress"])
    provider: str = Field(
        "",
        max_length=80,
        description="The provider organisation's org-id, if any",
        examples=["GB-CHC-1099999"],
    )


class ContactsIn(Schema):
    # Named "batch", not "contacts": the directory's service bodies use "contacts" for its people to ask.
    batch: list[DemandContactIn] = Field(..., min_length=1, max_length=10_000)


class ContactsOut(Schema):
    recorded: int


class XmRPointOut(Schema):
    label: str
    value: float
    signal: str


class XmROut(Schema):
    mean: float
    average_moving_range: float
    upper: float
    lower: float
    points: list[XmRPointOut]


class MonthOut(Schema):
    month: str
    contacts: int
    failure: int
    share: float


class DemandShareOut(Schema):
    key: str = Field(..., description="The service's name, or the provider's id ('own': no provider)")
    name: str
    org_id: str
    contacts: int
    failure: int
    share: float = Field(..., description="Failure demand, % of the contacts")
    top_cause: str


class DemandOut(Schema):
    service: str
    provider_name: str
    contacts: int
    failure: int
    months: list[MonthOut]
    causes: list[tuple[str, int, float]]
    services: list[DemandShareOut]
    providers: list[DemandShareOut]
    chart: XmROut | None = None
