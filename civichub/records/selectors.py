"""Records selectors: documents and their search, decisions (the council's register and the public one),
the forward plan, policies, the retention schedule, holds, disposal runs and the request log.

OFFICIAL-SENSITIVE records are shown only to the roles allowed them, and every read of one is audited
with its purpose; a record the reader may not see is simply not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from django.core.files.storage import default_storage
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from markupsafe import Markup

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.selectors import one_or_404
from civichub.core.text import clean_text
from civichub.records import checks, index
from civichub.records.models import (
    Decision,
    DecisionLink,
    DisposalItem,
    DisposalRun,
    Document,
    DocumentLink,
    DocumentVersion,
    ForwardPlanEntry,
    InformationRequest,
    LegalHold,
    LinkType,
    Marking,
    RecordClass,
)


def key_of(value: Any, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404(f"No {what} has that id") from None


def markings_for(actor: Actor, council: Council) -> tuple[str, ...]:
    """The markings this reader may see."""
    if actor.is_system or (actor.user and policy.allows(actor.user, "records.sensitive.view", council)):
        return (Marking.OFFICIAL.value, Marking.SENSITIVE.value)
    return (Marking.OFFICIAL.value,)


def _purpose(purpose: str) -> str:
    purpose = clean_text(purpose or "")[:500]
    if len(purpose) < 5:
        raise Refused.on(
            "purpose", "This record is OFFICIAL-SENSITIVE: say why you need it, in at least 5 characters"
        )
    return purpose


# --- Documents ---------------------------------------------------------------------------------


def documents(actor: Actor, council: Council) -> QuerySet[Document]:
    """The council's records the reader may see (destroyed ones included: their catalogue entry stays)."""
    policy.require(actor, "records.documents.view", council)
    return (
        Document.objects.for_council(council)
        .filter(marking__in=markings_for(actor, council))
        .select_related("record_class", "owner")
    )


def document_heading(actor: Actor, council: Council, document_id: Any) -> Document:
    """A document's catalogue entry (title, class, marking), not its content: what a list shows."""
    return one_or_404(
        documents(actor, council), "There is no record with that id", pk=key_of(document_id, "record")
    )


def document(actor: Actor, council: Council, document_id: Any, purpose: str = "") -> Document:
    """A document with its versions and links. Reading an OFFICIAL-SENSITIVE one needs a purpose and is
    audited."""
    found = document_heading(actor, council, document_id)
    if found.is_sensitive:
        audit.record(actor, "records.document.read", obj=found, council=council, purpose=_purpose(purpose))
    return found


def versions(found: Document) -> QuerySet[DocumentVersion]:
    return (
        DocumentVersion.objects.for_council(found.council)
        .filter(document=found)
        .select_related("uploaded_by")
        .order_by("-number")
    )


def links(found: Document) -> QuerySet[DocumentLink]:
    return DocumentLink.objects.for_council(found.council).filter(document=found)


def content(
    actor: Actor, council: Council, document_id: Any, number: int, purpose: str = ""
) -> tuple[DocumentVersion, bytes]:
    """One version's content, as kept (read audited for OFFICIAL-SENSITIVE). A destroyed one is gone."""
    found = document_heading(actor, council, document_id)
    version = one_or_404(versions(found), "The record has no such version", number=number)
    if not version.stored_as:
        raise Http404("This version's content was destroyed by a disposal run: see its certificate")
    if found.is_sensitive:
        audit.record(
            actor,
            "records.document.content_read",
            obj=found,
            council=council,
            purpose=_purpose(purpose),
            data={"version": version.number},
        )
    with default_storage.open(version.stored_as, "rb") as stored:
        return version, stored.read()


def linked_to(actor: Actor, council: Council, target_type: str, target_id: str) -> QuerySet[Document]:
    """The records about one thing (a service, a contract…), for the pages that show it."""
    return documents(actor, council).filter(links__target_type=target_type, links__target_id=target_id)


# --- Search ------------------------------------------------------------------------------------


# Rows ranked with the count: enough for the first page of the pages (20) and of the API (50).
HEAD = 50


@dataclass(frozen=True)
class Hit:
    document: Document
    snippet: Markup
    score: float | None


