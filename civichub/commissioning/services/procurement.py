"""Commissions, and a procurement's stages up to the tender: pipeline (UK1), preliminary market
engagement (UK2), planned procurement (UK3), lots and award criteria, the tender (UK4), and ending a
procurement early (UK12). Stages only move forward; the early ones may be skipped, as the Act allows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.commissioning import checks
from civichub.commissioning.facts import procurement_facts
from civichub.commissioning.models import (
    AwardCriterion,
    Commission,
    Lot,
    NoticeType,
    Procurement,
    Stage,
    ocid_for,
    padded,
)
from civichub.commissioning.selectors import criteria_of
from civichub.commissioning.selectors import organisation as find_organisation
from civichub.commissioning.services.notices import publish_notice
from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, FieldError, Refused
from civichub.core.models import Council, Organisation, User
from civichub.core.outbox import publish

ORDER = [
    Stage.PIPELINE,
    Stage.PRELIMINARY_ENGAGEMENT,
    Stage.PLANNED,
    Stage.TENDER,
    Stage.EVALUATION,
    Stage.AWARD,
    Stage.STANDSTILL,
    Stage.CONTRACT,
]
# The notice each early stage is announced with.
EARLY_NOTICES = {
    Stage.PIPELINE: NoticeType.UK1,
    Stage.PRELIMINARY_ENGAGEMENT: NoticeType.UK2,
    Stage.PLANNED: NoticeType.UK3,
}
BEFORE_TENDER = (Stage.PIPELINE, Stage.PRELIMINARY_ENGAGEMENT, Stage.PLANNED)


@transaction.atomic
def changed(actor: Actor, procurement: Procurement, change: str, **data: Any) -> None:
    """Audit and publish a change of a procurement (in the caller's transaction)."""
    audit.record(
        actor,
        f"commissioning.procurement.{change}",
        obj=procurement,
        council=procurement.council,
        data={"stage": procurement.stage, **data},
    )
    publish(
        "commissioning.procurement.changed",
        council=procurement.council,
        subject=procurement,
        data={
            "procurement_id": str(procurement.pk),
            "ocid": procurement.ocid,
            "stage": procurement.stage,
            "change": change,
        },
    )


@transaction.atomic
def notice(actor: Actor, procurement: Procurement, notice_type: str, **extra: Any) -> None:
    publish_notice(actor, procurement, notice_type, {**procurement_facts(procurement), **extra})


def _may_manage(actor: Actor, council: Council) -> None:
    policy.require(actor, "commissioning.manage", council)


@transaction.atomic
def create_commission(actor: Actor, council: Council, raw: Mapping[str, Any]) -> Commission:
    """Set up a commission: its purpose in plain words, the places and needs it serves, and its
    commissioner (the council itself unless another organisation or a person is named)."""
    _may_manage(actor, council)
    organisation: Organisation | None = None
    person: User | None = None
    if raw.get("commissioner_user_id"):
        try:
            person = User.objects.filter(pk=uuid.UUID(str(raw["commissioner_user_id"]))).first()
        except ValueError:
            person = None
        if person is None or not person.memberships.filter(council=council).exists():
            raise Refused.on("commissioner_user_id", "No one with that id works with this council")
    elif raw.get("commissioner_organisation_id"):
        organisation = find_organisation(raw["commissioner_organisation_id"], "commissioner_organisation_id")
    else:
        organisation = council.organisation
    category = "".join(checks.codes(raw.get("market_category_code") or "", "market_category_code")[:1])
    commission = Commission(
        council=council,
        title=checks.text(raw.get("title"), "title", label="a title"),
        purpose=checks.text(
            raw.get("purpose"), "purpose", label="the purpose, in plain words", max_length=4000
        ),
        commissioner_organisation=organisation,
        commissioner_user=person,
        place_codes=padded(checks.place_codes(raw.get("place_codes"))),
        need_codes=padded(checks.codes(raw.get("need_codes"), "need_codes")),
        market_category_code=category,
    )
    commission.save()
    audit.record(actor, "commissioning.commission.added", obj=commission, data={"title": commission.title})
    publish(
        "commissioning.commission.changed",
        council=council,
        subject=commission,
        data={
            "commission_id": str(commission.pk),
            "title": commission.title,
            "status": commission.status,
            "change": "added",
        },
    )
    return commission


@transaction.atomic
def start_procurement(actor: Actor, commission: Commission, raw: Mapping[str, Any]) -> Procurement:
    """Start a procurement for a commission, announced at the stage asked for (pipeline by default, or
    straight to preliminary engagement or a planned procurement) with that stage's notice."""
    council = commission.council
    _may_manage(actor, council)
    stage = raw.get("stage") or Stage.PIPELINE
    if stage not in EARLY_NOTICES:
        raise Refused.on(
            "stage", "A procurement starts in the pipeline, at preliminary engagement or planned"
        )
    procedure = raw.get("procedure") or Procurement.Procedure.OPEN
    if procedure not in Procurement.Procedure.values:
        raise Refused.on("procedure", f"Choose one of: {', '.join(Procurement.Procedure.values)}")
    justification = checks.text(
        raw.get("direct_award_justification"),
        "direct_award_justification",
        label="the justification for a direct award",
        max_length=4000,
        required=procedure == Procurement.Procedure.DIRECT_AWARD,
    )
    framework = checks.text(
        raw.get("framework_reference"),
        "framework_reference",
        label="the framework's reference",
        max_length=200,
        required=procedure == Procurement.Procedure.FRAMEWORK_CALL_OFF,
    )
    procurement = Procurement(
        council=council,
        commission=commission,
        reference=checks.text(raw.get("reference"), "reference", label="a reference", max_length=100),
        title=checks.text(raw.get("title"), "title", label="a title"),
        description=checks.text(
            raw.get("description"), "description", label="a description", max_length=8000, required=False
        ),
        procedure=procedure,
        direct_award_justification=justification,
        framework_reference=framework,
        stage=stage,
        value_estimate=checks.money(raw.get("value_estimate"), "value_estimate", required=False),
    )
    procurement.ocid = ocid_for(council, procurement.pk)
    if Procurement.objects.for_council(council).filter(reference=procurement.reference).exists():
        raise Conflict.on("reference", f"The council already has a procurement {procurement.reference}")
    procurement.save()
    Lot.objects.create(
        council=council, procurement=procurement, number=1, title=procurement.title, value_estimate=None
    )
    changed(actor, procurement, "started")
    notice(actor, procurement, EARLY_NOTICES[Stage(stage)])
    return procurement


def _lock(procurement: Procurement) -> Procurement:
    """The procurement re-read under a row lock, so two officers cannot move it at once."""
    return Procurement.objects.for_council(procurement.council).select_for_update().get(pk=procurement.pk)


@transaction.atomic
def advance(actor: Actor, procurement: Procurement, stage: str) -> Procurement:
    """Move a procurement on to preliminary market engagement (UK2) or a planned procurement (UK3)."""
    _may_manage(actor, procurement.council)
    procurement = _lock(procurement)
    if stage not in (Stage.PRELIMINARY_ENGAGEMENT, Stage.PLANNED):
        raise Refused.on("stage", "Open the tender, award or terminate through their own steps")
    if procurement.stage not in BEFORE_TENDER or ORDER.index(Stage(stage)) <= ORDER.index(
        Stage(procurement.stage)
    ):
        raise Conflict.on(
            "stage", f"A procurement at {procurement.get_stage_display()} cannot go back to {stage}"
        )
    procurement.stage = stage
    procurement.save(update_fields=["stage", "updated_at"])
    changed(actor, procurement, "advanced")
    notice(actor, procurement, EARLY_NOTICES[Stage(stage)])
    return procurement


def _criterion(raw: Mapping[str, Any], field: str) -> dict[str, Any]:
    kind = raw.get("kind")
    if kind not in AwardCriterion.Kind.values:
        raise Refused.on(f"{field}.kind", "Choose quality, price or social_value")
    return {
        "name": checks.text(raw.get("name"), f"{field}.name", label="the criterion's name", max_length=200),
        "kind": kind,
        "weight": checks.number(raw.get("weight"), f"{field}.weight", low=Decimal("0.01"), high=Decimal(100)),
    }


def _weights_total_100(criteria: Sequence[Mapping[str, Any]], field: str) -> None:
    total = sum((c["weight"] for c in criteria), Decimal(0))
    if total != 100:
        raise Refused(
            f"{field}: the weights add up to {total.normalize():f}, not 100",
            [FieldError(field, f"The weights must add up to 100 (they add up to {total.normalize():f})")],
        )


@transaction.atomic
def set_lots(
    actor: Actor,
    procurement: Procurement,
    lots: Sequence[Mapping[str, Any]],
    criteria: Sequence[Mapping[str, Any]] = (),
) -> list[Lot]:
    """Set the procurement's lots and award criteria (before the tender opens), replacing what was set.

    Criteria given with the procurement apply to every lot that has none of its own; the criteria that
    apply to each lot must weigh 100 in all.
    """
    _may_manage(actor, procurement.council)
    procurement = _lock(procurement)
    if procurement.stage not in BEFORE_TENDER:
        raise Conflict.on("lots", "Lots and award criteria are fixed once the tender has opened")
    if not lots:
        raise Refused.on("lots", "A procurement needs at least one lot")
    shared = [_criterion(c, f"criteria[{i}]") for i, c in enumerate(criteria)]
    checked: list[dict[str, Any]] = []
    for index, raw in enumerate(lots):
        field = f"lots[{index}]"
        own = [_criterion(c, f"{field}.criteria[{i}]") for i, c in enumerate(raw.get("criteria") or [])]
        applying = own or shared
        if not applying:
            raise Refused.on(f"{field}.criteria", "Give the lot award criteria, or the procurement some")
        _weights_total_100(applying, f"{field}.criteria" if own else "criteria")
        checked.append(
            {
                "title": checks.text(raw.get("title"), f"{field}.title", label="the lot's title"),
                "description": checks.text(
                    raw.get("description"),
                    f"{field}.description",
                    label="a description",
                    max_length=4000,
                    required=False,
                ),
                "value_estimate": checks.money(
                    raw.get("value_estimate"), f"{field}.value_estimate", required=False
                ),
                "criteria": own,
            }
        )
    council = procurement.council
    AwardCriterion.objects.for_council(council).filter(procurement=procurement).delete()
    Lot.objects.for_council(council).filter(procurement=procurement).delete()
    made = []
    for number, details in enumerate(checked, start=1):
        lot = Lot.objects.create(
            council=council,
            procurement=procurement,
            number=number,
            title=details["title"],
            description=details["description"],
            value_estimate=details["value_estimate"],
        )
        for c in details["criteria"]:
            AwardCriterion.objects.create(council=council, procurement=procurement, lot=lot, **c)
        made.append(lot)
    for c in shared:
        AwardCriterion.objects.create(council=council, procurement=procurement, lot=None, **c)
    changed(actor, procurement, "lots_set", lots=len(made), criteria=len(shared))
    return made


@transaction.atomic
def open_tender(actor: Actor, procurement: Procurement, deadline: Any) -> Procurement:
    """Open the tender (UK4) with its deadline for bids; every lot's criteria must weigh 100."""
    _may_manage(actor, procurement.council)
    procurement = _lock(procurement)
    if procurement.procedure not in (Procurement.Procedure.OPEN, Procurement.Procedure.COMPETITIVE_FLEXIBLE):
        raise Conflict.on("procedure", "A direct award or a call-off has no tender: award it directly")
    if procurement.stage not in BEFORE_TENDER:
        raise Conflict.on("stage", f"The procurement is already at {procurement.get_stage_display()}")
    when = checks.moment(deadline, "tender_deadline")
    if when <= timezone.now():
        raise Refused.on("tender_deadline", "The deadline for bids must be in the future")
    for lot in Lot.objects.for_council(procurement.council).filter(procurement=procurement):
        applying = criteria_of(procurement, lot)
        if not applying:
            raise Refused.on("criteria", f"Lot {lot.number} has no award criteria")
        _weights_total_100([{"weight": c.weight} for c in applying], f"lots[{lot.number - 1}].criteria")
    procurement.stage = Stage.TENDER
    procurement.tender_deadline = when
    procurement.save(update_fields=["stage", "tender_deadline", "updated_at"])
    changed(actor, procurement, "tender_opened", tender_deadline=when.isoformat())
    notice(actor, procurement, NoticeType.UK4)
    return procurement


@transaction.atomic
def terminate_procurement(actor: Actor, procurement: Procurement, reason: str) -> Procurement:
    """End a procurement before any contract is made, with the reason (UK12)."""
    _may_manage(actor, procurement.council)
    procurement = _lock(procurement)
    if procurement.stage in (Stage.CONTRACT, Stage.TERMINATED):
        raise Conflict.on("stage", f"The procurement is already at {procurement.get_stage_display()}")
    procurement.termination_reason = checks.text(reason, "reason", label="the reason", max_length=4000)
    procurement.stage = Stage.TERMINATED
    procurement.save(update_fields=["termination_reason", "stage", "updated_at"])
    changed(actor, procurement, "terminated", reason=procurement.termination_reason)
    notice(actor, procurement, NoticeType.UK12, termination_reason=procurement.termination_reason)
    return procurement
