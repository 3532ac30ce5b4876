"""Pages for the decisions register and the forward plan: the council's own (record, publish, call-in,
votes, evidence) and the public one (open data, with CSV and an Atom feed)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, public, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.selectors import council_by_slug
from civichub.records import selectors
from civichub.records.models import Decision, DecisionVote, LinkType, Marking
from civichub.records.services import decisions, documents
from civichub.records.views.shared import error_of, purpose_page

CSV_COLUMNS = [
    "reference",
    "title",
    "decided_on",
    "decision_maker",
    "maker_kind",
    "meeting",
    "key_decision",
    "forward_plan",
    "notice_clear_days",
    "decision",
    "reasons",
    "alternatives",
    "conflicts_of_interest",
    "published_on",
    "call_in_deadline",
    "call_in_status",
]


@council_page("records.documents.view")
def register(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's decisions register as officers see it, drafts first."""
    found = selectors.decisions(actor_of(request), council).select_related("forward_plan_entry")
    status = request.GET.get("status", "")
    if status in Decision.Status.values:
        found = found.filter(status=status)
    return render(
        request,
        "records/decisions.html",
        {
            "title": "Decisions register",
            "section": "council",
            "council": council,
            "page": page_of(request, found.order_by("-decided_on", "-reference")),
            "status": status,
            "can_manage": policy.allows(user_of(request), "records.decisions.manage", council),
        },
    )


