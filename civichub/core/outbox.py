"""The outbox: domain events, written in the same transaction as the change they describe.

Kernel infrastructure, like the audit log: every context publishes through `publish()`, and the
`integration` context (webhooks) and any internal consumer read the outbox afterwards. Because an event
is a row written with the change, a rolled-back change leaves no event, and a crash after commit loses
none: delivery is the dispatcher's job, at least once, by the event's id.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from civichub.core.catalogue import CATALOGUE
from civichub.core.tenancy import TenantOrPlatformModel

if TYPE_CHECKING:
    from civichub.core.models import Council


class DomainEvent(TenantOrPlatformModel):
    """Something that happened. Platform events (a geography import) have no council.

    `seq` orders the outbox and is the API's cursor; `id` is the event's identity everywhere else
    (it is the webhook-id of every delivery of it, so receivers can de-duplicate).
    """

    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=100)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(db_index=True)
    fanned_out = models.BooleanField(default=False, help_text="Deliveries have been created for it")

    class Meta(TenantOrPlatformModel.Meta):
        app_label = "core"
        ordering = ["seq"]
        indexes = [models.Index(fields=["council", "seq"]), models.Index(fields=["fanned_out", "seq"])]

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"


def publish(
    event_type: str,
    *,
    council: Council | None,
    subject: models.Model | None = None,
    data: dict[str, Any],
    subject_type: str = "",
    subject_id: str = "",
) -> DomainEvent:
    """Write a domain event into the outbox. Call inside the transaction of the change: both or neither.

    An unknown type, or data its schema refuses, is a programming error and raises.
    """
    known = CATALOGUE.get(event_type)
    if known is None:
        raise KeyError(f"Unknown event type {event_type!r}: register it in the catalogue")
    known.validate(data)
    if subject is not None:
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    return DomainEvent.unscoped.create(
        type=event_type,
        version=known.version,
        council=council,
        subject_type=subject_type,
        subject_id=subject_id,
        data=data,
        occurred_at=timezone.now(),
    )
