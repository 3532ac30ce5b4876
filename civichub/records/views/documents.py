"""Pages for documents and policies: search, upload, one record (versions, links, refiling) and its
content. An OFFICIAL-SENSITIVE record asks the reader why they need it before showing it (audited)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from civichub.core import policy
from civichub.core.access import actor_of, council_page, page_of, user_of
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.records import files, selectors
from civichub.records.models import Document, LinkType, Marking
from civichub.records.services import documents
from civichub.records.views.shared import error_of, purpose_page

FILTERS = ("q", "record_class", "marking", "since", "until", "link_type", "link_id")


def classes_of(request: HttpRequest, council: Council) -> list[tuple[str, str]]:
    return [
        (c.code, f"{c.code}: {c.name}")
        for c in selectors.schedule(actor_of(request), council).order_by("code")
    ]


@council_page("records.documents.view")
def search(request: HttpRequest, council: Council) -> HttpResponse:
    """Search the council's records (ranked, with highlighted snippets) or browse them, with filters."""
    actor = actor_of(request)
    asked = {k: request.GET.get(k, "")[:500] for k in FILTERS}
    error, results = None, None
    try:
        results = selectors.search(actor, council, asked["q"], **{k: v for k, v in asked.items() if k != "q"})
        page = page_of(request, results)  # type: ignore[arg-type]
    except Refused as exc:
        error, page = error_of(exc), None
    return render(
        request,
        "records/documents.html",
        {
            "title": "Documents and records",
            "section": "council",
            "council": council,
            "form": asked,
            "error": error,
            "page": page,
            "searched": bool(asked["q"]),
            "classes": classes_of(request, council),
            "markings": Marking.choices,
            "link_types": LinkType.choices,
            "can_add": policy.allows(user_of(request), "records.documents.manage", council),
        },
        status=400 if error else 200,
    )


@council_page("records.documents.manage")
def upload(request: HttpRequest, council: Council) -> HttpResponse:
    """Keep a document or a policy: the file is checked before anything is kept."""
    actor = actor_of(request)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Refused.on("file", "Choose the file to keep")
            made = documents.add_document(
                actor,
                council,
                title=request.POST.get("title", ""),
                record_class=request.POST.get("record_class", ""),
                file_name=upload.name or "upload",
                content=upload.read(files.max_upload_bytes() + 1),
                marking=request.POST.get("marking", "official"),
                kind=request.POST.get("kind", "document"),
                description=request.POST.get("description", ""),
                dated=request.POST.get("dated", ""),
                trigger_date=request.POST.get("trigger_date", ""),
                review_on=request.POST.get("review_on", ""),
                links=[x for x in request.POST.get("links", "").replace("\n", ",").split(",") if x.strip()],
            )
        except Refused as exc:
            error = error_of(exc)
        else:
            return redirect("records:document", council_slug=council.slug, document_id=made.pk)
    return render(
        request,
        "records/upload.html",
        {
            "title": "Add a document",
            "section": "council",
            "council": council,
            "form": request.POST,
            "error": error,
            "classes": classes_of(request, council),
            "markings": Marking.choices,
            "kinds": [(Document.Kind.DOCUMENT.value, "Document"), (Document.Kind.POLICY.value, "Policy")],
        },
        status=400 if error else 200,
    )


@council_page("records.documents.view")
def document(request: HttpRequest, council: Council, document_id: str) -> HttpResponse:
    """One record: its filing, versions and links. Managers add versions and links, and refile it."""
    actor = actor_of(request)
    heading = selectors.document_heading(actor, council, document_id)
    purpose = request.POST.get("purpose") or request.GET.get("purpose", "")
    if heading.is_sensitive and not purpose:
        return purpose_page(request, council, heading, None, back="records:documents")
    try:
        found = selectors.document(actor, council, document_id, purpose)
    except Refused as exc:
        return purpose_page(request, council, heading, error_of(exc), back="records:documents")
    error = None
    if request.method == "POST":
        try:
            _act(request, actor, found)
        except Refused as exc:
            error = error_of(exc)
        else:
            query = f"?{urlencode({'purpose': purpose})}" if heading.is_sensitive else ""
            return redirect(request.path + query)
    return render(
        request,
        "records/document.html",
        {
            "title": found.title,
            "section": "council",
            "council": council,
            "record": found,
            "versions": selectors.versions(found),
            "links": selectors.links(found),
            "purpose": purpose,
            "purpose_query": urlencode({"purpose": purpose}) if found.is_sensitive else "",
            "error": error,
            "form": request.POST,
            "link_types": LinkType.choices,
            "classes": classes_of(request, council),
            "markings": Marking.choices,
            "can_manage": found.disposed_at is None
            and found.kind != Document.Kind.CERTIFICATE
            and policy.allows(user_of(request), "records.documents.manage", council),
        },
        status=400 if error else 200,
    )


def _act(request: HttpRequest, actor: Any, found: Document) -> None:
    action = request.POST.get("action", "")
    if action == "version":
        upload = request.FILES.get("file")
        if upload is None:
            raise Refused.on("file", "Choose the file of the new version")
        documents.add_version(
            actor,
            found,
            file_name=upload.name or "upload",
            content=upload.read(files.max_upload_bytes() + 1),
            note=request.POST.get("note", ""),
        )
    elif action == "link":
        documents.link_document(
            actor, found, request.POST.get("target_type", ""), request.POST.get("target_id", "")
        )
    elif action == "unlink":
        documents.unlink_document(
            actor, found, request.POST.get("target_type", ""), request.POST.get("target_id", "")
        )
    elif action == "refile":
        changes = {
            name: request.POST[name]
            for name in ("record_class", "marking", "trigger_date", "review_on")
            if name in request.POST
        }
        documents.change_document(actor, found, **changes)
    else:
        raise Refused.on(None, "Choose what to do")


@council_page("records.documents.view")
def download(request: HttpRequest, council: Council, document_id: str, number: int) -> HttpResponse:
    """A version's content, as kept (a read of an OFFICIAL-SENSITIVE one is audited with its purpose)."""
    version, body = selectors.content(
        actor_of(request), council, document_id, number, request.GET.get("purpose", "")
    )
    response = HttpResponse(body, content_type=version.content_type)
    safe_name = "".join(c for c in version.file_name if c.isalnum() or c in "._- ")[:100] or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


@council_page("records.documents.view")
def policies(request: HttpRequest, council: Council) -> HttpResponse:
    """The council's policies with their owners and review dates; ?due=1 lists those due within 30 days."""
    due = request.GET.get("due") == "1"
    found = selectors.policies(actor_of(request), council, due_within_days=30 if due else None)
    return render(
        request,
        "records/policies.html",
        {
            "title": "Policies",
            "section": "council",
            "council": council,
            "page": page_of(request, found),
            "due": due,
            "today": timezone.localdate(),
        },
    )
