"""Directory selectors: the public directory (published services of every council) and its search."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import (
    Case,
    Count,
    F,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.http import Http404, QueryDict
from django.utils.dateparse import parse_datetime

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.models import Council, Organisation, OrganisationIdentifier
from civichub.core.selectors import acting_provider, one_or_404
from civichub.directory.models import (
    ChangeRecord,
    ChangeRequest,
    Contact,
    CostOption,
    Report,
    ReportCategory,
    Responsibility,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from civichub.places import selectors as places

MAX_PER_PAGE = 200
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
METRES_PER_DEGREE_LATITUDE = 111_320


class BadQuery(ValueError):
    """A query parameter is wrong; the message names it and says what it should be."""


@dataclass
class ServiceQuery:
    text: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    postcode_point: tuple[float, float] | None = None
    proximity_m: float | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str = ""
    start_time: time | None = None
    end_time: time | None = None
    page: int = 1
    per_page: int = 50

    @property
    def window(self) -> slice:
        """The slice of the full result that this page shows."""
        start = (self.page - 1) * self.per_page
        return slice(start, start + self.per_page)


def published_services() -> QuerySet[Service]:
    # Published services are the public directory, open to anyone across every council: the one
    # deliberate read of council data without a council.
    return Service.unscoped.filter(is_published=True).defer("oruk_document")


def _uuid(params: QueryDict, name: str) -> uuid.UUID | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadQuery(f"{name} must be an id (a UUID), not '{value}'") from None


def _int(params: QueryDict, name: str, low: int, high: int) -> int | None:
    value = params.get(name)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number, not '{value}'") from None
    if not low <= number <= high:
        raise BadQuery(f"{name} must be between {low} and {high}, not {number}")
    return number


def _time(params: QueryDict, name: str) -> time | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"{name} must be a time like 09:30, not '{value}'") from None


def parse_query(params: QueryDict) -> ServiceQuery:
    """Read the UK profile's query parameters, refusing anything malformed with a clear message."""
    query = ServiceQuery(
        text=(params.get("text") or params.get("search") or "").strip()[:200],
        taxonomy_term_id=_uuid(params, "taxonomy_term_id"),
        taxonomy_id=_uuid(params, "taxonomy_id"),
        organization_id=_uuid(params, "organization_id"),
        minimum_age=_int(params, "minimum_age", 0, 130),
        maximum_age=_int(params, "maximum_age", 0, 130),
        start_time=_time(params, "start_time"),
        end_time=_time(params, "end_time"),
        page=_int(params, "page", 1, 1_000_000) or 1,
        per_page=_int(params, "per_page", 1, MAX_PER_PAGE) or 50,
    )
    if (
        query.minimum_age is not None
        and query.maximum_age is not None
        and query.minimum_age > query.maximum_age
    ):
        raise BadQuery("minimum_age must not be more than maximum_age")
    if modified := params.get("modified_after"):
        query.modified_after = parse_datetime(modified)
        if query.modified_after is None:
            raise BadQuery(
                f"modified_after must be a date and time like 2026-01-31T09:00:00Z, not '{modified}'"
            )
    if day := params.get("day"):
        query.day = day.strip().upper()[:2]
        if query.day not in DAYS:
            raise BadQuery(f"day must be one of {', '.join(DAYS)} (or a day name), not '{day}'")
    if postcode := params.get("postcode"):
        try:
            place = places.postcode(postcode)
        except places.BadPostcode as exc:
            raise BadQuery(f"postcode: {exc}") from None
        except Http404:
            raise BadQuery(f"postcode: we do not hold {postcode.upper()}") from None
        if place.latitude is None or place.longitude is None:
            raise BadQuery(f"postcode: {place.postcode} has no location (it is non-geographic)")
        query.postcode_point = (place.latitude, place.longitude)
    if proximity := params.get("proximity"):
        try:
            query.proximity_m = float(proximity)
        except ValueError:
            raise BadQuery(f"proximity must be a distance in metres, not '{proximity}'") from None
        if not 0 < query.proximity_m <= 200_000:
            raise BadQuery("proximity must be more than 0 and at most 200000 metres")
        if query.postcode_point is None:
            raise BadQuery("proximity needs a postcode to measure from")
    return query


