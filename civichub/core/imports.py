"""The providers import: a council loads its list of providers from a CSV file."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from civichub.core import services
from civichub.core.actors import Actor
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council, CouncilProvider, Organisation, OrganisationIdentifier

COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
CHARITY_NUMBER = re.compile(r"^\d{6,8}$")
KINDS = {k.value for k in Organisation.Kind if k != Organisation.Kind.COUNCIL}


def check(
    council: Council | None, rows: list[tuple[int, dict[str, str]]], errors: ErrorCollector
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        name = row["name"].strip()
        if not name:
            errors.add(line, "name", "is empty: every provider needs a name")
        elif len(name) > 255:
            errors.add(line, "name", "is longer than 255 characters")
        kind = row["kind"].strip().lower()
        if kind not in KINDS:
            errors.add(line, "kind", f"'{row['kind']}' is not one of {', '.join(sorted(KINDS))}")
        identifiers = {}
        company = row.get("companies_house_number", "").strip().upper()
        if company:
            if COMPANY_NUMBER.match(company):
                identifiers[OrganisationIdentifier.Scheme.COMPANIES_HOUSE.value] = company
            else:
                errors.add(
                    line,
                    "companies_house_number",
                    f"'{company}' is not a Companies House number (8 characters)",
                )
        charity = row.get("charity_number", "").strip()
        if charity:
            if CHARITY_NUMBER.match(charity):
                identifiers[OrganisationIdentifier.Scheme.CHARITY_COMMISSION.value] = charity
            else:
                errors.add(line, "charity_number", f"'{charity}' is not a charity number (6 to 8 digits)")
        for scheme, value in identifiers.items():
            if (scheme, value) in seen:
                errors.add(line, None, f"{scheme}-{value} is also on line {seen[(scheme, value)]}")
            seen[(scheme, value)] = line
        services_summary = row["services"].strip()
        if not services_summary:
            errors.add(line, "services", "is empty: say what the provider does for the council")
        since = None
        try:
            since = date.fromisoformat(row["since"].strip())
            if since > date.today():
                errors.add(line, "since", f"{since.isoformat()} is in the future")
        except ValueError:
            errors.add(line, "since", f"'{row['since']}' is not a date like 2024-04-01")
        records.append(
            {
                "name": name,
                "kind": kind,
                "identifiers": identifiers,
                "services": services_summary[:255],
                "since": since,
            }
        )
    return records


def apply(
    actor: Actor, council: Council | None, records: list[dict[str, Any]], progress: Progress
) -> ImportResult:
    assert council is not None, "providers are a council's import"
    created = updated = unchanged = 0
    providers = CouncilProvider.objects.for_council(council).select_related("organisation")
    for done, record in enumerate(records, start=1):
        entry = None
        if not record["identifiers"]:
            # With no register number to go by, the same name on this council's list is the same provider.
            entry = providers.filter(organisation__name__iexact=record["name"]).first()
        if entry is None:
            organisation = services.register_organisation(
                actor, name=record["name"], kind=record["kind"], identifiers=record["identifiers"]
            )
            entry = providers.filter(organisation=organisation).first()
        else:
            organisation = entry.organisation
        if entry is None:
            services.add_provider(
                actor, council, organisation, services_summary=record["services"], since=record["since"]
            )
            created += 1
        elif (entry.services_summary, entry.since) != (record["services"], record["since"]):
            services.update_provider(actor, entry, services_summary=record["services"], since=record["since"])
            updated += 1
        else:
            unchanged += 1
        if done % 50 == 0 or done == len(records):
            progress("Saving providers", done, len(records))
    return ImportResult(created, updated, unchanged)


PROVIDERS = register(
    ImportType(
        name="providers",
        label="Providers",
        description="The council's list of providers: one row per organisation.",
        permission="integration.imports.run",
        columns=(
            Column("name", True, "The organisation's name"),
            Column("kind", True, "company, charity, community, nhs or public_body"),
            Column("companies_house_number", False, "8 characters, e.g. 01234567 or SC123456"),
            Column("charity_number", False, "Charity Commission number, 6 to 8 digits"),
            Column("services", True, "What the provider does for the council"),
            Column("since", True, "When it started, as YYYY-MM-DD"),
        ),
        check=check,
        apply=apply,
    )
)
