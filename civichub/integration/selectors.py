"""Integration selectors: a council's events (cursor-paged), its webhook endpoints, deliveries, attempts."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet

from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.models import Council, DomainEvent, ImportRun
from civichub.core.selectors import acting_provider, one_or_404
from civichub.integration.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint


def events(
    actor: Actor,
    council: Council,
    *,
    after: int = 0,
    types: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[DomainEvent]:
    """A council's events in order, after the cursor `after` (an event's seq)."""
    policy.require(actor, "integration.events.view", council)
    queryset = DomainEvent.objects.for_council(council).filter(seq__gt=after)
    if types:
        queryset = queryset.filter(type__in=types)
    if since:
        queryset = queryset.filter(occurred_at__gte=since)
    if until:
        queryset = queryset.filter(occurred_at__lt=until)
    return list(queryset.order_by("seq")[:limit])


def endpoints(actor: Actor, council: Council) -> QuerySet[WebhookEndpoint]:
    """The endpoints the actor may manage: all of the council's for officers, their own for providers."""
    policy.require(actor, "integration.webhooks.manage", council)
    queryset = WebhookEndpoint.objects.for_council(council).select_related("organisation")
    organisation = acting_provider(actor, council)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("url")


def endpoint(actor: Actor, council: Council, endpoint_id: UUID | str) -> WebhookEndpoint:
    return one_or_404(
        endpoints(actor, council),
        "This council has no webhook endpoint with that id that you manage",
        pk=endpoint_id,
    )


def deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.for_council(endpoint.council)
        .filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-created_at")
    )


def delivery(endpoint: WebhookEndpoint, delivery_id: UUID | str) -> WebhookDelivery:
    return one_or_404(deliveries(endpoint), "This endpoint has no delivery with that id", pk=delivery_id)


def attempts(delivery: WebhookDelivery) -> QuerySet[DeliveryAttempt]:
    return (
        DeliveryAttempt.objects.for_council(delivery.council)
        .filter(delivery=delivery)
        .order_by("-attempted_at")
    )


def imports(actor: Actor, council: Council) -> QuerySet[ImportRun]:
    policy.require(actor, "integration.imports.run", council)
    return (
        ImportRun.objects.for_council(council)
        .select_related("job", "job__requested_by")
        .order_by("-created_at")
    )


def import_run(actor: Actor, council: Council, run_id: UUID | str) -> ImportRun:
    return one_or_404(imports(actor, council), "This council has no import with that id", pk=run_id)
