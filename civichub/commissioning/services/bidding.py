"""Sealed bids: provider staff submit (or replace) their organisation's bid for a lot before the tender
deadline. Neither the audit entry nor the event says what the bid contains: only that it arrived."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from civichub.commissioning import checks
from civichub.commissioning.models import Bid, Lot, Procurement, Stage
from civichub.commissioning.selectors import lot as lot_of
from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict
from civichub.core.outbox import publish
from civichub.core.selectors import acting_provider


@transaction.atomic
def submit_bid(actor: Actor, procurement: Procurement, lot_id: Any, price: Any, response: str) -> Bid:
    """Submit the provider's sealed bid for one lot, or replace its earlier one, before the deadline."""
    council = procurement.council
    policy.require(actor, "commissioning.bids.submit", council)
    bidder = acting_provider(actor, council)
    if bidder is None:
        raise PermissionDenied("Only a provider's own staff can bid for it")
    procurement = Procurement.objects.for_council(council).select_for_update().get(pk=procurement.pk)
    if procurement.stage != Stage.TENDER:
        raise Conflict.on(
            "stage", f"The procurement is not open for bids (it is at {procurement.get_stage_display()})"
        )
    assert procurement.tender_deadline is not None
    now = timezone.now()
    if now >= procurement.tender_deadline:
        passed = timezone.localtime(procurement.tender_deadline)
        raise Conflict.on("tender_deadline", f"The deadline for bids passed at {passed:%H:%M on %d %B %Y}")
    lot: Lot = lot_of(procurement, lot_id)
    amount = checks.money(price, "price")
    text = checks.text(response, "response", label="the bid's response", max_length=20000)
    bid = Bid.objects.for_council(council).filter(lot=lot, bidder=bidder).first()
    replaced = bid is not None
    if bid is None:
        bid = Bid(council=council, procurement=procurement, lot=lot, bidder=bidder)
    bid.submitted_by = actor.user
    bid.price = str(amount)
    bid.response = text
    bid.submitted_at = now
    bid.save()
    # Nothing of the content: the audit log and the event feed are read by people the bid is sealed from.
    audit.record(
        actor,
        "commissioning.bid.replaced" if replaced else "commissioning.bid.submitted",
        obj=bid,
        council=council,
        data={"procurement_id": str(procurement.pk), "lot": lot.number, "bidder_id": str(bidder.pk)},
    )
    publish(
        "commissioning.bid.submitted",
        council=council,
        subject=bid,
        data={
            "bid_id": str(bid.pk),
            "procurement_id": str(procurement.pk),
            "lot_id": str(lot.pk),
            "bidder_id": str(bidder.pk),
        },
    )
    return bid
