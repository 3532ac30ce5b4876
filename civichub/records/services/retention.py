"""The retention schedule and legal holds: seeding and changing the schedule (its records are re-dated),
placing a hold on records and lifting it with a reason."""

from __future__ import annotations

import uuid
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
from civichub.records.models import Document, HeldDocument, LegalHold, RecordClass
from civichub.records.schedule import SEED, seeded_class


def _published_class(actor: Actor, record_class: RecordClass, made: bool) -> None:
    audit.record(
        actor,
        "records.schedule.added" if made else "records.schedule.changed",
        obj=record_class,
        council=record_class.council,
        data={
            "code": record_class.code,
            "retention_years": record_class.retention_years,
            "trigger": record_class.trigger,
            "action": record_class.action,
        },
    )
    publish(
        "records.schedule.changed",
        council=record_class.council,
        subject=record_class,
        data={
            "record_class_id": str(record_class.pk),
            "code": record_class.code,
            "retention_years": record_class.retention_years,
            "action": record_class.action,
        },
    )


@transaction.atomic
def seed_schedule(actor: Actor, council: Council) -> int:
    """Give a council the common local-authority schedule (lines it already has are left as they are);
    returns how many lines were added."""
    policy.require(actor, "records.retention.manage", council)
    added = 0
    for line in SEED:
        found, made = seeded_class(council, line[0])
        if made:
            _published_class(actor, found, True)
            added += 1
    return added


@transaction.atomic
def save_record_class(actor: Actor, council: Council, *, code: str, **values: Any) -> RecordClass:
    """Add a line to the schedule, or change one (by code). Changing the period, trigger or action
    re-dates every record of the class, so what falls due follows the schedule at once."""
    policy.require(actor, "records.retention.manage", council)
    code = clean_text(str(code or "")).upper()
    if not code or len(code) > 20 or not all(c.isalnum() or c == "-" for c in code):
        raise Refused.on("code", "Enter a code of up to 20 letters, digits and hyphens, like CON-SEAL")
    found = RecordClass.objects.for_council(council).select_for_update().filter(code=code).first()
    fields: dict[str, Any] = {}
    if "name" in values or found is None:
        fields["name"] = checks.title(values.get("name"), "name")
    if "description" in values:
        fields["description"] = checks.text(values["description"], "description", 2000)
    if "source" in values:
        fields["source"] = checks.text(values["source"], "source", 255)
    if "trigger" in values or found is None:
        trigger = str(values.get("trigger") or RecordClass.Trigger.CREATED)
        if trigger not in RecordClass.Trigger.values:
            raise Refused.on("trigger", f"Must be one of {', '.join(RecordClass.Trigger.values)}")
        fields["trigger"] = trigger
    if "action" in values or found is None:
        action = str(values.get("action") or RecordClass.Action.DESTROY)
        if action not in RecordClass.Action.values:
            raise Refused.on("action", f"Must be one of {', '.join(RecordClass.Action.values)}")
        fields["action"] = action
    if "retention_years" in values or found is None:
        try:
            years = int(values.get("retention_years", 6))
        except (TypeError, ValueError):
            raise Refused.on("retention_years", "Enter a whole number of years") from None
        if not 0 <= years <= 150:
            raise Refused.on("retention_years", "Enter a number of years from 0 to 150")
        fields["retention_years"] = years
    if found is None:
        found = RecordClass.objects.create(council=council, code=code, **fields)
        _published_class(actor, found, True)
        return found
    changed = {k: v for k, v in fields.items() if getattr(found, k) != v}
    if not changed:
        return found
    for key, value in changed.items():
        setattr(found, key, value)
    found.save()
    if {"retention_years", "action", "trigger"} & set(changed):
        _redate(found)
    _published_class(actor, found, False)
    return found


def _redate(record_class: RecordClass) -> None:
    documents = Document.objects.for_council(record_class.council).filter(
        record_class=record_class, disposed_at__isnull=True
    )
    changed = []
    for document in documents.only("id", "dated", "trigger_date", "dispose_on"):
        trigger = (
            document.dated if record_class.trigger == RecordClass.Trigger.CREATED else document.trigger_date
        )
        due = rules.dispose_on(trigger, record_class.retention_years, record_class.action)
        if (trigger, due) != (document.trigger_date, document.dispose_on):
            document.trigger_date, document.dispose_on = trigger, due
            changed.append(document)
    Document.objects.for_council(record_class.council).bulk_update(
        changed, ["trigger_date", "dispose_on"], batch_size=500
    )


