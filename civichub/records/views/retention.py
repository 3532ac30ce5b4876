"""Pages for the retention schedule, the records manager's dashboard, legal holds, disposal runs and the
FOI and SAR log."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, user_of
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.records import dashboard as figures
from civichub.records import selectors
from civichub.records.models import InformationRequest, LegalHold, LinkType, RecordClass
from civichub.records.services import disposal, requests, retention
from civichub.records.views.documents import classes_of
from civichub.records.views.shared import error_of


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


@council_page("records.documents.view")
def schedule(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's retention schedule; the records manager adds or changes a line, or seeds it."""
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("seed"):
                retention.seed_schedule(actor, council)
            else:
                retention.save_record_class(
                    actor,
                    council,
                    **{
                        k: request.POST.get(k, "")
                        for k in (
                            "code",
                            "name",
                            "trigger",
                            "retention_years",
                            "action",
                            "description",
                            "source",
                        )
                    },
                )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:schedule", council_slug=council.slug)
    return render(
        request,
        "records/schedule.html",
        {
            "title": "Retention schedule",
            "section": "council",
            "council": council,
            "classes": selectors.schedule(actor, council).order_by("code"),
            "form": request.POST,
            "error": error,
            "triggers": RecordClass.Trigger.choices,
            "actions": RecordClass.Action.choices,
            "can_manage": policy.allows(user_of(request), "records.retention.manage", council),
        },
        status=400 if error else 200,
    )


@council_page("records.retention.view")
def dashboard(request: HttpRequest, council: Council) -> HttpResponse:
    """Records by class and age, what falls due in 90 days, holds and disposal history (and as CSV)."""
    summary = figures.summary(actor_of(request), council)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"{council.slug}-records-by-class.csv",
            [
                "class",
                "name",
                "action",
                "retention_years",
                "records",
                *summary.age_labels,
                "due_within_90_days",
            ],
            ([c.code, c.name, c.action, c.retention_years, c.total, *c.ages, c.due] for c in summary.classes),
        )
    return render(
        request,
        "records/dashboard.html",
        {"title": "Records dashboard", "section": "council", "council": council, "summary": summary},
    )


