"""Commissioning's pages: commissions, a procurement (its stage, lots, notices, and by role: the bid form,
the sealed receipts, the opened bids to score, the award), a contract (open book, outcomes, KPIs,
variations, termination) and its history. Thin: what was typed goes to the services, which refuse
naming the field; the refusal is shown in the GOV.UK error summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from civichub.commissioning import selectors
from civichub.commissioning.models import Contract, Procurement, Rating, Stage
from civichub.commissioning.services import bidding, contracts, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.selectors import acting_provider, council_providers


def _page(request: HttpRequest, council: Council, template: str, title: str, **context: Any) -> HttpResponse:
    refused: Refused | None = context.pop("refused", None)
    return render(
        request,
        f"commissioning/{template}",
        {
            "title": title,
            "section": "council",
            "council": council,
            "refused": refused,
            "field_errors": {e.field: e.message for e in (refused.errors if refused else [])},
            "posted": request.POST if refused else {},
            **context,
        },
        status=400 if refused else 200,
    )


def _can(request: HttpRequest, permission: str, council: Council) -> bool:
    return policy.allows(user_of(request), permission, council)


def _attempt(action: Callable[[], Any]) -> Refused | None:
    try:
        action()
    except Refused as refused:
        return refused
    return None


@council_page("commissioning.view")
def index(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's commissions, procurements and contracts; commissioners set up a commission here."""
    actor = actor_of(request)
    refused = None
    if request.method == "POST":
        post = request.POST
        made: list[Any] = []
        refused = _attempt(
            lambda: made.append(
                procuring.create_commission(
                    actor,
                    council,
                    {k: post.get(k, "") for k in ("title", "purpose", "place_codes", "need_codes")}
                    | {"market_category_code": post.get("market_category_code", "")},
                )
            )
        )
        if refused is None:
            return redirect("commissioning:commission", council_slug=council.slug, commission_id=made[0].pk)
    return _page(
        request,
        council,
        "index.html",
        "Commissioning",
        refused=refused,
        commissions=selectors.commissions(actor, council)[:100],
        procurements=selectors.procurements(actor, council)[:100],
        contracts=selectors.contracts(actor, council)[:100],
        manages=_can(request, "commissioning.manage", council),
        # The dashboard and the ward budgets are the commissioners', analysts' and councillors' only:
        # provider staff and other officers see commissioning, but are not sent to pages that refuse them.
        sees_money=_can(request, "commissioning.dashboard.view", council),
    )


