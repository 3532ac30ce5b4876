"""Directory API: residents' reports (submit and follow, no key), report queues and who deals with them;
the council's services, providers' proposed changes, the council's decisions and each service's history."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from civichub.core.api import ErrorOut, council_actor
from civichub.core.models import CouncilProvider, Organisation
from civichub.directory import changes, reports, selectors
from civichub.directory import services as directory
from civichub.directory.details import ServiceDetails, details_of
from civichub.directory.models import (
    ChangeRecord,
    ChangeRequest,
    Report,
    Responsibility,
    Service,
    TaxonomyTerm,
)
from civichub.places import selectors as places

router = Router(tags=["directory"])


class ReportIn(Schema):
    category_id: UUID
    postcode: str = Field(..., max_length=10)
    description: str = Field(..., max_length=2000)
    email: str = Field("", max_length=254)


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
    status: str
    note: str = Field("", max_length=255)


@router.post(
    "/reports",
    response={201: ReportStatusOut, 400: ErrorOut},
    auth=None,
    summary="Report a problem (no key needed): routed to whoever is responsible",
)
def submit(request: HttpRequest, payload: ReportIn) -> tuple[int, Any]:
    try:
        made = reports.submit(str(payload.category_id), payload.postcode, payload.description, payload.email)
    except reports.ReportNotAccepted as exc:
        return 400, {"detail": f"{exc.field}: {exc}"}
    return 201, selectors.report_status(made.reference)


@router.get(
    "/reports/{reference}", response=ReportStatusOut, auth=None, summary="Follow a report by its reference"
)
def status(request: HttpRequest, reference: str) -> Report:
    return selectors.report_status(reference)


@router.get(
    "/c/{council_slug}/reports",
    response=list[ReportStatusOut],
    summary="Your queue: all of a council's reports for officers, your organisation's for providers",
)
def queue(
    request: HttpRequest, council_slug: str, open_only: bool = True, limit: int = Query(100, ge=1, le=500)
) -> list[Report]:
    actor, council = council_actor(request, council_slug, "directory.reports.handle")
    found = selectors.report_queue(actor, council).select_related("council")
    if open_only:
        found = found.filter(status__in=Report.OPEN_STATUSES)
    return list(found[:limit])


@router.get(
    "/c/{council_slug}/reports/{reference}",
    response=ReportOut,
    summary="One report in your queue, with the reporter's contact (the read is audited)",
)
def handle(request: HttpRequest, council_slug: str, reference: str) -> Report:
    actor, council = council_actor(request, council_slug, "directory.reports.handle")
    return selectors.report_to_handle(actor, council, reference)


@router.post(
    "/c/{council_slug}/reports/{reference}/status",
    response={200: ReportStatusOut, 400: ErrorOut},
    summary="Move a report on: in_progress, resolved or closed, with a note for the resident",
)
def update(request: HttpRequest, council_slug: str, reference: str, payload: StatusIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.reports.handle")
    report = selectors.report_to_handle(actor, council, reference)
    try:
        return 200, reports.update_status(actor, report, payload.status, payload.note)
    except reports.ReportNotAccepted as exc:
        return 400, {"detail": f"{exc.field}: {exc}"}


# --- The council's directory: services, providers' proposed changes and their history -------------


class ScheduleIn(Schema):
    byday: str = Field(..., description="iCal days, e.g. MO,WE", examples=["MO,WE"])
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
    taxonomy_term_ids: list[UUID] = []
    schedules: list[ScheduleIn] = []
    locations: list[LocationIn] = []
    cost_options: list[CostOptionIn] = []
    ward_codes: list[str] = Field([], description="Wards it serves; none means the whole council")
    contacts: list[ContactIn] = []
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
    organisation_id: UUID
    details: ServiceDetailsIn


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


def _details(payload: ServiceDetailsIn) -> ServiceDetails:
    """The API's details as ServiceDetails; ChangeNotAccepted names the field that is wrong."""
    terms = TaxonomyTerm.objects.in_bulk(payload.taxonomy_term_ids)
    for i, term in enumerate(payload.taxonomy_term_ids):
        if term not in terms:
            raise changes.ChangeNotAccepted(f"taxonomy_term_ids[{i}]", f"no taxonomy term has the id {term}")
    located = []
    for i, loc in enumerate(payload.locations):
        try:
            located.append((loc.name, loc.address_1, places.postcode(loc.postcode)))
        except places.BadPostcode as exc:
            raise changes.ChangeNotAccepted(f"locations[{i}].postcode", str(exc)) from None
        except Http404 as exc:
            raise changes.ChangeNotAccepted(f"locations[{i}].postcode", str(exc)) from None
    return ServiceDetails(
        name=payload.name.strip(),
        description=payload.description.strip(),
        minimum_age=payload.minimum_age,
        maximum_age=payload.maximum_age,
        fees=payload.fees,
        url=payload.url,
        email=payload.email,
        terms=[terms[t] for t in payload.taxonomy_term_ids],
        schedules=[(s.byday.upper(), s.opens_at, s.closes_at) for s in payload.schedules],
        locations=located,
        cost_options=[(c.option, c.amount) for c in payload.cost_options],
        ward_codes=sorted({w.strip().upper() for w in payload.ward_codes}),
        contacts=[(c.name, c.title, c.email) for c in payload.contacts],
        commissioned_under=payload.commissioned_under.strip(),
    )


