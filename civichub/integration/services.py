"""Integration services: publish domain events into the outbox; register and manage webhook endpoints."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.importing import ErrorCollector, ImportRejected, Progress, read_csv
from civichub.core.models import Council, Organisation
from civichub.integration import signing, targets
from civichub.integration.catalogue import CATALOGUE
from civichub.integration.imports import IMPORT_TYPES, MAX_BYTES, read_json_records
from civichub.integration.models import DomainEvent, ImportRun, Job, WebhookDelivery, WebhookEndpoint
from civichub.integration.tasks import run_import

SECRET_OVERLAP = timedelta(hours=24)


class EndpointNotSaved(ValueError):
    """The endpoint was not saved; the message names the field and says why."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def publish(
    event_type: str,
    *,
    council: Council | None,
    subject: models.Model | None = None,
    data: dict[str, Any],
    subject_type: str = "",
    subject_id: str = "",
) -> DomainEvent:
    """Write a domain event into the outbox. Call inside the transaction of the change: both or neither."""
    known = CATALOGUE.get(event_type)
    if known is None:
        raise KeyError(f"Unknown event type {event_type!r}: register it in the catalogue")
    known.validate(data)
    if subject is not None:
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    return DomainEvent.objects.create(
        type=event_type,
        version=known.version,
        council=council,
        subject_type=subject_type,
        subject_id=subject_id,
        data=data,
        occurred_at=timezone.now(),
    )


def _clean_event_types(names: list[str]) -> list[str]:
    unknown = sorted(set(names) - set(CATALOGUE))
    if unknown:
        raise EndpointNotSaved("event_types", f"Unknown event types: {', '.join(unknown)}")
    return sorted(set(names))


@transaction.atomic
def register_endpoint(
    actor: Actor,
    council: Council,
    *,
    url: str,
    event_types: list[str],
    description: str = "",
    organisation: Organisation | None = None,
) -> WebhookEndpoint:
    """Register a webhook endpoint for a council's events. Its signing secret is made here."""
    policy.require(actor, "integration.webhooks.manage", council)
    url = url.strip()
    if len(url) > 500:
        raise EndpointNotSaved("url", "The URL must be 500 characters or fewer")
    try:
        targets.check(url)
    except targets.TargetRefused as exc:
        raise EndpointNotSaved("url", str(exc)) from exc
    endpoint = WebhookEndpoint.objects.create(
        council=council,
        organisation=organisation,
        url=url,
        description=description.strip()[:200],
        event_types=_clean_event_types(event_types),
        secret=signing.new_secret(),
        created_by=actor.user,
    )
    audit.record(actor, "integration.webhook_endpoint.registered", obj=endpoint, data={"url": url})
    return endpoint


