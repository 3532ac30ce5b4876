"""The UK profile's query parameters, read once for /openreferral/ and the resident's finder.

A malformed parameter is refused naming it (`Refused.on("per_page", ...)`), so the API's 400 and the
finder's error summary say the same thing about the same field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time

from django.http import QueryDict
from django.utils.dateparse import parse_datetime

from civichub.core.errors import Refused
from civichub.directory.details import DAYS, located

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000


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

    @property
    def near(self) -> bool:
        return self.postcode_point is not None and self.proximity_m is not None


def _uuid(params: QueryDict, name: str) -> uuid.UUID | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Refused.on(name, f"must be an id (a UUID), not '{value[:50]}'") from None


def _int(params: QueryDict, name: str, low: int, high: int) -> int | None:
    value = params.get(name)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise Refused.on(name, f"must be a whole number, not '{value[:50]}'") from None
    if not low <= number <= high:
        raise Refused.on(name, f"must be between {low} and {high}, not {number}")
    return number


def _time(params: QueryDict, name: str) -> time | None:
    value = params.get(name)
    if not value:
        return None
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise Refused.on(name, f"must be a time like 09:30, not '{value[:50]}'") from None
    if parsed.tzinfo is not None:
        # Opening times are local (wall-clock) times in the UK; a zone would make them ambiguous.
        raise Refused.on(name, f"must be a local time like 09:30, without a time zone, not '{value[:50]}'")
    return parsed


def parse_query(params: QueryDict) -> ServiceQuery:
    """Read the UK profile's query parameters, refusing anything malformed with the parameter's name."""
    query = ServiceQuery(
        text=(params.get("text") or params.get("search") or "").strip()[:200],
        taxonomy_term_id=_uuid(params, "taxonomy_term_id"),
        taxonomy_id=_uuid(params, "taxonomy_id"),
        organization_id=_uuid(params, "organization_id"),
        minimum_age=_int(params, "minimum_age", 0, 130),
        maximum_age=_int(params, "maximum_age", 0, 130),
        start_time=_time(params, "start_time"),
        end_time=_time(params, "end_time"),
        page=_int(params, "page", 1, MAX_PAGE) or 1,
        per_page=_int(params, "per_page", 1, MAX_PER_PAGE) or 50,
    )
    if (
        query.minimum_age is not None
        and query.maximum_age is not None
        and query.minimum_age > query.maximum_age
    ):
        raise Refused.on("minimum_age", "must not be more than maximum_age")
    if modified := params.get("modified_after"):
        try:
            query.modified_after = parse_datetime(modified)
        except ValueError:  # well formed but impossible, like 2026-02-31T00:00
            query.modified_after = None
        if query.modified_after is None:
            raise Refused.on(
                "modified_after", f"must be a date and time like 2026-01-31T09:00:00Z, not '{modified[:50]}'"
            )
    if day := params.get("day"):
        query.day = day.strip().upper()[:2]
        if query.day not in DAYS:
            raise Refused.on("day", f"must be one of {', '.join(DAYS)} (or a day name), not '{day[:50]}'")
    if postcode := params.get("postcode"):
        place = located(postcode, "postcode")
        if place.latitude is None or place.longitude is None:
            raise Refused.on("postcode", f"{place.postcode} has no location (it is non-geographic)")
        query.postcode_point = (place.latitude, place.longitude)
    if proximity := params.get("proximity"):
        try:
            query.proximity_m = float(proximity)
        except ValueError:
            raise Refused.on("proximity", f"must be a distance in metres, not '{proximity[:50]}'") from None
        if not 0 < query.proximity_m <= 200_000:
            raise Refused.on("proximity", "must be more than 0 and at most 200000 metres")
        if query.postcode_point is None:
            raise Refused.on("proximity", "needs a postcode to measure from")
    return query
