"""The log of Freedom of Information and subject access requests. Opening one works out its due date
(20 working days, or a calendar month, with English bank holidays) and places a legal hold on the records
it covers, so nothing it may need is destroyed while it is answered; closing it lifts the hold."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.records import checks, rules
from civichub.records.models import InformationRequest, LegalHold
from civichub.records.services import retention


def _reference(council: Council, kind: str, year: int) -> str:
    count = InformationRequest.objects.for_council(council).filter(kind=kind, received_on__year=year).count()
    return f"{kind.upper()}-{year}-{count + 1:04d}"


def _changed(actor: Actor, request: InformationRequest, action: str, data: dict[str, Any]) -> None:
    audit.record(actor, action, obj=request, council=request.council, data=data)
    publish(
        "records.request.changed",
        council=request.council,
        subject=request,
        data={"request_id": str(request.pk), "reference": request.reference, "status": request.status},
    )


@transaction.atomic
def open_request(
    actor: Actor,
    council: Council,
    *,
    kind: str,
    received_on: Any,
    requester: str,
    summary: str,
    documents: Any = (),
    link_type: str = "",
    link_id: str = "",
) -> InformationRequest:
    """Log a request and hold the records it covers (documents named, and/or all linked to one thing,
    such as the person a subject access request is about)."""
    policy.require(actor, "records.requests.manage", council)
    if kind not in InformationRequest.Kind.values:
        raise Refused.on("kind", "Choose foi (Freedom of Information) or sar (subject access)")
    received = checks.day(received_on, "received_on", required=True)
    assert received is not None
    if received > timezone.localdate():
        raise Refused.on("received_on", "A request cannot be received in the future")
    who = checks.title(requester, "requester")
    what = checks.text(summary, "summary", 5000)
    if not what:
        raise Refused.on("summary", "Say what the request asks for")
    reference = _reference(council, kind, received.year)
    hold = (
        retention._place(
            actor,
            council,
            f"{reference}: {what[:120]}",
            LegalHold.Reason.FOI if kind == "foi" else LegalHold.Reason.SAR,
            f"Placed when {reference} was logged; lifted when it is closed.",
            documents,
            None,
            link_type,
            link_id,
        )
        if (documents or link_type or link_id)
        else _empty_hold(actor, council, kind, reference, what)
    )
    request = InformationRequest.objects.create(
        council=council,
        kind=kind,
        reference=reference,
        received_on=received,
        due_on=rules.request_due(kind, received),
        requester=who,
        summary=what,
        hold=hold,
    )
    audit.record(
        actor,
        "records.request.opened",
        obj=request,
        council=council,
        data={"kind": kind, "due_on": request.due_on},
    )
    publish(
        "records.request.opened",
        council=council,
        subject=request,
        data={
            "request_id": str(request.pk),
            "kind": kind,
            "reference": reference,
            "due_on": request.due_on.isoformat(),
            "hold_id": str(hold.pk),
        },
    )
    return request


def _empty_hold(actor: Actor, council: Council, kind: str, reference: str, what: str) -> LegalHold:
    """A request whose records are not found yet still gets its hold, to which they are added as found."""
    hold = LegalHold.objects.create(
        council=council,
        title=f"{reference}: {what[:120]}",
        reason=LegalHold.Reason.FOI if kind == "foi" else LegalHold.Reason.SAR,
        description=f"Placed when {reference} was logged; records are added as they are found.",
        placed_by=actor.user,
    )
    audit.record(
        actor, "records.hold.placed", obj=hold, council=council, data={"reason": hold.reason, "documents": 0}
    )
    publish(
        "records.hold.placed",
        council=council,
        subject=hold,
        data={"hold_id": str(hold.pk), "reason": hold.reason, "documents": 0},
    )
    return hold


@transaction.atomic
def add_records_found(actor: Actor, request: InformationRequest, documents: Any) -> int:
    """Records found for an open request: added to its hold. Returns how many were new."""
    policy.require(actor, "records.requests.manage", request.council)
    if request.status != InformationRequest.Status.OPEN:
        raise Conflict.on(None, f"{request.reference} is closed")
    added = retention.add_to_hold(actor, request.hold, documents)
    _changed(actor, request, "records.request.records_found", {"added": added})
    return added


@transaction.atomic
def close_request(
    actor: Actor, request: InformationRequest, *, status: str, response: str
) -> InformationRequest:
    """Answer, refuse or withdraw a request, keeping the response; its hold is lifted."""
    council = request.council
    policy.require(actor, "records.requests.manage", council)
    request = InformationRequest.objects.for_council(council).select_for_update().get(pk=request.pk)
    if request.status != InformationRequest.Status.OPEN:
        raise Conflict.on(None, f"{request.reference} is already closed")
    if status not in (
        InformationRequest.Status.ANSWERED,
        InformationRequest.Status.REFUSED,
        InformationRequest.Status.WITHDRAWN,
    ):
        raise Refused.on("status", "Choose answered, refused or withdrawn")
    text = checks.text(response, "response")
    if status != InformationRequest.Status.WITHDRAWN and not text:
        raise Refused.on("response", "Keep the response that was sent")
    request.status, request.response, request.responded_on = status, text, timezone.localdate()
    request.save(update_fields=["status", "response", "responded_on", "updated_at"])
    retention._lift(actor, request.hold, f"{request.reference} {request.get_status_display().lower()}")
    _changed(actor, request, "records.request.closed", {"status": status})
    return request
