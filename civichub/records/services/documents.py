"""Documents: adding one (checked, stored with its SHA-256, indexed), adding versions, filing it
(class, marking, owner, dates, links), and reminding owners of policies due for review.

A file is checked whole before anything is written; each change writes its audit entry and event in
the transaction that makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council, User
from civichub.core.outbox import publish
from civichub.records import checks, files, keeping, rules
from civichub.records.models import (
    Document,
    DocumentLink,
    DocumentVersion,
    RecordClass,
)

REVIEW_WARNING_DAYS = 30


def _owner(actor: Actor, council: Council, owner: Any) -> User:
    if owner:
        return owner if isinstance(owner, User) else checks.member(council, owner)
    if actor.user is None:
        raise Refused.on("owner", "Name the document's owner")
    return actor.user


def _dispose_on(record_class: RecordClass, trigger_date: date | None) -> date | None:
    return rules.dispose_on(trigger_date, record_class.retention_years, record_class.action)


@transaction.atomic
def add_document(
    actor: Actor,
    council: Council,
    *,
    title: str,
    record_class: Any,
    file_name: str,
    content: bytes,
    marking: str = "official",
    kind: str = Document.Kind.DOCUMENT,
    owner: Any = None,
    description: str = "",
    dated: Any = None,
    trigger_date: Any = None,
    review_on: Any = None,
    links: Any = (),
) -> Document:
    """Keep a document (or a policy) in the council's records: checked, stored, indexed and filed."""
    policy.require(actor, "records.documents.manage", council)
    if kind not in (Document.Kind.DOCUMENT, Document.Kind.POLICY):
        raise Refused.on("kind", "Choose document or policy")
    fields: dict[str, Any] = {
        "title": checks.title(title),
        "record_class": checks.record_class(council, record_class),
        "marking": checks.marking(marking),
        "owner": _owner(actor, council, owner),
        "description": checks.text(description, "description"),
        "dated": checks.day(dated, "dated") or timezone.localdate(),
        "review_on": checks.day(review_on, "review_on"),
    }
    wanted_links = checks.links(links)
    if kind == Document.Kind.POLICY and fields["review_on"] is None:
        raise Refused.on("review_on", "Enter when the policy is next due for review")
    checked = files.check(file_name, content)
    record_class_found: RecordClass = fields["record_class"]
    trigger = checks.day(trigger_date, "trigger_date")
    if record_class_found.trigger == RecordClass.Trigger.CREATED:
        trigger = fields["dated"]
    document = Document.objects.create(
        council=council,
        kind=kind,
        trigger_date=trigger,
        dispose_on=_dispose_on(record_class_found, trigger),
        **fields,
    )
    for target_type, target_id in wanted_links:
        DocumentLink.objects.create(
            council=council, document=document, target_type=target_type, target_id=target_id
        )
    version = keeping.keep_version(actor, document, 1, file_name, content, checked)
    keeping.reindex(document, checked.text)
    audit.record(
        actor,
        "records.document.added",
        obj=document,
        council=council,
        data={"sha256": version.sha256, "size": version.size, "marking": document.marking},
    )
    publish(
        "records.document.added",
        council=council,
        subject=document,
        data={
            "document_id": str(document.pk),
            "kind": document.kind,
            "record_class": record_class_found.code,
            "marking": document.marking,
        },
    )
    return document


def _live(document: Document) -> Document:
    found = Document.objects.for_council(document.council).select_for_update().get(pk=document.pk)
    if found.disposed_at is not None:
        raise Refused.on(None, "This record was destroyed by a disposal run: it cannot be changed")
    return found


@transaction.atomic
def add_version(
    actor: Actor, document: Document, *, file_name: str, content: bytes, note: str = ""
) -> Document:
    """Keep a new version of a document's content; every earlier version stays, with its hash."""
    council = document.council
    policy.require(actor, "records.documents.manage", council)
    if document.kind == Document.Kind.CERTIFICATE:
        raise Refused.on("file", "A certificate of destruction is never changed")
    document = _live(document)
    checked = files.check(file_name, content)
    number = (
        DocumentVersion.objects.for_council(council).filter(document=document).order_by("-number").first()
    )
    version = keeping.keep_version(
        actor, document, (number.number if number else 0) + 1, file_name, content, checked
    )
    version.note = checks.text(note, "note", 500)
    version.save(update_fields=["note"])
    Document.objects.for_council(council).filter(pk=document.pk).update(updated_at=timezone.now())
    keeping.reindex(document, checked.text)
    audit.record(
        actor,
        "records.document.version_added",
        obj=document,
        council=council,
        data={"version": version.number, "sha256": version.sha256},
    )
    publish(
        "records.document.version_added",
        council=council,
        subject=document,
        data={"document_id": str(document.pk), "version": version.number, "sha256": version.sha256},
    )
    return document


