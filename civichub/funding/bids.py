"""Bids for funding: adding one to a pipeline, changing its details, and moving it from one status to the
next (drafting, submitted, won, lost). Each change is decided here (the policy, whose pipeline, which
transitions), audited and published in one transaction; every status change publishes
`funding.bid.status_changed` with the old and the new status.

A bid names an opportunity of the catalogue or, for one not in it, a funder and a programme in words.
Its needs are need category codes; its commissions are references in words until commissioning exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council, Organisation
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.funding import checks
from civichub.funding.bid_selectors import TRANSITIONS, bid, people_for, pipeline_owner
from civichub.funding.models import Bid, padded
from civichub.funding.selectors import opportunity, theme_codes

EDITABLE = (
    "opportunity",
    "funder",
    "programme",
    "owner",
    "amount_sought",
    "need_codes",
    "commission_refs",
    "notes",
    "due_on",
)


def _organisation_for(actor: Actor, council: Council, organisation: Organisation | None) -> Organisation:
    """Whose pipeline the new bid joins: the actor's own. A platform job (the demo) names it."""
    own = pipeline_owner(actor, council)
    if own is None:
        return organisation or council.organisation
    if organisation is not None and organisation.pk != own.pk:
        raise PermissionDenied("You may only add bids to your own organisation's pipeline")
    return own


def _fields(
    council: Council, organisation: Organisation, raw: Mapping[str, Any], bid: Bid | None
) -> dict[str, Any]:
    """The bid's fields from what was typed: only those given when changing a bid."""
    given = (lambda name: name in raw) if bid is not None else (lambda name: True)
    fields: dict[str, Any] = {}
    opportunity_given = given("opportunity_id")
    if opportunity_given:
        chosen = clean_text(str(raw.get("opportunity_id") or ""))
        fields["opportunity"] = (
            opportunity(council, _uuid(chosen, "opportunity_id", "Choose an opportunity from the catalogue"))
            if chosen
            else None
        )
    linked = fields["opportunity"] if opportunity_given else (bid.opportunity if bid else None)
    if linked is not None:
        fields["funder"], fields["programme"] = linked.funder, linked.programme
    elif opportunity_given or given("funder") or given("programme"):
        for name, limit, words in (("funder", 200, "who funds it"), ("programme", 300, "the programme")):
            text = clean_text(str(raw.get(name) or "")) if name in raw else getattr(bid, name, "")
            if not text or len(text) > limit:
                raise Refused.on(
                    name,
                    f"Choose an opportunity, or give {words} (up to {limit} characters) for one not in "
                    "the catalogue",
                )
            fields[name] = text
    if given("amount_sought"):
        fields["amount_sought"] = checks.money(raw.get("amount_sought"), "amount_sought", required=True)
    if given("need_codes"):
        codes = checks.need_codes(raw.get("need_codes"), set(theme_codes(council)), "need_codes")
        fields["need_codes"] = padded(codes)
    if given("commission_refs"):
        refs = [ref[:60] for ref in checks.items(raw.get("commission_refs"), limit=9)]
        fields["commission_refs"] = padded(refs)
    if given("notes"):
        notes = clean_text(str(raw.get("notes") or ""), multiline=True)
        if len(notes) > 5000:
            raise Refused.on("notes", "Keep the notes to 5,000 characters")
        fields["notes"] = notes
    if given("due_on"):
        fields["due_on"] = checks.day(raw.get("due_on"), "due_on")
    if given("owner_id") and (raw.get("owner_id") or bid is None):
        owner_id = clean_text(str(raw.get("owner_id") or ""))
        message = "Choose the bid's owner from the people of this pipeline"
        owner = (
            people_for(council, organisation).filter(pk=_uuid(owner_id, "owner_id", message)).first()
            if owner_id
            else None
        )
        if owner is None:
            raise Refused.on("owner_id", message)
        fields["owner"] = owner
    return fields


