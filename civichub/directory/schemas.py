"""The directory API's request and response shapes (see `directory.api` for the operations)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from civichub.directory.models import ChangeRequest, Report, Service
from civichub.directory.selectors import details_of


class ReportIn(Schema):
    category_id: UUID = Field(..., description="One of GET /report-categories")
    postcode: str = Field(..., max_length=10)
    description: str = Field(..., max_length=2000)
    email: str = Field("", max_length=254)


class ReportCategoryOut(Schema):
    id: UUID
    name: str
    description: str


class ReportStatusOut(Schema):
    reference: str
    category: str = Field(..., alias="category.name")
    postcode: str
    status: str
    status_note: str
    dealt_with_by: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_dealt_with_by(obj: Report) -> str:
        return obj.routed_to.name if obj.routed_to else obj.council.name


class ReportOut(ReportStatusOut):
    description: str
    ward_code: str
    reporter_email: str


class StatusIn(Schema):
    status: Literal["received", "in_progress", "resolved", "closed"]
    note: str = Field("", max_length=255)


class TaxonomyTermOut(Schema):
    """A category a service can be listed under (the service's `taxonomy_term_ids`)."""

    id: UUID
    name: str
    code: str
    description: str
    taxonomy: str = Field(..., alias="taxonomy.name")
    taxonomy_id: UUID


class ServiceWardOut(Schema):
    """A ward a service can serve (the service's `ward_codes`)."""

    code: str
    name: str


class ScheduleIn(Schema):
    byday: str = Field(..., max_length=30, description="iCal days, e.g. MO,WE", examples=["MO,WE"])
    opens_at: time
    closes_at: time


class LocationIn(Schema):
    name: str = Field(..., max_length=255)
    address_1: str = Field("", max_length=255)
    postcode: str = Field(..., max_length=10)


class CostOptionIn(Schema):
    option: str = Field(..., max_length=255)
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)


class ContactIn(Schema):
    name: str = Field(..., max_length=255)
    title: str = Field("", max_length=255)
    email: str = Field("", max_length=254)


class ServiceDetailsIn(Schema):
    """Everything a service says. Lists replace what the service had."""

    name: str = Field(..., max_length=255)
    description: str = Field(..., max_length=5000)
    minimum_age: int | None = Field(None, ge=0, le=130)
    maximum_age: int | None = Field(None, ge=0, le=130)
    fees: str = Field("", max_length=1000)
    url: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    taxonomy_term_ids: list[UUID] = Field([], max_length=50, description="From GET /taxonomy-terms")
    schedules: list[ScheduleIn] = Field([], max_length=50)
    locations: list[LocationIn] = Field([], max_length=50)
    cost_options: list[CostOptionIn] = Field([], max_length=50)
    ward_codes: list[str] = Field(
        [], max_length=100, description="From GET /c/{council_slug}/service-wards; none: the whole council"
    )
    contacts: list[ContactIn] = Field([], max_length=50)
    commissioned_under: str = Field(
        "", max_length=255, description="The council's contract or grant that pays for it"
    )


class ProposalIn(Schema):
    service_id: UUID | None = Field(None, description="The service to change; leave out for a new service")
    organisation_id: UUID | None = Field(
        None, description="For officers proposing a new service: the provider that runs it"
    )
    details: ServiceDetailsIn


class NewServiceIn(Schema):
    organisation_id: UUID | None = Field(
        None, description="The provider that runs it (officers); provider staff leave it out"
    )
    details: ServiceDetailsIn


class WithdrawIn(Schema):
    reason: str = Field("", max_length=500, description="Why, kept in the service's history")


class ManagedServiceOut(Schema):
    id: UUID
    name: str
    organisation_id: UUID
    organisation: str = Field(..., alias="organisation.name")
    is_published: bool
    updated_at: datetime


class ServiceDetailsOut(ManagedServiceOut):
    details: dict[str, Any]

    @staticmethod
    def resolve_details(obj: Service) -> dict[str, Any]:
        return details_of(obj).as_json()


class DifferenceOut(Schema):
    field: str
    now: str
    proposed: str


class ChangeOut(Schema):
    id: UUID
    service_id: UUID | None
    is_new_service: bool
    organisation_id: UUID
    status: str
    proposed: dict[str, Any]
    proposed_by: str = Field(..., alias="proposed_by.username")
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_decided_by(obj: ChangeRequest) -> str | None:
        return obj.decided_by.username if obj.decided_by else None


class ChangeWithDiffOut(ChangeOut):
    differences: list[DifferenceOut]
    compared_with: str
    problem: str

    @staticmethod
    def resolve_differences(obj: ChangeRequest) -> list[dict[str, str]]:
        return [{"field": f, "now": a, "proposed": b} for f, a, b in obj.view.rows]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_compared_with(obj: ChangeRequest) -> str:
        return obj.view.against  # type: ignore[attr-defined]

    @staticmethod
    def resolve_problem(obj: ChangeRequest) -> str:
        return obj.view.problem  # type: ignore[attr-defined]


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500, description="Needed when not approving: what to put right")


class MetadataOut(Schema):
    """One change to one field: the HSDS `metadata` record."""

    id: UUID
    resource_id: UUID
    resource_type: str
    last_action_date: datetime = Field(..., alias="created_at")
    last_action_type: str
    field_name: str
    previous_value: str
    replacement_value: str
    updated_by: str


class ResponsibilityIn(Schema):
    category_id: UUID = Field(..., description="One of GET /report-categories")
    organisation_id: UUID | None = Field(None, description="The provider; leave out for the council itself")
    ward_code: str = Field("", max_length=9, description="A ward; leave out for the whole council")
    arrangement: str = Field("", max_length=255, description="e.g. the contract it comes under")


class ResponsibilityOut(Schema):
    id: UUID
    category_id: UUID
    category: str = Field(..., alias="category.name")
    organisation_id: UUID | None
    ward_code: str
    arrangement: str
