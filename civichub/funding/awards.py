"""The grants a council makes, recorded for its 360Giving package (by hand, the API, and later its ward
budgets), and how it publishes them (its 360Giving prefix and org-id). Each change is decided here,
audited and published in one transaction. The package itself is read by `funding.giving`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.funding import checks
from civichub.funding.giving import identifier, publishing
from civichub.funding.models import GivingSettings, Grant
from civichub.needs import selectors as needs

# org-id.guide: a list code (country, then register) and the identifier on it: GB-CHC-1234567.
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,8}-[A-Za-z0-9][A-Za-z0-9._/-]{0,80}$")
PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,58}$")


def _text(raw: Mapping[str, Any], name: str, limit: int, words: str, *, multiline: bool = False) -> str:
    text = clean_text(str(raw.get(name) or ""), multiline=multiline)
    if not text or len(text) > limit:
        raise Refused.on(name, f"Give {words}, up to {limit:,} characters")
    return text


def _org_id(value: Any, field: str) -> str:
    text = clean_text(str(value or "")).upper().replace(" ", "")
    if not ORG_ID.match(text):
        raise Refused.on(field, "Give an org-id, like GB-CHC-1234567 (charity) or GB-COH-01234567 (company)")
    return text


def _fields(council: Council, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A grant's fields from what was given, each checked; a refusal names the field."""
    code = clean_text(str(raw.get("beneficiary_code") or "")).upper()[:9]
    try:
        place = needs.area_of(council, code)
    except NotFound:
        raise Refused.on(
            "beneficiary_code", f"Give a ward or LSOA code of {council.short_name}, like E05000841"
        ) from None
    return {
        "title": _text(raw, "title", 300, "the grant's title"),
        "description": _text(raw, "description", 5000, "what the grant is for", multiline=True),
        "amount": checks.money(raw.get("amount"), "amount", required=True, positive=True),
        "award_date": checks.day(raw.get("award_date"), "award_date", required=True),
        "recipient_name": _text(raw, "recipient_name", 255, "the recipient organisation's name"),
        "recipient_org_id": _org_id(raw.get("recipient_org_id"), "recipient_org_id"),
        "beneficiary_code": place.code,
        "beneficiary_kind": Grant.Place.WARD if place.kind == "ward" else Grant.Place.LSOA,
        "beneficiary_name": place.name,
        "programme": clean_text(str(raw.get("programme") or ""))[:300],
    }


def _published(actor: Actor, grant: Grant, action: str, **more: str) -> None:
    """Audit and publish a change to a grant, in the caller's transaction."""
    grant_id = identifier(grant, publishing(grant.council).prefix)
    audit.record(
        actor,
        action,
        obj=grant,
        council=grant.council,
        data={"identifier": grant_id, "amount": str(grant.amount), "recipient": grant.recipient_org_id}
        | more,
    )
    publish(
        action,
        council=grant.council,
        subject=grant,
        data={
            "grant_id": str(grant.pk),
            "identifier": grant_id,
            "amount": str(grant.amount),
            "recipient_org_id": grant.recipient_org_id,
        }
        | more,
    )


@transaction.atomic
def record_grant(actor: Actor, council: Council, raw: Mapping[str, Any]) -> Grant:
    """Record a grant the council made, to one recipient, for people in one ward or LSOA of the council."""
    policy.require(actor, "funding.grants.manage", council)
    fields = _fields(council, raw)
    # Numbers run on per council: lock the council's row so two grants recorded at once cannot both
    # take the next number (PostgreSQL locks no rows for an aggregate, and a new row is no row yet).
    Council.objects.select_for_update().filter(pk=council.pk).first()
    held = Grant.objects.for_council(council).aggregate(last=Max("number"))
    made = Grant.objects.create(council=council, number=(held["last"] or 0) + 1, **fields)
    _published(actor, made, "funding.grant.recorded")
    return made


def _standing(council: Council, grant_id: Any) -> Grant:
    """One of the council's grants, locked for a change; a withdrawn one is refused (it stays as it was
    withdrawn), another council's or none is a 404."""
    try:
        found = Grant.objects.for_council(council).select_for_update().filter(pk=grant_id).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound.on("grant_id", "No such grant here")
    if found.withdrawn_on is not None:
        raise Conflict.on("grant_id", f"This grant was withdrawn on {found.withdrawn_on:%-d %B %Y}")
    return found


@transaction.atomic
def change_grant(actor: Actor, council: Council, grant_id: Any, raw: Mapping[str, Any]) -> Grant:
    """Correct a grant the council made (its number, and so its 360Giving identifier, stay)."""
    policy.require(actor, "funding.grants.manage", council)
    grant = _standing(council, grant_id)
    for name, value in _fields(council, raw).items():
        setattr(grant, name, value)
    grant.save()
    _published(actor, grant, "funding.grant.changed")
    return grant


@transaction.atomic
def withdraw_grant(actor: Actor, council: Council, grant_id: Any, reason: str) -> Grant:
    """Withdraw a grant published in error, saying why: it leaves the 360Giving package and the figures,
    and is kept (with its number, never given again) rather than deleted."""
    policy.require(actor, "funding.grants.manage", council)
    grant = _standing(council, grant_id)
    reason = clean_text(reason, multiline=True)
    if not reason or len(reason) > 2000:
        raise Refused.on("reason", "Say why the grant is withdrawn, up to 2,000 characters")
    grant.withdrawn_on, grant.withdrawn_reason = timezone.localdate(), reason
    grant.save(update_fields=["withdrawn_on", "withdrawn_reason", "updated_at"])
    _published(actor, grant, "funding.grant.withdrawn", reason=reason)
    return grant


@transaction.atomic
def set_publishing(actor: Actor, council: Council, *, prefix: str, org_id: str) -> GivingSettings:
    """Set the council's 360Giving prefix (as 360Giving registered it) and its org-id as the funder."""
    policy.require(actor, "funding.grants.manage", council)
    prefix = clean_text(prefix).removeprefix("360G-").removeprefix("360g-")
    if not PREFIX.match(prefix):
        raise Refused.on(
            "prefix", "Give the prefix 360Giving registered, like wiganmbc (letters, digits, - . _)"
        )
    org = _org_id(org_id, "org_id")
    found = GivingSettings.objects.for_council(council).select_for_update().first()
    if found is None:
        found = GivingSettings(council=council)
    found.prefix, found.org_id = prefix, org
    found.save()
    audit.record(
        actor, "funding.giving_settings.changed", obj=found, council=council, data={"prefix": prefix}
    )
    publish(
        "funding.giving_settings.changed",
        council=council,
        subject=found,
        data={"prefix": prefix, "org_id": org},
    )
    return found
