"""Integration services: register and manage webhook endpoints (the outbox they deliver is the kernel's)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.catalogue import CATALOGUE
from civichub.core.errors import Refused
from civichub.core.models import Council, Organisation
from civichub.core.text import clean_text
from civichub.integration import signing, targets
from civichub.integration.models import WebhookDelivery, WebhookEndpoint

SECRET_OVERLAP = timedelta(hours=24)


def _clean_event_types(names: list[str]) -> list[str]:
    unknown = sorted(set(names) - set(CATALOGUE))
    if unknown:
        raise Refused.on("event_types", f"Unknown event types: {', '.join(unknown)}")
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
        raise Refused.on("url", "The URL must be 500 characters or fewer")
    try:
        targets.check(url)
    except targets.TargetRefused as exc:
        raise Refused.on("url", str(exc)) from exc
    endpoint = WebhookEndpoint.objects.create(
        council=council,
        organisation=organisation,
        url=url,
        description=clean_text(description)[:200],
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
