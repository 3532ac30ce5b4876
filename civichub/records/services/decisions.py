"""The decisions register and the forward plan: recording a decision (with the notice it had), publishing
it (which opens call-in for executive and key decisions), call-in, votes, and what it decides about.

The 2012 Executive Arrangements Regulations ask for a record of each executive decision (what, when,
reasons, alternatives, conflicts and dispensations) and 28 clear days' notice of key decisions; the 2014
Openness Regulations ask the same of officers' significant decisions. A key decision taken on shorter
notice is recorded as such, and the register and the event say so.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.records import checks, rules
from civichub.records.models import Decision, DecisionLink, DecisionVote, ForwardPlanEntry

MAX_VOTES = 200
# Which call-in moves are allowed from where.
CALL_IN_MOVES = {
    Decision.CallIn.OPEN: {Decision.CallIn.CALLED_IN, Decision.CallIn.IMPLEMENTABLE},
    Decision.CallIn.CALLED_IN: {Decision.CallIn.CONFIRMED, Decision.CallIn.REFERRED_BACK},
}


def _next_reference(council: Council, prefix: str, model: Any, year: int) -> str:
    count = model.objects.for_council(council).filter(reference__startswith=f"{prefix}-{year}-").count()
    return f"{prefix}-{year}-{count + 1:03d}"


def _entry_event(actor: Actor, entry: ForwardPlanEntry, action: str) -> None:
    audit.record(actor, action, obj=entry, council=entry.council, data={"expected_on": entry.expected_on})
    publish(
        "records.forward_plan.changed",
        council=entry.council,
        subject=entry,
        data={
            "entry_id": str(entry.pk),
            "reference": entry.reference,
            "expected_on": entry.expected_on.isoformat(),
            "status": entry.status,
        },
    )


@transaction.atomic
def add_forward_plan_entry(
    actor: Actor,
    council: Council,
    *,
    title: str,
    maker: str,
    expected_on: Any,
    published_on: Any = None,
    summary: str = "",
) -> ForwardPlanEntry:
    """Give notice of a key decision in the forward plan (published today unless said otherwise)."""
    policy.require(actor, "records.decisions.manage", council)
    expected = checks.day(expected_on, "expected_on", required=True)
    published = checks.day(published_on, "published_on") or timezone.localdate()
    assert expected is not None
    if expected <= published:
        raise Refused.on("expected_on", "The decision must be expected after the notice is published")
    entry = ForwardPlanEntry.objects.create(
        council=council,
        reference=_next_reference(council, "FP", ForwardPlanEntry, published.year),
        title=checks.title(title),
        maker=checks.title(maker, "maker"),
        expected_on=expected,
        published_on=published,
        summary=checks.text(summary, "summary", 5000),
    )
    _entry_event(actor, entry, "records.forward_plan.added")
    return entry


@transaction.atomic
def withdraw_forward_plan_entry(actor: Actor, entry: ForwardPlanEntry) -> ForwardPlanEntry:
    policy.require(actor, "records.decisions.manage", entry.council)
    if entry.status != ForwardPlanEntry.Status.PLANNED:
        raise Conflict.on(None, f"{entry.reference} is already {entry.get_status_display().lower()}")
    entry.status = ForwardPlanEntry.Status.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    _entry_event(actor, entry, "records.forward_plan.withdrawn")
    return entry


def _forward_plan_entry(council: Council, value: Any) -> ForwardPlanEntry | None:
    text = str(value or "").strip()
    if not text:
        return None
    found = ForwardPlanEntry.objects.for_council(council).filter(reference__iexact=text[:30]).first()
    if found is None:
        import uuid

        try:
            found = ForwardPlanEntry.objects.for_council(council).filter(pk=uuid.UUID(text)).first()
        except ValueError:
            found = None
    if found is None:
        raise Refused.on("forward_plan_entry", "The forward plan has no entry with that reference or id")
    return found


@transaction.atomic
def record_decision(actor: Actor, council: Council, **values: Any) -> Decision:
    """Enter a decision in the register, as a draft until it is published."""
    policy.require(actor, "records.decisions.manage", council)
    maker_kind = str(values.get("maker_kind") or "")
    if maker_kind not in Decision.Maker.values:
        raise Refused.on("maker_kind", f"Choose one of {', '.join(Decision.Maker.values)}")
    decided = checks.day(values.get("decided_on"), "decided_on", required=True)
    assert decided is not None
    is_key = bool(values.get("is_key"))
    entry = _forward_plan_entry(council, values.get("forward_plan_entry"))
    if entry is not None and not is_key:
        raise Refused.on("forward_plan_entry", "Only a key decision is taken under a forward plan entry")
    reference = clean_text(str(values.get("reference") or ""))[:30] or _next_reference(
        council, "D", Decision, decided.year
    )
    if Decision.objects.for_council(council).filter(reference=reference).exists():
        raise Refused.on("reference", f"Another decision has the reference {reference}")
    decision_text = checks.text(values.get("decision"), "decision")
    if not decision_text:
        raise Refused.on("decision", "Record what was decided")
    decision = Decision.objects.create(
        council=council,
        reference=reference,
        title=checks.title(values.get("title")),
        decision=decision_text,
        maker_kind=maker_kind,
        maker_name=checks.title(values.get("maker_name"), "maker_name"),
        meeting=checks.text(values.get("meeting"), "meeting", 200),
        decided_on=decided,
        is_key=is_key,
        forward_plan_entry=entry,
        notice_clear_days=rules.clear_days(entry.published_on, decided) if entry else None,
        reasons=checks.text(values.get("reasons"), "reasons"),
        alternatives=checks.text(values.get("alternatives"), "alternatives"),
        conflicts=checks.text(values.get("conflicts"), "conflicts"),
        marking=checks.marking(values.get("marking")),
    )
    if values.get("votes"):
        _replace_votes(decision, values["votes"])
    for target_type, target_id in checks.links(values.get("links")):
        DecisionLink.objects.create(
            council=council, decision=decision, target_type=target_type, target_id=target_id
        )
    audit.record(
        actor, "records.decision.recorded", obj=decision, council=council, data={"reference": reference}
    )
    publish(
        "records.decision.recorded",
        council=council,
        subject=decision,
        data={"decision_id": str(decision.pk), "reference": reference},
    )
    return decision


def _replace_votes(decision: Decision, votes: Any) -> None:
    cleaned: dict[str, str] = {}
    for position, vote in enumerate(votes or []):
        member, choice = (vote.get("member"), vote.get("vote")) if isinstance(vote, dict) else vote
        name = checks.title(member, f"votes[{position}].member")
        if choice not in DecisionVote.Vote.values:
            raise Refused.on(f"votes[{position}].vote", "Choose for, against or abstained")
        if name in cleaned:
            raise Refused.on(f"votes[{position}].member", f"{name} is listed twice")
        cleaned[name] = choice
    if len(cleaned) > MAX_VOTES:
        raise Refused.on("votes", f"Up to {MAX_VOTES} members can vote")
    DecisionVote.objects.for_council(decision.council).filter(decision=decision).delete()
    DecisionVote.objects.bulk_create(
        DecisionVote(council=decision.council, decision=decision, member=m, vote=v)
        for m, v in cleaned.items()
    )


def _changed(actor: Actor, decision: Decision, action: str, data: dict[str, Any]) -> None:
    audit.record(actor, action, obj=decision, council=decision.council, data=data)
    publish(
        "records.decision.changed",
        council=decision.council,
        subject=decision,
        data={
            "decision_id": str(decision.pk),
            "reference": decision.reference,
            "call_in_status": decision.call_in_status,
        },
    )


@transaction.atomic
def record_votes(actor: Actor, decision: Decision, votes: Any) -> Decision:
    """Replace a decision's recorded votes (member and for, against or abstained)."""
    policy.require(actor, "records.decisions.manage", decision.council)
    _replace_votes(decision, votes)
    _changed(actor, decision, "records.decision.votes_recorded", {"votes": len(votes or [])})
    return decision


