"""People API schemas (named so they shadow no other context's)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class SourceRecordIn(Schema):
    record_id: str = Field(..., max_length=100, examples=["CT-000123"])
    source_system: str = Field(..., max_length=60, examples=["council-tax"])
    first_name: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    sex: str = Field("", max_length=20)
    date_of_birth: str = Field("", max_length=10, description="YYYY-MM-DD")
    address_line: str = Field("", max_length=300)
    postcode: str = Field("", max_length=10)
    nhs_number: str = Field("", max_length=14)
    service: str = Field("", max_length=100)


class SourceRecordOut(Schema):
    id: UUID
    source_system: str
    record_id: str
    first_name: str
    surname: str
    sex: str
    date_of_birth: date | None
    address_line: str
    postcode: str
    postcode_not_held: bool
    nhs_number: str
    service: str
    person_id: UUID | None


class LoadedRecordOut(Schema):
    """What loading one record did: no personal data comes back, only where it went."""

    id: UUID
    source_system: str
    record_id: str
    postcode_not_held: bool
    person_id: UUID | None
    person_reference: str | None

    @staticmethod
    def resolve_person_reference(obj: Any) -> str | None:
        return obj.person.reference if obj.person_id else None


class PersonOut(Schema):
    id: UUID
    reference: str
    status: str
    first_name: str
    surname: str
    date_of_birth: date | None
    postcode: str
    lsoa_code: str
    ward_code: str
    shared_matches: list[dict[str, Any]]
    records: list[SourceRecordOut]


class ReviewPairSummaryOut(Schema):
    id: UUID
    match_weight: float
    match_probability: float
    status: str
    created_at: datetime


class ReviewPairOut(ReviewPairSummaryOut):
    record_a: SourceRecordOut
    record_b: SourceRecordOut
    reasons: list[dict[str, Any]]
    decided_at: datetime | None


class ReviewDecisionIn(Schema):
    same_person: bool


class MergeIn(Schema):
    person_ids: list[UUID] = Field(..., min_length=2, max_length=20)
    reason: str = Field(..., max_length=500)


class MergeOut(Schema):
    id: UUID
    into_id: UUID
    merged: list[str]
    reason: str
    created_at: datetime
    undone_at: datetime | None


class RunOut(Schema):
    id: UUID
    status: str
    stage: str
    done: int
    total: int
    message: str
    records: int
    pairs: int
    people: int
    in_review: int
    model_version: int | None

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.job.status)

    @staticmethod
    def resolve_stage(obj: Any) -> str:
        return str(obj.job.stage)

    @staticmethod
    def resolve_done(obj: Any) -> int:
        return int(obj.job.done)

    @staticmethod
    def resolve_total(obj: Any) -> int:
        return int(obj.job.total)

    @staticmethod
    def resolve_message(obj: Any) -> str:
        return str(obj.job.message)

    @staticmethod
    def resolve_model_version(obj: Any) -> int | None:
        return obj.linkage_model.version if obj.linkage_model_id else None


class RunIn(Schema):
    retrain: bool = False


class PeopleCountOut(Schema):
    key: str
    name: str
    people: int | None = Field(None, description="Unique people; null when fewer than 10 and suppressed")


class AgreementIn(Schema):
    partner: str = Field(..., max_length=80, description="The partner council's slug")
    fields: list[str] = Field(..., max_length=10)
    purpose: str = Field(..., max_length=20)
    starts_on: date
    ends_on: date
    reference: str = Field(..., max_length=100)


class AgreementOut(Schema):
    id: UUID
    council: str
    partner: str
    fields: list[str]
    purpose: str
    starts_on: date
    ends_on: date
    reference: str

    @staticmethod
    def resolve_council(obj: Any) -> str:
        return str(obj.council.slug)

    @staticmethod
    def resolve_partner(obj: Any) -> str:
        return str(obj.partner.slug)


class ThresholdsIn(Schema):
    review_from: float
    link_from: float


class ThresholdsOut(Schema):
    review_from: float
    link_from: float