@transaction.atomic
def change_document(actor: Actor, document: Document, **changes: Any) -> Document:
    """Refile a document: title, description, class, marking, owner, date, trigger date, review date.
    Its disposal date follows; the index follows its title, marking and class."""
    council = document.council
    policy.require(actor, "records.documents.manage", council)
    document = _live(document)
    if document.kind == Document.Kind.CERTIFICATE:
        raise Refused.on(None, "A certificate of destruction is a permanent record and is never changed")
    cleaners: dict[str, Callable[[Any], Any]] = {
        "title": checks.title,
        "description": lambda v: checks.text(v, "description"),
        "record_class": lambda v: checks.record_class(council, v),
        "marking": checks.marking,
        "owner": lambda v: checks.member(council, v),
        "dated": lambda v: checks.day(v, "dated", required=True),
        "trigger_date": lambda v: checks.day(v, "trigger_date"),
        "review_on": lambda v: checks.day(v, "review_on"),
    }
    unknown = set(changes) - set(cleaners)
    if unknown:
        raise Refused.on(sorted(unknown)[0], "This cannot be changed here")
    changed = []
    for name, value in changes.items():
        cleaned = cleaners[name](value)
        if getattr(document, name) != cleaned:
            setattr(document, name, cleaned)
            changed.append(name)
    if not changed:
        return document
    if document.record_class.trigger == RecordClass.Trigger.CREATED:
        document.trigger_date = document.dated
    document.dispose_on = _dispose_on(document.record_class, document.trigger_date)
    document.save()
    keeping.reindex(document, None)
    audit.record(actor, "records.document.changed", obj=document, council=council, data={"fields": changed})
    publish(
        "records.document.changed",
        council=council,
        subject=document,
        data={"document_id": str(document.pk), "fields": changed},
    )
    return document


@transaction.atomic
def link_document(actor: Actor, document: Document, target_type: str, target_id: str) -> DocumentLink:
    """Say what a document concerns, or what it is evidence for (a decision)."""
    council = document.council
    policy.require(actor, "records.documents.manage", council)
    document = _live(document)
    kind, ident = checks.link(target_type, target_id, "link")
    found, made = DocumentLink.objects.for_council(council).get_or_create(
        document=document, target_type=kind, target_id=ident, defaults={"council": council}
    )
    if made:
        audit.record(
            actor, "records.document.linked", obj=document, council=council, data={"link": f"{kind}:{ident}"}
        )
        publish(
            "records.document.changed",
            council=council,
            subject=document,
            data={"document_id": str(document.pk), "fields": ["links"]},
        )
    return found


@transaction.atomic
def unlink_document(actor: Actor, document: Document, target_type: str, target_id: str) -> None:
    council = document.council
    policy.require(actor, "records.documents.manage", council)
    document = _live(document)
    removed, _ = (
        DocumentLink.objects.for_council(council)
        .filter(document=document, target_type=target_type, target_id=target_id)
        .delete()
    )
    if not removed:
        raise Refused.on("link", "The document has no such link")
    audit.record(
        actor,
        "records.document.unlinked",
        obj=document,
        council=council,
        data={"link": f"{target_type}:{target_id}"},
    )
    publish(
        "records.document.changed",
        council=council,
        subject=document,
        data={"document_id": str(document.pk), "fields": ["links"]},
    )


@transaction.atomic
def remind_reviews(actor: Actor, council: Council, today: date | None = None) -> int:
    """Tell owners (through an event each) of policies whose review falls due within 30 days, once per
    review date; returns how many reminders went out. Run daily by the task, or `civichub records
    remind-reviews`."""
    policy.require(actor, "records.documents.manage", council)
    today = today or timezone.localdate()
    due = (
        Document.objects.for_council(council)
        .filter(
            kind=Document.Kind.POLICY,
            disposed_at__isnull=True,
            review_on__lte=today + timedelta(REVIEW_WARNING_DAYS),
        )
        .select_for_update()
    )
    sent = 0
    for document in due:
        if document.review_reminded_for == document.review_on:
            continue
        document.review_reminded_for = document.review_on
        document.save(update_fields=["review_reminded_for"])
        audit.record(
            actor,
            "records.policy.review_reminded",
            obj=document,
            council=council,
            data={"review_on": document.review_on},
        )
        publish(
            "records.policy.review_due",
            council=council,
            subject=document,
            data={
                "document_id": str(document.pk),
                "title": document.title,
                "review_on": document.review_on.isoformat() if document.review_on else "",
                "owner_id": str(document.owner_id),
            },
        )
        sent += 1
    return sent
