"""Assessed needs of people: caseworkers record a need (category, date, status, who meets it) and move
its status on. Personal data, the council's own: each change is decided here, audited and published in
one transaction, and the events carry no one's reference, only the need, its category, status and ward.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council, Organisation
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.needs import selectors
from civichub.needs.models import AssessedNeed
from civichub.places import selectors as places

MEETING = (AssessedNeed.Status.BEING_MET, AssessedNeed.Status.MET)


def _status(value: str) -> str:
    if value not in AssessedNeed.Status.values:
        raise Refused.on("status", f"Use one of {', '.join(AssessedNeed.Status.values)}")
    return value


def _met_by(council: Council, status: str, organisation_id: Any, service: str) -> tuple[Any, str]:
    service = clean_text(service)[:200]
    organisation = None
    if organisation_id:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise Refused.on("met_by", "No organisation has that id")
    if status in MEETING and organisation is None and not service:
        raise Refused.on("met_by", "Say who meets the need: a provider, or a service")
    return organisation, service


def _area_of(council: Council, postcode: str) -> tuple[str, str]:
    """(ward, LSOA) of the person's postcode at the time, which must be in the council; none given: none."""
    if not clean_text(postcode):
        return "", ""
    try:
        place = places.postcode(postcode)
    except Refused as exc:  # a postcode we do not hold is the caller's mistake here, not a 404
        raise Refused.on("postcode", exc.message) from None
    if place.local_authority_id != council.gss_code:
        raise Refused.on("postcode", f"{place.postcode} is not in {council.short_name}")
    return place.ward_id or "", place.lsoa_id or ""


def _category(council: Council, category: str) -> str:
    category = clean_text(category).lower()
    if category not in selectors.theme_codes(council):
        raise Refused.on("category", f"'{category[:50]}' is not a need category's code")
    return category


def _assessed_on(assessed_on: date) -> date:
    if assessed_on > timezone.localdate():
        raise Refused.on("assessed_on", "The assessment cannot be in the future")
    return assessed_on


def _published(actor: Actor, need: AssessedNeed, action: str) -> None:
    audit.record(
        actor,
        action,
        obj=need,
        council=need.council,
        data={"category": need.category, "status": need.status, "ward_code": need.ward_code},
    )
    publish(
        action,
        council=need.council,
        subject=need,
        data={
            "need_id": str(need.pk),
            "category": need.category,
            "status": need.status,
            "ward_code": need.ward_code,
        },
    )


@transaction.atomic
def record_need(
    actor: Actor,
    council: Council,
    *,
    person_reference: str,
    category: str,
    assessed_on: date,
    status: str = AssessedNeed.Status.IDENTIFIED,
    postcode: str = "",
    met_by: Any = None,
    met_by_service: str = "",
) -> AssessedNeed:
    """Record a need assessed for a person of the council's."""
    policy.require(actor, "needs.people.record", council)
    reference = clean_text(person_reference)
    if not reference or len(reference) > 64:
        raise Refused.on("person_reference", "Give the person's record reference, up to 64 characters")
    category = _category(council, category)
    assessed_on = _assessed_on(assessed_on)
    status = _status(status)
    organisation, service = _met_by(council, status, met_by, met_by_service)
    ward, lsoa = _area_of(council, postcode)
    need = AssessedNeed.objects.create(
        council=council,
        person_reference=reference,
        category=category,
        assessed_on=assessed_on,
        assessor=actor.user,
        status=status,
        met_by=organisation,
        met_by_service=service,
        ward_code=ward,
        lsoa_code=lsoa,
    )
    _published(actor, need, "needs.need.recorded")
    return need


def _locked(council: Council, need_id: Any) -> AssessedNeed:
    try:
        need = AssessedNeed.objects.for_council(council).select_for_update().filter(pk=need_id).first()
    except (ValueError, ValidationError):
        need = None
    if need is None:
        raise NotFound.on("need_id", "No such assessed need here")
    return need


@transaction.atomic
def set_status(
    actor: Actor, council: Council, need_id: Any, *, status: str, met_by: Any = None, met_by_service: str = ""
) -> AssessedNeed:
    """Move an assessed need on (being met, met, unmet), saying who meets it."""
    policy.require(actor, "needs.people.record", council)
    need = _locked(council, need_id)
    need.status = _status(status)
    need.met_by, need.met_by_service = _met_by(council, need.status, met_by, met_by_service)
    need.save()
    _published(actor, need, "needs.need.status_changed")
    return need


@transaction.atomic
def change_need(
    actor: Actor, council: Council, need_id: Any, *, category: str, assessed_on: date, postcode: str = ""
) -> AssessedNeed:
    """Correct what was assessed: the need's category, the date, and the person's postcode at the time
    (which sets its ward and LSOA; none given keeps them). Its status moves on by `set_status`."""
    policy.require(actor, "needs.people.record", council)
    need = _locked(council, need_id)
    need.category = _category(council, category)
    need.assessed_on = _assessed_on(assessed_on)
    if clean_text(postcode):  # the address is not kept, so no postcode given keeps the ward and LSOA
        need.ward_code, need.lsoa_code = _area_of(council, postcode)
    need.save()
    _published(actor, need, "needs.need.changed")
    return need


@transaction.atomic
def withdraw_need(actor: Actor, council: Council, need_id: Any, reason: str) -> None:
    """Remove a need recorded in error (the wrong person, or never assessed), saying why. It is deleted,
    not kept: a need that was never assessed is personal data with no purpose. The audit keeps who
    withdrew it and why, with its category, status and ward, never whose it was."""
    policy.require(actor, "needs.people.record", council)
    need = _locked(council, need_id)
    reason = clean_text(reason, multiline=True)
    if not reason or len(reason) > 500:
        raise Refused.on("reason", "Say why the need is withdrawn, up to 500 characters")
    data = {"category": need.category, "status": need.status, "ward_code": need.ward_code}
    audit.record(actor, "needs.need.withdrawn", obj=need, council=council, data=data | {"reason": reason})
    publish("needs.need.withdrawn", council=council, subject=need, data={"need_id": str(need.pk), **data})
    need.delete()