def search(query: ServiceQuery) -> tuple[list[Service], int]:
    """One page of published services matching the query, and how many match in all."""
    if query.postcode_point and query.proximity_m:
        return _near(query)
    services = _matching(published_services(), query)
    if query.text:
        # Relevance: a match in the name before a match only in the description.
        services = services.annotate(
            relevance=Case(When(name__icontains=query.text, then=Value(0)), default=Value(1))
        ).order_by("relevance", "name", "id")
    else:
        services = services.order_by("name", "id")
    return _with_organisations(list(services[query.window])), services.count()


def _terms(text: str) -> list[str]:
    # Every word asked for must appear (in any order), as residents expect of a search box.
    return re.findall(r"\w+", text.lower())[:10]


def _matching(services: QuerySet[Service], query: ServiceQuery, *, text: bool = True) -> QuerySet[Service]:
    if text:
        for term in _terms(query.text):
            services = services.filter(Q(name__icontains=term) | Q(description__icontains=term))
    if query.taxonomy_term_id:
        services = services.filter(taxonomy_terms__id=query.taxonomy_term_id)
    if query.taxonomy_id:
        services = services.filter(taxonomy_terms__taxonomy_id=query.taxonomy_id).distinct()
    if query.organization_id:
        services = services.filter(organisation_id=query.organization_id)
    if query.modified_after:
        services = services.filter(updated_at__gte=query.modified_after)
    if query.minimum_age is not None:
        services = services.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.minimum_age))
    if query.maximum_age is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.maximum_age))
    if query.day or query.start_time or query.end_time:
        schedule = Q()
        if query.day:
            schedule &= Q(schedules__byday__contains=query.day)
        if query.start_time:
            schedule &= Q(
                schedules__opens_at__lte=query.start_time, schedules__closes_at__gt=query.start_time
            )
        if query.end_time:
            schedule &= Q(schedules__closes_at__gte=query.end_time)
        services = services.filter(schedule).distinct()
    return services


def _with_organisations(services: list[Service]) -> list[Service]:
    prefetch_related_objects(
        services,
        "organisation",
        Prefetch("organisation__identifiers", queryset=OrganisationIdentifier.objects.order_by("scheme")),
    )
    return services


def _near(query: ServiceQuery) -> tuple[list[Service], int]:
    """Services offered within the distance, nearest first.

    Reads only the search entries' covering index: a latitude band, then the longitude, the words
    and the ages from the same index rows. Distances are on a flat projection at the postcode's
    latitude, which is within a few metres of the great-circle distance at the finder's distances
    and needs no trigonometry in SQL (SQLite may be built without it).
    """
    assert query.postcode_point and query.proximity_m
    lat, lon = query.postcode_point
    radius = query.proximity_m
    y_scale = METRES_PER_DEGREE_LATITUDE
    x_scale = y_scale * max(0.01, math.cos(math.radians(lat)))
    entries = SearchEntry.unscoped.filter(
        latitude__range=(lat - radius / y_scale, lat + radius / y_scale),
        longitude__range=(lon - radius / x_scale, lon + radius / x_scale),
    )
    for term in _terms(query.text):
        entries = entries.filter(words__contains=term)
    if query.minimum_age is not None:
        entries = entries.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.minimum_age))
    if query.maximum_age is not None:
        entries = entries.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.maximum_age))
    service_filters = (query.taxonomy_term_id, query.taxonomy_id, query.organization_id, query.modified_after)
    if any(service_filters) or query.day or query.start_time or query.end_time:
        entries = entries.filter(service__in=_matching(published_services(), query, text=False).values("pk"))
    dy = (F("latitude") - Value(lat)) * Value(y_scale)
    dx = (F("longitude") - Value(lon)) * Value(x_scale)
    nearest = (
        entries.alias(distance2=dy * dy + dx * dx)
        .filter(distance2__lte=radius * radius)
        .values("service_id")
        .annotate(nearest2=Min("distance2"), total=Window(Count("*")))
        .order_by("nearest2", "service_id")
    )
    rows = list(nearest[query.window])
    total = rows[0]["total"] if rows else (nearest.count() if query.page > 1 else 0)
    by_id = published_services().select_related("organisation").in_bulk([r["service_id"] for r in rows])
    found = [by_id[r["service_id"]] for r in rows if r["service_id"] in by_id]
    for item, row in zip(found, rows, strict=False):
        item.distance_m = math.sqrt(row["nearest2"])  # type: ignore[attr-defined]
    return _with_organisations(found), total


