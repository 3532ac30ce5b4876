"""Demo markets: synthetic providers in every market category across Wigan, Sunderland and County Durham,
with capacity scaled to each council's population-based need, prices, staff and CQC ratings, on the
councils' real wards. Made through the market's own services (each change audited and published).

On purpose, so the pages have something to say:
- Sunderland's residential care 65+ is a concentrated market (one group holds most beds);
- in Wigan's home care one ward is covered by no provider, so it is short of its need;
- one nursing provider, North East Nursing Partnership, is most of the supply of two councils;
- Wigan's home care cost exercise returns a fair cost above the rates it pays.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from faker import Faker

from civichub.core.actors import Actor
from civichub.core.models import Council, Membership, Organisation, Role
from civichub.market import returns, services, statements
from civichub.market.costs import lines_of
from civichub.market.models import MarketCategory, Offer
from civichub.places import selectors as places

MARKET_COUNCILS = ["E08000010", "E08000024", "E06000047"]  # Wigan, Sunderland, County Durham
# category -> (providers per council, price range, name ending, typically a VCSE)
SHAPES = {
    "home-care-18": (8, (19.0, 23.5), "Homecare", False),
    "residential-care-65": (7, (640, 860), "Care Homes", False),
    "nursing-care-65": (5, (820, 1090), "Nursing Homes", False),
    "supported-living": (6, (17.5, 22.0), "Supported Living", True),
    "childrens-residential": (4, (4200, 6400), "Children's Homes", False),
    "send-transport": (6, (95, 240), "Travel", False),
    "youth-services": (6, (60, 150), "Youth Trust", True),
    "highways-maintenance": (3, (1, 1), "Highways", False),
    "grounds-maintenance": (4, (1, 1), "Grounds", False),
}
RATINGS = ["outstanding"] + ["good"] * 13 + ["requires_improvement"] * 5 + ["inadequate"]
SYSTEM = Actor.system("demo")


def _need(category: MarketCategory, council: Council) -> float:
    """The need of the wards we hold (County Durham's SR postcodes reach only some of its wards)."""
    total = 0.0
    for people in places.ward_populations(council.gss_code):
        basis = {
            "adults": people.adults,
            "older": people.older_people,
            "children": people.children,
        }.get(category.need_basis, people.population)
        total += basis * float(category.need_per_thousand) / 1000
    return total


def _register(fake: Faker, rng: random.Random, name: str, vcse: bool) -> Organisation:
    scheme, number = (
        ("GB-CHC", str(rng.randint(1000000, 1199999)))
        if vcse
        else ("GB-COH", f"{rng.randint(1000000, 15999999):08d}")
    )
    profile = services.register_provider(
        SYSTEM,
        Council.objects.get(gss_code=MARKET_COUNCILS[0]),
        name=name,
        kind=Organisation.Kind.CHARITY if vcse else Organisation.Kind.COMPANY,
        identifiers={scheme: number},
        is_vcse=vcse,
        is_sme=rng.random() < 0.7,
        is_public_service_mutual=vcse and rng.random() < 0.2,
    )
    return profile.organisation


def _offer(
    rng: random.Random,
    council: Council,
    organisation: Organisation,
    category: MarketCategory,
    capacity: float,
    price: float,
    wards: list[str],
) -> Offer:
    whole = category.unit in ("beds", "routes", "sessions per week") or category.unit.startswith("£")
    raw: dict[str, Any] = {
        "capacity": str(round(capacity) if whole else round(capacity, 1)),
        "price": f"{price:.2f}",
        "coverage": wards,
        "started_on": date(rng.randint(2008, 2025), rng.randint(1, 12), 1).isoformat(),
        "staff_posts": max(1, round(capacity / 12))
        if not category.unit.startswith("£")
        else rng.randint(20, 200),
    }
    raw["staff_vacancies"] = rng.randint(0, max(1, int(raw["staff_posts"]) // 6))
    if category.regulated:
        raw |= {
            "cqc_rating": rng.choice(RATINGS),
            "cqc_rated_on": (date(2025, 6, 1) - timedelta(days=rng.randint(30, 900))).isoformat(),
        }
    return services.set_offer(SYSTEM, council, organisation, category, raw)


@transaction.atomic
def load(seed: int = 2026) -> int:
    """Give each demo council a market in every category (once: a second run adds nothing)."""
    if Offer.objects.exists():
        return 0
    fake, rng = Faker("en_GB"), random.Random(seed)
    fake.seed_instance(seed)
    councils = [
        Council.objects.get(gss_code=gss)
        for gss in MARKET_COUNCILS
        if Council.objects.filter(gss_code=gss).exists()
    ]
    made = 0
    for code, (count, (low, high), ending, vcse) in SHAPES.items():
        category = MarketCategory.objects.for_platform().get(code=code)
        for council in councils:
            wards = sorted(w.gss_code for w in places.wards_in(council.gss_code))
            if not wards:
                continue
            need = _need(category, council)
            weights = [rng.expovariate(1.0) + 0.2 for _ in range(count)]
            if code == "residential-care-65" and council.gss_code == "E08000024":
                weights = [9.0] + [0.6] * (count - 1)  # one group holds most of Sunderland's beds
            total = need * rng.uniform(0.8, 1.05) if need else 1_000_000.0
            # Wigan's first ward (by code) has no home care provider: the map's gap.
            open_wards = wards[1:] if code == "home-care-18" and council.gss_code == "E08000010" else wards
            for n, weight in enumerate(weights):
                name = f"{fake.last_name()} {ending}" + (" CIC" if vcse and n % 3 == 0 else "")
                organisation = _register(fake, rng, name, vcse)
                covered = rng.sample(open_wards, k=min(len(open_wards), rng.randint(3, 10)))
                if n == 0 or category.unit.startswith("£"):
                    covered = open_wards  # the largest (and contractors) cover the whole council
                price = rng.uniform(low, high)
                _offer(rng, council, organisation, category, total * weight / sum(weights), price, covered)
                made += 1
    made += _shared_provider(rng, councils)
    _staff_offers(rng, councils)
    _cost_exercises(rng, councils)
    _notes_and_statement(councils)
    return made


def _shared_provider(rng: random.Random, councils: list[Council]) -> int:
    """One nursing provider that Sunderland and County Durham both depend on."""
    pair = [c for c in councils if c.gss_code in ("E08000024", "E06000047")]
    if len(pair) < 2:
        return 0
    category = MarketCategory.objects.for_platform().get(code="nursing-care-65")
    organisation = services.register_provider(
        SYSTEM,
        pair[0],
        name="North East Nursing Partnership",
        kind=Organisation.Kind.COMPANY,
        identifiers={"GB-COH": "09876543"},
        is_sme=False,
    ).organisation
    wards = [w.gss_code for c in pair for w in places.wards_in(c.gss_code)]
    beds = sum(_need(category, c) for c in pair) * 1.6  # as much again as everyone else: most of both markets
    _offer(rng, pair[0], organisation, category, beds, 915.0, wards)
    return 1


def _staff_offers(rng: random.Random, councils: list[Council]) -> None:
    """The demo provider-staff users' organisations offer home care, so they have an offer to change."""
    category = MarketCategory.objects.for_platform().get(code="home-care-18")
    for council in councils:
        staff = (
            Membership.objects.filter(council=council, role=Role.PROVIDER_STAFF)
            .select_related("organisation")
            .first()
        )
        if (
            staff is None
            or staff.organisation is None
            or Offer.objects.filter(organisation=staff.organisation, category=category).exists()
        ):
            continue
        wards = sorted(w.gss_code for w in places.wards_in(council.gss_code))[1:6]
        _offer(rng, council, staff.organisation, category, 420, 21.20, wards)


def _cost_exercises(rng: random.Random, councils: list[Council]) -> None:
    """Wigan's home care exercise (7 returns, fair cost above the rates paid) and Sunderland's care homes
    (3 returns: its aggregates are suppressed for providers)."""
    for gss, code, returned, base in (
        ("E08000010", "home-care-18", 7, 1.18),
        ("E08000024", "residential-care-65", 3, 1.05),
    ):
        council = next((c for c in councils if c.gss_code == gss), None)
        if council is None:
            continue
        category = MarketCategory.objects.for_platform().get(code=code)
        exercise = returns.open_exercise(
            SYSTEM,
            council,
            category,
            title=f"{category.name}: fair cost of care 2026",
            closes_on=date.today() + timedelta(days=60),
        )
        providers = list(
            Offer.objects.filter(category=category, areas__local_authority_code=gss, ended_on__isnull=True)
            .distinct()
            .order_by("organisation__name")[:returned]
        )
        for offer in providers:
            target = float(offer.price) * base * rng.uniform(0.97, 1.06)  # costs above the price paid
            template = lines_of(exercise.template)
            money = [line for line in template if line.in_total]
            shares = [rng.uniform(0.6, 1.4) * (8 if n == 0 else 1) for n in range(len(money))]
            amounts = {
                line.code: Decimal(f"{target * s / sum(shares):.2f}")
                for line, s in zip(money, shares, strict=True)
            }
            amounts |= {line.code: Decimal(rng.randint(8, 16)) for line in template if not line.in_total}
            returns.save_return(SYSTEM, exercise, offer.organisation, amounts)


def _notes_and_statement(councils: list[Council]) -> None:
    wigan = next((c for c in councils if c.gss_code == "E08000010"), None)
    if wigan is None:
        return
    home_care = MarketCategory.objects.for_platform().get(code="home-care-18")
    largest = (
        Offer.objects.filter(category=home_care, areas__local_authority_code=wigan.gss_code)
        .order_by("-capacity")
        .first()
    )
    if largest is not None:
        services.add_note(
            SYSTEM,
            wigan,
            largest.organisation,
            kind="flag",
            flag="at risk",
            text="Lost its registered manager; recruitment under way",
        )
        services.add_note(SYSTEM, wigan, largest.organisation, kind="rating", rating="concerns")
    draft = statements.draft_statement(SYSTEM, wigan, home_care)
    statements.edit_statement(
        SYSTEM,
        draft,
        title="Home care 18+ in Wigan: market position statement",
        sections=draft.sections
        | {
            "intentions": (
                "Pay at least the fair cost of care from April; grow supply in the wards short of need; "
                "contract for outcomes, open book."
            )
        },
    )
    statements.publish_statement(SYSTEM, draft)
