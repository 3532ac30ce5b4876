"""Decisions register and forward plan API: the council's own register (drafts, publishing, call-in,
votes, what a decision is about) and the public one (open data, no key needed)."""

# No `from __future__ import annotations`: see records.api.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.core.selectors import council_by_slug
from civichub.records import selectors
from civichub.records.schemas import (
    CallInIn,
    DecisionOut,
    ForwardPlanIn,
    ForwardPlanOut,
    LinkIn,
    LinkOut,
    OfficerDecisionIn,
    OfficerDecisionOut,
    PublishIn,
    VotesIn,
)
from civichub.records.services import decisions

router = Router(tags=["records: decisions"])


@router.get(
    "/decisions/{council_slug}",
    response=list[DecisionOut],
    auth=None,
    summary="A council's published decisions, newest first (open data)",
)
@paginate(LimitOffset)
def public_decisions(request: HttpRequest, council_slug: str, key_only: bool = False) -> Any:
    found = selectors.public_decisions(council_by_slug(council_slug))
    return found.filter(is_key=True) if key_only else found


@router.get(
    "/decisions/{council_slug}/{decision_id}",
    response=DecisionOut,
    auth=None,
    summary="One published decision, with its votes, call-in and evidence (open data)",
)
def public_decision(request: HttpRequest, council_slug: str, decision_id: UUID) -> Any:
    return selectors.public_decision(council_by_slug(council_slug), decision_id)


@router.get(
    "/forward-plan/{council_slug}",
    response=list[ForwardPlanOut],
    auth=None,
    summary="A council's forward plan: key decisions to be taken, with at least 28 clear days' notice",
)
@paginate(LimitOffset)
def public_forward_plan(request: HttpRequest, council_slug: str) -> Any:
    return selectors.forward_plan(council_by_slug(council_slug))


@router.get(
    "/c/{council_slug}/decisions",
    response=list[OfficerDecisionOut],
    summary="The council's decisions register, drafts included (OFFICIAL-SENSITIVE to those allowed)",
)
@paginate(LimitOffset)
def officer_decisions(
    request: HttpRequest, council_slug: str, status: str = Query("", pattern="^(|draft|published)$")
) -> Any:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    found = selectors.decisions(actor, council).select_related("forward_plan_entry")
    return found.filter(status=status) if status else found


@router.post(
    "/c/{council_slug}/decisions", response={201: OfficerDecisionOut}, summary="Record a decision (a draft)"
)
def record(request: HttpRequest, council_slug: str, payload: OfficerDecisionIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "records.decisions.manage")
    values = payload.dict()
    values["votes"] = [(v["member"], v["vote"]) for v in values["votes"]]
    values["links"] = [(link["target_type"], link["target_id"]) for link in values["links"]]
    return 201, decisions.record_decision(actor, council, **values)


@router.get(
    "/c/{council_slug}/decisions/{decision_id}",
    response=OfficerDecisionOut,
    summary="One decision (an OFFICIAL-SENSITIVE one needs ?purpose=, and the read is audited)",
)
def officer_decision(
    request: HttpRequest, council_slug: str, decision_id: UUID, purpose: str = Query("", max_length=500)
) -> Any:
    actor, council = council_actor(request, council_slug, "records.documents.view")
    return selectors.decision(actor, council, decision_id, purpose)


def _managed(request: HttpRequest, council_slug: str, decision_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "records.decisions.manage")
    # Managing a decision is not reading it for a purpose: the manager's own register entry.
    found = selectors.decisions(actor, council).filter(pk=decision_id).first()
    if found is None:
        from civichub.core.errors import NotFound

        raise NotFound.on(None, "There is no decision with that id")
    return actor, found


@router.post(
    "/c/{council_slug}/decisions/{decision_id}/publish",
    response=OfficerDecisionOut,
    summary="Publish a decision: call-in opens for executive and key decisions; 409 if published",
)
def publish(request: HttpRequest, council_slug: str, decision_id: UUID, payload: PublishIn) -> Any:
    actor, found = _managed(request, council_slug, decision_id)
    return decisions.publish_decision(actor, found, published_on=payload.published_on)


@router.post(
    "/c/{council_slug}/decisions/{decision_id}/call-in",
    response=OfficerDecisionOut,
    summary="Move call-in on: called_in or implementable, then confirmed or referred_back (409 otherwise)",
)
def call_in(request: HttpRequest, council_slug: str, decision_id: UUID, payload: CallInIn) -> Any:
    actor, found = _managed(request, council_slug, decision_id)
    return decisions.set_call_in(actor, found, payload.call_in_status, payload.note)


@router.put(
    "/c/{council_slug}/decisions/{decision_id}/votes",
    response=OfficerDecisionOut,
    summary="Record how each member voted (replaces what was recorded)",
)
def votes(request: HttpRequest, council_slug: str, decision_id: UUID, payload: VotesIn) -> Any:
    actor, found = _managed(request, council_slug, decision_id)
    return decisions.record_votes(actor, found, [(v.member, v.vote) for v in payload.votes])


@router.post(
    "/c/{council_slug}/decisions/{decision_id}/links",
    response={201: LinkOut},
    summary="Say what a decision decides about: a commission, contract, budget, policy…",
)
def link(request: HttpRequest, council_slug: str, decision_id: UUID, payload: LinkIn) -> tuple[int, Any]:
    actor, found = _managed(request, council_slug, decision_id)
    return 201, decisions.link_decision(actor, found, payload.target_type, payload.target_id)


@router.get(
    "/c/{council_slug}/forward-plan",
    response=list[ForwardPlanOut],
    summary="The forward plan, taken and withdrawn entries included",
)
@paginate(LimitOffset)
def forward_plan(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "records.documents.view")
    return selectors.forward_plan(council, include_past=True)


@router.post(
    "/c/{council_slug}/forward-plan",
    response={201: ForwardPlanOut},
    summary="Give notice of a key decision in the forward plan",
)
def add_entry(request: HttpRequest, council_slug: str, payload: ForwardPlanIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "records.decisions.manage")
    return 201, decisions.add_forward_plan_entry(actor, council, **payload.dict())


@router.post(
    "/c/{council_slug}/forward-plan/{entry_id}/withdraw",
    response=ForwardPlanOut,
    summary="Withdraw a key decision from the forward plan (409 if taken or withdrawn)",
)
def withdraw_entry(request: HttpRequest, council_slug: str, entry_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "records.decisions.manage")
    return decisions.withdraw_forward_plan_entry(actor, selectors.forward_plan_entry(council, entry_id))
