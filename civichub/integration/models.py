"""Integration: the transactional outbox of domain events, webhook endpoints and their deliveries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from civichub.core.models import Council, Organisation, TimestampedModel
from civichub.core.tenancy import TenantScopedModel


class DomainEvent(models.Model):
    """Something that happened, written in the same transaction as the change it describes.

    `seq` orders the outbox and is the API's cursor; `id` is the event's identity everywhere else
    (it is the webhook-id of every delivery of it, so receivers can de-duplicate).
    """

    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    # Null for platform events (a geography import): those go to no council's webhooks.
    council = models.ForeignKey(Council, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=100)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(db_index=True)
    fanned_out = models.BooleanField(default=False, help_text="Deliveries have been created for it")

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["council", "seq"]), models.Index(fields=["fanned_out", "seq"])]

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"


class WebhookEndpoint(TenantScopedModel, TimestampedModel):
    """A URL that a council, a provider or a partner body registered to hear about events."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        help_text="The provider or partner it belongs to; blank for the council's own",
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True, help_text="Event types to send; empty for all")
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["url"]

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookDelivery(TenantScopedModel):
    """One event on its way to one endpoint: retried with backoff until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Given up"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(DomainEvent, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A dispatcher that claims a delivery holds it until then; if it dies, another takes it over.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="one_delivery_per_endpoint_event")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class DeliveryAttempt(TenantScopedModel):
    """The log of one HTTP attempt: what was sent, what came back, and how long it took."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField()
    request_headers = models.JSONField(default=dict)
    request_body = models.TextField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-attempted_at"]


class Job(TimestampedModel):
    """A long piece of work run in the background, with the progress people see while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    council = models.ForeignKey(Council, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ImportRun(TenantScopedModel, TimestampedModel):
    """One file import: who, when, which file (by hash), and what it changed or why it was refused."""

    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="import_run")
    import_type = models.CharField(max_length=60)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=100)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, field, message}] when refused")

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "import_type", "idempotency_key"])]
