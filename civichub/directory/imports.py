"""Importing an Open Referral UK feed into a council's directory: a JSON list of full services, or a
page of them (`contents`), as /openreferral/services/{id} or another council's export gives them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council, Organisation, OrganisationIdentifier
from civichub.core.text import clean_text
from civichub.directory import services
from civichub.directory.details import BYDAY, Place, ServiceDetails, check_details, located
from civichub.directory.models import Service, TaxonomyTerm

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


def _path(parts: Iterable[Any]) -> str:
    """A JSON path as the platform writes them: `service_at_locations[0].location.name`."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def check(
    council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector
) -> list[dict[str, Any]]:
    """Validate every service against the UK profile, then what we need to place it in this council,
    then what every service must say (`check_details`, as the form and the API do).

    Each problem is named by its record (the runner counts records of a JSON feed) and its JSON path
    within the record."""
    records = []
    terms = {str(t.pk): t for t in TaxonomyTerm.objects.all()} | {
        t.name.lower(): t for t in TaxonomyTerm.objects.all()
    }
    for number, item in rows:

        def problem(path: str | None, message: str, number: int = number) -> None:
            errors.add(number, path, message)

        problems = sorted(_validator().iter_errors(item), key=lambda e: list(e.absolute_path))
        for invalid in problems[:5]:
            problem(_path(invalid.absolute_path) or None, invalid.message)
        if problems:
            continue
        org = item.get("organization") or {}
        org_name = clean_text(str(org.get("name") or ""))
        if not org_name:
            problem("organization.name", "every service needs the organisation that runs it")
        # Where each part came from in the record, so check_details' paths can be given as the feed's.
        feed_paths: dict[str, str] = {}
        locations: list[tuple[str, str, Place]] = []
        for i, sal in enumerate(item.get("service_at_locations", [])):
            location = sal.get("location") or {}
            address = (location.get("addresses") or [{}])[0]
            at = f"service_at_locations[{i}].location"
            try:
                place = located(str(address.get("postal_code", "")), f"{at}.addresses[0].postal_code")
            except Refused as exc:
                problem(exc.field, f"'{address.get('postal_code', '')}' is not a postcode we hold")
                continue
            feed_paths[f"locations[{len(locations)}].name"] = f"{at}.name"
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
                problem(f"schedules[{i}]", "needs byday (e.g. MO,WE) and opens_at before closes_at")
                continue
            schedules.append((schedule["byday"], opens, closes))
        chosen_terms = []
        for i, attribute in enumerate(item.get("attributes", [])):
            term = attribute.get("taxonomy_term") or {}
            found = terms.get(str(attribute.get("taxonomy_term_id", ""))) or terms.get(
                str(term.get("name", "")).lower()
            )
            if found is None:
                problem(f"attributes[{i}].taxonomy_term", f"unknown taxonomy term '{term.get('name', '')}'")
            else:
                chosen_terms.append(found)
        costs = []
        for i, cost in enumerate(item.get("cost_options", [])):
            try:
                amount = Decimal(str(cost["amount"])) if cost.get("amount") is not None else None
            except InvalidOperation:
                problem(f"cost_options[{i}].amount", "is not an amount of money")
                continue
            costs.append((cost.get("option") or "Cost", amount))
        contacts: list[tuple[str, str, str]] = []
        for i, contact in enumerate(item.get("contacts", [])):
            if contact.get("name"):
                feed_paths[f"contacts[{len(contacts)}].name"] = f"contacts[{i}].name"
                contacts.append((contact["name"], contact.get("title", ""), ""))
        identifiers = {
            i["identifier_scheme"]: i["identifier"]
            for i in org.get("organization_identifiers", [])
            if i.get("identifier_scheme") in SCHEMES
        }
        try:
            details = check_details(
                council,
                ServiceDetails(
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
                    contacts=contacts,
                ),
            )
        except Refused as exc:
            for error in exc.errors:
                problem(feed_paths.get(error.field or "", error.field), error.message)
            continue
        records.append({"organisation": {"name": org_name, "identifiers": identifiers}, "details": details})
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
