"""What integration keeps, for the kernel's retention (core/retention.py, core/pruning.py).

Webhook deliveries hang on the outbox's events. A delivery still pending (waiting for its first attempt,
retrying, or waiting while its endpoint is switched off) is owed: its event, the delivery and its attempts
all stay, however old. A finished delivery (delivered, or given up) goes with its event once the event is
past its period; its attempts' logs go sooner, after their own period (90 days by default).

These are queries only: the kernel runs them in its own batches and transactions, counts, audits and
publishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from civichub.core.models import Council
from civichub.core.retention import Keeper, RetainedKind, Rows, register_kind
from civichub.integration.models import DeliveryAttempt, WebhookDelivery

DELIVERY_ATTEMPTS = register_kind(
    RetainedKind(
        "delivery_attempts",
        "Webhook delivery attempts",
        "The log of each attempt to send an event to a webhook (request, response, timing), once its "
        "delivery has succeeded or been given up. Attempts of deliveries still being retried are kept.",
        90,
    )
)
OWED = WebhookDelivery.Status.PENDING


def prunable(council: Council, before: Mapping[str, datetime]) -> Rows:
    """Attempts of finished deliveries older than their period."""
    return {
        DELIVERY_ATTEMPTS.name: DeliveryAttempt.objects.for_council(council)
        .filter(attempted_at__lt=before[DELIVERY_ATTEMPTS.name])
        .exclude(delivery__status=OWED)
    }


def owed(council: Council, seqs: list[int]) -> set[int]:
    """Of these events, those with a delivery still pending.

    Locks their deliveries until the kernel's transaction ends (on PostgreSQL; SQLite has one writer), so
    a redelivery asked for meanwhile waits, and then finds the delivery gone rather than half-removed.
    """
    deliveries = (
        WebhookDelivery.objects.for_council(council)
        .filter(event_id__in=seqs)
        .select_for_update()
        .values_list("event_id", "status")
    )
    return {seq for seq, status in deliveries if status == OWED}


def hanging(council: Council, seqs: list[int], before: Mapping[str, datetime]) -> Rows:
    """The finished deliveries of these events, and first their attempts (those `prunable` left)."""
    finished = WebhookDelivery.objects.for_council(council).filter(event_id__in=seqs).exclude(status=OWED)
    return {
        DELIVERY_ATTEMPTS.name: DeliveryAttempt.objects.for_council(council).filter(
            delivery__in=finished.values("pk"), attempted_at__gte=before[DELIVERY_ATTEMPTS.name]
        ),
        "webhook_deliveries": finished,
    }


KEEPER = Keeper("integration", prunable=prunable, owed=owed, hanging=hanging)
