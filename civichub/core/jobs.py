"""Jobs: long pieces of work run in the background, with the progress people watch while they run; and the
record of every import, which runs as a job."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models

from civichub.core.tenancy import TenantOrPlatformModel
from civichub.core.timestamps import TimestampedModel

# progress(stage, done, total): how far a long job has got, for a progress bar.
Progress = Callable[[str, int, int], None]


class Job(TenantOrPlatformModel, TimestampedModel):
    """A background job of a council, or of the platform (no council)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOrPlatformModel.Meta):
        app_label = "core"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ImportRun(TenantOrPlatformModel, TimestampedModel):
    """One file import of a council (or, with no council, of the platform: the national geography).

    The file waits in `default_storage` (not on the web machine's disk), so the web and the worker can
    run on different machines; it is removed once the run has finished, and its hash stays.
    """

    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="import_run")
    import_type = models.CharField(max_length=60)
    file_name = models.CharField(max_length=255)
    stored_as = models.CharField(max_length=255, blank=True, help_text="Its name in default_storage")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=100)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, field, message}] when refused")

    class Meta(TenantOrPlatformModel.Meta):
        app_label = "core"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "import_type", "idempotency_key"])]


def progress_of(job: Job) -> Progress:
    """A progress callback that writes to the job's row, outside any transaction the work holds open."""

    def report(stage: str, done: int, total: int) -> None:
        Job.unscoped.filter(pk=job.pk).update(stage=stage[:100], done=done, total=total)

    return report
