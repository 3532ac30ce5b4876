"""The grants a council makes, recorded for its 360Giving package (by hand, the API, and later its ward
budgets), and how it publishes them (its 360Giving prefix and org-id). Each change is decided here,
audited and published in one transaction. The package itself is read by `funding.giving`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
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


@transaction.atomic
def record_grant(actor: Actor, council: Council, raw: Mapping[str, Any]) -> Grant:
    """Record a grant the council made, to one recipient, for people in one ward or LSOA of the council."""
    policy.require(actor, "funding.grants.manage", council)
    code = clean_text(str(raw.get("beneficiary_code") or "")).upper()[:9]
    try:
        place = needs.area_of(council, code)
    except NotFound:
        raise Refused.on(
            "beneficiary_code", f"Give a ward or LSOA code of {council.short_name}, like E05000841"
        ) from None
    fields = {
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
    # Numbers run on per council: lock the council's row so two grants recorded at once cannot both
    # take the next number (PostgreSQL locks no rows for an aggregate, and a new row is no row yet).
    Council.objects.select_for_update().filter(pk=council.pk).first()
    held = Grant.objects.for_council(council).aggregate(last=Max("number"))
    made = Grant.objects.create(council=council, number=(held["last"] or 0) + 1, **fields)
    made_id = identifier(made, publishing(council).prefix)
    audit.record(
        actor,
        "funding.grant.recorded",
        obj=made,
        council=council,
        data={"identifier": made_id, "amount": str(made.amount), "recipient": made.recipient_org_id},
    )
    publish(
        "funding.grant.recorded",
        council=council,
        subject=made,
        data={
            "grant_id": str(made.pk),
            "identifier": made_id,
            "amount": str(made.amount),
            "recipient_org_id": made.recipient_org_id,
        },
    )
    return made


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