def _refused(exc: changes.ChangeNotAccepted) -> tuple[int, dict[str, str]]:
    return 400, {"detail": f"{exc.field}: {exc}"}


def _with_diff(change: ChangeRequest) -> ChangeRequest:
    change.view = selectors.change_view(change)  # type: ignore[attr-defined]
    return change


@router.get(
    "/c/{council_slug}/services",
    response=list[ManagedServiceOut],
    summary="The council's services, published or not (a provider's own for provider staff)",
)
def managed_services(
    request: HttpRequest,
    council_slug: str,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[Service]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return list(selectors.managed_services(actor, council).order_by("name", "id")[offset : offset + limit])


@router.post(
    "/c/{council_slug}/services",
    response={201: ServiceDetailsOut, 400: ErrorOut},
    summary="Publish a new service at once (commissioners); providers propose through service-changes",
)
def add_service(request: HttpRequest, council_slug: str, payload: NewServiceIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.publish")
    provider = (
        CouncilProvider.objects.for_council(council).filter(organisation_id=payload.organisation_id).first()
    )
    if provider is None:
        return 400, {"detail": "organisation_id: not one of the council's providers"}
    try:
        made = directory.add_service(actor, council, provider.organisation, _details(payload.details))
    except changes.ChangeNotAccepted as exc:
        return _refused(exc)
    return 201, selectors.managed_service(actor, council, made.pk)


@router.get(
    "/c/{council_slug}/services/{service_id}",
    response=ServiceDetailsOut,
    summary="One of the council's services, with everything it says",
)
def managed_service(request: HttpRequest, council_slug: str, service_id: UUID) -> Service:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return selectors.managed_service(actor, council, service_id)


@router.put(
    "/c/{council_slug}/services/{service_id}",
    response={200: ServiceDetailsOut, 400: ErrorOut},
    summary="Change a service at once (commissioners); the change is kept in its history",
)
def replace_service(
    request: HttpRequest, council_slug: str, service_id: UUID, payload: ServiceDetailsIn
) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.publish")
    found = selectors.managed_service(actor, council, service_id)
    try:
        directory.replace_service(actor, found, _details(payload))
    except changes.ChangeNotAccepted as exc:
        return _refused(exc)
    return 200, selectors.managed_service(actor, council, service_id)


@router.get(
    "/c/{council_slug}/services/{service_id}/history",
    response=list[MetadataOut],
    summary="Every change to a service, field by field (HSDS metadata), newest first",
)
def service_history(
    request: HttpRequest,
    council_slug: str,
    service_id: UUID,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[ChangeRecord]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    _, records = selectors.service_history(actor, council, service_id)
    return list(records[offset : offset + limit])


@router.get(
    "/c/{council_slug}/service-changes",
    response=list[ChangeOut],
    summary="Proposed changes to services: every provider's for officers, your own for providers",
)
def change_requests(
    request: HttpRequest,
    council_slug: str,
    status: str = Query("pending", description="pending, approved, rejected, withdrawn or all"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[ChangeRequest]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    found = selectors.change_requests(actor, council)
    if status != "all":
        if status not in ChangeRequest.Status.values:
            raise HttpError(400, f"status must be one of {', '.join(ChangeRequest.Status.values)} or all")
        found = found.filter(status=status)
    return list(found[offset : offset + limit])


@router.post(
    "/c/{council_slug}/service-changes",
    response={201: ChangeWithDiffOut, 400: ErrorOut},
    summary="Propose a new service or a change to one, for the council to approve",
)
def propose(request: HttpRequest, council_slug: str, payload: ProposalIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.propose")
    service = selectors.managed_service(actor, council, payload.service_id) if payload.service_id else None
    organisation = (
        Organisation.objects.filter(pk=payload.organisation_id).first() if payload.organisation_id else None
    )
    try:
        change = changes.propose(
            actor, council, _details(payload.details), service=service, organisation=organisation
        )
    except changes.ChangeNotAccepted as exc:
        return _refused(exc)
    return 201, _with_diff(selectors.change_request(actor, council, change.pk))


@router.get(
    "/c/{council_slug}/service-changes/{change_id}",
    response=ChangeWithDiffOut,
    summary="One proposed change, with what it changes field by field",
)
def change_request(request: HttpRequest, council_slug: str, change_id: UUID) -> ChangeRequest:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return _with_diff(selectors.change_request(actor, council, change_id))


@router.post(
    "/c/{council_slug}/service-changes/{change_id}/decision",
    response={200: ChangeWithDiffOut, 400: ErrorOut},
    summary="Approve a proposed change (it goes live) or turn it down with a note (commissioners)",
)
def decide(request: HttpRequest, council_slug: str, change_id: UUID, payload: DecisionIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.publish")
    change = selectors.change_request(actor, council, change_id)
    try:
        changes.decide(actor, change, approve=payload.approve, note=payload.note)
    except changes.ChangeNotAccepted as exc:
        return _refused(exc)
    return 200, _with_diff(selectors.change_request(actor, council, change_id))


@router.post(
    "/c/{council_slug}/service-changes/{change_id}/withdraw",
    response={200: ChangeOut, 400: ErrorOut},
    summary="Withdraw a proposal the council has not decided on",
)
def withdraw(request: HttpRequest, council_slug: str, change_id: UUID) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.propose")
    change = selectors.change_request(actor, council, change_id)
    try:
        return 200, changes.withdraw(actor, change)
    except changes.ChangeNotAccepted as exc:
        return _refused(exc)


# --- Who deals with residents' reports ----------------------------------------------------------


class ResponsibilityIn(Schema):
    category_id: UUID
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


@router.get(
    "/c/{council_slug}/responsibilities",
    response=list[ResponsibilityOut],
    summary="Who deals with each category of report, council-wide or per ward",
)
def responsibilities(request: HttpRequest, council_slug: str) -> list[Responsibility]:
    actor, council = council_actor(request, council_slug, "council.providers.manage")
    return list(selectors.responsibilities(actor, council))


@router.put(
    "/c/{council_slug}/responsibilities",
    response={200: ResponsibilityOut, 400: ErrorOut},
    summary="Name who deals with a category (in a ward, or council-wide); replaces what was there",
)
def set_responsibility(request: HttpRequest, council_slug: str, payload: ResponsibilityIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "council.providers.manage")
    try:
        made = reports.set_responsibility(
            actor,
            council,
            category_id=str(payload.category_id),
            organisation_id=str(payload.organisation_id or ""),
            ward_code=payload.ward_code,
            arrangement=payload.arrangement,
        )
    except reports.ReportNotAccepted as exc:
        return 400, {"detail": f"{exc.field}: {exc}"}
    return 200, made


@router.delete(
    "/c/{council_slug}/responsibilities/{responsibility_id}",
    response={204: None},
    summary="Remove a responsibility: reports in that category (and place) go to the council",
)
def remove_responsibility(
    request: HttpRequest, council_slug: str, responsibility_id: UUID
) -> tuple[int, None]:
    actor, council = council_actor(request, council_slug, "council.providers.manage")
    found = selectors.responsibilities(actor, council).filter(pk=responsibility_id).first()
    if found is None:
        raise Http404("No such responsibility in this council")
    reports.remove_responsibility(actor, found)
    return 204, None
