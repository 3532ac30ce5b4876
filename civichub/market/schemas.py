"""The market API's shapes. Amounts travel as decimal text (`"21.50"`) so nothing is lost to floats, and
are checked by the services, which name each field at fault."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from civichub.core.api import IdentifierOut
from civichub.core.models import Organisation

TEXT = Field(..., max_length=200)


class CategoryOut(Schema):
    id: UUID
    code: str
    name: str
    unit: str
    price_unit: str
    regulated: bool
    need_basis: str
    need_per_thousand: Decimal
    cost_template: str
    directory_codes: list[str]
    council_own: bool

    @staticmethod
    def resolve_council_own(obj: object) -> bool:
        return getattr(obj, "council_id", None) is not None


class CategoryIn(Schema):
    code: str = Field(..., max_length=50, examples=["day-opportunities"])
    name: str = Field(..., max_length=100)
    unit: str = Field(..., max_length=50, examples=["places per week"])
    price_unit: str = Field(..., max_length=50, examples=["per place per day"])
    need_basis: str = Field("everyone", examples=["adults"])
    need_per_thousand: str = Field("0", max_length=20, examples=["3.5"])
    regulated: bool = False


class ProfileIn(Schema):
    is_vcse: bool = False
    is_sme: bool = False
    is_public_service_mutual: bool = False


class ProviderIn(ProfileIn):
    name: str = TEXT
    kind: str = Field(..., examples=["company"])
    identifiers: dict[str, str] = Field(..., examples=[{"GB-COH": "01234567"}])


class MarketProviderOut(Schema):
    id: UUID
    name: str
    kind: str
    identifiers: list[IdentifierOut]
    is_vcse: bool
    is_sme: bool
    is_public_service_mutual: bool

    @staticmethod
    def resolve_identifiers(obj: Organisation) -> list[IdentifierOut]:
        return [
            IdentifierOut(scheme=i.scheme, identifier=i.identifier, org_id=i.org_id)
            for i in obj.identifiers.all()
        ]

    @staticmethod
    def _flag(obj: Organisation, name: str) -> bool:
        profile = getattr(obj, "market_profile", None)
        return bool(profile and getattr(profile, name))

    @staticmethod
    def resolve_is_vcse(obj: Organisation) -> bool:
        return MarketProviderOut._flag(obj, "is_vcse")

    @staticmethod
    def resolve_is_sme(obj: Organisation) -> bool:
        return MarketProviderOut._flag(obj, "is_sme")

    @staticmethod
    def resolve_is_public_service_mutual(obj: Organisation) -> bool:
        return MarketProviderOut._flag(obj, "is_public_service_mutual")


class ProfileOut(Schema):
    organisation_id: UUID
    is_vcse: bool
    is_sme: bool
    is_public_service_mutual: bool


class OfferIn(Schema):
    category: str = Field(..., max_length=50, examples=["home-care-18"])
    capacity: str = Field(
        ..., max_length=20, examples=["120"], description="In the category's unit; not negative"
    )
    price: str = Field(..., max_length=20, examples=["23.40"], description="Standard price per unit, £")
    coverage: list[str] = Field(
        ..., max_length=500, examples=[["E05000840", "E01006369"]], description="Ward and LSOA GSS codes"
    )
    started_on: date
    staff_posts: int = Field(0, ge=0, le=1_000_000)
    staff_vacancies: int = Field(0, ge=0, le=1_000_000)
    cqc_rating: str = Field("", examples=["good"])
    cqc_rated_on: date | None = None


class OfferOut(Schema):
    id: UUID
    organisation_id: UUID
    organisation_name: str = Field(..., alias="organisation.name")
    category: str = Field(..., alias="category.code")
    capacity: Decimal
    price: Decimal
    staff_posts: int
    staff_vacancies: int
    cqc_rating: str
    cqc_rated_on: date | None
    started_on: date
    ended_on: date | None
    coverage: list[str] = []


class OfferChangeOut(Schema):
    id: UUID
    action: str
    field_name: str
    previous_value: str
    new_value: str
    changed_by: str
    created_at: datetime


class NoteIn(Schema):
    kind: str = Field(..., examples=["flag"], description="rating, flag, clear or comment")
    rating: str = Field("", examples=["concerns"])
    flag: str = Field("", max_length=50, examples=["at risk"])
    text: str = Field("", max_length=2000)


class NoteOut(Schema):
    id: UUID
    organisation_id: UUID
    kind: str
    rating: str
    flag: str
    text: str
    written_by_label: str
    created_at: datetime


class SettingsIn(Schema):
    ward_share_threshold: str = Field(..., max_length=10, examples=["40"])


class SettingsOut(Schema):
    ward_share_threshold: Decimal


class ExerciseIn(Schema):
    category: str = Field(..., max_length=50, examples=["home-care-18"])
    title: str = TEXT
    closes_on: date


class LineFiguresOut(Schema):
    code: str
    label: str
    unit: str
    count: int
    lower_quartile: Decimal | None
    median: Decimal | None
    upper_quartile: Decimal | None
    suppressed: bool


class ExerciseOut(Schema):
    id: UUID
    category: str = Field(..., alias="category.code")
    title: str
    template: str
    closes_on: date
    status: str
    is_open: bool = False
    figures: list[LineFiguresOut] = []
    fair_cost: Decimal | None = None


class ReturnIn(Schema):
    lines: dict[str, str] = Field(..., examples=[{"care_staff": "512.00"}], description="Line code -> amount")


class ReturnOut(Schema):
    id: UUID
    exercise_id: UUID
    organisation_id: UUID
    organisation_name: str = Field(..., alias="organisation.name")
    total: Decimal
    submitted_by: str
    updated_at: datetime
    amounts: dict[str, Decimal] = Field({}, description="Line code -> amount")


class ConcentrationOut(Schema):
    providers: int
    total: float
    hhi: float | None
    largest_share: float | None
    largest_name: str
    reading: str


class ShareOut(Schema):
    organisation_id: str
    name: str
    capacity: float
    spend: float
    capacity_share: float
    spend_share: float
    dependency: float | None
    price: Decimal | None = None
    gap_to_fair_cost: Decimal | None = None


class WardSupplyOut(Schema):
    code: str
    name: str
    basis: int
    need: float
    capacity: float
    ratio: float | None
    under_supplied: bool


class RiskOut(Schema):
    ward_code: str
    ward_name: str
    organisation_id: str
    name: str
    share: float


class FlaggedOut(Schema):
    organisation_id: str
    name: str
    flags: dict[str, str]
    capacity_share: float | None


class YearOut(Schema):
    year: int
    entries: int
    exits: int


class PricesOut(Schema):
    count: int
    lower_quartile: Decimal | None
    median: Decimal | None
    upper_quartile: Decimal | None
    fair_cost: Decimal | None
    fair_cost_suppressed: bool
    gap: Decimal | None
    providers_below_fair_cost: int


class NeighbourOut(Schema):
    council: str
    slug: str
    providers: int
    capacity: float
    need: float
    hhi: float | None
    median_price: Decimal | None


class MarketOut(Schema):
    council: str
    category: CategoryOut
    ward: str
    capacity: ConcentrationOut
    spend: ConcentrationOut
    thresholds_source: str
    need: float
    need_basis: int
    assumption: str
    shares: list[ShareOut]
    years: list[YearOut]
    wards: list[WardSupplyOut]
    prices: PricesOut
    quality_share: float | None
    ward_share_threshold: Decimal
    ward_risks: list[RiskOut]
    flagged: list[FlaggedOut]
    neighbours: list[NeighbourOut]


class StatementIn(Schema):
    title: str = TEXT
    sections: dict[str, str] = Field(..., examples=[{"intentions": "We will commission for outcomes."}])


class StatementOut(Schema):
    id: UUID
    council: str = Field(..., alias="council.slug")
    category: str = Field(..., alias="category.code")
    version: int
    status: str
    title: str
    sections: dict[str, str]
    figures: dict[str, object]
    published_at: datetime | None
    published_by: str
