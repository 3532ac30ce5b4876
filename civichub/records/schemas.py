"""The records API's request and response shapes (see `records.api` for the operations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from civichub.records import selectors
from civichub.records.models import Decision, DecisionVote, Document, DocumentVersion, InformationRequest

LinkTypes = Literal[
    "commission", "contract", "provider", "service", "ward", "decision", "person", "budget", "policy"
]
Markings = Literal["official", "official_sensitive"]


class LinkIn(Schema):
    target_type: LinkTypes
    target_id: str = Field(..., min_length=1, max_length=100)


class LinkOut(Schema):
    target_type: str
    target_id: str


class VersionOut(Schema):
    number: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    details: dict[str, Any]
    note: str
    destroyed: bool
    created_at: datetime

    @staticmethod
    def resolve_destroyed(obj: DocumentVersion) -> bool:
        return not obj.stored_as


class DocumentOut(Schema):
    id: UUID
    title: str
    kind: str
    description: str
    record_class: str = Field(..., alias="record_class.code")
    record_class_name: str = Field(..., alias="record_class.name")
    marking: str
    owner: str = Field(..., alias="owner.username")
    dated: date
    trigger_date: date | None
    dispose_on: date | None
    review_on: date | None
    disposed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DocumentDetailOut(DocumentOut):
    versions: list[VersionOut]
    links: list[LinkOut]

    @staticmethod
    def resolve_versions(obj: Document) -> list[DocumentVersion]:
        return list(selectors.versions(obj))

    @staticmethod
    def resolve_links(obj: Document) -> list[Any]:
        return list(selectors.links(obj))


class SearchHitOut(Schema):
    document: DocumentOut
    snippet: str = Field(..., description="HTML: the text around the words found (escaped), with <mark>s")
    score: float | None = Field(..., description="The rank (engine-specific); null when listing")


class DocumentChangeIn(Schema):
    title: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=20_000)
    record_class: str | None = Field(None, max_length=40)
    marking: Markings | None = None
    owner: str | None = Field(None, max_length=150)
    dated: date | None = None
    trigger_date: date | None = None
    review_on: date | None = None


class VoteIn(Schema):
    member: str = Field(..., min_length=1, max_length=200)
    vote: Literal["for", "against", "abstained"]


class VoteOut(Schema):
    member: str
    vote: str


class OfficerDecisionIn(Schema):
    title: str = Field(..., max_length=255)
    decision: str = Field(..., max_length=20_000)
    maker_kind: Literal["cabinet", "cabinet_member", "committee", "officer"]
    maker_name: str = Field(..., max_length=200)
    meeting: str = Field("", max_length=200)
    decided_on: date
    is_key: bool = False
    forward_plan_entry: str = Field("", max_length=40, description="Its reference (FP-2026-001) or id")
    reference: str = Field("", max_length=30, description="Blank: the next D-<year>-<n>")
    reasons: str = Field("", max_length=20_000)
    alternatives: str = Field("", max_length=20_000)
    conflicts: str = Field("", max_length=20_000)
    marking: Markings = "official"
    votes: list[VoteIn] = Field(default_factory=list, max_length=200)
    links: list[LinkIn] = Field(default_factory=list, max_length=50)


class DecisionOut(Schema):
    id: UUID
    reference: str
    title: str
    decision: str
    maker_kind: str
    maker_name: str
    meeting: str
    decided_on: date
    is_key: bool
    forward_plan_reference: str | None
    notice_clear_days: int | None
    short_notice: bool = Field(..., description="A key decision without 28 clear days' notice")
    reasons: str
    alternatives: str
    conflicts: str
    status: str
    published_on: date | None
    call_in_deadline: date | None
    call_in_status: str
    call_in_note: str
    votes: list[VoteOut]
    links: list[LinkOut]
    evidence: list[LinkOut] = Field(..., description="Published records linked as evidence (document ids)")

    @staticmethod
    def resolve_forward_plan_reference(obj: Decision) -> str | None:
        return (
            obj.forward_plan_entry.reference if obj.forward_plan_entry_id and obj.forward_plan_entry else None
        )

    @staticmethod
    def resolve_votes(obj: Decision) -> list[DecisionVote]:
        return list(DecisionVote.objects.for_council(obj.council).filter(decision=obj))

    @staticmethod
    def resolve_links(obj: Decision) -> list[Any]:
        return list(selectors.decision_links(obj))

    @staticmethod
    def resolve_evidence(obj: Decision) -> list[dict[str, str]]:
        return [{"target_type": "document", "target_id": str(d.pk)} for d in selectors.public_evidence(obj)]


class OfficerDecisionOut(DecisionOut):
    marking: str


class VotesIn(Schema):
    votes: list[VoteIn] = Field(default_factory=list, max_length=200, description="Replaces what is recorded")


class PublishIn(Schema):
    published_on: date | None = None


class CallInIn(Schema):
    call_in_status: Literal["called_in", "implementable", "confirmed", "referred_back"]
    note: str = Field("", max_length=500)


class ForwardPlanIn(Schema):
    title: str = Field(..., max_length=255)
    maker: str = Field(..., max_length=200)
    expected_on: date
    published_on: date | None = None
    summary: str = Field("", max_length=5000)


class ForwardPlanOut(Schema):
    id: UUID
    reference: str
    title: str
    summary: str
    maker: str
    expected_on: date
    published_on: date
    status: str


class RecordClassIn(Schema):
    name: str = Field(..., max_length=200)
    trigger: Literal["created", "decision", "contract_end", "case_closed", "superseded", "request_closed"]
    retention_years: int = Field(..., ge=0, le=150)
    action: Literal["destroy", "review", "transfer", "permanent"]
    description: str = Field("", max_length=2000)
    source: str = Field("", max_length=255)


class RecordClassOut(Schema):
    id: UUID
    code: str
    name: str
    description: str
    trigger: str
    retention_years: int
    action: str
    source: str
    live: int = Field(..., description="Records of this class not yet destroyed")


class HoldIn(Schema):
    title: str = Field(..., max_length=255)
    reason: Literal["litigation", "inquiry", "foi", "sar", "other"]
    description: str = Field("", max_length=5000)
    documents: list[UUID] = Field(default_factory=list, max_length=10_000)
    record_class: str = Field("", max_length=40)
    link: LinkIn | None = None


class HoldOut(Schema):
    id: UUID
    title: str
    reason: str
    description: str
    record_class: str | None = Field(None, alias="record_class.code")
    link_type: str
    link_id: str
    documents: int = Field(..., alias="named", description="Documents named one by one")
    placed_by: str | None = Field(None, alias="placed_by.username")
    created_at: datetime
    lifted_at: datetime | None
    lift_reason: str


class LiftIn(Schema):
    reason: str = Field(..., max_length=500)


class DocumentsIn(Schema):
    documents: list[UUID] = Field(..., min_length=1, max_length=10_000)


class DisposalIn(Schema):
    due_by: date | None = Field(None, description="Records due on or before this date (today if empty)")
    note: str = Field("", max_length=500)


class ApproveIn(Schema):
    at: datetime | None = Field(None, description="Run at this time (a scheduled task); empty: now")


class DisposalRunOut(Schema):
    id: UUID
    reference: str
    due_by: date
    status: str
    note: str
    proposed_by: str = Field(..., alias="proposed_by.username")
    approved_by: str | None = Field(None, alias="approved_by.username")
    approved_at: datetime | None
    scheduled_for: datetime | None
    completed_at: datetime | None
    destroyed: int
    skipped: int
    certificate_id: UUID | None
    created_at: datetime


class DisposalItemOut(Schema):
    document_id: UUID
    title: str
    class_code: str
    why_due: str
    outcome: str
    skip_reason: str
    hashes: list[str]


class RequestIn(Schema):
    kind: Literal["foi", "sar"]
    received_on: date
    requester: str = Field(..., max_length=200)
    summary: str = Field(..., max_length=5000)
    documents: list[UUID] = Field(default_factory=list, max_length=10_000)
    link: LinkIn | None = None


class RequestOut(Schema):
    id: UUID
    kind: str
    reference: str
    received_on: date
    due_on: date
    summary: str
    status: str
    response: str
    responded_on: date | None
    hold_id: UUID


class RequestDetailOut(RequestOut):
    requester: str
    records_found: list[UUID]

    @staticmethod
    def resolve_records_found(obj: InformationRequest) -> list[UUID]:
        from civichub.records.models import HeldDocument

        return list(
            HeldDocument.objects.for_council(obj.council)
            .filter(hold=obj.hold)
            .values_list("document_id", flat=True)
        )


class CloseIn(Schema):
    outcome: Literal["answered", "refused", "withdrawn"]
    response: str = Field("", max_length=20_000)
