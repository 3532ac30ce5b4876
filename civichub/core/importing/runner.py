"""The one import runner: every import of every context, a council's or the platform's, runs here.

`start_import` accepts a file: it refuses oversized, empty or unknown imports, returns the earlier run
when the same file (or idempotency key) was already imported, keeps the file in `default_storage`,
records the run and queues it. `execute_import` then reads the whole file, checks every row (naming the
line or record and the field of each problem), applies a clean file in one transaction with its event
and audit entry, or nothing at all, and keeps the result on the run.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing.reading import (
    ErrorCollector,
    ImportRejected,
    Progress,
    RowError,
    parse_csv,
    parse_json_records,
    unpack,
)
from civichub.core.importing.registry import IMPORT_TYPES, ImportResult, ImportType
from civichub.core.jobs import ImportRun, Job, progress_of
from civichub.core.outbox import publish

if TYPE_CHECKING:
    from civichub.core.models import Council

KNOWN_SUFFIXES = re.compile(r"^(\.[a-z0-9]{1,5}){1,2}$")


def import_type(name: str) -> ImportType:
    kind = IMPORT_TYPES.get(name)
    if kind is None:
        raise Refused.on(
            "import_type", f"Unknown import type '{name}'; choose one of {', '.join(sorted(IMPORT_TYPES))}"
        )
    return kind


def _runs(council: Council | None) -> Any:
    return ImportRun.objects.for_council(council) if council is not None else ImportRun.objects.for_platform()


def _stored_name(run: ImportRun, kind: ImportType, file_name: str) -> str:
    # Keep the file's own kind (.csv, .json, .csv.gz) so what waits in storage is what was sent.
    suffix = "".join(PurePath(file_name).suffixes[-2:]).lower()
    if not KNOWN_SUFFIXES.match(suffix):
        suffix = f".{kind.file_format}"
    return f"imports/{run.pk}{suffix}"


@transaction.atomic
def start_import(
    actor: Actor,
    council: Council | None,
    import_type_name: str,
    *,
    file_name: str,
    content: bytes,
    idempotency_key: str = "",
    queue: bool = True,
) -> tuple[ImportRun, bool]:
    """Accept a file for import and queue it. Returns (the import run, whether it is a new one).

    `council` is None for a platform import (the national geography). The same file (or idempotency
    key) already imported, or still in hand, returns that earlier run and changes nothing.
    """
    kind = import_type(import_type_name)
    if (kind.scope == "platform") != (council is None):
        where = "for the whole platform" if kind.scope == "platform" else "for one council"
        raise Refused.on("import_type", f"'{kind.name}' is imported {where}")
    policy.require(actor, kind.permission, council)
    if len(content) > kind.max_bytes:
        raise Refused.on(
            "file",
            f"The file is {len(content) / 1048576:.1f} MB; the largest allowed is "
            f"{kind.max_bytes // 1048576} MB",
        )
    if not content:
        raise Refused.on("file", "The file is empty")
    digest = hashlib.sha256(content).hexdigest()
    key = (idempotency_key.strip() or digest)[:100]
    earlier = (
        _runs(council)
        .filter(import_type=kind.name, idempotency_key=key)
        .exclude(job__status=Job.Status.FAILED)
        .select_related("job")
        .first()
    )
    if earlier is not None:
        return earlier, False
    name = PurePath(file_name.replace("\\", "/")).name[:255] or f"upload.{kind.file_format}"
    job = Job.objects.create(
        council=council, kind=f"import:{kind.name}", requested_by=actor.user, stage="Waiting to start"
    )
    run = ImportRun.objects.create(
        council=council,
        job=job,
        import_type=kind.name,
        file_name=name,
        sha256=digest,
        size=len(content),
        idempotency_key=key,
    )
    run.stored_as = default_storage.save(_stored_name(run, kind, name), ContentFile(content))
    run.save(update_fields=["stored_as"])
    audit.record(
        actor, "core.import.started", obj=run, council=council, data={"type": kind.name, "sha256": digest}
    )
    if queue:  # the command line runs the import itself, with its own progress bar
        transaction.on_commit(lambda: run_import.enqueue(str(run.pk)))
    return run, True


@task(queue_name="imports")
def run_import(import_run_id: str) -> None:
    """The background task (django-tasks, run by `civichub worker`) that runs an accepted import."""
    execute_import(import_run_id)


def _rows(kind: ImportType, run: ImportRun) -> list[tuple[int, dict[str, Any]]]:
    with default_storage.open(run.stored_as, "rb") as stored:
        raw = unpack(stored.read(), run.file_name)
    if kind.file_format == "json":
        return parse_json_records(raw, run.file_name)
    return parse_csv(raw, run.file_name, encoding=kind.encoding, required=kind.required_columns)


def _finish(job: Job, status: str, stage: str, message: str) -> None:
    Job.unscoped.filter(pk=job.pk).update(
        status=status, finished_at=timezone.now(), stage=stage, message=message
    )


def execute_import(import_run_id: str, progress: Progress | None = None) -> ImportRun:
    """Run an accepted import: check every row, then apply them all in one transaction, or none.

    Runs in the worker (or the command line). Progress goes to the Job as it runs.
    """
    run = ImportRun.unscoped.select_related("job", "council").get(pk=import_run_id)
    job, council, kind = run.job, run.council, IMPORT_TYPES[run.import_type]
    if job.is_finished:
        return run
    actor = (
        Actor(user=job.requested_by, council=council) if job.requested_by else Actor.system("import", council)
    )
    report = progress_of(job)

    def both(stage: str, done: int, total: int) -> None:
        report(stage, done, total)
        if progress:
            progress(stage, done, total)

    Job.unscoped.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), stage="Reading the file"
    )
    try:
        rows = _rows(kind, run)
        errors = ErrorCollector(run.file_name, unit=kind.unit)
        both("Checking rows", 0, len(rows))
        records = kind.check(council, rows, errors)
        both("Checking rows", len(rows), len(rows))
        errors.raise_if_any()
        with transaction.atomic():
            result = kind.apply(actor, council, records, both)
            _record_result(actor, run, result)
        _finish(job, Job.Status.SUCCEEDED, "Finished", str(result))
    except ImportRejected as exc:
        _runs(council).filter(pk=run.pk).update(errors=[_error_row(e) for e in exc.rows])
        problems = len(exc.rows)
        _finish(job, Job.Status.FAILED, "Refused", f"Nothing was imported: {problems} problem(s) in the file")
        audit.record(actor, "core.import.refused", obj=run, council=council, data={"problems": problems})
    except Exception as exc:
        _finish(
            job,
            Job.Status.FAILED,
            "Failed",
            f"Nothing was imported: the import stopped with an error ({type(exc).__name__})",
        )
        raise
    finally:
        if run.stored_as:
            default_storage.delete(run.stored_as)
            _runs(council).filter(pk=run.pk).update(stored_as="")
    run.refresh_from_db()
    return run


def _error_row(error: RowError) -> dict[str, Any]:
    return {"line": error.line, "unit": error.unit, "field": error.field, "message": error.message}


def _record_result(actor: Actor, run: ImportRun, result: ImportResult) -> None:
    counts = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
    }
    _runs(run.council).filter(pk=run.pk).update(notes=result.notes, **counts)
    publish(
        "core.import.completed",
        council=run.council,
        subject=run,
        data={"import_id": str(run.pk), "import_type": run.import_type, **counts},
    )
    audit.record(actor, "core.import.completed", obj=run, council=run.council, data=counts)


def row_errors(run: ImportRun) -> list[RowError]:
    """A refused run's problems, each naming its line (or record) and field."""
    return [
        RowError(run.file_name, e["line"], e["field"], e["message"], e.get("unit", "line"))
        for e in run.errors
    ]


def run_now(
    actor: Actor,
    council: Council | None,
    import_type_name: str,
    *,
    file_name: str,
    content: bytes,
    idempotency_key: str = "",
    progress: Progress | None = None,
) -> tuple[ImportRun, bool]:
    """Accept and run an import at once, in this process (commands, set-up): ImportRejected if refused.

    Returns (the run, whether it is a new one): a file already imported returns its earlier run, as
    `start_import` does.
    """
    run, is_new = start_import(
        actor,
        council,
        import_type_name,
        file_name=file_name,
        content=content,
        idempotency_key=idempotency_key,
        queue=False,
    )
    if is_new:
        run = execute_import(str(run.pk), progress)
    if run.errors:
        raise ImportRejected(row_errors(run))
    return run, is_new
