"""What a service says, as one value: published by officers, proposed by providers, kept as history.

`ServiceDetails` is the form a service takes between the pages, API, importers and the directory's
services; `describe()` puts it in words field by field, which is both the diff a council approves and
the HSDS `metadata` history of the service.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Any

from civichub.core.models import Council
from civichub.directory.models import Service, TaxonomyTerm
from civichub.directory.selectors import DAYS
from civichub.places.models import Postcode, Ward

BYDAY = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")


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
        places = Postcode.objects.in_bulk([p for _, _, p in data["locations"]], field_name="postcode")
        for term in data["terms"]:
            if uuid.UUID(term) not in terms:
                raise LookupError(f"a category it uses ({term}) no longer exists")
        for _, _, postcode in data["locations"]:
            if postcode not in places:
                raise LookupError(f"the postcode {postcode} is no longer held")
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
            locations=[(n, s, places[p]) for n, s, p in data["locations"]],
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


def differences(before: ServiceDetails | None, after: ServiceDetails) -> list[tuple[str, str, str]]:
    """(field, previous value, new value) for every field that differs; everything for a new service."""
    old = before.describe() if before else dict.fromkeys(FIELD_LABELS, "")
    new = after.describe()
    return [(name, old[name], new[name]) for name in FIELD_LABELS if old[name] != new[name]]


def details_of(service: Service) -> ServiceDetails:
    """What a service says now, from what is stored about it."""
    from civichub.directory.selectors import service_for_document

    found = service_for_document(service.pk)
    places = Postcode.objects.in_bulk(
        [sal.location.postcode for sal in found.service_at_locations.all()], field_name="postcode"
    )
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
        locations=[
            (sal.location.name, sal.location.address_1, places[sal.location.postcode])
            for sal in found.service_at_locations.all()
            if sal.location.postcode in places
        ],
        cost_options=[(c.option, c.amount) for c in found.cost_options.all()],
        ward_codes=sorted(a.ward_code for a in found.service_areas.all() if a.ward_code),
        contacts=[(c.name, c.title, c.email) for c in found.contacts.all()],
        commissioned_under=found.commissioned_under,
    )


class ChangeNotAccepted(ValueError):
    """A proposal or decision cannot go ahead; `field` names what to put right."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def check_details(council: Council, details: ServiceDetails) -> None:
    """What a service must say before it is published or sent to the council; names the field if not."""
    if not details.name.strip():
        raise ChangeNotAccepted("name", "Enter the service's name")
    for name, age in (("minimum_age", details.minimum_age), ("maximum_age", details.maximum_age)):
        if age is not None and not 0 <= age <= 130:
            raise ChangeNotAccepted(name, "Ages must be between 0 and 130")
    if (
        details.minimum_age is not None
        and details.maximum_age is not None
        and details.minimum_age > details.maximum_age
    ):
        raise ChangeNotAccepted("maximum_age", "The maximum age must not be less than the minimum age")
    for byday, opens, closes in details.schedules:
        if not BYDAY.match(byday) or not isinstance(opens, time) or not opens < closes:
            raise ChangeNotAccepted(
                "schedules", "Each opening time needs days, and must open before it closes"
            )
    wards = Ward.objects.filter(local_authority__gss_code=council.gss_code).values_list("gss_code", flat=True)
    strangers = sorted(set(details.ward_codes) - set(wards))
    if strangers:
        raise ChangeNotAccepted(
            "ward_codes", f"{', '.join(strangers)} is not one of {council.short_name}'s wards"
        )