class SearchResults:
    """A ranked search, run one page at a time (so it pages like a queryset, in SQL, for both the API and
    the pages); each page that shows an OFFICIAL-SENSITIVE record is an audited read."""

    def __init__(
        self, actor: Actor, council: Council, query: str, filters: index.Filters, browse: QuerySet[Document]
    ):
        self.actor, self.council, self.query = actor, council, query
        self.terms, self.filters, self.browse = index.terms_of(query), filters, browse
        self._count: int | None = None
        # The first rows, ranked, fetched with the count: a page of the results is counted and shown
        # from one read of the matches.
        self._head: list[tuple[int, str, float]] | None = None

    def count(self) -> int:
        if self._count is None:
            if self.terms:
                self._head, total = index.ranked(self.terms, self.filters, limit=HEAD, offset=0)
                self._count = total or 0
            else:
                self._count = self.browse.count()
        return self._count

    def _ranked(self, start: int, limit: int) -> list[tuple[int, str, float]]:
        if self._head is not None and start + limit <= HEAD:
            return self._head[start : start + limit]
        rows, total = index.ranked(self.terms, self.filters, limit=limit, offset=start)
        if total is not None:
            self._count = total
        return rows

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Hit]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, key: int) -> Hit: ...
    @overload
    def __getitem__(self, key: slice) -> list[Hit]: ...
    def __getitem__(self, key: int | slice) -> Hit | list[Hit]:
        if isinstance(key, int):
            return self[key : key + 1][0]
        start = key.start or 0
        stop = key.stop if key.stop is not None else start + 50
        limit = max(0, stop - start)
        if not limit:
            return []
        if self.terms:
            ranked = self._ranked(start, limit)
            # The page's records by id (the search already kept to the council and the markings allowed;
            # asking again costs nothing and keeps this read honest on its own).
            found = {
                d.pk: d
                for d in Document.objects.for_council(self.council)
                .filter(
                    pk__in=[key_of(document_id, "record") for _, document_id, _ in ranked],
                    marking__in=self.filters.markings,
                )
                .select_related("record_class", "owner")
                .order_by()
            }
            marks = index.snippets(self.terms, [entry for entry, _, _ in ranked])
            hits = [
                Hit(found[key_of(document_id, "record")], marks.get(entry, Markup("")), score)
                for entry, document_id, score in ranked
                if key_of(document_id, "record") in found
            ]
        else:
            hits = [Hit(d, Markup(""), None) for d in self.browse[start:stop]]
        shown = [str(h.document.pk) for h in hits if h.document.is_sensitive]
        if shown:
            audit.record(
                self.actor,
                "records.document.search_read",
                object_type="core.council",
                object_id=str(self.council.pk),
                council=self.council,
                purpose=f"Searching the council's records for: {self.query[:200]}"
                if self.query
                else "Listing records",
                data={"documents": shown},
            )
        return hits


def search(
    actor: Actor,
    council: Council,
    query: str = "",
    *,
    record_class: str = "",
    marking: str = "",
    since: Any = None,
    until: Any = None,
    link_type: str = "",
    link_id: str = "",
) -> SearchResults:
    """Ranked full-text search with highlighted snippets, filtered by class, marking, date and link, and
    by what the reader may see, all in SQL (nothing is cut away after the LIMIT). With no words, the
    records are listed newest first with the same filters."""
    policy.require(actor, "records.documents.view", council)
    query = clean_text(query or "")[:500]
    allowed = markings_for(actor, council)
    chosen_class = checks.record_class(council, record_class, "record_class") if record_class else None
    chosen_marking = checks.marking(marking) if marking else None
    if link_type and link_type not in LinkType.values:
        raise Refused.on("link_type", f"Must be one of {', '.join(LinkType.values)}")
    filters = index.Filters(
        council_id=str(council.pk),
        markings=allowed,
        record_class_id=str(chosen_class.pk) if chosen_class else None,
        marking=chosen_marking,
        since=checks.day(since, "since"),
        until=checks.day(until, "until"),
        link_type=link_type or None,
        link_id=clean_text(link_id)[:100] or None,
    )
    browse = documents(actor, council).filter(disposed_at__isnull=True)
    if chosen_class:
        browse = browse.filter(record_class=chosen_class)
    if chosen_marking:
        browse = browse.filter(marking=chosen_marking)
    if filters.since:
        browse = browse.filter(dated__gte=filters.since)
    if filters.until:
        browse = browse.filter(dated__lte=filters.until)
    if filters.link_type and filters.link_id:
        browse = browse.filter(links__target_type=filters.link_type, links__target_id=filters.link_id)
    return SearchResults(actor, council, query, filters, browse.order_by("-dated", "-created_at", "id"))


# --- Policies ----------------------------------------------------------------------------------


def policies(
    actor: Actor, council: Council, *, due_within_days: int | None = None, today: date | None = None
) -> QuerySet[Document]:
    """The council's policies, the next review first; with `due_within_days`, those due by then."""
    from datetime import timedelta

    from django.utils import timezone

    found = documents(actor, council).filter(kind=Document.Kind.POLICY, disposed_at__isnull=True)
    if due_within_days is not None:
        found = found.filter(review_on__lte=(today or timezone.localdate()) + timedelta(days=due_within_days))
    return found.order_by("review_on", "title")


# --- Decisions and the forward plan --------------------------------------------------------------


def decisions(actor: Actor, council: Council) -> QuerySet[Decision]:
    """The council's register as its officers see it: drafts too, OFFICIAL-SENSITIVE to those allowed."""
    policy.require(actor, "records.documents.view", council)
    return Decision.objects.for_council(council).filter(marking__in=markings_for(actor, council))