@council_page("commissioning.view")
def commission(request: HttpRequest, council: Council, commission_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.commission(actor, council, commission_id)
    refused = None
    if request.method == "POST":
        fields = ("reference", "title", "description", "procedure", "stage", "value_estimate")
        extra = ("direct_award_justification", "framework_reference")
        made: list[Procurement] = []
        raw = {k: request.POST.get(k, "") for k in (*fields, *extra)}
        refused = _attempt(lambda: made.append(procuring.start_procurement(actor, found, raw)))
        if refused is None:
            return redirect("commissioning:procurement", council_slug=council.slug, procurement_id=made[0].pk)
    return _page(
        request,
        council,
        "commission.html",
        found.title,
        refused=refused,
        commission=found,
        procurements=selectors.procurements_of(actor, found),
        procedures=Procurement.Procedure.choices,
        manages=_can(request, "commissioning.manage", council),
    )


def _procurement_action(request: HttpRequest, procurement: Procurement) -> Refused | None:
    actor, post = actor_of(request), request.POST
    action = post.get("form", "")
    actions: dict[str, Callable[[], Any]] = {
        "advance": lambda: procuring.advance(actor, procurement, post.get("stage", "")),
        "lots": lambda: procuring.set_lots(
            actor,
            procurement,
            [{"title": post.get("lot_title", "") or procurement.title}],
            [
                {
                    "name": post.get(f"criterion_{i}_name", ""),
                    "kind": kind,
                    "weight": post.get(f"criterion_{i}_weight"),
                }
                for i, kind in enumerate(("quality", "price", "social_value"))
                if post.get(f"criterion_{i}_weight")
            ],
        ),
        "tender": lambda: procuring.open_tender(actor, procurement, post.get("tender_deadline", "")),
        "bid": lambda: bidding.submit_bid(
            actor, procurement, post.get("lot_id"), post.get("price"), post.get("response", "")
        ),
        "score": lambda: evaluation.score_bid(
            actor,
            procurement,
            post.get("bid_id"),
            post.get("criterion_id"),
            post.get("score"),
            post.get("reason", ""),
        ),
        "award": lambda: evaluation.award(actor, procurement),
        "call_off": lambda: evaluation.call_off(
            actor, procurement, post.get("provider_id"), post.get("value")
        ),
        "direct_award": lambda: evaluation.award_directly(
            actor, procurement, post.get("provider_id"), post.get("value")
        ),
        "contract": lambda: contracts.make_contract(
            actor,
            procurement,
            post.get("lot_id"),
            {k: post.get(k, "") for k in ("start_date", "end_date")},
        ),
        "terminate": lambda: procuring.terminate_procurement(actor, procurement, post.get("reason", "")),
    }
    if action not in actions:
        return Refused.on("form", "That is not something this page does")
    return _attempt(actions[action])


@council_page("commissioning.view")
def procurement(request: HttpRequest, council: Council, procurement_id: str) -> HttpResponse:
    """One procurement. What each person sees of its bids depends on who they are and on the deadline:
    officers see receipts (no content) until it passes, then evaluators see the opened bids; provider
    staff see and change only their own bid."""
    actor = actor_of(request)
    found = selectors.procurement(actor, council, procurement_id)
    refused = None
    if request.method == "POST":
        refused = _procurement_action(request, found)
        if refused is None:
            return redirect("commissioning:procurement", council_slug=council.slug, procurement_id=found.pk)
        found = selectors.procurement(actor, council, procurement_id)
    provider = acting_provider(actor, council)
    sealed = selectors.is_sealed(found)
    evaluates = provider is None and _can(request, "commissioning.bids.evaluate", council)
    lots = [(lot, selectors.criteria_of(found, lot)) for lot in selectors.lots(found)]
    opened = selectors.opened_bids(actor, found) if evaluates and not sealed else []
    own = provider is not None and _can(request, "commissioning.bids.submit", council)
    return _page(
        request,
        council,
        "procurement.html",
        found.title,
        refused=refused,
        procurement=found,
        lots=lots,
        lot_choices=[(str(lot.pk), f"Lot {lot.number}: {lot.title}") for lot, _ in lots],
        bid_choices=[(str(b.pk), f"Lot {b.lot.number}: {b.bidder.name}") for b in opened],
        criterion_choices=[(str(c.pk), f"Lot {lot.number}: {c.name}") for lot, cs in lots for c in cs],
        notices=selectors.notices_of(found),
        sealed=sealed,
        provider=provider,
        own_bids=selectors.own_bids(actor, found) if own else [],
        receipts=selectors.bid_receipts(actor, found) if provider is None else [],
        opened=opened,
        rankings=selectors.rankings(actor, found) if evaluates and not sealed else [],
        manages=_can(request, "commissioning.manage", council) and provider is None,
        evaluates=evaluates,
        stages=Stage,
        providers=[(str(p.organisation_id), p.organisation.name) for p in council_providers(actor, council)]
        if provider is None and _can(request, "council.providers.view", council)
        else [],
        contract_due=found.stage == Stage.STANDSTILL
        and (found.standstill_ends is None or found.standstill_ends < timezone.localdate()),
        contracts=selectors.contracts(actor, council).filter(procurement=found),
    )


def _contract_action(request: HttpRequest, contract: Contract) -> Refused | None:
    actor, post = actor_of(request), request.POST
    kpis = [k for k, _ in selectors.kpis(contract)]
    ratings = [
        {"kpi_id": k.pk, "rating": post.get(f"rating_{k.pk}", ""), "note": post.get(f"note_{k.pk}", "")}
        for k in kpis
    ]
    actions: dict[str, Callable[[], Any]] = {
        "vary": lambda: contracts.vary_contract(
            actor,
            contract,
            {k: post.get(k, "") for k in ("reason", "cost_change", "agreed_by", "agreed_on", "new_end_date")},
        ),
        "assess": lambda: contracts.assess_performance(actor, contract, post.get("period_end", ""), ratings),
        "terminate": lambda: contracts.terminate_contract(
            actor,
            contract,
            {
                "reason": post.get("reason", ""),
                "terminated_on": post.get("terminated_on", ""),
                "ratings": ratings,
            },
        ),
    }
    action = post.get("form", "")
    if action not in actions:
        return Refused.on("form", "That is not something this page does")
    return _attempt(actions[action])


@council_page("commissioning.view")
def contract(request: HttpRequest, council: Council, contract_id: str) -> HttpResponse:
    """A contract: the open book (each line for the commissioner and the provider, the total for
    everyone), outcomes against targets, KPI ratings, breaches, variations and its notices."""
    actor = actor_of(request)
    found = selectors.contract(actor, council, contract_id)
    refused = None
    if request.method == "POST":
        if not _can(request, "commissioning.manage", council):
            raise PermissionDenied("Only the commissioner changes a contract here")
        refused = _contract_action(request, found)
        if refused is None:
            return redirect("commissioning:contract", council_slug=council.slug, contract_id=found.pk)
        found = selectors.contract(actor, council, contract_id)
    return _page(
        request,
        council,
        "contract.html",
        found.title,
        refused=refused,
        contract=found,
        cost_total=selectors.cost_total(found),
        cost_lines=selectors.cost_lines(actor, found) if selectors.may_see_costs(actor, found) else None,
        outcomes=selectors.outcomes(found),
        kpis=selectors.kpis(found),
        breaches=selectors.breaches(found),
        variations=selectors.variations(found),
        notices=selectors.contract_notices(found),
        assessment_due=selectors.assessment_due(found),
        ratings=Rating.choices,
        manages=_can(request, "commissioning.manage", council) and acting_provider(actor, council) is None,
    )


@council_page("commissioning.view")
def history(request: HttpRequest, council: Council, contract_id: str) -> HttpResponse:
    """Every version of a contract, first to latest, with what changed and why."""
    actor = actor_of(request)
    found = selectors.contract(actor, council, contract_id)
    return _page(
        request,
        council,
        "history.html",
        f"History of {found.title}",
        contract=found,
        versions=selectors.versions(found),
        variations={v.new_version: v for v in selectors.variations(found)},
    )
