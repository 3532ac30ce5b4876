"""Bids API: the caller's pipeline in the council (filtered, with counts by status), adding a bid,
changing it, and moving it to its next status. Thin: bid_selectors read, bids decide and audit."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.funding import bid_selectors, bids
from civichub.funding.work_schemas import BidChange, BidOut, BidStatusIn, FundingBidIn, StatusCountsOut

router = Router(tags=["funding bids"])
C = "/c/{council_slug}"


@router.get(
    f"{C}/funding/bids",
    response=list[BidOut],
    summary="Your pipeline of bids: the council's own for its officers, your organisation's for VCSE staff",
)
@paginate(LimitOffset)
def list_bids(
    request: HttpRequest, council_slug: str, status: str = "", need: str = "", owner: str = ""
) -> Any:
    actor, council = council_actor(request, council_slug, "funding.bids.view")
    found = bid_selectors.BidFilter(status=status[:20], need=need[:50], owner=owner[:40])
    return bid_selectors.bids(actor, council, found)


@router.get(f"{C}/funding/bid-counts", response=StatusCountsOut, summary="Bids in your pipeline by status")
def bid_counts(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "funding.bids.view")
    return bid_selectors.status_counts(actor, council)


@router.post(f"{C}/funding/bids", response={201: BidOut}, summary="Add a bid (drafting) to your pipeline")
def add_bid(request: HttpRequest, council_slug: str, payload: FundingBidIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "funding.bids.manage")
    return 201, bids.add_bid(actor, council, payload.dict())


@router.get(f"{C}/funding/bids/{{bid_id}}", response=BidOut, summary="One bid of your pipeline")
def get_bid(request: HttpRequest, council_slug: str, bid_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "funding.bids.view")
    return bid_selectors.bid(actor, council, bid_id)


@router.patch(
    f"{C}/funding/bids/{{bid_id}}", response=BidOut, summary="Change a bid's details (only those given)"
)
def change_bid(request: HttpRequest, council_slug: str, bid_id: UUID, payload: BidChange) -> Any:
    actor, council = council_actor(request, council_slug, "funding.bids.manage")
    return bids.change_bid(actor, council, bid_id, payload.dict(exclude_unset=True, exclude_none=True))


@router.post(
    f"{C}/funding/bids/{{bid_id}}/status",
    response=BidOut,
    summary="Move a bid to its next status (drafting, submitted, won, lost); won needs the amount won",
)
def change_status(request: HttpRequest, council_slug: str, bid_id: UUID, payload: BidStatusIn) -> Any:
    actor, council = council_actor(request, council_slug, "funding.bids.manage")
    return bids.change_status(
        actor, council, bid_id, payload.status, amount_won=payload.amount_won, on=payload.on
    )
