"""Searching the public directory: published services of every council, and services at locations.

Search near a postcode reads only the search entries' covering index (see docs/adr/0005); search without
one reads the services. Both filter, order and page in SQL, so a page costs the same however many
services match.
"""

from __future__ import annotations

import math
import re
from typing import Any

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

from civichub.core.models import OrganisationIdentifier
from civichub.directory.models import SearchEntry, Service, ServiceAtLocation
from civichub.directory.oruk.query import ServiceQuery

METRES_PER_DEGREE_LATITUDE = 111_320


def published_services() -> QuerySet[Service]:
    # Published services are the public directory, open to anyone across every council: the one
    # deliberate read of council data without a council.
    return Service.unscoped.filter(is_published=True).defer("oruk_document")


def search(query: ServiceQuery) -> tuple[list[Service], int]:
    """One page of published services matching the query, and how many match in all."""
    if query.near:
        return _near(query)
    services = _ranked(_matching(published_services(), query), query, "")
    return _with_organisations(list(services[query.window])), services.count()


def _ranked(rows: QuerySet[Any], query: ServiceQuery, service: str, *then: str) -> QuerySet[Any]:
    """Name matches before matches only in the description, then by name; `service` is the path to it."""
    order = [f"{service}name", f"{service}id", *then]
    if not query.text:
        return rows.order_by(*order)
    return rows.annotate(
        relevance=Case(When(**{f"{service}name__icontains": query.text}, then=Value(0)), default=Value(1))
    ).order_by("relevance", *order)


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


def _entries_near(query: ServiceQuery) -> QuerySet[SearchEntry]:
    """The search entries within the distance that match the query, each with its `distance2` (m²).

    Reads only the entries' covering index: a latitude band, then the longitude, the words and the
    ages from the same index rows. Distances are on a flat projection at the postcode's latitude,
    which is within a few metres of the great-circle distance at the finder's distances and needs no
    trigonometry in SQL (SQLite may be built without it).
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
    return entries.alias(distance2=dy * dy + dx * dx).filter(distance2__lte=radius * radius)


def _near(query: ServiceQuery) -> tuple[list[Service], int]:
    """Services offered within the distance, nearest first (a service counts once, at its nearest place)."""
    nearest = (
        _entries_near(query)
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


def services_at_locations(query: ServiceQuery) -> tuple[list[ServiceAtLocation], int]:
    """One page of published services at their locations, filtered like /services, and how many in all.

    With a postcode and a distance: the locations within it, nearest first, read from the search
    entries' index (one entry per service at a location). Otherwise: ordered as /services orders the
    services, then by location. Either way only the page's rows are loaded.
    """
    rows = (
        ServiceAtLocation.unscoped.select_related("location", "service__organisation", "service__council")
        # The stored ORUK document is most of a service row, and a summary does not use it.
        .defer("service__oruk_document")
    ).prefetch_related(
        Prefetch(
            "service__organisation__identifiers", queryset=OrganisationIdentifier.objects.order_by("scheme")
        )
    )
    if not query.near:
        services = _matching(published_services(), query).values("pk")
        matching = _ranked(rows.filter(service__in=services), query, "service__", "id")
        return list(matching[query.window]), matching.count()
    nearest = (
        _entries_near(query)
        .annotate(total=Window(Count("*")))
        .values("service_id", "location_id", "total")
        .order_by("distance2", "service_id", "location_id")
    )
    page = list(nearest[query.window])
    total = page[0]["total"] if page else (nearest.count() if query.page > 1 else 0)
    # A location is almost always one service's: fetch by location, then keep the page's pairs.
    at = rows.filter(location_id__in=[row["location_id"] for row in page])
    found = {(sal.service_id, sal.location_id): sal for sal in at}
    return [found[key] for r in page if (key := (r["service_id"], r["location_id"])) in found], total
