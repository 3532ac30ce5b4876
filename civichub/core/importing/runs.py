"""The record of every import: who, when, which file (by hash), and what it changed or why it was refused."""

from __future__ import annotations

from django.db import models

from civichub.core.jobs import Job
from civichub.core.tenancy import TenantOrPlatformModel
from civichub.core.timestamps import TimestampedModel


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