def decision(actor: Actor, council: Council, decision_id: Any, purpose: str = "") -> Decision:
    found = one_or_404(
        decisions(actor, council), "There is no decision with that id", pk=key_of(decision_id, "decision")
    )
    if found.marking == Marking.SENSITIVE:
        audit.record(actor, "records.decision.read", obj=found, council=council, purpose=_purpose(purpose))
    return found


def public_decisions(council: Council) -> QuerySet[Decision]:
    """Open data: the published, OFFICIAL decisions of a council, newest first."""
    return (
        Decision.objects.for_council(council)
        .filter(status=Decision.Status.PUBLISHED, marking=Marking.OFFICIAL)
        .select_related("forward_plan_entry")
        .order_by("-decided_on", "-reference")
    )


def public_decision(council: Council, decision_id: Any) -> Decision:
    return one_or_404(
        public_decisions(council),
        "There is no published decision with that id",
        pk=key_of(decision_id, "decision"),
    )


def decision_links(found: Decision) -> QuerySet[DecisionLink]:
    return DecisionLink.objects.for_council(found.council).filter(decision=found)


def evidence(actor: Actor, found: Decision) -> QuerySet[Document]:
    """The records linked to a decision as its evidence, as far as the reader may see them."""
    return linked_to(actor, found.council, LinkType.DECISION, str(found.pk))


def public_evidence(found: Decision) -> QuerySet[Document]:
    """The OFFICIAL records linked to a published decision: their titles are part of the open record."""
    return Document.objects.for_council(found.council).filter(
        marking=Marking.OFFICIAL, links__target_type=LinkType.DECISION, links__target_id=str(found.pk)
    )


def decisions_about(council: Council, target_type: str, target_id: str) -> QuerySet[Decision]:
    """The published decisions about one thing (a commission, a contract…): for other contexts' pages,
    the start of the golden thread from decision to outcome."""
    return public_decisions(council).filter(links__target_type=target_type, links__target_id=target_id)


def forward_plan(council: Council, *, include_past: bool = False) -> QuerySet[ForwardPlanEntry]:
    """The forward plan of key decisions (open data)."""
    found = ForwardPlanEntry.objects.for_council(council)
    return found if include_past else found.filter(status=ForwardPlanEntry.Status.PLANNED)


def forward_plan_entry(council: Council, entry_id: Any) -> ForwardPlanEntry:
    return one_or_404(
        forward_plan(council, include_past=True),
        "No forward plan entry has that id",
        pk=key_of(entry_id, "entry"),
    )


# --- Retention, holds and disposal ------------------------------------------------------------


def schedule(actor: Actor, council: Council) -> QuerySet[RecordClass]:
    policy.require(actor, "records.documents.view", council)
    return RecordClass.objects.for_council(council).annotate(
        live=Count("documents", filter=Q(documents__disposed_at__isnull=True))
    )


def legal_holds(actor: Actor, council: Council) -> QuerySet[LegalHold]:
    policy.require(actor, "records.retention.view", council)
    return (
        LegalHold.objects.for_council(council)
        .select_related("record_class", "placed_by", "lifted_by")
        .annotate(named=Count("held"))
    )


def legal_hold(actor: Actor, council: Council, hold_id: Any) -> LegalHold:
    return one_or_404(
        legal_holds(actor, council), "There is no hold with that id", pk=key_of(hold_id, "hold")
    )


def held_documents(actor: Actor, hold: LegalHold) -> QuerySet[Document]:
    return documents(actor, hold.council).filter(held_by__hold=hold)


def disposal_runs(actor: Actor, council: Council) -> QuerySet[DisposalRun]:
    policy.require(actor, "records.retention.view", council)
    return DisposalRun.objects.for_council(council).select_related(
        "proposed_by", "approved_by", "certificate"
    )


def disposal_run(actor: Actor, council: Council, run_id: Any) -> DisposalRun:
    return one_or_404(
        disposal_runs(actor, council), "There is no disposal run with that id", pk=key_of(run_id, "run")
    )


def disposal_items(run: DisposalRun) -> QuerySet[DisposalItem]:
    return DisposalItem.objects.for_council(run.council).filter(run=run).order_by("outcome", "id")


# --- Requests ----------------------------------------------------------------------------------


def requests(actor: Actor, council: Council) -> QuerySet[InformationRequest]:
    """The request log (the requester's name is left out of lists: see `request`)."""
    policy.require(actor, "records.requests.manage", council)
    return InformationRequest.objects.for_council(council).select_related("hold").defer("requester")


def request(actor: Actor, council: Council, request_id: Any) -> InformationRequest:
    """One request with who made it: personal data, so the read is audited."""
    policy.require(actor, "records.requests.manage", council)
    found = one_or_404(
        InformationRequest.objects.for_council(council).select_related("hold"),
        "There is no request with that id",
        pk=key_of(request_id, "request"),
    )
    audit.record(actor, "records.request.read", obj=found, council=council, purpose="Handling the request")
    return found
