"""Reading bids: a pipeline as its organisation keeps it, with counts by status, and the funding a council
has won (a budget source for commissioning).

Whose pipeline a person sees is decided here, whichever door they came in by: a council's officers see
the council's own bids (its organisation is the bidder); a VCSE organisation's staff see only their
organisation's. Nobody sees another organisation's bids, even in the same council.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council, Membership, Organisation, Role, User
from civichub.core.selectors import acting_provider
from civichub.core.text import clean_text
from civichub.funding.models import Bid

# Where a bid may go next from each status. Won and lost are final: a new round is a new bid.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Bid.Status.DRAFTING: (Bid.Status.SUBMITTED, Bid.Status.LOST),
    Bid.Status.SUBMITTED: (Bid.Status.WON, Bid.Status.LOST, Bid.Status.DRAFTING),
    Bid.Status.WON: (),
    Bid.Status.LOST: (),
}


def pipeline_owner(actor: Actor, council: Council) -> Organisation | None:
    """The organisation whose pipeline the actor works in: the council's own for its officers, their own
    for a VCSE organisation's staff; None for a platform job, which sees every pipeline of the council."""
    if actor.is_system:
        return None
    return acting_provider(actor, council) or council.organisation


@dataclass(frozen=True)
class BidFilter:
    status: str = ""
    need: str = ""
    owner: str = ""  # a user's id


def bids(actor: Actor, council: Council, found: BidFilter | None = None) -> QuerySet[Bid]:
    """The actor's pipeline in the council, due soonest first, optionally by status, need or owner."""
    policy.require(actor, "funding.bids.view", council)
    result = Bid.objects.for_council(council).select_related("owner", "organisation", "opportunity")
    organisation = pipeline_owner(actor, council)
    if organisation is not None:
        result = result.filter(organisation=organisation)
    found = found or BidFilter()
    if found.status:
        if found.status not in Bid.Status.values:
            raise Refused.on("status", f"Use one of {', '.join(Bid.Status.values)}")
        result = result.filter(status=found.status)
    if found.need:
        result = result.filter(need_codes__contains=f" {clean_text(found.need).lower()[:50]} ")
    if found.owner:
        result = result.filter(owner_id=_uuid_or_none(found.owner, "owner"))
    return result.order_by("due_on", "-created_at")


def _uuid_or_none(text: str, field: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise Refused.on(field, "Choose someone from the list") from None


def bid(actor: Actor, council: Council, bid_id: uuid.UUID | str) -> Bid:
    """One bid of the actor's pipeline (404 for anyone else's: another organisation's look the same)."""
    found = bids(actor, council).filter(pk=bid_id).first()
    if found is None:
        raise NotFound.on("bid_id", "No such bid in your pipeline")
    return found


def status_counts(actor: Actor, council: Council) -> dict[str, int]:
    """{status: bids} over the actor's whole pipeline, every status present (0 if none)."""
    rows = bids(actor, council).order_by().values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in Bid.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def people_for(council: Council, organisation: Organisation) -> QuerySet[User]:
    """Who may own a bid in this pipeline: the council's officers for its own, the organisation's staff
    in the council for a VCSE organisation's."""
    if organisation.pk == council.organisation_id:
        members = Membership.objects.filter(council=council, role__in=[r.value for r in policy.OFFICERS])
    else:
        members = Membership.objects.filter(
            council=council, role=Role.PROVIDER_STAFF, organisation=organisation
        )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by(
        "first_name", "last_name", "username"
    )


@dataclass(frozen=True)
class WonFunding:
    """Money the council won, as commissioning reads it: a budget source for its commissions."""

    bid_id: str
    funder: str
    programme: str
    amount: Decimal
    decided_on: date | None
    need_codes: list[str]
    commission_refs: list[str]


def won_funding(council: Council) -> list[WonFunding]:
    """The council's own won bids (not VCSE organisations'), newest decision first: the budget sources
    that commissioning may draw on, each with the needs and commission references it was bid for.
    Amounts are council figures, not personal data, so the read is not audited."""
    rows = (
        Bid.objects.for_council(council)
        .filter(organisation_id=council.organisation_id, status=Bid.Status.WON)
        .order_by("-decided_on", "programme")
    )
    return [
        WonFunding(
            str(b.pk),
            b.funder,
            b.programme,
            b.amount_won or Decimal(0),
            b.decided_on,
            b.need_list,
            b.commission_list,
        )
        for b in rows
    ]


def won_total(council: Council) -> Decimal:
    found = (
        Bid.objects.for_council(council)
        .filter(organisation_id=council.organisation_id, status=Bid.Status.WON)
        .aggregate(total=Sum("amount_won"))
    )
    return found["total"] or Decimal(0)
