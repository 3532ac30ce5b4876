"""Directory services: publishing a service with where, when and for whom it runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.models import Council, Organisation
from civichub.directory.models import (
    Contact,
    CostOption,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from civichub.integration.services import publish
from civichub.places.models import Postcode


@dataclass
class ServiceDetails:
    name: str
    description: str
    minimum_age: int | None = None
    maximum_age: int | None = None
    fees: str = ""
    url: str = ""
    email: str = ""
    terms: list[TaxonomyTerm] = field(default_factory=list)
    # (iCal days "MO,WE", opens, closes)
    schedules: list[tuple[str, time, time]] = field(default_factory=list)
    # (location name, street address, postcode as held in places)
    locations: list[tuple[str, str, Postcode]] = field(default_factory=list)
    cost_options: list[tuple[str, Decimal | None]] = field(default_factory=list)
    # ward GSS codes; none means the whole council
    ward_codes: list[str] = field(default_factory=list)
    contacts: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def add_service(
    actor: Actor, council: Council, organisation: Organisation, details: ServiceDetails
) -> Service:
    """Put a service in a council's directory, published (council officers add services directly)."""
    policy.require(actor, "directory.services.publish", council)
    if (
        details.minimum_age is not None
        and details.maximum_age is not None
        and details.minimum_age > details.maximum_age
    ):
        raise ValueError("The minimum age must not be more than the maximum age")
    service = Service.objects.create(
        council=council,
        organisation=organisation,
        name=details.name,
        description=details.description,
        minimum_age=details.minimum_age,
        maximum_age=details.maximum_age,
        fees_description=details.fees,
        url=details.url,
        email=details.email,
        is_published=True,
    )
    service.taxonomy_terms.set(details.terms)
    _add_parts(council, service, details)
    refresh_document(service)
    audit.record(actor, "directory.service.added", obj=service, council=council)
    publish(
        "directory.service.published",
        council=council,
        subject=service,
        data={"service_id": str(service.pk), "name": service.name, "organisation_id": str(organisation.pk)},
    )
    return service


def _add_parts(council: Council, service: Service, details: ServiceDetails) -> None:
    for byday, opens, closes in details.schedules:
        Schedule.objects.create(
            council=council, service=service, byday=byday, opens_at=opens, closes_at=closes
        )
    for name, street, postcode in details.locations:
        location = Location.objects.create(
            council=council,
            name=name,
            address_1=street,
            city=council.short_name,
            postcode=postcode.postcode,
            latitude=postcode.latitude,
            longitude=postcode.longitude,
        )
        ServiceAtLocation.objects.create(council=council, service=service, location=location)
    for option, amount in details.cost_options:
        CostOption.objects.create(council=council, service=service, option=option, amount=amount)
    for ward in details.ward_codes or [""]:
        ServiceArea.objects.create(
            council=council,
            service=service,
            ward_code=ward,
            name=f"Ward {ward}" if ward else council.short_name,
        )
    for name, title, email in details.contacts:
        Contact.objects.create(council=council, service=service, name=name, title=title, email=email)


def refresh_document(service: Service) -> str:
    """Render and store the service's ORUK document (call after any change to the service)."""
    from civichub.directory import oruk, selectors

    document = json.dumps(
        oruk.service_full(selectors.service_for_document(service.pk)), separators=(",", ":")
    )
    Service.objects.for_council(service.council).filter(pk=service.pk).update(oruk_document=document)
    return document


@transaction.atomic
def replace_service(actor: Actor, service: Service, details: ServiceDetails) -> bool:
    """Bring a service into line with `details`; returns whether anything changed."""
    policy.require(actor, "directory.services.publish", service.council)
    before = service.oruk_document
    council = service.council
    for related in (Schedule, CostOption, ServiceArea, Contact, ServiceAtLocation):
        related.objects.for_council(council).filter(service=service).delete()
    Location.objects.for_council(council).filter(service_at_locations__isnull=True).delete()
    Service.objects.for_council(council).filter(pk=service.pk).update(
        description=details.description,
        minimum_age=details.minimum_age,
        maximum_age=details.maximum_age,
        fees_description=details.fees,
        url=details.url,
        email=details.email,
    )
    service.refresh_from_db()
    service.taxonomy_terms.set(details.terms)
    _add_parts(council, service, details)
    after = refresh_document(service)
    # Ids of nested rows are new each time: compare what the service says, not the row ids.
    if _comparable(before) == _comparable(after):
        return False
    Service.objects.for_council(council).filter(pk=service.pk).update(updated_at=timezone.now())
    refresh_document(service)
    audit.record(actor, "directory.service.updated", obj=service, council=council)
    return True


def _comparable(document: str) -> object:
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith("id") and k != "last_modified"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(document)) if document else None
