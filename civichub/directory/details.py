"""What a service says, as one value: published by officers, proposed by providers, kept as history.

`ServiceDetails` is the form a service takes between the pages, API, importers and the directory's
services; `describe()` puts it in words field by field, which is both the diff a council approves and
the HSDS `metadata` history of the service. `check_details` is the one check every door goes through.

This module sits at the bottom of the directory: it reads its own models and other contexts only
through their selectors, so selectors and services can both build on it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import time
from decimal import Decimal
from typing import Any, Protocol

from django.http import Http404

from civichub.core.errors import FieldError, Refused
from civichub.core.models import Council
from civichub.core.text import clean_name, clean_text
from civichub.directory.models import TaxonomyTerm
from civichub.places import selectors as places

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")


class Place(Protocol):
    """Where a location is: a postcode as places holds it, or a stored location (both carry these)."""

    @property
    def postcode(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


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
    # (location name, street address, where it is)
    locations: list[tuple[str, str, Place]] = field(default_factory=list)
    cost_options: list[tuple[str, Decimal | None]] = field(default_factory=list)
    # ward GSS codes; none means the whole council
    ward_codes: list[str] = field(default_factory=list)
    # (name, title, email)
    contacts: list[tuple[str, str, str]] = field(default_factory=list)
    # The council's contract or grant that pays for it (ORUK `funding`); empty if it is not commissioned.
    commissioned_under: str = ""

    def as_json(self) -> dict[str, Any]:
        """Plain JSON, as a change request keeps a proposal until the council decides on it."""
        return {
            "name": self.name,
            "description": self.description,
            "minimum_age": self.minimum_age,
            "maximum_age": self.maximum_age,
            "fees": self.fees,
            "url": self.url,
            "email": self.email,
            "terms": [str(t.pk) for t in self.terms],
            "schedules": [
                [days, opens.isoformat("minutes"), closes.isoformat("minutes")]
                for days, opens, closes in self.schedules
            ],
            "locations": [[name, street, place.postcode] for name, street, place in self.locations],
            "cost_options": [
                [option, None if amount is None else str(amount)] for option, amount in self.cost_options
            ],
            "ward_codes": list(self.ward_codes),
            "contacts": [list(contact) for contact in self.contacts],
            "commissioned_under": self.commissioned_under,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServiceDetails:
        """The details back from `as_json`; a LookupError if a category or postcode has since gone."""
        terms = TaxonomyTerm.objects.in_bulk([uuid.UUID(t) for t in data["terms"]])
        for term in data["terms"]:
            if uuid.UUID(term) not in terms:
                raise LookupError(f"a category it uses ({term}) no longer exists")
        found: list[tuple[str, str, Place]] = []
        for name, street, postcode in data["locations"]:
            try:
                found.append((name, street, located(postcode, "postcode")))
            except Refused:
                raise LookupError(f"the postcode {postcode} is no longer held") from None
        return cls(
            name=data["name"],
            description=data["description"],
            minimum_age=data["minimum_age"],
            maximum_age=data["maximum_age"],
            fees=data["fees"],
            url=data["url"],
            email=data["email"],
            terms=[terms[uuid.UUID(t)] for t in data["terms"]],
            schedules=[(d, time.fromisoformat(o), time.fromisoformat(c)) for d, o, c in data["schedules"]],
            locations=found,
            cost_options=[(o, None if a is None else Decimal(a)) for o, a in data["cost_options"]],
            ward_codes=list(data["ward_codes"]),
            contacts=[(n, t, e) for n, t, e in data["contacts"]],
            commissioned_under=data.get("commissioned_under", ""),
        )

    def describe(self) -> dict[str, str]:
        """What the service says, field by field in words: the diff a council approves and the history."""
        days = dict(zip(DAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
        return {
            "name": self.name,
            "description": self.description,
            "minimum_age": "" if self.minimum_age is None else str(self.minimum_age),
            "maximum_age": "" if self.maximum_age is None else str(self.maximum_age),
            "fees": self.fees,
            "url": self.url,
            "email": self.email,
            "categories": "; ".join(sorted(t.name for t in self.terms)),
            "schedules": "; ".join(
                f"{', '.join(days.get(d, d) for d in byday.split(','))} {o:%H:%M} to {c:%H:%M}"
                for byday, o, c in self.schedules
            ),
            "locations": "; ".join(f"{n}, {s}, {p.postcode}" for n, s, p in self.locations),
            "cost_options": "; ".join(
                option if amount is None else f"{option}: £{amount:.2f}"
                for option, amount in self.cost_options
            ),
            "service_areas": "; ".join(sorted(self.ward_codes)) or "Whole council",
            "commissioned_under": self.commissioned_under,
            "contacts": "; ".join(", ".join(part for part in c if part) for c in self.contacts),
        }


FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "minimum_age": "Minimum age",
    "maximum_age": "Maximum age",
    "fees": "Fees",
    "url": "Website",
    "email": "Email",
    "categories": "Categories",
    "schedules": "When it runs",
    "locations": "Where it runs",
    "cost_options": "Costs",
    "service_areas": "Service areas",
    "commissioned_under": "Commissioned under",
    "contacts": "Contacts",
}


# The history also records a service leaving the directory (HSDS `delete`), which is not a field it says.
HISTORY_LABELS = FIELD_LABELS | {"published": "In the public directory"}


def located(text: str, field: str) -> Place:
    """The postcode someone typed, as places holds it; refused naming `field` if it is not one we hold."""
    try:
        return places.postcode(text)
    except places.BadPostcode as exc:
        raise Refused.on(field, str(exc)) from None
    except (Http404, Refused) as exc:
        raise Refused.on(field, str(exc) or f"We do not hold the postcode {text.strip().upper()}") from None


def differences(before: ServiceDetails | None, after: ServiceDetails) -> list[tuple[str, str, str]]:
    """(field, previous value, new value) for every field that differs; everything for a new service."""
    old = before.describe() if before else dict.fromkeys(FIELD_LABELS, "")
    new = after.describe()
    return [(name, old[name], new[name]) for name in FIELD_LABELS if old[name] != new[name]]


def check_details(council: Council, details: ServiceDetails) -> ServiceDetails:
    """What a service must say before it is published or sent to the council, cleaned as it will be kept.

    Every door (the form, the API, an ORUK import, approving a proposal) goes through this, so a service
    is refused the same way wherever it comes from. Refused names every field at fault, by JSON path
    (`locations[0].name`), so an import can point at each one."""
    problems: list[FieldError] = []

    def name(value: str, path: str, label: str) -> str:
        try:
            return clean_name(value, field=path, label=label)
        except Refused as exc:
            problems.extend(exc.errors)
            return value

    cleaned = replace(
        details,
        name=name(details.name, "name", "the service's name"),
        description=clean_text(details.description, multiline=True),
        fees=clean_text(details.fees, multiline=True),
        commissioned_under=clean_text(details.commissioned_under),
        locations=[
            (name(n, f"locations[{i}].name", f"the name of place {i + 1}"), clean_text(s), p)
            for i, (n, s, p) in enumerate(details.locations)
        ],
        cost_options=[(clean_text(o), a) for o, a in details.cost_options],
        contacts=[
            (name(n, f"contacts[{i}].name", f"the name of contact {i + 1}"), clean_text(t), e.strip())
            for i, (n, t, e) in enumerate(details.contacts)
        ],
    )
    for field_name, age in (("minimum_age", cleaned.minimum_age), ("maximum_age", cleaned.maximum_age)):
        if age is not None and not 0 <= age <= 130:
            problems.append(FieldError(field_name, "Ages must be between 0 and 130"))
    if (
        cleaned.minimum_age is not None
        and cleaned.maximum_age is not None
        and cleaned.minimum_age > cleaned.maximum_age
    ):
        problems.append(FieldError("maximum_age", "The maximum age must not be less than the minimum age"))
    for i, (byday, opens, closes) in enumerate(cleaned.schedules):
        if not BYDAY.match(byday) or not isinstance(opens, time) or not opens < closes:
            problems.append(
                FieldError(f"schedules[{i}]", "Each opening time needs days, and must open before it closes")
            )
    strangers = []
    for code in cleaned.ward_codes:
        try:
            places.ward(code, in_area=council.gss_code)
        except (Http404, Refused):
            strangers.append(code)
    if strangers:
        problems.append(
            FieldError(
                "ward_codes", f"{', '.join(sorted(strangers))} is not one of {council.short_name}'s wards"
            )
        )
    if problems:
        raise Refused("; ".join(str(p) for p in problems), problems)
    return cleaned
