"""Directory selectors: a council's own directory as its officers and providers manage it (services,
proposed changes, history), residents' reports and who deals with them. The public directory is read
through `directory.oruk` (search and lookups by id)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.models import Council
from civichub.core.selectors import acting_provider, one_or_404
from civichub.directory.details import FIELD_LABELS, ServiceDetails, differences
from civichub.directory.models import (
    ChangeRecord,
    ChangeRequest,
    Contact,
    CostOption,
    Report,
    ReportCategory,
    Responsibility,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from civichub.places import selectors as places


def _uuid_or_404(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404(f"No {what} has that id") from None


def with_everything(services: QuerySet[Service], key: uuid.UUID) -> Service:
    """One service of `services` with everything about it loaded (each part read within its council)."""
    found = (
        services.select_related("organisation", "council")
        .prefetch_related("organisation__identifiers", "taxonomy_terms__taxonomy")
        .filter(pk=key)
        .first()
    )
    if found is None:
        raise Http404("No service has that id")
    council = found.council
    prefetch_related_objects(
        [found],
        Prefetch("schedules", queryset=Schedule.objects.for_council(council)),
        Prefetch("service_areas", queryset=ServiceArea.objects.for_council(council)),
        Prefetch("cost_options", queryset=CostOption.objects.for_council(council)),
        Prefetch("contacts", queryset=Contact.objects.for_council(council)),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.for_council(council).select_related("location"),
        ),
    )
    return found


def service_for_document(service_id: uuid.UUID) -> Service:
    """A service (published or not) with everything its ORUK document needs."""
    return with_everything(Service.unscoped.all(), service_id)


def details_of(service: Service) -> ServiceDetails:
    """What a service says now, from what is stored about it."""
    found = service_for_document(service.pk)
    return ServiceDetails(
        name=found.name,
        description=found.description,
        minimum_age=found.minimum_age,
        maximum_age=found.maximum_age,
        fees=found.fees_description,
        url=found.url,
        email=found.email,
        terms=sorted(found.taxonomy_terms.all(), key=lambda t: t.name),
        schedules=[(s.byday, s.opens_at, s.closes_at) for s in found.schedules.all()],
        # A stored location carries its postcode and where it is, as a postcode from places does.
        locations=[
            (sal.location.name, sal.location.address_1, sal.location)
            for sal in found.service_at_locations.all()
        ],
        cost_options=[(c.option, c.amount) for c in found.cost_options.all()],
        ward_codes=sorted(a.ward_code for a in found.service_areas.all() if a.ward_code),
        contacts=[(c.name, c.title, c.email) for c in found.contacts.all()],
        commissioned_under=found.commissioned_under,
    )


def taxonomy_terms() -> QuerySet[TaxonomyTerm]:
    """The categories a service can be listed under (every council shares them)."""
    return TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")


def service_wards(actor: Actor, council: Council) -> list[tuple[str, str]]:
    """(GSS code, name) of the wards a council's service can serve, for the service form and the API."""
    policy.require(actor, "directory.services.view", council)
    return council_wards(council)


def council_wards(council: Council) -> list[tuple[str, str]]:
    """(GSS code, name) of a council's wards: public facts, shown wherever the directory names a ward."""
    return [(w.gss_code, w.name or w.gss_code) for w in places.wards_in(council.gss_code)]


def report_categories() -> QuerySet[ReportCategory]:
    return ReportCategory.objects.order_by("name", "id")


def report_status(reference: str) -> Report:
    """A report by its reference, for the resident following it (public: no personal data is shown)."""
    found = (
        Report.unscoped.filter(reference=reference.strip().upper()[:20])
        .select_related("category", "routed_to", "council")
        .first()
    )
    if found is None:
        raise Http404("No report has that reference")
    return found


def report_queue(actor: Actor, council: Council) -> QuerySet[Report]:
    """The reports someone handles: all of the council's for its officers, their own for a provider."""
    policy.require(actor, "directory.reports.handle", council)
    queue = Report.objects.for_council(council).select_related("category", "routed_to", "council")
    provider = acting_provider(actor, council)
    return queue.filter(routed_to=provider) if provider is not None else queue


