"""Directory services: publishing a service with where, when and for whom it runs, changing it and
withdrawing it. Each change writes the service's history (HSDS `metadata`), its stored ORUK document and
search entries, the audit log and its domain event, all in one transaction."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict
from civichub.core.models import Council, Organisation
from civichub.core.outbox import publish
from civichub.directory.details import ServiceDetails, check_details, differences
from civichub.directory.models import (
    ChangeRecord,
    ChangeRequest,
    Contact,
    CostOption,
    Location,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from civichub.directory.oruk.selectors import render
from civichub.directory.selectors import details_of
from civichub.places import selectors as places

DOCUMENT_BATCH = 200


@transaction.atomic
def add_service(
    actor: Actor,
    council: Council,
    organisation: Organisation,
    details: ServiceDetails,
    change: ChangeRequest | None = None,
) -> Service:
    """Put a service in a council's directory, published: by an officer, an import, or approving a
    provider's change request (`change`)."""
    policy.require(actor, "directory.services.publish", council)
    details = check_details(council, details)
    service = Service.objects.create(
        council=council,
        organisation=organisation,
        is_published=True,
        **_columns(details),
    )
    service.taxonomy_terms.set(details.terms)
    _add_parts(council, service, details)
    _derive(service)
    _record_history(actor, service, ChangeRecord.Action.CREATE, differences(None, details), change)
    audit.record(actor, "directory.service.added", obj=service, council=council)
    publish(
        "directory.service.published",
        council=council,
        subject=service,
        data={"service_id": str(service.pk), "name": service.name, "organisation_id": str(organisation.pk)},
    )
    return service


def _columns(details: ServiceDetails) -> dict[str, Any]:
    """The service's own columns from its details (the rest are rows of their own: `_add_parts`)."""
    return {
        "name": details.name,
        "description": details.description,
        "minimum_age": details.minimum_age,
        "maximum_age": details.maximum_age,
        "fees_description": details.fees,
        "url": details.url,
        "email": details.email,
        "commissioned_under": details.commissioned_under,
    }


def _add_parts(council: Council, service: Service, details: ServiceDetails) -> None:
    for byday, opens, closes in details.schedules:
        Schedule.objects.create(
            council=council, service=service, byday=byday, opens_at=opens, closes_at=closes
        )
    for name, street, place in details.locations:
        location = Location.objects.create(
            council=council,
            name=name,
            address_1=street,
            city=council.short_name,
            postcode=place.postcode,
            latitude=place.latitude,
            longitude=place.longitude,
        )
        ServiceAtLocation.objects.create(council=council, service=service, location=location)
    for option, amount in details.cost_options:
        CostOption.objects.create(council=council, service=service, option=option, amount=amount)
    names = places.ward_names(details.ward_codes)
    for ward in details.ward_codes or [""]:
        ServiceArea.objects.create(
            council=council,
            service=service,
            ward_code=ward,
            # ORUK's service area name is what residents read: the ward's name, its code if it has none.
            name=names.get(ward, f"Ward {ward}") if ward else council.short_name,
        )
    for name, title, email in details.contacts:
        Contact.objects.create(council=council, service=service, name=name, title=title, email=email)


def _derive(service: Service) -> None:
    """Re-derive what is stored to read a service fast: its ORUK document and its search entries.

    Only the services that change a service call this, inside their transaction: no read does."""
    council = service.council
    Service.objects.for_council(council).filter(pk=service.pk).update(oruk_document=render(service.pk))
    SearchEntry.objects.for_council(council).filter(service=service).delete()
    if Service.objects.for_council(council).filter(pk=service.pk, is_published=True).exists():
        SearchEntry.objects.bulk_create(_search_entries(council, [service.pk]))


def reindex(council: Council) -> int:
    """Rebuild a council's search entries from its published services; returns how many there are."""
    with transaction.atomic():
        SearchEntry.objects.for_council(council).delete()
        # A subquery, not a list of ids: a council's directory can outgrow SQLite's limit on parameters.
        published = Service.objects.for_council(council).filter(is_published=True).values("pk")
        entries = _search_entries(council, published)
        SearchEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def store_missing_documents(council: Council) -> int:
    """Store the ORUK document of every service that has none (stored before documents existed, or
    bulk-loaded); returns how many. Reads serve such a service by rendering it without storing it."""
    missing = Service.objects.for_council(council).filter(oruk_document="").values_list("pk", flat=True)
    stored = 0
    while batch := list(missing[:DOCUMENT_BATCH]):
        with transaction.atomic():
            for pk in batch:
                Service.objects.for_council(council).filter(pk=pk).update(oruk_document=render(pk))
        stored += len(batch)
    return stored


def search_words(*texts: str) -> str:
    """The distinct lower-case words of some text, in order, capped so an index row stays small."""
    words = dict.fromkeys(re.findall(r"\w+", " ".join(texts).lower()))
    kept, size = [], 0
    for word in words:
        size += len(word.encode()) + 1
        if size > SearchEntry.WORDS_MAX_BYTES:
            break
        kept.append(word)
    return " ".join(kept)