def service(service_id: str) -> Service:
    """One published service with everything about it, for the service page."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        raise Http404("No service has that id") from None
    return _with_everything(published_services(), key)


def service_for_document(service_id: uuid.UUID) -> Service:
    """A service (published or not) with everything its ORUK document needs."""
    return _with_everything(Service.unscoped.all(), service_id)


def service_document(service_id: str) -> str:
    """A published service's stored ORUK document (JSON text), rendering it if it was never stored."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        raise Http404("No service has that id") from None
    row = published_services().filter(pk=key).values_list("oruk_document", flat=True).first()
    if row is None:
        raise Http404("No service has that id")
    if row:
        return row
    from civichub.directory.services import refresh

    return refresh(service_for_document(key))


def _with_everything(services: QuerySet[Service], key: uuid.UUID) -> Service:
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


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("name")


def taxonomy_terms(taxonomy_id: uuid.UUID | None = None) -> QuerySet[TaxonomyTerm]:
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name")
    return terms.filter(taxonomy_id=taxonomy_id) if taxonomy_id else terms


def _uuid_or_404(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404(f"No {what} has that id") from None


def services_at_locations(query: ServiceQuery) -> tuple[list[ServiceAtLocation], int]:
    """Published services at their locations, filtered like /services; nearest first with a postcode."""
    services, _ = search(ServiceQuery(**{**query.__dict__, "page": 1, "per_page": 10**9}))
    order = {s.pk: i for i, s in enumerate(services)}
    rows = sorted(
        ServiceAtLocation.unscoped.filter(service_id__in=order)
        .select_related("location", "service__organisation", "service__council")
        .prefetch_related("service__organisation__identifiers"),
        key=lambda sal: (order[sal.service_id], str(sal.pk)),
    )
    return rows[query.window], len(rows)


def service_at_location(sal_id: str) -> ServiceAtLocation:
    key = _uuid_or_404(sal_id, "service at location")
    found = (
        ServiceAtLocation.unscoped.filter(pk=key, service__in=published_services())
        .select_related("location", "service__organisation", "service__council")
        .first()
    )
    if found is None:
        raise Http404("No service at location has that id")
    return found


def organisations_with_services() -> QuerySet[Organisation]:
    """Organisations that run at least one published service."""
    return (
        Organisation.objects.filter(pk__in=published_services().values("organisation_id"))
        .prefetch_related("identifiers")
        .order_by("name")
    )


def organisation(org_id: str) -> tuple[Organisation, list[Service]]:
    key = _uuid_or_404(org_id, "organization")
    found = organisations_with_services().filter(pk=key).first()
    if found is None:
        raise Http404("No organization has that id")
    services = list(
        published_services().filter(organisation=found).select_related("organisation").order_by("name")
    )
    return found, services


def taxonomy(taxonomy_id: str) -> Taxonomy:
    found = Taxonomy.objects.filter(pk=_uuid_or_404(taxonomy_id, "taxonomy")).first()
    if found is None:
        raise Http404("No taxonomy has that id")
    return found


def taxonomy_term(term_id: str) -> TaxonomyTerm:
    found = (
        TaxonomyTerm.objects.select_related("taxonomy")
        .filter(pk=_uuid_or_404(term_id, "taxonomy term"))
        .first()
    )
    if found is None:
        raise Http404("No taxonomy term has that id")
    return found


def council_documents(council: Council) -> list[str]:
    """Every published service of a council as its stored ORUK document (JSON text), by name."""
    from civichub.directory.services import refresh

    rows = Service.objects.for_council(council).filter(is_published=True).order_by("name", "id")
    return [doc or refresh(service) for service, doc in ((s, s.oruk_document) for s in rows)]


def report_categories() -> QuerySet[ReportCategory]:
    return ReportCategory.objects.order_by("name")


def report_status(reference: str) -> Report:
    """A report by its reference, for the resident following it (public: no personal data is shown)."""
    found = (
        Report.unscoped.filter(reference=reference.strip().upper())
        .select_related("category", "routed_to", "council")
        .first()
    )
    if found is None:
        raise Http404("No report has that reference")
    return found


def report_queue(actor: Actor, council: Council) -> QuerySet[Report]:
    """The reports someone handles: all of the council's for its officers, their own for a provider."""
    policy.require(actor, "directory.reports.handle", council)
    queue = Report.objects.for_council(council).select_related("category", "routed_to")
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
        .order_by("category__name", "ward_code")
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
    from civichub.directory.details import FIELD_LABELS, ServiceDetails, details_of, differences

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