def report_to_handle(actor: Actor, council: Council, reference: str) -> Report:
    """One report from the actor's queue, with the reporter's contact details: that read is audited."""
    report = one_or_404(
        report_queue(actor, council),
        "There is no report with that reference in your queue",
        reference=reference.upper(),
    )
    if report.reporter_email:
        audit.record(
            actor, "directory.report.contact_read", obj=report, council=council, purpose="Handling the report"
        )
    return report


def responsibilities(actor: Actor, council: Council) -> QuerySet[Responsibility]:
    policy.require(actor, "council.providers.manage", council)
    return (
        Responsibility.objects.for_council(council)
        .select_related("category", "organisation")
        .order_by("category__name", "ward_code", "id")
    )


def responsibility(actor: Actor, council: Council, responsibility_id: uuid.UUID | str) -> Responsibility:
    return one_or_404(
        responsibilities(actor, council),
        "No such responsibility in this council",
        pk=_uuid_or_404(str(responsibility_id), "responsibility"),
    )


def managed_services(actor: Actor, council: Council) -> QuerySet[Service]:
    """The council's services, published or not: all of them for officers, their own for a provider."""
    policy.require(actor, "directory.services.view", council)
    found = Service.objects.for_council(council).select_related("organisation").defer("oruk_document")
    provider = acting_provider(actor, council)
    return found.filter(organisation=provider) if provider is not None else found


def managed_service(actor: Actor, council: Council, service_id: uuid.UUID | str) -> Service:
    return one_or_404(
        managed_services(actor, council).select_related("council"),
        "There is no service with that id in your directory",
        pk=_uuid_or_404(str(service_id), "service"),
    )


def change_requests(actor: Actor, council: Council) -> QuerySet[ChangeRequest]:
    """Proposed changes: every provider's for officers, their own organisation's for a provider."""
    policy.require(actor, "directory.services.view", council)
    found = ChangeRequest.objects.for_council(council).select_related(
        "service", "organisation", "proposed_by", "decided_by"
    )
    provider = acting_provider(actor, council)
    return found.filter(organisation=provider) if provider is not None else found


def change_request(actor: Actor, council: Council, change_id: uuid.UUID | str) -> ChangeRequest:
    return one_or_404(
        change_requests(actor, council).select_related("council"),
        "There is no change request with that id here",
        pk=_uuid_or_404(str(change_id), "change request"),
    )


@dataclass
class ChangeView:
    """What a change request changes, field by field (label, now, proposed), and against what."""

    rows: list[tuple[str, str, str]]
    against: str
    problem: str = ""


def change_view(change: ChangeRequest) -> ChangeView:
    if change.status == ChangeRequest.Status.APPROVED:
        records = ChangeRecord.objects.for_council(change.council).filter(change_request=change)
        rows = [
            (FIELD_LABELS.get(r.field_name, r.field_name), r.previous_value, r.replacement_value)
            for r in records
        ]
        return ChangeView(
            sorted(rows, key=lambda r: list(FIELD_LABELS.values()).index(r[0])), "as it was applied"
        )
    try:
        proposed = ServiceDetails.from_json(change.proposed)
    except LookupError as exc:
        return ChangeView([], "", f"It can no longer be applied: {exc}")
    current = details_of(change.service) if change.service else None
    rows = [(FIELD_LABELS[name], before, after) for name, before, after in differences(current, proposed)]
    return ChangeView(rows, "compared with the service as it is now" if current else "a new service")


def service_history(
    actor: Actor, council: Council, service_id: uuid.UUID | str
) -> tuple[Service, QuerySet[ChangeRecord]]:
    """A service the actor manages, and its history (HSDS metadata), newest first."""
    service = managed_service(actor, council, service_id)
    records = ChangeRecord.objects.for_council(council).filter(
        resource_type="service", resource_id=service.pk
    )
    return service, records


def published_services(council: Council, search: str = "") -> QuerySet[Service]:
    """A council's published services, with their organisation: what a resident may buy with a personal
    budget (commissioning reads them through here)."""
    found = (
        Service.objects.for_council(council)
        .filter(is_published=True, status=Service.Status.ACTIVE)
        .select_related("organisation")
        .order_by("name", "id")
    )
    return found.filter(name__icontains=search[:100]) if search else found