@transaction.atomic
def rotate_secret(actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give the endpoint a new secret; the old one keeps signing too for 24 hours, so receivers can switch."""
    policy.require(actor, "integration.webhooks.manage", endpoint.council)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + SECRET_OVERLAP
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    audit.record(actor, "integration.webhook_endpoint.secret_rotated", obj=endpoint)
    return endpoint


@transaction.atomic
def set_active(actor: Actor, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    policy.require(actor, "integration.webhooks.manage", endpoint.council)
    endpoint.is_active = active
    endpoint.disabled_reason = "" if active else f"Switched off by {actor.label}"
    endpoint.save(update_fields=["is_active", "disabled_reason", "updated_at"])
    audit.record(actor, "integration.webhook_endpoint." + ("enabled" if active else "disabled"), obj=endpoint)
    return endpoint


@transaction.atomic
def redeliver(actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, whatever happened before (the receiver sees the same webhook-id)."""
    policy.require(actor, "integration.webhooks.manage", delivery.council)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.lease_until = None
    delivery.save(update_fields=["status", "next_attempt_at", "lease_until"])
    audit.record(actor, "integration.webhook_delivery.redelivered", obj=delivery)
    return delivery


def signing_secrets(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets to sign with now: the current one, and the previous one while its overlap lasts."""
    result = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > timezone.now()
    ):
        result.append(endpoint.previous_secret)
    return result


# --- imports ---------------------------------------------------------------------------------


class ImportRefused(ValueError):
    """The file was not accepted for import; nothing was recorded or changed."""


def _import_path(run_id: Any) -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{run_id}.csv"


@transaction.atomic
def start_import(
    actor: Actor,
    council: Council,
    import_type: str,
    *,
    file_name: str,
    content: bytes,
    idempotency_key: str = "",
    queue: bool = True,
) -> tuple[ImportRun, bool]:
    """Accept a file for import and queue it. Returns (the import run, whether it is a new one).

    The same file (or idempotency key) already imported, or still in hand, returns that earlier run.
    """
    kind = IMPORT_TYPES.get(import_type)
    if kind is None:
        raise ImportRefused(
            f"Unknown import type '{import_type}'; choose one of {', '.join(sorted(IMPORT_TYPES))}"
        )
    policy.require(actor, kind.permission, council)
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            f"The file is {len(content) / 1048576:.1f} MB; the largest allowed is {MAX_BYTES // 1048576} MB"
        )
    if not content:
        raise ImportRefused("The file is empty")
    digest = hashlib.sha256(content).hexdigest()
    key = (idempotency_key.strip() or digest)[:100]
    earlier = (
        ImportRun.objects.for_council(council)
        .filter(import_type=import_type, idempotency_key=key)
        .exclude(job__status=Job.Status.FAILED)
        .select_related("job")
        .first()
    )
    if earlier is not None:
        return earlier, False
    job = Job.objects.create(
        council=council, kind=f"import:{import_type}", requested_by=actor.user, stage="Waiting to start"
    )
    run = ImportRun.objects.create(
        council=council,
        job=job,
        import_type=import_type,
        file_name=Path(file_name).name[:255] or "upload.csv",
        sha256=digest,
        size=len(content),
        idempotency_key=key,
    )
    _import_path(run.pk).write_bytes(content)
    audit.record(actor, "integration.import.started", obj=run, data={"type": import_type, "sha256": digest})
    if queue:  # the command line runs the import itself, with its own progress bar
        transaction.on_commit(lambda: run_import.enqueue(str(run.pk)))
    return run, True


def _progress(job: Job) -> Progress:
    def report(stage: str, done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(stage=stage, done=done, total=total)

    return report


def execute_import(import_run_id: str, progress: Progress | None = None) -> ImportRun:
    """Run a queued import: check every row, then apply them all in one transaction, or none.

    Runs in the worker (or the command line). Progress goes to the Job, outside the import's own
    transaction, so people can watch it while it runs.
    """
    run = ImportRun.unscoped.select_related("job", "council").get(pk=import_run_id)
    job, council, kind = run.job, run.council, IMPORT_TYPES[run.import_type]
    if job.is_finished:
        return run
    actor = (
        Actor(user=job.requested_by, council=council) if job.requested_by else Actor.system("import", council)
    )
    report = _progress(job)

    def both(stage: str, done: int, total: int) -> None:
        report(stage, done, total)
        if progress:
            progress(stage, done, total)

    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), stage="Reading the file"
    )
    path = _import_path(run.pk)
    try:
        if kind.file_format == "json":
            rows = read_json_records(path, run.file_name)
        else:
            rows, _ = read_csv(path, encoding="utf-8-sig", required=kind.required_columns)
        errors = ErrorCollector(run.file_name)
        both("Checking rows", 0, len(rows))
        records = kind.check(council, rows, errors)
        both("Checking rows", len(rows), len(rows))
        errors.raise_if_any()
        with transaction.atomic():
            created, updated, unchanged = kind.apply(actor, council, records, both)
            ImportRun.objects.for_council(council).filter(pk=run.pk).update(
                created=created, updated=updated, unchanged=unchanged
            )
            publish(
                "integration.import.completed",
                council=council,
                subject=run,
                data={
                    "import_id": str(run.pk),
                    "import_type": run.import_type,
                    "created": created,
                    "updated": updated,
                    "unchanged": unchanged,
                },
            )
            audit.record(
                actor,
                "integration.import.completed",
                obj=run,
                data={"created": created, "updated": updated, "unchanged": unchanged},
            )
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED,
            finished_at=timezone.now(),
            stage="Finished",
            message=f"{created} added, {updated} updated, {unchanged} unchanged",
        )
    except ImportRejected as exc:
        ImportRun.objects.for_council(council).filter(pk=run.pk).update(
            errors=[{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors]
        )
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            stage="Refused",
            message=f"Nothing was imported: {len(exc.errors)} problem(s) in the file",
        )
        audit.record(actor, "integration.import.refused", obj=run, data={"problems": len(exc.errors)})
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            stage="Failed",
            message=f"Nothing was imported: the import stopped with an error ({type(exc).__name__})",
        )
        raise
    finally:
        path.unlink(missing_ok=True)
    run.refresh_from_db()
    return run
