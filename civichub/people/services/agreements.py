"""Data-sharing agreements: the council that holds the records records what it shares with another
council (the agreed fields, the purpose, until when). Until one is in force, the other council's linkage
never sees a single record of this one's (`frames.shared_sources` is the only door)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.db import transaction

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, FieldError, NotFound, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.people.models import SHAREABLE_FIELDS, DataSharingAgreement, Purpose


def _event(agreement: DataSharingAgreement) -> dict[str, str]:
    return {
        "agreement_id": str(agreement.pk),
        "partner": agreement.partner.slug,
        "purpose": agreement.purpose,
        "ends_on": agreement.ends_on.isoformat(),
    }


@transaction.atomic
def record_agreement(
    actor: Actor,
    council: Council,
    *,
    partner: Council,
    fields: list[str],
    purpose: str,
    starts_on: date,
    ends_on: date,
    reference: str,
) -> DataSharingAgreement:
    policy.require(actor, "people.agreements.manage", council)
    problems = []
    if partner.pk == council.pk:
        problems.append(FieldError("partner", "An agreement is with another council"))
    unknown = [f for f in fields if f not in SHAREABLE_FIELDS]
    if unknown or not fields:
        problems.append(
            FieldError("fields", f"Choose the fields to share, of: {', '.join(SHAREABLE_FIELDS)}")
        )
    if purpose not in Purpose.values:
        problems.append(FieldError("purpose", f"Choose a purpose: {', '.join(Purpose.values)}"))
    if ends_on < starts_on:
        problems.append(FieldError("ends_on", "The agreement must end after it starts"))
    reference = clean_text(reference)[:100]
    if not reference:
        problems.append(FieldError("reference", "Give the signed agreement's reference"))
    if problems:
        raise Refused(
            "The agreement was not recorded: " + "; ".join(f"{p.field}: {p.message}" for p in problems),
            problems,
        )
    agreement = DataSharingAgreement.objects.create(
        council=council,
        partner=partner,
        fields=sorted(set(fields), key=SHAREABLE_FIELDS.index),
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        reference=reference,
        recorded_by=actor.user,
    )
    audit.record(
        actor,
        "people.agreement.recorded",
        obj=agreement,
        council=council,
        data=_event(agreement) | {"fields": agreement.fields},
    )
    publish("people.agreement.recorded", council=council, subject=agreement, data=_event(agreement))
    return agreement


@transaction.atomic
def end_agreement(
    actor: Actor, council: Council, agreement_id: UUID | str, *, on: date | None = None
) -> DataSharingAgreement:
    """End an agreement early (today, or a given day): from the next day nothing more is shared."""
    policy.require(actor, "people.agreements.manage", council)
    agreement = (
        DataSharingAgreement.objects.for_council(council)
        .select_related("partner")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None:
        raise NotFound.on("agreement_id", "No such agreement of this council's")
    on = on or date.today()
    if on >= agreement.ends_on:
        raise Conflict.on("ends_on", f"The agreement already ends on {agreement.ends_on.isoformat()}")
    agreement.ends_on = max(on, agreement.starts_on)
    agreement.save(update_fields=["ends_on", "updated_at"])
    audit.record(actor, "people.agreement.ended", obj=agreement, council=council, data=_event(agreement))
    publish("people.agreement.recorded", council=council, subject=agreement, data=_event(agreement))
    return agreement
