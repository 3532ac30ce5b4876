"""Directory API: residents' reports (submit and follow, no key) and providers' report queues."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from civichub.core.api import ErrorOut, council_actor
from civichub.directory import reports, selectors
from civichub.directory.models import Report

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
