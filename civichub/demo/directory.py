"""Demo directory: a few hundred synthetic services from the demo providers, at real postcodes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import time
from decimal import Decimal

from django.db import transaction
from faker import Faker

from civichub.core.actors import Actor
from civichub.core.models import Council, CouncilProvider, Membership, Role
from civichub.directory import changes
from civichub.directory.details import ServiceDetails
from civichub.directory.models import ReportCategory, Responsibility, Service, Taxonomy, TaxonomyTerm
from civichub.directory.services import add_service
from civichub.places import selectors as places

CATEGORIES = {
    "Care and support at home": "Help to live independently at home",
    "Carers": "Support for people who look after someone",
    "Children and families": "Family hubs, parenting and early help",
    "Young people": "Youth work, activities and advice for 11 to 25",
    "Health and wellbeing": "Staying well, social prescribing, mental health",
    "Money and debt": "Benefits, debt and budgeting advice",
    "Housing": "Finding and keeping a home",
    "Food": "Food banks, pantries and community meals",
    "Getting around": "Community transport and travel help",
    "Community and social": "Groups, clubs and things to do",
}
KINDS = ["Drop-in", "Support group", "Advice service", "Club", "Hub", "Helpline", "Outreach", "Workshop"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
DETAILS = [
    "Drop in, no appointment needed.",
    "Run by trained volunteers; tea and a friendly welcome.",
    "Referrals welcome from GPs, schools and social workers, or come along yourself.",
    "Wheelchair accessible, with a hearing loop.",
    "Free parking and on a bus route.",
    "Interpreters can be arranged if you ask in advance.",
    "Booking helps us plan, but you can just turn up.",
    "Confidential, and open to anyone who lives or works locally.",
]


def taxonomy() -> list[TaxonomyTerm]:
    tax, _ = Taxonomy.objects.get_or_create(
        name="civichub service categories",
        defaults={"description": "Broad categories residents browse by", "version": "1"},
    )
    return [
        TaxonomyTerm.objects.get_or_create(
            taxonomy=tax, name=name, defaults={"description": text, "code": f"C{i:02d}"}
        )[0]
        for i, (name, text) in enumerate(CATEGORIES.items(), start=1)
    ]


REPORT_CATEGORIES = {
    "Pothole": "A hole or crack in a road or pavement",
    "Missed bin collection": "Your bin was not emptied on collection day",
    "Fly-tipping": "Rubbish dumped where it should not be",
    "Street light not working": "A street light that is out or always on",
    "Noisy neighbour": "Noise from a home or business nearby",
    "Graffiti": "Graffiti on a public building, wall or bridge",
}
# Categories each demo council has contracted out, to one of its providers: the rest it handles itself.
# The council's arrangements that pay for some of the demo services (the rest run independently).
FUNDING = ["Community wellbeing contract 2025 to 2028", "Early help grant", "Social prescribing contract"]
CONTRACTED = {
    "Pothole": "Highways maintenance contract",
    "Missed bin collection": "Waste collection contract",
    "Street light not working": "Street lighting PFI",
}


def report_categories() -> list:
    return [
        ReportCategory.objects.get_or_create(name=name, defaults={"description": text})[0]
        for name, text in REPORT_CATEGORIES.items()
    ]


def responsibilities(rng: random.Random) -> None:
    categories = {c.name: c for c in report_categories()}
    for council in Council.objects.filter(gss_code__in=["E08000010", "E08000024"]).order_by("gss_code"):
        providers = list(
            CouncilProvider.objects.for_council(council)
            .filter(organisation__kind="company")
            .order_by("since")
        )
        # The demo's provider-staff user works for the highways contractor, so their queue fills up.
        staff = Membership.objects.filter(council=council, role=Role.PROVIDER_STAFF).select_related(
            "organisation"
        )
        highways = staff[0].organisation if staff else rng.choice(providers).organisation
        for name, arrangement in CONTRACTED.items():
            Responsibility.objects.for_council(council).get_or_create(
                category=categories[name],
                ward_code="",
                defaults={
                    "council": council,
                    "organisation": highways if name == "Pothole" else rng.choice(providers).organisation,
                    "arrangement": arrangement,
                },
            )


@transaction.atomic
def load(per_council: int = 150, seed: int = 2026) -> int:
    """Give each demo council `per_council` services (once: a second run adds nothing)."""
    actor = Actor.system("demo")
    fake, rng = Faker("en_GB"), random.Random(seed)
    fake.seed_instance(seed)
    terms = taxonomy()
    responsibilities(random.Random(seed))
    made = 0
    for council in Council.objects.filter(gss_code__in=["E08000010", "E08000024"]).order_by("gss_code"):
        if Service.objects.for_council(council).exists():
            continue
        providers = list(CouncilProvider.objects.for_council(council).select_related("organisation"))
        postcodes = list(places.live_postcodes_in(council.gss_code))
        wards = sorted(w.gss_code for w in places.wards_in(council.gss_code))
        staff = (
            Membership.objects.filter(council=council, role=Role.PROVIDER_STAFF)
            .select_related("user")
            .first()
        )
        for n in range(per_council):
            term = rng.choice(terms)
            # The demo provider's staff run a few services, so they have something to change.
            provider = (
                staff.organisation
                if staff and staff.organisation and n < 4
                else rng.choice(providers).organisation
            )
            place = rng.choice(postcodes)
            young = term.name in ("Children and families", "Young people")
            opens = rng.choice([8, 9, 10, 13, 17])
            kind = rng.choice(KINDS).lower()
            details = ServiceDetails(
                name=f"{fake.street_name().split()[0]} {term.name.split()[0].lower()} {kind}",
                description=f"{term.description}. {' '.join(rng.sample(DETAILS, 2))}",
                minimum_age=rng.choice([0, 5, 11]) if young else rng.choice([None, 16, 18, 50]),
                maximum_age=rng.choice([18, 25]) if young else None,
                fees=rng.choice(["Free", "Free", "Small charge for materials", ""]),
                terms=[term],
                schedules=[
                    (
                        ",".join(sorted(rng.sample(WEEKDAYS, rng.randint(1, 3)), key=WEEKDAYS.index)),
                        time(opens),
                        time(min(opens + rng.choice([2, 3, 4, 8]), 21)),
                    )
                ],
                locations=[
                    (f"{fake.last_name()} Community Centre", fake.street_address().replace("\n", ", "), place)
                ],
                cost_options=[("Per session", Decimal(rng.choice([2, 3, 5])))] if rng.random() < 0.2 else [],
                ward_codes=rng.sample(wards, k=min(len(wards), rng.choice([0, 1, 2]))),
                contacts=[(fake.name(), "Coordinator", fake.email())],
                commissioned_under=rng.choice(FUNDING) if rng.random() < 0.4 else "",
            )
            service = add_service(actor, council, provider, details)
            made += 1
            if staff and n == 0:
                # One change waiting for the commissioner: the provider has added an evening session.
                changes.propose(
                    Actor(user=staff.user, council=council),
                    council,
                    replace(details, schedules=[*details.schedules, ("TH", time(18), time(20))]),
                    service=service,
                )
    return made