@council_page("records.retention.view")
def holds(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            hold = retention.place_hold(
                actor,
                council,
                title=request.POST.get("title", ""),
                reason=request.POST.get("reason", ""),
                description=request.POST.get("description", ""),
                documents=_ids(request.POST.get("documents", "")),
                record_class=request.POST.get("record_class") or None,
                link_type=request.POST.get("link_type", ""),
                link_id=request.POST.get("link_id", ""),
            )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:hold", council_slug=council.slug, hold_id=hold.pk)
    return render(
        request,
        "records/holds.html",
        {
            "title": "Legal holds",
            "section": "council",
            "council": council,
            "page": page_of(
                request, selectors.legal_holds(actor, council).order_by("lifted_at", "-created_at")
            ),
            "form": request.POST,
            "error": error,
            "reasons": LegalHold.Reason.choices,
            "classes": classes_of(request, council),
            "link_types": LinkType.choices,
            "can_manage": policy.allows(user_of(request), "records.retention.manage", council),
        },
        status=400 if error else 200,
    )


@council_page("records.retention.view")
def hold(request: HttpRequest, council: Council, hold_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.legal_hold(actor, council, hold_id)
    error = None
    if request.method == "POST":
        try:
            retention.lift_hold(actor, found, request.POST.get("reason", ""))
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:hold", council_slug=council.slug, hold_id=found.pk)
    return render(
        request,
        "records/hold.html",
        {
            "title": found.title,
            "section": "council",
            "council": council,
            "hold": found,
            "held": selectors.held_documents(actor, found)[:200],
            "error": error,
            "form": request.POST,
            "can_manage": found.is_active
            and policy.allows(user_of(request), "records.retention.manage", council),
        },
        status=400 if error else 200,
    )


@council_page("records.retention.view")
def disposals(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            run = disposal.propose_disposal(
                actor, council, due_by=request.POST.get("due_by", ""), note=request.POST.get("note", "")
            )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:disposal", council_slug=council.slug, disposal_id=run.pk)
    return render(
        request,
        "records/disposals.html",
        {
            "title": "Disposal runs",
            "section": "council",
            "council": council,
            "page": page_of(request, selectors.disposal_runs(actor, council)),
            "form": request.POST,
            "error": error,
            "can_propose": policy.allows(user_of(request), "records.retention.manage", council),
        },
        status=400 if error else 200,
    )


@council_page("records.retention.view")
def disposal_run(request: HttpRequest, council: Council, disposal_id: str) -> HttpResponse:
    """A run: what is due and why; a second person approves it (now, or scheduled), or it is cancelled."""
    actor = actor_of(request)
    run = selectors.disposal_run(actor, council, disposal_id)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                disposal.cancel_disposal(actor, run, request.POST.get("reason", ""))
            elif request.POST.get("action") == "approve":
                disposal.approve_disposal(actor, run, at=_when(request.POST.get("at", "")))
            else:
                raise Refused.on(None, "Choose whether to approve or cancel the run")
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:disposal", council_slug=council.slug, disposal_id=run.pk)
    user = user_of(request)
    return render(
        request,
        "records/disposal.html",
        {
            "title": f"Disposal run {run.reference}",
            "section": "council",
            "council": council,
            "run": run,
            "page": page_of(request, selectors.disposal_items(run)),
            "error": error,
            "form": request.POST,
            "can_approve": run.status == "proposed"
            and user.pk != run.proposed_by_id
            and policy.allows(user, "records.disposal.approve", council),
            "can_cancel": run.status in ("proposed", "approved")
            and policy.allows(user, "records.retention.manage", council),
        },
        status=400 if error else 200,
    )


def _when(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(text.strip()[:16]))
    except ValueError:
        raise Refused.on(
            "at", "Enter a date and time, like 2026-12-01T02:00, or leave it empty to run now"
        ) from None


@council_page("records.requests.manage")
def information_requests(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        try:
            made = requests.open_request(
                actor,
                council,
                kind=request.POST.get("kind", ""),
                received_on=request.POST.get("received_on", ""),
                requester=request.POST.get("requester", ""),
                summary=request.POST.get("summary", ""),
                documents=_ids(request.POST.get("documents", "")),
                link_type=request.POST.get("link_type", ""),
                link_id=request.POST.get("link_id", ""),
            )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:request", council_slug=council.slug, request_id=made.pk)
    return render(
        request,
        "records/requests.html",
        {
            "title": "FOI and subject access requests",
            "section": "council",
            "council": council,
            "page": page_of(request, selectors.requests(actor, council)),
            "form": request.POST,
            "error": error,
            "kinds": InformationRequest.Kind.choices,
            "link_types": LinkType.choices,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


@council_page("records.requests.manage")
def information_request(request: HttpRequest, council: Council, request_id: str) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.request(actor, council, request_id)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "records":
                requests.add_records_found(actor, found, _ids(request.POST.get("documents", "")))
            else:
                requests.close_request(
                    actor,
                    found,
                    status=request.POST.get("status", ""),
                    response=request.POST.get("response", ""),
                )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:request", council_slug=council.slug, request_id=found.pk)
    return render(
        request,
        "records/request.html",
        {
            "title": found.reference,
            "section": "council",
            "council": council,
            "request_": found,
            "found": selectors.held_documents(actor, found.hold),
            "error": error,
            "form": request.POST,
            "closings": [
                (s.value, s.label)
                for s in (
                    InformationRequest.Status.ANSWERED,
                    InformationRequest.Status.REFUSED,
                    InformationRequest.Status.WITHDRAWN,
                )
            ],
        },
        status=400 if error else 200,
    )
