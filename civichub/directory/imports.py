"""Importing an Open Referral UK feed into a council's directory: a JSON list of full services, or a
page of them (`contents`), as /openreferral/services/{id} or another council's export gives them."""

from __future__ import annotations

import json
import re
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.importing import ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council, Organisation, OrganisationIdentifier
from civichub.directory import services
from civichub.directory.details import ServiceDetails
from civichub.directory.models import Service, TaxonomyTerm
from civichub.places.models import Postcode
from civichub.places.postcodes import normalise_postcode

BYDAY = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")
SCHEMES = {choice.value for choice in OrganisationIdentifier.Scheme}


@cache
def _validator() -> Draft202012Validator:
    path = Path(settings.SHARED_DIR) / "standards" / "oruk" / "schema" / "compiled" / "service.json"
    return Draft202012Validator(json.loads(path.read_text()))


def _time(value: str) -> time | None:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def check(
    council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> list[dict[str, Any]]:
    """Validate every service against the UK profile, then what we need to place it in this council."""
    records = []
    terms = {str(t.pk): t for t in TaxonomyTerm.objects.all()} | {
        t.name.lower(): t for t in TaxonomyTerm.objects.all()
    }
    for number, item in rows:
        problems = sorted(_validator().iter_errors(item), key=lambda e: list(e.absolute_path))
        for problem in problems[:5]:
            errors.add(number, "/".join(str(p) for p in problem.absolute_path) or None, problem.message)
        if problems:
            continue
        org = item.get("organization") or {}
        if not org.get("name"):
            errors.add(number, "organization/name", "every service needs the organisation that runs it")
        locations = []
        for i, sal in enumerate(item.get("service_at_locations", [])):
            location = sal.get("location") or {}
            address = (location.get("addresses") or [{}])[0]
            postcode = normalise_postcode(address.get("postal_code", ""))
            place = Postcode.objects.filter(postcode=postcode).first() if postcode else None
            if place is None:
                errors.add(
                    number,
                    f"service_at_locations/{i}/location/addresses/0/postal_code",
                    f"'{address.get('postal_code', '')}' is not a postcode we hold",
                )
                continue
            locations.append(
                (
                    location.get("name") or address.get("address_1", "Location"),
                    address.get("address_1", ""),
                    place,
                )
            )
        schedules = []
        for i, schedule in enumerate(item.get("schedules", [])):
            opens, closes = _time(schedule.get("opens_at", "")), _time(schedule.get("closes_at", ""))
            if (
                not BYDAY.match(schedule.get("byday", ""))
                or opens is None
                or closes is None
                or opens >= closes
            ):
                errors.add(number, f"schedules/{i}", "needs byday (e.g. MO,WE) and opens_at before closes_at")
                continue
            schedules.append((schedule["byday"], opens, closes))
        chosen_terms = []
        for i, attribute in enumerate(item.get("attributes", [])):
            term = attribute.get("taxonomy_term") or {}
            found = terms.get(str(attribute.get("taxonomy_term_id", ""))) or terms.get(
                str(term.get("name", "")).lower()
            )
            if found is None:
                errors.add(
                    number, f"attributes/{i}/taxonomy_term", f"unknown taxonomy term '{term.get('name', '')}'"
                )
            else:
                chosen_terms.append(found)
        costs = []
        for i, cost in enumerate(item.get("cost_options", [])):
            try:
                amount = Decimal(str(cost["amount"])) if cost.get("amount") is not None else None
            except InvalidOperation:
                errors.add(number, f"cost_options/{i}/amount", "is not an amount of money")
                continue
            costs.append((cost.get("option") or "Cost", amount))
        identifiers = {
            i["identifier_scheme"]: i["identifier"]
            for i in org.get("organization_identifiers", [])
            if i.get("identifier_scheme") in SCHEMES
        }
        records.append(
            {
                "organisation": {"name": org.get("name", ""), "identifiers": identifiers},
                "details": ServiceDetails(
                    name=item["name"],
                    description=item.get("description", ""),
                    minimum_age=item.get("minimum_age"),
                    maximum_age=item.get("maximum_age"),
                    fees=item.get("fees", ""),
                    url=item.get("url", ""),
                    email=item.get("email", ""),
                    terms=chosen_terms,
                    schedules=schedules,
                    locations=locations,
                    cost_options=costs,
                    contacts=[
                        (c.get("name", ""), c.get("title", ""), "")
                        for c in item.get("contacts", [])
                        if c.get("name")
                    ],
                ),
            }
        )
        if (
            item.get("minimum_age") is not None
            and item.get("maximum_age") is not None
            and item["minimum_age"] > item["maximum_age"]
        ):
            errors.add(number, "minimum_age", "is more than maximum_age")
    return records


def apply(actor: Actor, council: Council, records: list[dict[str, Any]], progress: Progress) -> ImportResult:
    created = updated = unchanged = 0
    for done, record in enumerate(records, start=1):
        org_data = record["organisation"]
        organisation = (
            core.register_organisation(
                actor,
                name=org_data["name"],
                kind=Organisation.Kind.COMMUNITY,
                identifiers=org_data["identifiers"],
            )
            if org_data["identifiers"]
            else Organisation.objects.filter(name__iexact=org_data["name"]).first()
            or core.register_organisation(actor, name=org_data["name"], kind=Organisation.Kind.COMMUNITY)
        )
        details: ServiceDetails = record["details"]
        existing = (
            Service.objects.for_council(council).filter(organisation=organisation, name=details.name).first()
        )
        if existing is None:
            services.add_service(actor, council, organisation, details)
            created += 1
        elif services.replace_service(actor, existing, details):
            updated += 1
        else:
            unchanged += 1
        if done % 50 == 0 or done == len(records):
            progress("Saving services", done, len(records))
    return ImportResult(created, updated, unchanged)


ORUK_SERVICES = register(
    ImportType(
        name="oruk_services",
        label="Services (Open Referral UK JSON)",
        description=(
            "A list of full ORUK services, or a page of them under 'contents', "
            "such as another directory's export."
        ),
        permission="directory.services.publish",
        columns=(),
        check=check,
        apply=apply,
        file_format="json",
    )
)