@transaction.atomic
def link_decision(actor: Actor, decision: Decision, target_type: str, target_id: str) -> DecisionLink:
    """Say what a decision decides about: a commission, contract, budget, policy…"""
    policy.require(actor, "records.decisions.manage", decision.council)
    kind, ident = checks.link(target_type, target_id, "link")
    found, made = DecisionLink.objects.for_council(decision.council).get_or_create(
        decision=decision, target_type=kind, target_id=ident, defaults={"council": decision.council}
    )
    if made:
        _changed(actor, decision, "records.decision.linked", {"link": f"{kind}:{ident}"})
    return found


@transaction.atomic
def publish_decision(actor: Actor, decision: Decision, *, published_on: Any = None) -> Decision:
    """Publish a decision in the register. Executive decisions, and officers' key decisions, are then
    open to call-in for five working days; the forward plan entry it was taken under is marked taken."""
    council = decision.council
    policy.require(actor, "records.decisions.manage", council)
    decision = Decision.objects.for_council(council).select_for_update().get(pk=decision.pk)
    if decision.status == Decision.Status.PUBLISHED:
        raise Conflict.on(None, f"{decision.reference} is already published")
    published = checks.day(published_on, "published_on") or timezone.localdate()
    if published < decision.decided_on:
        raise Refused.on("published_on", "A decision cannot be published before it is taken")
    executive = decision.maker_kind in (Decision.Maker.CABINET, Decision.Maker.CABINET_MEMBER)
    decision.status, decision.published_on = Decision.Status.PUBLISHED, published
    if executive or (decision.maker_kind == Decision.Maker.OFFICER and decision.is_key):
        decision.call_in_status = Decision.CallIn.OPEN
        decision.call_in_deadline = rules.call_in_deadline(published)
    decision.save()
    if decision.forward_plan_entry_id:
        ForwardPlanEntry.objects.for_council(council).filter(pk=decision.forward_plan_entry_id).update(
            status=ForwardPlanEntry.Status.TAKEN
        )
    audit.record(
        actor,
        "records.decision.published",
        obj=decision,
        council=council,
        data={"short_notice": decision.short_notice, "call_in_deadline": decision.call_in_deadline},
    )
    publish(
        "records.decision.published",
        council=council,
        subject=decision,
        data={
            "decision_id": str(decision.pk),
            "reference": decision.reference,
            "title": decision.title,
            "is_key": decision.is_key,
            "decided_on": decision.decided_on.isoformat(),
            "call_in_deadline": decision.call_in_deadline.isoformat() if decision.call_in_deadline else None,
            "short_notice": decision.short_notice,
        },
    )
    return decision


@transaction.atomic
def set_call_in(actor: Actor, decision: Decision, status: str, note: str = "", *, on: Any = None) -> Decision:
    """Move a decision's call-in on: called in (before the deadline) or not; then confirmed or referred
    back by the scrutiny committee."""
    council = decision.council
    policy.require(actor, "records.decisions.manage", council)
    decision = Decision.objects.for_council(council).select_for_update().get(pk=decision.pk)
    allowed = CALL_IN_MOVES.get(Decision.CallIn(decision.call_in_status), set())
    if status not in allowed:
        raise Conflict.on(
            "call_in_status",
            f"From '{decision.get_call_in_status_display()}' it can only move to "
            + (", ".join(sorted(allowed)) or "nothing"),
        )
    day = checks.day(on, "on") or timezone.localdate()
    if status == Decision.CallIn.CALLED_IN and decision.call_in_deadline and day > decision.call_in_deadline:
        raise Conflict.on("call_in_status", f"The call-in period ended on {decision.call_in_deadline}")
    decision.call_in_status, decision.call_in_note = status, checks.text(note, "note", 500)
    decision.save(update_fields=["call_in_status", "call_in_note", "updated_at"])
    _changed(actor, decision, "records.decision.call_in", {"status": status})
    return decision