def _uuid(text: str, field: str, message: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise Refused.on(field, message) from None


@transaction.atomic
def add_bid(
    actor: Actor, council: Council, raw: Mapping[str, Any], *, organisation: Organisation | None = None
) -> Bid:
    """Add a bid (drafting) to the actor's pipeline. The owner defaults to the person adding it."""
    policy.require(actor, "funding.bids.manage", council)
    bidder = _organisation_for(actor, council, organisation)
    raw = dict(raw)
    if not raw.get("owner_id") and actor.user is not None:
        raw["owner_id"] = str(actor.user.pk)
    made = Bid(council=council, organisation=bidder, **_fields(council, bidder, raw, None))
    made.save()
    audit.record(
        actor,
        "funding.bid.added",
        obj=made,
        council=council,
        data={"organisation": str(bidder.pk), "funder": made.funder, "programme": made.programme},
    )
    publish(
        "funding.bid.added",
        council=council,
        subject=made,
        data={
            "bid_id": str(made.pk),
            "organisation_id": str(bidder.pk),
            "funder": made.funder,
            "programme": made.programme,
            "status": made.status,
        },
    )
    return made


@transaction.atomic
def change_bid(actor: Actor, council: Council, bid_id: uuid.UUID | str, raw: Mapping[str, Any]) -> Bid:
    """Change a bid's details (any that are given); its status changes only through `change_status`."""
    policy.require(actor, "funding.bids.manage", council)
    found = bid(actor, council, bid_id)
    found = Bid.objects.for_council(council).select_for_update().get(pk=found.pk)
    fields = _fields(council, found.organisation, raw, found)
    changed = [name for name, value in fields.items() if getattr(found, name) != value]
    if not changed:
        return found
    for name in changed:
        setattr(found, name, fields[name])
    found.save()
    audit.record(actor, "funding.bid.changed", obj=found, council=council, data={"fields": changed})
    publish(
        "funding.bid.changed",
        council=council,
        subject=found,
        data={"bid_id": str(found.pk), "organisation_id": str(found.organisation_id), "fields": changed},
    )
    return found


@transaction.atomic
def change_status(
    actor: Actor,
    council: Council,
    bid_id: uuid.UUID | str,
    status: str,
    *,
    amount_won: Any = None,
    on: Any = None,
) -> Bid:
    """Move a bid to its next status. Won needs the amount won; submitted, won and lost take the day it
    happened (today if not given). Won and lost are final."""
    policy.require(actor, "funding.bids.manage", council)
    found = bid(actor, council, bid_id)
    found = Bid.objects.for_council(council).select_for_update().get(pk=found.pk)
    old = found.status
    if status not in Bid.Status.values:
        raise Refused.on("status", f"Use one of {', '.join(Bid.Status.values)}")
    if status not in TRANSITIONS[old]:
        allowed = ", ".join(TRANSITIONS[old]) or "nothing: it is final"
        raise Conflict.on("status", f"A bid that is {old} can move to {allowed}, not {status}")
    when = checks.day(on, "on") or timezone.localdate()
    found.status = status
    if status == Bid.Status.WON:
        found.amount_won = checks.money(amount_won, "amount_won", required=True, positive=True)
        found.decided_on = when
    elif amount_won not in (None, ""):
        raise Refused.on("amount_won", "Give the amount won only when the bid is won")
    if status == Bid.Status.LOST:
        found.decided_on = when
    if status == Bid.Status.SUBMITTED:
        found.submitted_on = when
    if status == Bid.Status.DRAFTING:  # sent back to be worked on: it is no longer in
        found.submitted_on = None
    found.save()
    data = {
        "bid_id": str(found.pk),
        "organisation_id": str(found.organisation_id),
        "old_status": old,
        "new_status": status,
        "amount_won": str(found.amount_won) if found.amount_won is not None else None,
        "commission_refs": found.commission_list,
    }
    audit.record(actor, "funding.bid.status_changed", obj=found, council=council, data=data)
    publish("funding.bid.status_changed", council=council, subject=found, data=data)
    return found
