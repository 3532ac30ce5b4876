"""The demo: three real councils on their real geography, with synthetic providers and one user per role.

People and organisations are synthetic (Faker en_GB, fixed seed) apart from the councils themselves
and the two NHS trusts, which are real public bodies with their real ODS codes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from faker import Faker

from civichub.core import services
from civichub.core.actors import Actor
from civichub.core.importing import Progress
from civichub.core.models import Council, CouncilProvider, Organisation, OrganisationIdentifier, Role, User
from civichub.places import services as places
from civichub.places.models import Ward

# Wigan, Sunderland, and County Durham on the SR postcodes it shares with Sunderland (only some of its
# wards: the rest have DH and NE postcodes, which the shared data does not hold).
DEMO_COUNCILS = {"E08000010": "WN", "E08000024": "SR", "E06000047": "SR"}
DEMO_PASSWORD = "civichub-demo"  # noqa: S105 - documented in the README; demo only
SEED = 2026

COUNCIL_ROLES = [
    Role.COMMISSIONER,
    Role.ANALYST,
    Role.RECORDS_MANAGER,
    Role.CASEWORKER,
    Role.COUNCILLOR,
    Role.PROVIDER_STAFF,
    Role.RESIDENT,
]
SERVICE_LINES = [
    "Home care",
    "Supported living",
    "Day opportunities",
    "Carers' support",
    "Drug and alcohol recovery",
    "Domestic abuse refuge",
    "Youth work",
    "Food bank and pantry",
    "Debt and benefits advice",
    "Community transport",
    "Reablement",
    "Extra care housing",
    "Social prescribing",
    "Family hubs",
]
NHS_TRUSTS = [
    ("Wrightington, Wigan and Leigh Teaching Hospitals NHS Foundation Trust", "RRF", ["E08000010"]),
    ("South Tyneside and Sunderland NHS Foundation Trust", "R0B", ["E08000024"]),
]


@dataclass
class DemoUser:
    username: str
    role: str
    council: str


def load_geography(progress: Progress | None = None) -> list[str]:
    """The real geography, each file an import run of the platform (a second load changes nothing)."""
    started = timezone.now()
    runs = places.import_geography(Actor.system("demo"), sorted(set(DEMO_COUNCILS.values())), progress)
    return [
        f"{run.file_name}: {run.job.message}"
        + (
            f" (imported on {run.created_at:%Y-%m-%d %H:%M}; the same file again changes nothing)"
            if run.created_at < started
            else ""
        )
        for run in runs
    ]


@transaction.atomic
def load_people_and_providers() -> list[DemoUser]:
    actor = Actor.system("demo")
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    councils = []
    for gss in DEMO_COUNCILS:
        council = Council.objects.filter(gss_code=gss).first() or services.add_council(actor, gss)
        councils.append(council)

    organisations: list[tuple[Organisation, list[Council]]] = []
    for trust_name, ods, trust_councils in NHS_TRUSTS:
        org = services.register_organisation(
            actor,
            name=trust_name,
            kind=Organisation.Kind.NHS,
            identifiers={OrganisationIdentifier.Scheme.NHS_ODS.value: ods},
        )
        organisations.append((org, [c for c in councils if c.gss_code in trust_councils]))
    for i in range(40):
        charity = i % 3 == 0
        name = (
            f"{fake.last_name()} {rng.choice(['Community Trust', 'Foundation', 'Family Support'])}"
            if charity
            else f"{fake.company()} {rng.choice(['Care', 'Support Services', 'Homecare'])}"
        )
        identifiers: dict[str, str] = (
            {OrganisationIdentifier.Scheme.CHARITY_COMMISSION: str(rng.randint(1000000, 1199999))}
            if charity
            else {OrganisationIdentifier.Scheme.COMPANIES_HOUSE: f"{rng.randint(1000000, 15999999):08d}"}
        )
        org = services.register_organisation(
            actor,
            name=name,
            kind=Organisation.Kind.CHARITY if charity else Organisation.Kind.COMPANY,
            identifiers=identifiers,
        )
        # About one provider in four works for both councils: the shared register makes that visible.
        served = councils if i % 4 == 0 else [councils[i % 2]]
        organisations.append((org, served))
    for org, served in organisations:
        for council in served:
            services.add_provider(
                actor,
                council,
                org,
                services_summary=", ".join(rng.sample(SERVICE_LINES, 2)),
                since=date(rng.randint(2012, 2025), rng.randint(1, 12), 1),
            )

    users = [_demo_user(actor, fake, "admin", Role.PLATFORM_ADMIN, None)]
    for council in councils:
        first_ward = (
            Ward.objects.filter(local_authority__gss_code=council.gss_code).order_by("gss_code").first()
        )
        provider = (
            CouncilProvider.objects.for_council(council)
            .select_related("organisation")
            .order_by("since")
            .first()
        )
        for role in COUNCIL_ROLES:
            users.append(
                _demo_user(
                    actor,
                    fake,
                    f"{council.slug}.{role.value.replace('_', '-')}",
                    role,
                    council,
                    organisation=provider.organisation if role == Role.PROVIDER_STAFF and provider else None,
                    ward_code=first_ward.gss_code if role == Role.COUNCILLOR and first_ward else "",
                )
            )
    return users


def _demo_user(
    actor: Actor, fake: Faker, username: str, role: Role, council: Council | None, **membership: object
) -> DemoUser:
    first, last = fake.first_name(), fake.last_name()
    user = User.objects.filter(username=username).first() or services.register_user(
        actor,
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
        password=DEMO_PASSWORD,
    )
    services.grant_membership(actor, user, role, council, **membership)  # type: ignore[arg-type]
    return DemoUser(username, role.label, council.short_name if council else "whole platform")