def _search_entries(council: Council, service_ids: Iterable[uuid.UUID] | QuerySet[Any]) -> list[SearchEntry]:
    services = {
        row[0]: row
        for row in Service.objects.for_council(council)
        .filter(pk__in=service_ids)
        .values_list("pk", "name", "description", "minimum_age", "maximum_age")
    }
    places = ServiceAtLocation.objects.for_council(council).filter(
        service_id__in=service_ids, location__latitude__isnull=False, location__longitude__isnull=False
    )
    return [
        SearchEntry(
            council=council,
            service_id=service_id,
            location_id=location_id,
            latitude=latitude,
            longitude=longitude,
            minimum_age=services[service_id][3],
            maximum_age=services[service_id][4],
            words=search_words(services[service_id][1], services[service_id][2]),
        )
        for service_id, location_id, latitude, longitude in places.values_list(
            "service_id", "location_id", "location__latitude", "location__longitude"
        )
    ]


@transaction.atomic
def replace_service(
    actor: Actor, service: Service, details: ServiceDetails, change: ChangeRequest | None = None
) -> bool:
    """Bring a service into line with `details`, keeping each changed field in its history; returns
    whether anything changed."""
    policy.require(actor, "directory.services.publish", service.council)
    details = check_details(service.council, details)
    changed = differences(details_of(service), details)
    if not changed:
        return False
    council = service.council
    for related in (Schedule, CostOption, ServiceArea, Contact, ServiceAtLocation):
        related.objects.for_council(council).filter(service=service).delete()
    Location.objects.for_council(council).filter(service_at_locations__isnull=True).delete()
    Service.objects.for_council(council).filter(pk=service.pk).update(
        updated_at=timezone.now(), **_columns(details)
    )
    service.refresh_from_db()
    service.taxonomy_terms.set(details.terms)
    _add_parts(council, service, details)
    _derive(service)
    _record_history(actor, service, ChangeRecord.Action.UPDATE, changed, change)
    audit.record(
        actor,
        "directory.service.updated",
        obj=service,
        council=council,
        data={"fields": [c[0] for c in changed]},
    )
    publish(
        "directory.service.updated",
        council=council,
        subject=service,
        data={
            "service_id": str(service.pk),
            "name": service.name,
            "fields": [name for name, _, _ in changed],
            "change_id": str(change.pk) if change else None,
        },
    )
    return True


@transaction.atomic
def withdraw_service(actor: Actor, service: Service, reason: str = "") -> Service:
    """Take a service out of the public directory (the finder, search, ORUK API and export), keeping it
    and its history for the council; its history records the HSDS `delete` action. A provider's pending
    proposals for it are withdrawn with it, as they could no longer be published."""
    council = service.council
    policy.require(actor, "directory.services.publish", council)
    service = Service.objects.for_council(council).select_for_update().get(pk=service.pk)
    if not service.is_published:
        raise Conflict.on(None, f"{service.name} is already withdrawn from the directory")
    reason = reason.strip()[:500]
    Service.objects.for_council(council).filter(pk=service.pk).update(
        is_published=False, updated_at=timezone.now()
    )
    service.refresh_from_db()
    SearchEntry.objects.for_council(council).filter(service=service).delete()
    withdraw_pending(actor, service, "The service was withdrawn from the directory")
    withdrawn = f"Withdrawn: {reason}" if reason else "Withdrawn"
    _record_history(actor, service, ChangeRecord.Action.DELETE, [("published", "Public", withdrawn)], None)
    audit.record(actor, "directory.service.withdrawn", obj=service, council=council, data={"reason": reason})
    publish(
        "directory.service.withdrawn",
        council=council,
        subject=service,
        data={"service_id": str(service.pk), "name": service.name, "reason": reason},
    )
    return service


@transaction.atomic
def withdraw_pending(actor: Actor, service: Service, why: str, *, keep: ChangeRequest | None = None) -> None:
    """Withdraw the proposals still waiting for the council about `service` (but `keep`), each audited
    and published as a withdrawal, so nobody decides on what can no longer apply."""
    council = service.council
    waiting = (
        ChangeRequest.objects.for_council(council)
        .select_for_update()
        .filter(service=service, status=ChangeRequest.Status.PENDING)
    )
    for change in waiting.exclude(pk=keep.pk) if keep else waiting:
        mark_withdrawn(actor, change, why)


@transaction.atomic
def mark_withdrawn(actor: Actor, change: ChangeRequest, why: str) -> None:
    """Record that a pending change request will not be decided on: audited and published."""
    change.status = ChangeRequest.Status.WITHDRAWN
    change.decided_at = timezone.now()
    change.decision_note = why[:500]
    change.save(update_fields=["status", "decided_at", "decision_note", "updated_at"])
    audit.record(actor, "directory.change.withdrawn", obj=change, council=change.council, data={"why": why})
    publish(
        "directory.change.withdrawn",
        council=change.council,
        subject=change,
        data={
            "change_id": str(change.pk),
            "service_id": str(change.service_id) if change.service_id else None,
            "reason": why,
        },
    )


def _record_history(
    actor: Actor,
    service: Service,
    action: str,
    changed: list[tuple[str, str, str]],
    change: ChangeRequest | None,
) -> None:
    # HSDS keeps who made a change; for an approved proposal that is the provider and the approver.
    by = f"{change.proposed_by.username} (approved by {actor.label})" if change else actor.label
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            council=service.council,
            resource_id=service.pk,
            last_action_type=action,
            field_name=name,
            previous_value=previous,
            replacement_value=replacement,
            updated_by=by,
            change_request=change,
        )
        for name, previous, replacement in changed
    )
