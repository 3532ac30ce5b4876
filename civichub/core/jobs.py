"""Jobs: long pieces of work run in the background, with the progress people watch while they run."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from civichub.core.importing.reading import Progress
from civichub.core.tenancy import TenantOrPlatformModel
from civichub.core.timestamps import TimestampedModel


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


def progress_of(job: Job) -> Progress:
    """A progress callback that writes to the job's row, outside any transaction the work holds open."""

    def report(stage: str, done: int, total: int) -> None:
        Job.unscoped.filter(pk=job.pk).update(stage=stage[:100], done=done, total=total)

    return report
