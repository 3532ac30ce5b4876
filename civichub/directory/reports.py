"""Reports from residents, routed to whoever is responsible ("who is responsible" routing).

A resident names a category and a postcode. The postcode gives the council (which may be a neighbour
across the boundary) and the ward; the council's responsibilities give the provider (a ward-specific
arrangement before a council-wide one), or else the council itself. The report lands in that
provider's queue, the council sees every report in its area, and the resident follows it by reference.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council, CouncilProvider, Organisation
from civichub.core.outbox import publish
from civichub.core.selectors import acting_provider
from civichub.core.text import clean_text
from civichub.directory.details import located
from civichub.directory.models import Report, ReportCategory, Responsibility
from civichub.places import selectors as places

REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread


@dataclass(frozen=True)
class Routing:
    council: Council
    postcode: str
    ward_code: str
    organisation: Organisation | None
    arrangement: str


def route(category: ReportCategory, postcode: str) -> Routing:
    """Who deals with this category at this postcode; refused (naming the postcode) if we cannot say."""
    place = places.postcode(located(postcode, "postcode").postcode)
    if place.local_authority is None:
        raise Refused.on(
            "postcode", f"{place.postcode} is not a street address: enter the postcode of the place"
        )
    council = Council.objects.filter(gss_code=place.local_authority.gss_code).first()
    if council is None:
        raise Refused.on(
            "postcode",
            f"{place.postcode} is looked after by {place.local_authority.name}, which does not take reports "
            f"here yet: please contact {place.local_authority.short_name} directly",
        )
    ward = place.ward.gss_code if place.ward else ""
    responsibility = (
        Responsibility.objects.for_council(council)
        .filter(category=category, ward_code__in=[ward, ""])
        .select_related("organisation")
        .order_by("-ward_code")
        .first()
    )
    if responsibility is None:
        return Routing(council, place.postcode, ward, None, "")
    return Routing(council, place.postcode, ward, responsibility.organisation, responsibility.arrangement)


@transaction.atomic
def submit(category_id: str, postcode: str, description: str, email: str = "") -> Report:
    """Accept a resident's report (no sign-in) and route it. Returns it with its reference."""
    category = _category(category_id)
    if category is None:
        raise Refused.on("category", "Choose what you are reporting from the list")
    description = clean_text(description, multiline=True)
    if len(description) < 10:
        raise Refused.on("description", "Describe the problem in at least 10 characters")
    if len(description) > 2000:
        raise Refused.on("description", "The description must be 2,000 characters or fewer")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refused.on(
                "email", "Enter an email address like name@example.com, or leave it empty"
            ) from None
    routing = route(category, postcode)
    report = Report.objects.create(
        council=routing.council,
        reference=_new_reference(),
        category=category,
        postcode=routing.postcode,
        ward_code=routing.ward_code,
        description=description,
        reporter_email=email,
        routed_to=routing.organisation,
    )
    audit.record(Actor.system("public report", routing.council), "directory.report.received", obj=report)
    publish(
        "directory.report.received",
        council=routing.council,
        subject=report,
        data={
            "reference": report.reference,
            "category": category.name,
            "ward_code": routing.ward_code,
            "routed_to": str(routing.organisation.pk) if routing.organisation else None,
        },
    )
    return report


def _uuid(value: str) -> uuid.UUID | None:
    # What a form sent may be anything: not an id is simply not one on the list.
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _category(category_id: str) -> ReportCategory | None:
    key = _uuid(category_id)
    return ReportCategory.objects.filter(pk=key).first() if key else None


def _new_reference() -> str:
    while True:
        reference = "R-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(7))
        if not Report.unscoped.filter(reference=reference).exists():
            return reference


@transaction.atomic
def update_status(actor: Actor, report: Report, status: str, note: str = "") -> Report:
    """Move a report on. Council officers may update any report in the area; a provider only its own."""
    policy.require(actor, "directory.reports.handle", report.council)
    provider = acting_provider(actor, report.council)
    if provider is not None and report.routed_to_id != provider.pk:
        raise PermissionDenied("This report is not in your organisation's queue")
    if status not in Report.Status.values:
        raise Refused.on("status", "Choose a status from the list")
    report.status, report.status_note = status, note.strip()[:255]
    report.save(update_fields=["status", "status_note", "updated_at"])
    audit.record(actor, "directory.report.status_changed", obj=report, data={"status": status})
    publish(
        "directory.report.status_changed",
        council=report.council,
        subject=report,
        data={"reference": report.reference, "status": status},
    )
    return report


@transaction.atomic
def set_responsibility(
    actor: Actor,
    council: Council,
    *,
    category_id: str,
    organisation_id: str = "",
    ward_code: str = "",
    arrangement: str = "",
) -> Responsibility:
    """Say who deals with a category of report in the council (or one ward): a provider, or the council."""
    policy.require(actor, "council.providers.manage", council)
    category = _category(category_id)
    if category is None:
        raise Refused.on("category", "Choose a category from the list")
    organisation = None
    if organisation_id:
        provider = (
            CouncilProvider.objects.for_council(council)
            .filter(organisation_id=_uuid(organisation_id))
            .select_related("organisation")
            .first()
        )
        if provider is None:
            raise Refused.on("organisation", "Choose one of the council's providers, or the council itself")
        organisation = provider.organisation
    ward_code = ward_code.strip().upper()
    if ward_code:
        try:
            places.ward(ward_code, in_area=council.gss_code)
        except (Http404, Refused):
            raise Refused.on("ward", f"{ward_code} is not one of {council.short_name}'s wards") from None
    responsibility, _ = Responsibility.objects.for_council(council).update_or_create(
        category=category,
        ward_code=ward_code,
        defaults={
            "council": council,
            "organisation": organisation,
            "arrangement": clean_text(arrangement)[:255],
        },
    )
    audit.record(
        actor,
        "directory.responsibility.set",
        obj=responsibility,
        data={
            "category": category.name,
            "ward": ward_code,
            "organisation": str(organisation.pk) if organisation else None,
        },
    )
    publish(
        "directory.responsibility.set",
        council=council,
        subject=responsibility,
        data={
            "responsibility_id": str(responsibility.pk),
            "category": category.name,
            "ward_code": ward_code,
            "organisation_id": str(organisation.pk) if organisation else None,
        },
    )
    return responsibility


@transaction.atomic
def remove_responsibility(actor: Actor, responsibility: Responsibility) -> None:
    """Stop a provider dealing with a category (in a ward): its reports go to the council again."""
    council = responsibility.council
    policy.require(actor, "council.providers.manage", council)
    audit.record(actor, "directory.responsibility.removed", obj=responsibility)
    publish(
        "directory.responsibility.removed",
        council=council,
        subject=responsibility,
        data={
            "responsibility_id": str(responsibility.pk),
            "category": responsibility.category.name,
            "ward_code": responsibility.ward_code,
        },
    )
    Responsibility.objects.for_council(council).filter(pk=responsibility.pk).delete()
