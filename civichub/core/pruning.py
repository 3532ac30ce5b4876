"""Retention services: a council sets how long its machinery's records are kept; `prune` removes what is
older (ADR 0011). The periods and kinds are in `retention`.

For one council, or for the platform's own rows (no council), `prune` removes:
- the keepers' own rows past their period (integration: attempts of finished webhook deliveries);
- delivered events past their period, unless a keeper still owes them to someone, together with the
  keepers' rows that hang on them (finished deliveries and what is left of their attempts). Events that
  have not been fanned out yet are never touched. `seq` is never reused (PostgreSQL sequences, SQLite
  AUTOINCREMENT), so a consumer's `after=seq` cursor goes on working when the event it names is gone;
- finished import runs past their period, with their jobs and any upload still in `default_storage`;
- other finished jobs past their period. Queued and running jobs stay.
It works in batches, each in its own short transaction, so a large prune never holds a long lock; once
done it writes one audit entry and one event with the counts (none on a dry run, which changes nothing).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import FieldError, Refused
from civichub.core.jobs import ImportRun, Job
from civichub.core.outbox import DomainEvent, publish
from civichub.core.retention import KEEPERS, KINDS, MAX_DAYS, MIN_DAYS, RetentionPeriod, days_for

if TYPE_CHECKING:
    from civichub.core.models import Council

# Rows removed per transaction: small enough that each holds its locks for a moment only.
BATCH = 500
FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED)
WHOLE_NUMBER = re.compile(r"^\s*\d{1,9}\s*$")


def _clean_days(kind: str, value: object) -> int | FieldError:
    label = KINDS[kind].label
    if isinstance(value, str) and WHOLE_NUMBER.match(value):
        value = int(value)
    if value is None or value == "":
        return FieldError(kind, f"Enter how many days to keep {label.lower()}")
    if isinstance(value, bool) or not isinstance(value, int):
        return FieldError(kind, f"Enter a whole number of days to keep {label.lower()}, like 90")
    if not MIN_DAYS <= value <= MAX_DAYS:
        return FieldError(
            kind, f"{label} must be kept for at least {MIN_DAYS} days and at most {MAX_DAYS} days"
        )
    return value


@transaction.atomic
def set_periods(actor: Actor, council: Council, days: Mapping[str, object]) -> dict[str, int]:
    """Set how long the council keeps each kind of record, in whole days (MIN_DAYS to MAX_DAYS).

    The whole setting at once, as a PUT: a kind left out, or set to the platform's default, follows the
    default (and any later change of it). Returns the periods now in force. Refuses, naming each field
    in the order of the kinds, an unknown kind or a bad number of days.
    """
    policy.require(actor, "council.retention.manage", council)
    errors, chosen = [], {}
    for kind in KINDS:  # the order the page shows them in, so its error summary reads the same way
        if kind not in days:
            continue
        cleaned = _clean_days(kind, days[kind])
        if isinstance(cleaned, FieldError):
            errors.append(cleaned)
        elif cleaned != KINDS[kind].days_by_default:
            chosen[kind] = cleaned
    errors += [
        FieldError(kind, f"Not a kind of record the platform keeps: choose from {', '.join(sorted(KINDS))}")
        for kind in sorted(set(days) - set(KINDS))
    ]
    if errors:
        raise Refused("; ".join(str(e) for e in errors), errors)
    own = RetentionPeriod.objects.for_council(council)
    before = days_for(council)
    if dict(own.values_list("kind", "days")) == chosen:
        return before
    own.exclude(kind__in=list(chosen)).delete()
    for kind, value in chosen.items():
        RetentionPeriod.objects.for_council(council).update_or_create(
            kind=kind, defaults={"council": council, "days": value}
        )
    after = days_for(council)
    audit.record(
        actor, "core.retention.changed", obj=council, council=council, data={"before": before, "after": after}
    )
    publish("core.retention.changed", council=council, subject=council, data={"periods": after})
    return after


def _scoped(model: type[models.Model], council: Council | None) -> Any:
    manager: Any = model.objects  # type: ignore[attr-defined]
    return manager.for_council(council) if council is not None else manager.for_platform()


def _deleted(rows: models.QuerySet[Any]) -> int:
    """Delete a (scoped) query's rows; how many of its own model went.

    Django loads rows that others refer to before deleting them (to cascade, or to refuse with PROTECT);
    their keys are all it needs, and loading whole events (their data) was most of a prune's time.
    """
    _, per_model = rows.only("pk").delete()
    return per_model.get(rows.model._meta.label, 0)


def _in_batches(rows: models.QuerySet[Any], *, dry_run: bool, batch: int) -> int:
    """Delete (or, dry run, count) a scoped query's rows a batch at a time, each batch its own transaction.

    Each batch chooses any `batch` rows that qualify, unordered (ordering them made the database sort
    every qualifying row again for each batch), and deletes them by key in the same transaction, so
    what was chosen still qualifies. By key alone: repeating the conditions let SQLite's planner walk
    the council's whole index for every batch.
    """
    if dry_run:
        return rows.count()
    done = 0
    while True:
        with transaction.atomic():
            keys = list(rows.order_by().values_list("pk", flat=True)[:batch])
            if not keys:
                return done
            # The keys come from the scoped query just above: the prune's own escape hatch.
            done += _deleted(rows.model.unscoped.filter(pk__in=keys))


def _prune_events(
    council: Council | None,
    before: Mapping[str, datetime],
    *,
    dry_run: bool,
    batch: int,
    counts: Counter[str],
) -> None:
    """Delivered events past their period, except those a keeper still owes, with what hangs on them."""
    events = _scoped(DomainEvent, council).filter(fanned_out=True, occurred_at__lt=before["events"])
    # Webhook deliveries and the like always belong to a council: the platform's events have none.
    keepers = list(KEEPERS.values()) if council is not None else []
    after = 0
    while True:
        seqs = list(events.filter(seq__gt=after).order_by("seq").values_list("seq", flat=True)[:batch])
        if not seqs:
            return
        after = seqs[-1]
        # One transaction from the question "still owed?" to the delete, so the answer still holds.
        with transaction.atomic():
            owed: set[int] = set()
            for keeper in keepers:
                owed |= keeper.owed(council, seqs)  # type: ignore[arg-type]
            free = [seq for seq in seqs if seq not in owed]
            for keeper in keepers:
                for kind, rows in keeper.hanging(council, free, before).items():  # type: ignore[arg-type]
                    counts[kind] += rows.count() if dry_run else _deleted(rows)
            # Deliveries refer to their event with PROTECT: should one still be there, the delete fails
            # loudly rather than take an owed event.
            counts["events"] += len(free) if dry_run else _deleted(events.filter(seq__in=free))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _prune_import_runs(
    council: Council | None, before: datetime, *, dry_run: bool, batch: int, counts: Counter[str]
) -> None:
    """Finished import runs older than `before`, with their jobs and any upload still stored for them."""
    runs = (
        _scoped(ImportRun, council)
        .filter(job__status__in=FINISHED)
        .filter(Q(job__finished_at__lt=before) | Q(job__finished_at__isnull=True, created_at__lt=before))
    )
    after = None
    while True:
        page = runs.order_by("pk") if after is None else runs.filter(pk__gt=after).order_by("pk")
        found = list(page.values_list("pk", "job_id", "stored_as")[:batch])
        if not found:
            return
        after = found[-1][0]
        keys, jobs = [pk for pk, _, _ in found], [job for _, job, _ in found]
        files = [stored for _, _, stored in found if stored]
        if dry_run:
            counts["import_runs"] += len(keys)
            counts["jobs"] += len(jobs)
            counts["import_files"] += len(files)
            continue
        with transaction.atomic():
            counts["import_runs"] += _deleted(runs.filter(pk__in=keys))
            counts["jobs"] += _deleted(_scoped(Job, council).filter(pk__in=jobs, import_run__isnull=True))
            # Files go once the rows are gone for good: a rolled-back batch keeps both.
            transaction.on_commit(functools.partial(_delete_files, files))
        counts["import_files"] += len(files)


def prune(
    actor: Actor,
    council: Council | None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> dict[str, int]:
    """Remove a council's records (or, with no council, the platform's own) older than their periods.

    Returns how many rows of each kind went (on a dry run: would go, and nothing changes). Audited and
    published once, with the counts, when not a dry run.
    """
    policy.require(actor, "council.retention.manage" if council is not None else "platform.manage", council)
    now = now or timezone.now()
    periods = days_for(council)
    before = {kind: now - timedelta(days=days) for kind, days in periods.items()}
    counts: Counter[str] = Counter({kind: 0 for kind in ("events", "import_runs", "import_files", "jobs")})
    if council is not None:
        for keeper in KEEPERS.values():
            counts.update({kind: 0 for kind in keeper.hanging(council, [], before)})  # report every kind
            for kind, rows in keeper.prunable(council, before).items():
                counts[kind] += _in_batches(rows, dry_run=dry_run, batch=batch)
    _prune_events(council, before, dry_run=dry_run, batch=batch, counts=counts)
    _prune_import_runs(council, before["import_runs"], dry_run=dry_run, batch=batch, counts=counts)
    old = Q(finished_at__lt=before["jobs"]) | Q(finished_at__isnull=True, updated_at__lt=before["jobs"])
    jobs = _scoped(Job, council).filter(old, status__in=FINISHED, import_run__isnull=True)
    counts["jobs"] += _in_batches(jobs, dry_run=dry_run, batch=batch)
    result = dict(sorted(counts.items()))
    if not dry_run:
        with transaction.atomic():
            data = {"counts": result, "periods": periods}
            audit.record(
                actor,
                "core.retention.pruned",
                council=council,
                object_type="core.council",
                object_id=str(council.pk) if council is not None else "",
                data=data,
            )
            publish("core.retention.pruned", council=council, subject=council, data=data)
    return result
