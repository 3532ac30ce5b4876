"""Records API: documents (upload as multipart, versions, links, content, ranked search), policies, the
retention schedule, legal holds, disposal runs and the FOI/SAR log. Decisions and the forward plan are in
`records.register_api`. Services refuse with the kernel's `Refused`; every list pages with `LimitOffset`.
"""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names, so they must be real types.

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.records import dashboard, files, selectors
from civichub.records.models import Document
from civichub.records.schemas import (
    ApproveIn,
    CloseIn,
    DisposalIn,
    DisposalItemOut,
    DisposalRunOut,
    DocumentChangeIn,
    DocumentDetailOut,
    DocumentOut,
    DocumentsIn,
    HoldIn,
    HoldOut,
    LiftIn,
    LinkIn,
    LinkOut,
    LinkTypes,
    Markings,
    RecordClassIn,
    RecordClassOut,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    SearchHitOut,
)
from civichub.records.services import disposal, documents, requests, retention

router = Router(tags=["records"])
PURPOSE = Query("", max_length=500, description="Why you read it: required for OFFICIAL-SENSITIVE records")


def _upload(file: UploadedFile) -> bytes:
    # One byte over the limit is enough to refuse it; the rest is never read.
    return file.read(files.max_upload_bytes() + 1)


def _links(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


# --- Documents -----------------------------------------------------------------------------------


@router.get(
    "/c/{council_slug}/documents",
    response=list[SearchHitOut],
    summary="Search the council's records (ranked, with highlighted snippets), or list them newest first",
)
@paginate(LimitOffset)
def search(
    request: HttpRequest,
    council_slug: str,
    q: str = Query("", max_length=500, description="Words to find (all of them)"),
    record_class: str = Query("", max_length=40, description="A record class code"),
    marking: Markings | None = None,
    since: date | None = None,
    until: date | None = None,
    link_type: LinkTypes | None = None,
    link_id: str = Query("", max_length=100),
) -> Any:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    return selectors.search(
        actor,
        council,
        q,
        record_class=record_class,
        marking=marking or "",
        since=since,
        until=until,
        link_type=link_type or "",
        link_id=link_id,
    )


@router.post(
    "/c/{council_slug}/documents",
    response={201: DocumentDetailOut},
    summary="Keep a document or policy (multipart: the file and its filing); checked before anything is kept",
)
def add_document(
    request: HttpRequest,
    council_slug: str,
    file: File[UploadedFile],
    title: Form[str],
    record_class: Form[str],
    marking: Form[str] = "official",
    kind: Form[str] = "document",
    description: Form[str] = "",
    dated: Form[str] = "",
    trigger_date: Form[str] = "",
    review_on: Form[str] = "",
    owner: Form[str] = "",
    links: Form[str] = "",
) -> tuple[int, Document]:
    actor, council = council_actor(request, council_slug, "records.documents.manage")
    made = documents.add_document(
        actor,
        council,
        title=title,
        record_class=record_class,
        file_name=file.name or "upload",
        content=_upload(file),
        marking=marking,
        kind=kind,
        owner=owner or None,
        description=description,
        dated=dated,
        trigger_date=trigger_date,
        review_on=review_on,
        links=_links(links),
    )
    return 201, made


@router.get(
    "/c/{council_slug}/documents/{document_id}",
    response=DocumentDetailOut,
    summary="One record with its versions and links (an OFFICIAL-SENSITIVE one needs ?purpose=, audited)",
)
def document(request: HttpRequest, council_slug: str, document_id: UUID, purpose: str = PURPOSE) -> Document:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    return selectors.document(actor, council, document_id, purpose)


@router.patch(
    "/c/{council_slug}/documents/{document_id}",
    response=DocumentDetailOut,
    summary="Refile a record: title, class, marking, owner, dates (its disposal date follows)",
)
def change_document(
    request: HttpRequest, council_slug: str, document_id: UUID, payload: DocumentChangeIn
) -> Document:
    actor, council = council_actor(request, council_slug, "records.documents.manage")
    found = selectors.document_heading(actor, council, document_id)
    return documents.change_document(actor, found, **payload.dict(exclude_unset=True))


@router.post(
    "/c/{council_slug}/documents/{document_id}/versions",
    response={201: DocumentDetailOut},
    summary="Keep a new version of a record's content (multipart); earlier versions are kept",
)
def add_version(
    request: HttpRequest,
    council_slug: str,
    document_id: UUID,
    file: File[UploadedFile],
    note: Form[str] = "",
) -> tuple[int, Document]:
    actor, council = council_actor(request, council_slug, "records.documents.manage")
    found = selectors.document_heading(actor, council, document_id)
    return 201, documents.add_version(
        actor, found, file_name=file.name or "upload", content=_upload(file), note=note
    )


@router.get(
    "/c/{council_slug}/documents/{document_id}/versions/{number}/content",
    summary="A version's content as kept (404 once destroyed by a disposal run)",
)
def content(
    request: HttpRequest,
    council_slug: str,
    document_id: UUID,
    number: int = Path(..., ge=1, le=100_000),
    purpose: str = PURPOSE,
) -> HttpResponse:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    version, body = selectors.content(actor, council, document_id, number, purpose)
    response = HttpResponse(body, content_type=version.content_type)
    response["Content-Disposition"] = f'attachment; filename="{version.number}-{version.sha256[:12]}"'
    return response


@router.post(
    "/c/{council_slug}/documents/{document_id}/links",
    response={201: LinkOut},
    summary="Say what a record concerns (a contract, service, person…) or which decision it is evidence for",
)
def link(request: HttpRequest, council_slug: str, document_id: UUID, payload: LinkIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "records.documents.manage")
    found = selectors.document_heading(actor, council, document_id)
    return 201, documents.link_document(actor, found, payload.target_type, payload.target_id)


@router.post(
    "/c/{council_slug}/documents/{document_id}/links/remove",
    response={204: None},
    summary="Remove one of a record's links",
)
def unlink(request: HttpRequest, council_slug: str, document_id: UUID, payload: LinkIn) -> tuple[int, None]:
    actor, council = council_actor(request, council_slug, "records.documents.manage")
    found = selectors.document_heading(actor, council, document_id)
    documents.unlink_document(actor, found, payload.target_type, payload.target_id)
    return 204, None


@router.get(
    "/c/{council_slug}/policies",
    response=list[DocumentOut],
    summary="The council's policies, next review first (due_within_days: only those due by then)",
)
@paginate(LimitOffset)
def policies(
    request: HttpRequest, council_slug: str, due_within_days: int | None = Query(None, ge=0, le=3650)
) -> Any:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    return selectors.policies(actor, council, due_within_days=due_within_days)


# --- Retention schedule and dashboard -------------------------------------------------------------


@router.get(
    "/c/{council_slug}/retention-schedule", response=list[RecordClassOut], summary="The retention schedule"
)
@paginate(LimitOffset)
def schedule(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    return selectors.schedule(actor, council).order_by("code")


# Before /{code}: Django tries the paths in order, and "seed" would be taken for a code.
@router.post(
    "/c/{council_slug}/retention-schedule/seed",
    response=list[RecordClassOut],
    summary="Add the common local-authority schedule's lines the council does not have yet",
)
@paginate(LimitOffset)
def seed(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    retention.seed_schedule(actor, council)
    return selectors.schedule(actor, council).order_by("code")


@router.put(
    "/c/{council_slug}/retention-schedule/{code}",
    response=RecordClassOut,
    summary="Add or change a line of the schedule by its code (its records are re-dated)",
)
def save_class(request: HttpRequest, council_slug: str, code: str, payload: RecordClassIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    saved = retention.save_record_class(actor, council, code=code, **payload.dict())
    return selectors.schedule(actor, council).get(pk=saved.pk)


@router.get(
    "/c/{council_slug}/records-dashboard", summary="The records manager's figures (as on the dashboard)"
)
def figures(request: HttpRequest, council_slug: str) -> dict[str, Any]:
    actor, council = council_actor(request, council_slug, "records.retention.view")
    return dashboard.summary(actor, council).as_json()


# --- Legal holds ---------------------------------------------------------------------------------


@router.get("/c/{council_slug}/holds", response=list[HoldOut], summary="Legal holds, newest first")
@paginate(LimitOffset)
def holds(request: HttpRequest, council_slug: str, active: bool = False) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.view")
    found = selectors.legal_holds(actor, council)
    return found.filter(lifted_at__isnull=True) if active else found


@router.post("/c/{council_slug}/holds", response={201: HoldOut}, summary="Place a legal hold")
def place_hold(request: HttpRequest, council_slug: str, payload: HoldIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    hold = retention.place_hold(
        actor,
        council,
        title=payload.title,
        reason=payload.reason,
        description=payload.description,
        documents=payload.documents,
        record_class=payload.record_class or None,
        link_type=payload.link.target_type if payload.link else "",
        link_id=payload.link.target_id if payload.link else "",
    )
    return 201, selectors.legal_hold(actor, council, hold.pk)


@router.get("/c/{council_slug}/holds/{hold_id}", response=HoldOut, summary="One legal hold")
def hold(request: HttpRequest, council_slug: str, hold_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.view")
    return selectors.legal_hold(actor, council, hold_id)


@router.post("/c/{council_slug}/holds/{hold_id}/documents", response=HoldOut, summary="Hold more documents")
def extend_hold(request: HttpRequest, council_slug: str, hold_id: UUID, payload: DocumentsIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    retention.add_to_hold(actor, selectors.legal_hold(actor, council, hold_id), payload.documents)
    return selectors.legal_hold(actor, council, hold_id)


@router.post(
    "/c/{council_slug}/holds/{hold_id}/lift",
    response=HoldOut,
    summary="Lift a hold, saying why (409 if lifted)",
)
def lift_hold(request: HttpRequest, council_slug: str, hold_id: UUID, payload: LiftIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    retention.lift_hold(actor, selectors.legal_hold(actor, council, hold_id), payload.reason)
    return selectors.legal_hold(actor, council, hold_id)


# --- Disposal runs -------------------------------------------------------------------------------


@router.get(
    "/c/{council_slug}/disposal-runs", response=list[DisposalRunOut], summary="Disposal runs, newest first"
)
@paginate(LimitOffset)
def disposal_runs(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.view")
    return selectors.disposal_runs(actor, council)


@router.post(
    "/c/{council_slug}/disposal-runs",
    response={201: DisposalRunOut},
    summary="Propose a run of what the schedule says to destroy by a date (409 if nothing is due)",
)
def propose(request: HttpRequest, council_slug: str, payload: DisposalIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    run = disposal.propose_disposal(actor, council, due_by=payload.due_by, note=payload.note)
    return 201, run


@router.get(
    "/c/{council_slug}/disposal-runs/{disposal_id}", response=DisposalRunOut, summary="One disposal run"
)
def disposal_run(request: HttpRequest, council_slug: str, disposal_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.view")
    return selectors.disposal_run(actor, council, disposal_id)


@router.get(
    "/c/{council_slug}/disposal-runs/{disposal_id}/items",
    response=list[DisposalItemOut],
    summary="The records of a run: why each is due, and what happened to it (skipped ones say why)",
)
@paginate(LimitOffset)
def disposal_items(request: HttpRequest, council_slug: str, disposal_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.view")
    return selectors.disposal_items(selectors.disposal_run(actor, council, disposal_id))


@router.post(
    "/c/{council_slug}/disposal-runs/{disposal_id}/approve",
    response=DisposalRunOut,
    summary="Approve a run (a second person, not its proposer): it runs now, or at `at` as a scheduled task",
)
def approve(request: HttpRequest, council_slug: str, disposal_id: UUID, payload: ApproveIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.disposal.approve")
    run = disposal.approve_disposal(actor, selectors.disposal_run(actor, council, disposal_id), at=payload.at)
    return selectors.disposal_run(actor, council, run.pk)


@router.post(
    "/c/{council_slug}/disposal-runs/{disposal_id}/cancel",
    response=DisposalRunOut,
    summary="Cancel a run that has not run yet",
)
def cancel(request: HttpRequest, council_slug: str, disposal_id: UUID, payload: LiftIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.retention.manage")
    return disposal.cancel_disposal(
        actor, selectors.disposal_run(actor, council, disposal_id), payload.reason
    )


# --- FOI and subject access requests ------------------------------------------------------------


@router.get(
    "/c/{council_slug}/information-requests", response=list[RequestOut], summary="The FOI and SAR log"
)
@paginate(LimitOffset)
def information_requests(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "records.requests.manage")
    return selectors.requests(actor, council)


@router.post(
    "/c/{council_slug}/information-requests",
    response={201: RequestDetailOut},
    summary="Log a request: its due date is worked out, and a hold placed on the records it covers",
)
def open_request(request: HttpRequest, council_slug: str, payload: RequestIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "records.requests.manage")
    made = requests.open_request(
        actor,
        council,
        kind=payload.kind,
        received_on=payload.received_on,
        requester=payload.requester,
        summary=payload.summary,
        documents=payload.documents,
        link_type=payload.link.target_type if payload.link else "",
        link_id=payload.link.target_id if payload.link else "",
    )
    return 201, selectors.request(actor, council, made.pk)


@router.get(
    "/c/{council_slug}/information-requests/{request_id}",
    response=RequestDetailOut,
    summary="One request, with who made it (the read is audited) and the records found",
)
def information_request(request: HttpRequest, council_slug: str, request_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "records.requests.manage")
    return selectors.request(actor, council, request_id)


@router.post(
    "/c/{council_slug}/information-requests/{request_id}/records",
    response=RequestDetailOut,
    summary="Add records found for an open request (they join its hold)",
)
def records_found(request: HttpRequest, council_slug: str, request_id: UUID, payload: DocumentsIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.requests.manage")
    requests.add_records_found(actor, selectors.request(actor, council, request_id), payload.documents)
    return selectors.request(actor, council, request_id)


@router.post(
    "/c/{council_slug}/information-requests/{request_id}/close",
    response=RequestDetailOut,
    summary="Answer, refuse or withdraw a request (its hold is lifted); 409 if closed",
)
def close(request: HttpRequest, council_slug: str, request_id: UUID, payload: CloseIn) -> Any:
    actor, council = council_actor(request, council_slug, "records.requests.manage")
    requests.close_request(
        actor,
        selectors.request(actor, council, request_id),
        status=payload.outcome,
        response=payload.response,
    )
    return selectors.request(actor, council, request_id)
