"""The bids pages: a pipeline (filtered, with counts by status), adding and changing a bid, and moving it
to its next status. Thin: bid_selectors read, bids decide; refusals go to the GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, user_of
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.forms import show_refusal
from civichub.core.models import Council
from civichub.funding import bid_selectors, bids, selectors
from civichub.funding.forms import BidForm, StatusForm
from civichub.funding.models import Bid
from civichub.needs import selectors as needs


def _page(request: HttpRequest, council: Council, template: str, title: str, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request,
        f"funding/{template}",
        {"title": title, "section": "council", "council": council, **context},
        status=status,
    )


@council_page("funding.bids.view")
def index(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    found = bid_selectors.BidFilter(
        status=request.GET.get("status", "")[:20], need=request.GET.get("need", "")[:50]
    )
    error = None
    try:
        listed = bid_selectors.bids(actor, council, found)
        listed.exists()
    except Refused as exc:
        error, listed = exc, bid_selectors.bids(actor, council)
    owner = bid_selectors.pipeline_owner(actor, council)
    return _page(
        request,
        council,
        "bids.html",
        "Bids for funding",
        status=400 if error else 200,
        error=error,
        search=found,
        page=page_of(request, listed),
        counts=bid_selectors.status_counts(actor, council),
        statuses=Bid.Status.choices,
        names=needs.category_names(council),
        pipeline=owner.name if owner else council.name,
        can_add=policy.allows(user_of(request), "funding.bids.manage", council),
    )


def _form(request: HttpRequest, actor: Actor, council: Council, bid: Bid | None) -> BidForm:
    organisation = bid.organisation if bid else bid_selectors.pipeline_owner(actor, council)
    people = bid_selectors.people_for(council, organisation or council.organisation)
    catalogue = selectors.search(council, selectors.Search(open_now=False))[:500]
    initial: dict[str, Any] = {"owner_id": str(actor.user.pk) if actor.user else ""}
    if bid is not None:
        initial = {
            "opportunity_id": str(bid.opportunity_id or ""),
            "funder": "" if bid.opportunity_id else bid.funder,
            "programme": "" if bid.opportunity_id else bid.programme,
            "owner_id": str(bid.owner_id),
            "amount_sought": bid.amount_sought,
            "need_codes": bid.need_list,
            "commission_refs": ", ".join(bid.commission_list),
            "due_on": bid.due_on.isoformat() if bid.due_on else "",
            "notes": bid.notes,
        }
    return BidForm(
        request.POST or None,
        initial=initial,
        opportunities=[(str(o.pk), f"{o.programme} ({o.funder})") for o in catalogue],
        people=[(str(p.pk), p.display_name) for p in people],
        needs=needs.category_names(council),
    )


def _raw(form: BidForm) -> dict[str, Any]:
    """What was typed, as the service reads it (the service checks every field itself)."""
    return {name: form.data.get(name, "") for name in form.fields} | {
        "need_codes": form.data.getlist("need_codes") if hasattr(form.data, "getlist") else []
    }


@council_page("funding.bids.manage")
def add(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    form = _form(request, actor, council, None)
    if request.method == "POST":
        try:
            made = bids.add_bid(actor, council, _raw(form))
            return redirect("funding:bid", council_slug=council.slug, bid_id=made.pk)
        except Refused as exc:
            form.is_valid()
            show_refusal(form, exc)
    return _page(
        request, council, "bid_form.html", "Add a bid", form=form, status=400 if form.errors else 200
    )


@council_page("funding.bids.view")
def bid(request: HttpRequest, council: Council, bid_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = bid_selectors.bid(actor, council, bid_id)
    return _bid_page(request, council, found, StatusForm(initial={"amount_won": found.amount_sought}))


def _bid_page(request: HttpRequest, council: Council, found: Bid, form: StatusForm) -> HttpResponse:
    return _page(
        request,
        council,
        "bid.html",
        found.programme,
        status=400 if form.errors else 200,
        bid=found,
        form=form,
        next_statuses=[(s, Bid.Status(s).label) for s in bid_selectors.TRANSITIONS[found.status]],
        names=needs.category_names(council),
        can_change=policy.allows(user_of(request), "funding.bids.manage", council),
    )


@council_page("funding.bids.manage")
def edit(request: HttpRequest, council: Council, bid_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = bid_selectors.bid(actor, council, bid_id)
    form = _form(request, actor, council, found)
    if request.method == "POST":
        try:
            bids.change_bid(actor, council, found.pk, _raw(form))
            return redirect("funding:bid", council_slug=council.slug, bid_id=found.pk)
        except Refused as exc:
            form.is_valid()
            show_refusal(form, exc)
    return _page(
        request,
        council,
        "bid_form.html",
        f"Change the bid: {found.programme}",
        form=form,
        bid=found,
        status=400 if form.errors else 200,
    )


@council_page("funding.bids.manage")
def change_status(request: HttpRequest, council: Council, bid_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = bid_selectors.bid(actor, council, bid_id)
    if request.method != "POST":
        return redirect("funding:bid", council_slug=council.slug, bid_id=found.pk)
    form = StatusForm(request.POST)
    try:
        bids.change_status(
            actor,
            council,
            found.pk,
            request.POST.get("status", "")[:20],
            amount_won=request.POST.get("amount_won", "")[:20]
            if request.POST.get("status") == Bid.Status.WON
            else None,
            on=request.POST.get("on", "")[:10],
        )
        return redirect("funding:bid", council_slug=council.slug, bid_id=found.pk)
    except Refused as exc:
        form.is_valid()
        show_refusal(form, exc)
    return _bid_page(request, council, found, form)
