"""After the deadline: evaluators score each bid against each criterion with a reason, and the award
follows the scores (UK6) and starts the standstill of 8 working days. Also the awards that have no
tender: a direct award with its justification (UK5, then UK6) and a call-off from a framework."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.commissioning import checks
from civichub.commissioning.models import Bid, Lot, NoticeType, Procurement, Score, Stage
from civichub.commissioning.selectors import criteria_of, is_sealed, lots, organisation, ranking
from civichub.commissioning.services.procurement import BEFORE_TENDER, changed, notice
from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.calendar import add_working_days
from civichub.core.errors import Conflict, Refused
from civichub.core.outbox import publish

STANDSTILL_WORKING_DAYS = 8


def _locked(procurement: Procurement) -> Procurement:
    return Procurement.objects.for_council(procurement.council).select_for_update().get(pk=procurement.pk)


def _sealed_refusal(action: str) -> Refused:
    return Conflict.on("tender_deadline", f"Bids are sealed until the tender deadline has passed: {action}")


def _to_evaluation(actor: Actor, procurement: Procurement) -> None:
    """The tender closes into evaluation once the deadline has passed (never before)."""
    if is_sealed(procurement):
        raise _sealed_refusal("evaluation starts after it")
    if procurement.stage == Stage.TENDER:
        procurement.stage = Stage.EVALUATION
        procurement.save(update_fields=["stage", "updated_at"])
        changed(actor, procurement, "evaluation_started")
    elif procurement.stage != Stage.EVALUATION:
        raise Conflict.on("stage", f"The procurement is at {procurement.get_stage_display()}, not evaluation")


@transaction.atomic
def begin_evaluation(actor: Actor, procurement: Procurement) -> Procurement:
    """Close the tender into evaluation: refused before the deadline."""
    policy.require(actor, "commissioning.bids.evaluate", procurement.council)
    procurement = _locked(procurement)
    _to_evaluation(actor, procurement)
    return procurement


@transaction.atomic
def score_bid(
    actor: Actor, procurement: Procurement, bid_id: Any, criterion_id: Any, score: Any, reason: str
) -> Score:
    """An evaluator's score (0 to 10) of one bid against one criterion, with the reason; a second score by
    the same evaluator replaces the first. Only after the deadline."""
    council = procurement.council
    policy.require(actor, "commissioning.bids.evaluate", council)
    procurement = _locked(procurement)
    _to_evaluation(actor, procurement)
    bid = Bid.objects.for_council(council).filter(procurement=procurement, pk=_uuid(bid_id)).first()
    if bid is None:
        raise Refused.on("bid_id", "The procurement has no bid with that id")
    applying = {str(c.pk): c for c in criteria_of(procurement, bid.lot)}
    criterion = applying.get(str(criterion_id))
    if criterion is None:
        raise Refused.on("criterion_id", "That is not one of the award criteria of the bid's lot")
    mark = checks.number(score, "score", low=Decimal(0), high=Decimal(10)).quantize(Decimal("0.01"))
    why = checks.text(reason, "reason", label="the reason for the score", max_length=4000)
    found = (
        Score.objects.for_council(council).filter(bid=bid, criterion=criterion, evaluator=actor.user).first()
    )
    found = found or Score(council=council, bid=bid, criterion=criterion, evaluator=actor.user)
    found.score, found.reason = mark, why
    found.save()
    audit.record(
        actor,
        "commissioning.bid.scored",
        obj=found,
        council=council,
        data={"bid_id": str(bid.pk), "criterion": criterion.name, "score": str(mark)},
    )
    publish(
        "commissioning.bid.scored",
        council=council,
        subject=bid,
        data={"bid_id": str(bid.pk), "criterion_id": str(criterion.pk), "evaluator_id": str(actor.audit_id)},
    )
    return found


def _uuid(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _start_standstill(procurement: Procurement, today: date) -> None:
    procurement.awarded_at = timezone.now()
    procurement.standstill_ends = add_working_days(today, STANDSTILL_WORKING_DAYS)
    procurement.stage = Stage.STANDSTILL


@transaction.atomic
def award(actor: Actor, procurement: Procurement, choices: Mapping[str, Any] | None = None) -> Procurement:
    """Award each lot to its top-scoring bid (UK6) and start the standstill of 8 working days.

    `choices` may name the bid chosen for a lot (lot id -> bid id); a choice that is not the top scorer is
    refused, and so is an award before the deadline or before every bid is scored on every criterion.
    """
    council = procurement.council
    policy.require(actor, "commissioning.manage", council)
    procurement = _locked(procurement)
    if is_sealed(procurement):
        raise _sealed_refusal("nothing can be awarded before it")
    if procurement.stage not in (Stage.TENDER, Stage.EVALUATION):
        raise Conflict.on(
            "stage", f"The procurement is at {procurement.get_stage_display()}: it cannot be awarded"
        )
    choices = {str(k): str(v) for k, v in (choices or {}).items()}
    awards = []
    for lot in lots(procurement):
        ranked = ranking(procurement, lot)
        field = f"choices.{lot.pk}"
        if not ranked:
            raise Conflict.on(field, f"Lot {lot.number} has no bids: end the procurement (UK12) instead")
        unscored = [r for r in ranked if not r.complete]
        if unscored:
            raise Conflict.on(
                field, f"Lot {lot.number}: {len(unscored)} bid(s) are not yet scored on every criterion"
            )
        top = ranked[0].total
        chosen_id = choices.get(str(lot.pk))
        chosen = next((r for r in ranked if str(r.bid.pk) == chosen_id), None) if chosen_id else ranked[0]
        if chosen is None:
            raise Refused.on(field, f"That is not a bid for lot {lot.number}")
        if chosen.total < top:
            raise Refused.on(
                field,
                f"Lot {lot.number}: the award must follow the scores; that bid scored {chosen.total}, "
                f"the top bid {top}",
            )
        if chosen_id is None and sum(1 for r in ranked if r.total == top) > 1:
            raise Refused.on(field, f"Lot {lot.number}: bids tie on {top}: choose one of them")
        lot.awarded_bid = chosen.bid
        lot.awarded_provider = chosen.bid.bidder
        lot.awarded_value = Decimal(chosen.bid.price)
        lot.save(update_fields=["awarded_bid", "awarded_provider", "awarded_value", "updated_at"])
        awards.append(_award_fact(lot, chosen.total))
    procurement.stage = Stage.AWARD
    _start_standstill(procurement, timezone.localdate())
    procurement.save(update_fields=["stage", "awarded_at", "standstill_ends", "updated_at"])
    changed(actor, procurement, "awarded", standstill_ends=str(procurement.standstill_ends))
    notice(actor, procurement, NoticeType.UK6, awards=awards)
    return procurement


def _award_fact(lot: Lot, total: Decimal | None = None) -> dict[str, Any]:
    assert lot.awarded_provider is not None
    return {
        "lot_id": str(lot.pk),
        "lot_number": lot.number,
        "supplier": {
            "id": str(lot.awarded_provider.pk),
            "name": lot.awarded_provider.name,
            "identifiers": [i.org_id for i in lot.awarded_provider.identifiers.all()],
        },
        "value": str(lot.awarded_value),
        "score": None if total is None else str(total),
    }


def _award_without_tender(procurement: Procurement, provider_id: Any, value: Any) -> Lot:
    if procurement.stage not in BEFORE_TENDER:
        raise Conflict.on("stage", f"The procurement is already at {procurement.get_stage_display()}")
    provider = organisation(provider_id)
    amount = checks.money(value, "value")
    lot = lots(procurement).first()
    assert lot is not None  # every procurement has its first lot from the start
    lot.awarded_provider, lot.awarded_value = provider, amount
    lot.save(update_fields=["awarded_provider", "awarded_value", "updated_at"])
    return lot


@transaction.atomic
def award_directly(actor: Actor, procurement: Procurement, provider_id: Any, value: Any) -> Procurement:
    """A direct award, with the justification recorded when the procurement started: the transparency
    notice (UK5) says why, then the award (UK6) starts the standstill."""
    policy.require(actor, "commissioning.manage", procurement.council)
    procurement = _locked(procurement)
    if procurement.procedure != Procurement.Procedure.DIRECT_AWARD:
        raise Conflict.on("procedure", "Only a procurement started as a direct award can be awarded directly")
    lot = _award_without_tender(procurement, provider_id, value)
    _start_standstill(procurement, timezone.localdate())
    procurement.save(update_fields=["stage", "awarded_at", "standstill_ends", "updated_at"])
    changed(actor, procurement, "awarded_directly", provider_id=str(lot.awarded_provider_id))
    notice(actor, procurement, NoticeType.UK5, awards=[_award_fact(lot)])
    notice(actor, procurement, NoticeType.UK6, awards=[_award_fact(lot)])
    return procurement


@transaction.atomic
def call_off(actor: Actor, procurement: Procurement, provider_id: Any, value: Any) -> Procurement:
    """A call-off from a framework (named when the procurement started): awarded at once (UK6), with no
    standstill, so its contract may follow the same day."""
    policy.require(actor, "commissioning.manage", procurement.council)
    procurement = _locked(procurement)
    if procurement.procedure != Procurement.Procedure.FRAMEWORK_CALL_OFF:
        raise Conflict.on("procedure", "Only a procurement started as a framework call-off can be called off")
    lot = _award_without_tender(procurement, provider_id, value)
    procurement.awarded_at = timezone.now()
    procurement.standstill_ends = None
    procurement.stage = Stage.STANDSTILL
    procurement.save(update_fields=["stage", "awarded_at", "standstill_ends", "updated_at"])
    changed(actor, procurement, "called_off", provider_id=str(lot.awarded_provider_id))
    notice(actor, procurement, NoticeType.UK6, awards=[_award_fact(lot)])
    return procurement