@council_page("records.decisions.manage")
def new_decision(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            made = decisions.record_decision(
                actor,
                council,
                **{
                    k: request.POST.get(k, "")
                    for k in (
                        "title",
                        "decision",
                        "maker_kind",
                        "maker_name",
                        "meeting",
                        "decided_on",
                        "forward_plan_entry",
                        "reasons",
                        "alternatives",
                        "conflicts",
                        "marking",
                    )
                },
                is_key=request.POST.get("is_key") == "yes",
            )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:decision", council_slug=council.slug, decision_id=made.pk)
    return render(
        request,
        "records/decision_form.html",
        {
            "title": "Record a decision",
            "section": "council",
            "council": council,
            "form": request.POST,
            "error": error,
            "makers": Decision.Maker.choices,
            "markings": Marking.choices,
            "entries": [
                (e.reference, f"{e.reference} {e.title} (expected {e.expected_on})")
                for e in selectors.forward_plan(council)
            ],
        },
        status=400 if error else 200,
    )


@council_page("records.documents.view")
def decision(request: HttpRequest, council: Council, decision_id: str) -> HttpResponse:
    """One decision; managers publish it, move its call-in on, record votes and link evidence."""
    actor = actor_of(request)
    purpose = request.POST.get("purpose") or request.GET.get("purpose", "")
    heading = selectors.decisions(actor, council).filter(pk=selectors.key_of(decision_id, "decision")).first()
    if heading is None:
        from django.http import Http404

        raise Http404("There is no decision with that id")
    if heading.marking == Marking.SENSITIVE and not purpose:
        return purpose_page(request, council, heading, None, back="records:decisions")
    try:
        found = selectors.decision(actor, council, decision_id, purpose)
    except Refused as exc:
        return purpose_page(request, council, heading, error_of(exc), back="records:decisions")
    error = None
    if request.method == "POST":
        try:
            _act(request, actor, found)
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect(request.get_full_path())
    return render(
        request,
        "records/decision.html",
        {
            "title": found.title,
            "section": "council",
            "council": council,
            "decision": found,
            "votes": DecisionVote.objects.for_council(council).filter(decision=found),
            "links": selectors.decision_links(found),
            "evidence": selectors.evidence(actor, found),
            "purpose": purpose,
            "error": error,
            "form": request.POST,
            "link_types": LinkType.choices,
            "moves": [
                (m, Decision.CallIn(m).label)
                for m in sorted(decisions.CALL_IN_MOVES.get(Decision.CallIn(found.call_in_status), set()))
            ],
            "can_manage": policy.allows(user_of(request), "records.decisions.manage", council),
        },
        status=400 if error else 200,
    )


def _act(request: HttpRequest, actor: Any, found: Decision) -> None:
    action = request.POST.get("action", "")
    if action == "publish":
        decisions.publish_decision(actor, found, published_on=request.POST.get("published_on", ""))
    elif action == "call_in":
        decisions.set_call_in(actor, found, request.POST.get("status", ""), request.POST.get("note", ""))
    elif action == "votes":
        lines = [line.rsplit(":", 1) for line in request.POST.get("votes", "").splitlines() if line.strip()]
        if any(len(parts) != 2 for parts in lines):
            raise Refused.on(
                "votes", "Write each vote as 'Member: for', 'Member: against' or 'Member: abstained'"
            )
        decisions.record_votes(actor, found, [(m.strip(), v.strip().lower()) for m, v in lines])
    elif action == "link":
        decisions.link_decision(
            actor, found, request.POST.get("target_type", ""), request.POST.get("target_id", "")
        )
    elif action == "evidence":
        record = selectors.document_heading(
            actor, found.council, request.POST.get("document_id", "").strip() or "-"
        )
        documents.link_document(actor, record, LinkType.DECISION, str(found.pk))
    else:
        raise Refused.on(None, "Choose what to do")


@council_page("records.documents.view")
def forward_plan(request: HttpRequest, council: Council) -> HttpResponse:
    """The forward plan of key decisions; managers give notice of one, or withdraw it."""
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("withdraw"):
                entry = selectors.forward_plan_entry(council, request.POST["withdraw"])
                decisions.withdraw_forward_plan_entry(actor, entry)
            else:
                decisions.add_forward_plan_entry(
                    actor,
                    council,
                    **{
                        k: request.POST.get(k, "")
                        for k in ("title", "maker", "expected_on", "published_on", "summary")
                    },
                )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:forward-plan", council_slug=council.slug)
    return render(
        request,
        "records/forward_plan.html",
        {
            "title": "Forward plan",
            "section": "council",
            "council": council,
            "entries": selectors.forward_plan(council, include_past=True),
            "form": request.POST,
            "error": error,
            "can_manage": policy.allows(user_of(request), "records.decisions.manage", council),
        },
        status=400 if error else 200,
    )


# --- Public -----------------------------------------------------------------------------------------


def _rows(found: Any) -> Any:
    for d in found:
        yield [
            d.reference,
            d.title,
            d.decided_on.isoformat(),
            d.maker_name,
            d.get_maker_kind_display(),
            d.meeting,
            "yes" if d.is_key else "no",
            d.forward_plan_entry.reference if d.forward_plan_entry else "",
            "" if d.notice_clear_days is None else d.notice_clear_days,
            d.decision,
            d.reasons,
            d.alternatives,
            d.conflicts,
            d.published_on.isoformat() if d.published_on else "",
            d.call_in_deadline.isoformat() if d.call_in_deadline else "",
            d.get_call_in_status_display(),
        ]


@public
def public_register(request: HttpRequest, council_slug: str) -> HttpResponse:
    """A council's published decisions and its forward plan (open data): the page, CSV and a feed."""
    council = council_by_slug(council_slug)
    found = selectors.public_decisions(council)
    if request.GET.get("key") == "1":
        found = found.filter(is_key=True)
    if request.GET.get("format") == "csv":
        return csv_download(f"{council.slug}-decisions.csv", CSV_COLUMNS, _rows(found))
    return render(
        request,
        "records/public_decisions.html",
        {
            "title": f"Decisions of {council.short_name}",
            "section": "decisions",
            "council": council,
            "page": page_of(request, found),
            "entries": selectors.forward_plan(council),
            "key_only": request.GET.get("key") == "1",
        },
    )


@public
def public_decision(request: HttpRequest, council_slug: str, decision_id: str) -> HttpResponse:
    council = council_by_slug(council_slug)
    found = selectors.public_decision(council, decision_id)
    return render(
        request,
        "records/public_decision.html",
        {
            "title": found.title,
            "section": "decisions",
            "council": council,
            "decision": found,
            "votes": DecisionVote.objects.for_council(council).filter(decision=found),
            "evidence": selectors.public_evidence(found),
        },
    )


@public
def feed(request: HttpRequest, council_slug: str) -> HttpResponse:
    """The latest published decisions as an Atom feed."""
    council = council_by_slug(council_slug)
    page_url = request.build_absolute_uri(
        reverse("records:public-decisions", kwargs={"council_slug": council.slug})
    )
    atom = Atom1Feed(
        title=f"Decisions of {council.name}",
        link=page_url,
        description=f"Decisions published by {council.name}",
        language="en-gb",
        feed_url=request.build_absolute_uri(),
    )
    for d in selectors.public_decisions(council)[:50]:
        link = request.build_absolute_uri(
            reverse("records:public-decision", kwargs={"council_slug": council.slug, "decision_id": d.pk})
        )
        atom.add_item(
            title=f"{d.reference}: {d.title}",
            link=link,
            description=d.decision,
            unique_id=f"urn:uuid:{d.pk}",
            updateddate=d.updated_at,
            pubdate=d.updated_at,
            categories=["key decision"] if d.is_key else None,
        )
    return HttpResponse(atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")
