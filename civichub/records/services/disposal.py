"""Lawful disposal: a records manager proposes a run of what is due (and why), a second, different
authorised person approves it, and the run then destroys each record's content in storage and the
full-text index, skipping any record under a legal hold (saying which), and keeps a certificate of
destruction (Section 46 Code of Practice): what was destroyed, with its hashes, when, on whose authority
and how. The certificate is itself a permanent record, and its SHA-256 is written into the audit entry
of the disposal, so `civichub audit verify` covers it.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.records import checks, files, holds, index, keeping
from civichub.records.models import (
    DisposalItem,
    DisposalRun,
    Document,
    DocumentLink,
    DocumentVersion,
    RecordClass,
    SearchEntry,
)
from civichub.records.schedule import CERTIFICATE_CLASS, seeded_class

BATCH = 500
METHOD = (
    "Content deleted from the platform's document storage ({storage}) and its text removed from the "
    "full-text index; the catalogue entry (identifier, title, class, hashes) is kept."
)
CERTIFICATE_COLUMNS = [
    "identifier",
    "title",
    "record_class",
    "version",
    "sha256",
    "due_because",
    "destroyed_at",
    "proposed_by",
    "approved_by",
    "carried_out_by",
    "method",
]


def _reference(council: Council) -> str:
    year = timezone.localdate().year
    count = DisposalRun.objects.for_council(council).filter(created_at__year=year).count()
    return f"DR-{year}-{count + 1:03d}"


def _why(document: Document) -> str:
    record_class = document.record_class
    trigger = RecordClass.Trigger(record_class.trigger).label.lower()
    return (
        f"{record_class.code}: kept {record_class.retention_years} years after {trigger} "
        f"({document.trigger_date}); due {document.dispose_on}"
    )


@transaction.atomic
def propose_disposal(actor: Actor, council: Council, *, due_by: Any = None, note: str = "") -> DisposalRun:
    """List every record whose class says destroy and which falls due by `due_by` (today by default).
    Records under a hold are listed too, marked with it: the run will skip them unless it is lifted."""
    policy.require(actor, "records.retention.manage", council)
    if actor.user is None:
        raise Refused.on(None, "A disposal run is proposed by a person, who is named on its certificate")
    due_by = checks.day(due_by, "due_by") or timezone.localdate()
    if due_by > timezone.localdate():
        raise Refused.on("due_by", "Only records already due can be disposed of: choose today or earlier")
    waiting = DisposalRun.objects.for_council(council).filter(
        status__in=[DisposalRun.Status.PROPOSED, DisposalRun.Status.APPROVED]
    )
    due = (
        Document.objects.for_council(council)
        .filter(
            disposed_at__isnull=True,
            dispose_on__lte=due_by,
            record_class__action=RecordClass.Action.DESTROY,
        )
        .exclude(kind=Document.Kind.CERTIFICATE)
        # A record already in a run waiting to be approved or to run is not proposed twice.
        .exclude(
            pk__in=DisposalItem.objects.for_council(council)
            .filter(run__in=waiting, outcome=DisposalItem.Outcome.PENDING)
            .values("document_id")
        )
        .select_related("record_class")
        .order_by("dispose_on", "id")
    )
    run = DisposalRun.objects.create(
        council=council,
        reference=_reference(council),
        due_by=due_by,
        note=checks.text(note, "note", 500),
        proposed_by=actor.user,
    )
    items = [
        DisposalItem(
            council=council,
            run=run,
            document=document,
            title=document.title,
            class_code=document.record_class.code,
            why_due=_why(document)[:500],
        )
        for document in due.iterator(chunk_size=2000)
    ]
    if not items:
        raise Conflict.on("due_by", f"Nothing that the schedule says to destroy is due by {due_by}")
    DisposalItem.objects.bulk_create(items, batch_size=BATCH)
    audit.record(actor, "records.disposal.proposed", obj=run, council=council, data={"records": len(items)})
    publish(
        "records.disposal.proposed",
        council=council,
        subject=run,
        data={
            "run_id": str(run.pk),
            "reference": run.reference,
            "due_by": due_by.isoformat(),
            "records": len(items),
        },
    )
    return run


@transaction.atomic
def approve_disposal(actor: Actor, run: DisposalRun, *, at: datetime | None = None) -> DisposalRun:
    """The second person's approval. With `at`, the run is scheduled (a background task runs it then);
    without, it runs now. Held records are skipped either way, by the holds in force when it runs."""
    council = run.council
    policy.require(actor, "records.disposal.approve", council)
    run = DisposalRun.objects.for_council(council).select_for_update().get(pk=run.pk)
    if run.status != DisposalRun.Status.PROPOSED:
        raise Conflict.on(
            None, f"Run {run.reference} is not waiting for approval ({run.get_status_display()})"
        )
    if actor.user is None or actor.user.pk == run.proposed_by_id:
        raise Refused.on(None, "A disposal must be approved by a second person, not the one who proposed it")
    run.status, run.approved_by, run.approved_at = DisposalRun.Status.APPROVED, actor.user, timezone.now()
    run.scheduled_for = at
    run.save(update_fields=["status", "approved_by", "approved_at", "scheduled_for", "updated_at"])
    audit.record(
        actor,
        "records.disposal.approved",
        obj=run,
        council=council,
        data={"scheduled_for": at.isoformat() if at else None},
    )
    publish(
        "records.disposal.approved",
        council=council,
        subject=run,
        data={
            "run_id": str(run.pk),
            "reference": run.reference,
            "scheduled_for": at.isoformat() if at else None,
        },
    )
    if at is None:
        return execute_disposal(actor, run)
    run_id = str(run.pk)
    transaction.on_commit(lambda: run_scheduled_disposal.using(run_after=at).enqueue(run_id))
    return run


@transaction.atomic
def cancel_disposal(actor: Actor, run: DisposalRun, reason: str = "") -> DisposalRun:
    council = run.council
    policy.require(actor, "records.retention.manage", council)
    run = DisposalRun.objects.for_council(council).select_for_update().get(pk=run.pk)
    if run.status not in (DisposalRun.Status.PROPOSED, DisposalRun.Status.APPROVED):
        raise Conflict.on(None, f"Run {run.reference} has already {run.get_status_display().lower()}")
    run.status, run.note = DisposalRun.Status.CANCELLED, checks.text(reason, "reason", 500) or run.note
    run.save(update_fields=["status", "note", "updated_at"])
    audit.record(actor, "records.disposal.cancelled", obj=run, council=council, data={"reason": run.note})
    publish(
        "records.disposal.cancelled",
        council=council,
        subject=run,
        data={"run_id": str(run.pk), "reference": run.reference},
    )
    return run


@task()
def run_scheduled_disposal(run_id: str) -> None:
    """The background task (django-tasks, run by `civichub worker`) that carries out an approved run at
    the time it was scheduled for."""
    run = DisposalRun.unscoped.select_related("council").get(pk=run_id)
    if run.status == DisposalRun.Status.APPROVED:
        execute_disposal(Actor.system("scheduled disposal", run.council), run)


@transaction.atomic
def execute_disposal(actor: Actor, run: DisposalRun) -> DisposalRun:
    """Carry out an approved run: skip what is held (or no longer due), destroy the rest's content and
    index text, and keep the certificate. If storage fails part-way the transaction rolls back and the run
    stays approved; running it again deletes what is left (deleting what is gone changes nothing)."""
    council = run.council
    policy.require(actor, "records.disposal.approve", council)
    run = (
        DisposalRun.objects.for_council(council)
        .select_for_update(of=("self",))
        .select_related("proposed_by", "approved_by")
        .get(pk=run.pk)
    )
    if run.status != DisposalRun.Status.APPROVED:
        raise Conflict.on(None, f"Run {run.reference} is not approved to run ({run.get_status_display()})")
    now = timezone.now()
    items = DisposalItem.objects.for_council(council).filter(run=run, outcome=DisposalItem.Outcome.PENDING)
    documents = Document.objects.for_council(council).filter(pk__in=items.values("document_id"))
    active = holds.active_holds(council)
    held_ids = set(documents.filter(holds.held(council, active)).values_list("pk", flat=True))
    still_due = set(
        documents.filter(
            disposed_at__isnull=True,
            dispose_on__lte=run.due_by,
            record_class__action=RecordClass.Action.DESTROY,
        ).values_list("pk", flat=True)
    )
    skipped = _skip(council, items, held_ids, still_due)
    to_destroy = list(
        items.exclude(document_id__in=held_ids).filter(document_id__in=still_due).order_by("id")
    )
    rows = _destroy(council, run, to_destroy, now)
    certificate, digest = _certificate(actor, run, rows, now)
    run.status, run.completed_at, run.certificate = DisposalRun.Status.COMPLETED, now, certificate
    run.destroyed, run.skipped = len(to_destroy), skipped
    run.save(update_fields=["status", "completed_at", "certificate", "destroyed", "skipped", "updated_at"])
    audit.record(
        actor,
        "records.disposal.completed",
        obj=run,
        council=council,
        data={
            "destroyed": run.destroyed,
            "skipped": skipped,
            "certificate_id": str(certificate.pk),
            "certificate_sha256": digest,
        },
    )
    publish(
        "records.disposal.completed",
        council=council,
        subject=run,
        data={
            "run_id": str(run.pk),
            "reference": run.reference,
            "destroyed": run.destroyed,
            "skipped": skipped,
            "certificate_id": str(certificate.pk),
            "certificate_sha256": digest,
        },
    )
    return run


def _skip(council: Council, items: Any, held_ids: set[Any], still_due: set[Any]) -> int:
    """Mark held records (naming their holds) and records no longer due as skipped; returns how many."""
    skipped = 0
    held_items = list(items.filter(document_id__in=held_ids))
    if held_items:
        links: dict[Any, list[tuple[str, str]]] = {}
        for document_id, kind, ident in (
            DocumentLink.objects.for_council(council)
            .filter(document_id__in=held_ids)
            .values_list("document_id", "target_type", "target_id")
        ):
            links.setdefault(document_id, []).append((kind, ident))
        classes = dict(
            Document.objects.for_council(council).filter(pk__in=held_ids).values_list("pk", "record_class_id")
        )
        covering = holds.holding(council, {d: (classes[d], links.get(d, [])) for d in held_ids})
        for item in held_items:
            names = "; ".join(f"{h.title} ({h.get_reason_display()})" for h in covering[item.document_id])
            item.outcome, item.skip_reason = DisposalItem.Outcome.SKIPPED, f"Under legal hold: {names}"[:500]
        DisposalItem.objects.for_council(council).bulk_update(
            held_items, ["outcome", "skip_reason"], batch_size=BATCH
        )
        skipped += len(held_items)
    gone = list(items.exclude(document_id__in=held_ids).exclude(document_id__in=still_due))
    for item in gone:
        item.outcome = DisposalItem.Outcome.SKIPPED
        item.skip_reason = "No longer due: destroyed already, re-dated or reclassified since it was proposed"
    DisposalItem.objects.for_council(council).bulk_update(gone, ["outcome", "skip_reason"], batch_size=BATCH)
    return skipped + len(gone)


def _destroy(council: Council, run: DisposalRun, items: list[DisposalItem], now: datetime) -> list[list[Any]]:
    """Delete the content and index text of each item's document; returns the certificate's rows."""
    storage = type(
        default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage
    ).__name__
    method = METHOD.format(storage=storage)
    by = [run.proposed_by.username, run.approved_by.username if run.approved_by else ""]
    rows: list[list[Any]] = []
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        ids = [item.document_id for item in batch]
        versions: dict[Any, list[tuple[int, str, str]]] = {}
        for document_id, number, digest, stored_as in (
            DocumentVersion.objects.for_council(council)
            .filter(document_id__in=ids)
            .order_by("document_id", "number")
            .values_list("document_id", "number", "sha256", "stored_as")
        ):
            versions.setdefault(document_id, []).append((number, digest, stored_as))
        entries = list(
            SearchEntry.objects.for_council(council).filter(document_id__in=ids).values_list("pk", flat=True)
        )
        index.remove(entries)
        SearchEntry.objects.for_council(council).filter(pk__in=entries).delete()
        DocumentVersion.objects.for_council(council).filter(document_id__in=ids).update(stored_as="")
        Document.objects.for_council(council).filter(pk__in=ids).update(disposed_at=now, updated_at=now)
        for item in batch:
            item.outcome = DisposalItem.Outcome.DESTROYED
            item.hashes = [digest for _, digest, _ in versions.get(item.document_id, [])]
            for number, digest, _ in versions.get(item.document_id, []):
                rows.append(
                    [
                        item.document_id,
                        item.title,
                        item.class_code,
                        number,
                        digest,
                        item.why_due,
                        now.isoformat(),
                        *by,
                        "",
                        method,
                    ]
                )
        DisposalItem.objects.for_council(council).bulk_update(batch, ["outcome", "hashes"], batch_size=BATCH)
        # Storage last: a database error above rolls back with nothing deleted.
        for stored in versions.values():
            for _, _, stored_as in stored:
                if stored_as:
                    default_storage.delete(stored_as)
    return rows


def _certificate_class(council: Council) -> RecordClass:
    return seeded_class(council, CERTIFICATE_CLASS)[0]


def _certificate(
    actor: Actor, run: DisposalRun, rows: list[list[Any]], now: datetime
) -> tuple[Document, str]:
    """The certificate of destruction as a CSV record, permanent and indexed; returns it and its SHA-256."""
    council = run.council
    carried_out = actor.label
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CERTIFICATE_COLUMNS)
    for row in rows:
        row[9] = carried_out
        writer.writerow(row)
    content = buffer.getvalue().encode()
    digest = hashlib.sha256(content).hexdigest()
    owner = run.approved_by or run.proposed_by
    today: date = timezone.localdate()
    certificate = Document.objects.create(
        council=council,
        kind=Document.Kind.CERTIFICATE,
        title=f"Certificate of destruction {run.reference}",
        description=(
            f"{len({r[0] for r in rows})} records destroyed on {now:%Y-%m-%d} under disposal run "
            f"{run.reference}, proposed by {run.proposed_by.username} and approved by {owner.username}."
        ),
        record_class=_certificate_class(council),
        owner=owner,
        dated=today,
        trigger_date=today,
    )
    checked = files.CheckedFile(files.CSV, files.CONTENT_TYPES[files.CSV], content.decode())
    keeping.keep_version(actor, certificate, 1, f"certificate-{run.reference}.csv", content, checked)
    keeping.reindex(certificate, certificate.description)
    return certificate, digest