def _hold_documents(council: Council, document_ids: Any, field: str = "documents") -> list[Document]:
    ids = [str(d).strip() for d in document_ids or [] if str(d).strip()]
    if len(ids) > 10_000:
        raise Refused.on(field, "A hold can name up to 10,000 documents: hold a class or a link instead")
    found = []
    for position, ident in enumerate(ids):
        try:
            key: uuid.UUID | None = uuid.UUID(ident)
        except ValueError:
            key = None
        document = Document.objects.for_council(council).filter(pk=key).first() if key else None
        if document is None:
            raise Refused.on(
                f"{field}[{position}]", f"{council.short_name} has no document with id {ident[:40]}"
            )
        found.append(document)
    return found


@transaction.atomic
def place_hold(
    actor: Actor,
    council: Council,
    *,
    title: str,
    reason: str,
    description: str = "",
    documents: Any = (),
    record_class: Any = None,
    link_type: str = "",
    link_id: str = "",
) -> LegalHold:
    """Place a legal hold: no record it covers can be disposed of until it is lifted."""
    policy.require(actor, "records.retention.manage", council)
    return _place(actor, council, title, reason, description, documents, record_class, link_type, link_id)


def _place(
    actor: Actor,
    council: Council,
    title: str,
    reason: str,
    description: str,
    documents: Any,
    record_class: Any,
    link_type: str,
    link_id: str,
) -> LegalHold:
    if reason not in LegalHold.Reason.values:
        raise Refused.on("reason", f"Must be one of {', '.join(LegalHold.Reason.values)}")
    named = _hold_documents(council, documents)
    held_class = checks.record_class(council, record_class) if record_class else None
    link = checks.link(link_type, link_id, "link") if (link_type or link_id) else ("", "")
    if not (named or held_class or link[0]):
        raise Refused.on("documents", "Say what the hold covers: documents, a record class, or a link")
    hold = LegalHold.objects.create(
        council=council,
        title=checks.title(title),
        reason=reason,
        description=checks.text(description, "description", 5000),
        record_class=held_class,
        link_type=link[0],
        link_id=link[1],
        placed_by=actor.user,
    )
    HeldDocument.objects.bulk_create(
        [HeldDocument(council=council, hold=hold, document=d) for d in named], batch_size=500
    )
    audit.record(
        actor,
        "records.hold.placed",
        obj=hold,
        council=council,
        data={
            "reason": reason,
            "documents": len(named),
            "class": held_class.code if held_class else "",
            "link": ":".join(link),
        },
    )
    publish(
        "records.hold.placed",
        council=council,
        subject=hold,
        data={"hold_id": str(hold.pk), "reason": reason, "documents": len(named)},
    )
    return hold


@transaction.atomic
def add_to_hold(actor: Actor, hold: LegalHold, documents: Any) -> int:
    """Hold more documents under an active hold (records found for a request); returns how many were added."""
    council = hold.council
    policy.require(actor, "records.retention.manage", council)
    hold = LegalHold.objects.for_council(council).select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise Conflict.on(None, "The hold has been lifted")
    already = set(
        HeldDocument.objects.for_council(council).filter(hold=hold).values_list("document_id", flat=True)
    )
    new = [d for d in _hold_documents(council, documents) if d.pk not in already]
    HeldDocument.objects.bulk_create([HeldDocument(council=council, hold=hold, document=d) for d in new])
    audit.record(actor, "records.hold.extended", obj=hold, council=council, data={"documents": len(new)})
    publish(
        "records.hold.placed",
        council=council,
        subject=hold,
        data={"hold_id": str(hold.pk), "reason": hold.reason, "documents": len(new)},
    )
    return len(new)


@transaction.atomic
def lift_hold(actor: Actor, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a hold, saying why: its records can be disposed of again when they fall due."""
    council = hold.council
    policy.require(actor, "records.retention.manage", council)
    return _lift(actor, hold, reason)


def _lift(actor: Actor, hold: LegalHold, reason: str) -> LegalHold:
    council = hold.council
    hold = LegalHold.objects.for_council(council).select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise Conflict.on(None, "The hold has already been lifted")
    why = checks.text(reason, "reason", 500)
    if len(why) < 5:
        raise Refused.on("reason", "Say why the hold is lifted, in at least 5 characters")
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor.user, why
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    audit.record(actor, "records.hold.lifted", obj=hold, council=council, data={"reason": why})
    publish(
        "records.hold.lifted", council=council, subject=hold, data={"hold_id": str(hold.pk), "reason": why}
    )
    return hold
