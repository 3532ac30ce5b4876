"""Demo commissioning: a year of it in Wigan and Sunderland, through commissioning's own services (each
change audited, published and, where money moves, on the ledger).

Per council: budget lines and an NHS budget; seventeen procurements at every stage (pipeline,
preliminary engagement, planned, open tenders with sealed bids, a direct award in standstill, a
terminated one, and call-offs made into contracts with open-book cost lines, outcomes and results, KPIs
and their ratings, variations and one termination); one NHS-commissioned service; a ward budget for every
ward with councillors' grants; and personal budgets for about a hundred residents, some spent.

Bypassed, on purpose, for speed: the residents' and councillors' accounts are bulk-created with no
usable password (hashing 200 passwords would take most of a minute; they are not demo sign-ins), and
contracts' start dates in the past are set by the service from the raw dates given.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker

from civichub.commissioning import budgets, ledger
from civichub.commissioning.models import Budget, Kpi, Outcome, Procurement
from civichub.commissioning.selectors import lots
from civichub.commissioning.services import bidding, contracts, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Council, Organisation, Role
from civichub.demo import commissioning_people as people
from civichub.demo.commissioning_people import user_with
from civichub.market import selectors as market
from civichub.places.models import Ward

SYSTEM = Actor.system("demo")
COUNCILS = {
    "E08000010": "NHS Greater Manchester Integrated Care Board",
    "E08000024": "NHS North East and North Cumbria Integrated Care Board",
}
YEAR = "2026-27"
SERVICES = [
    (
        "Home care for older people",
        "home-care-18",
        "People stay living well in their own homes",
        "personal-care",
    ),
    (
        "Supported living for adults with learning disabilities",
        "supported-living",
        "Adults live the lives they choose, in homes of their own",
        "learning-disability",
    ),
    (
        "Youth work in the evenings",
        "youth-services",
        "Young people have safe places and trusted adults",
        "youth",
    ),
    ("Carers' breaks", "home-care-18", "Unpaid carers get regular breaks and stay well", "carers"),
    (
        "Reablement after hospital",
        "home-care-18",
        "People regain their independence after a hospital stay",
        "reablement",
    ),
    (
        "Day opportunities",
        "supported-living",
        "People have things to do and people to see in the day",
        "isolation",
    ),
    ("Grounds maintenance of parks", "grounds-maintenance", "Parks are clean, safe and used", "environment"),
    (
        "Special educational needs transport",
        "send-transport",
        "Children get to school safely and on time",
        "send",
    ),
    ("Falls prevention classes", "home-care-18", "Fewer older people fall and are hurt", "falls"),
]
RATINGS = ["good"] * 6 + ["approaching_target"] * 3 + ["requires_improvement"] * 2 + ["inadequate", "other"]


def load() -> int:
    """Load the demo's commissioning; returns how many contracts were made."""
    made = 0
    fake = Faker("en_GB")
    fake.seed_instance(10)
    for gss, nhs_name in COUNCILS.items():
        council = Council.objects.filter(gss_code=gss).first()
        if council is None or Budget.objects.for_council(council).exists():
            continue
        made += _council(council, nhs_name, fake, random.Random(gss))
    return made


def _providers(council: Council) -> list[Organisation]:
    found = list(
        Organisation.objects.filter(market.in_market(council))
        .exclude(kind=Organisation.Kind.COUNCIL)
        .order_by("name")[:40]
    )
    if not found:  # a council without a market demo still gets a few providers, on its list
        for i, kind in enumerate(["company", "charity", "community", "company", "charity"]):
            org = Organisation.objects.create(
                name=f"{council.short_name} Care Co-operative {i + 1}", kind=kind
            )
            core.add_provider(
                SYSTEM, council, org, services_summary="Care and support", since=date(2020, 1, 1)
            )
            found.append(org)
    return found


def _council(council: Council, nhs_name: str, fake: Faker, rng: random.Random) -> int:
    officer = Actor(user=user_with(council, Role.COMMISSIONER), council=council)
    providers = _providers(council)
    wards = list(
        Ward.objects.filter(local_authority__gss_code=council.gss_code)
        .order_by("gss_code")
        .values_list("gss_code", flat=True)
    )
    lines = {
        name: budgets.create_budget(
            SYSTEM,
            council,
            kind=Budget.Kind.COUNCIL,
            name=f"{name} {YEAR}",
            amount=amount,
            financial_year=YEAR,
        )
        for name, amount in (
            ("Adult social care", "60000000"),
            ("Children's services", "20000000"),
            ("Public health grant", "9000000"),
        )
    }
    made = _procurements(council, officer, providers, wards, lines, rng)
    made += _nhs_service(council, officer, nhs_name, providers)
    made += people.ward_budgets(council, wards, providers, fake, rng)
    made += people.personal_budgets(council, providers, fake, rng)
    return made


@transaction.atomic
def _procurements(
    council: Council,
    officer: Actor,
    providers: list[Organisation],
    wards: list[str],
    lines: dict[str, Budget],
    rng: random.Random,
) -> int:
    today = timezone.localdate()
    made = 0
    stages = (
        ["pipeline"] * 3
        + ["preliminary_engagement"] * 2
        + ["planned"] * 2
        + ["tender"] * 2
        + ["direct"]
        + ["terminated"]
        + ["contract"] * 6
    )
    bidder = user_with(council, Role.PROVIDER_STAFF)
    for index, stage in enumerate(stages):
        title, category, purpose, need = SERVICES[index % len(SERVICES)]
        places = " ".join(rng.sample(wards, 3))
        commission = procuring.create_commission(
            officer,
            council,
            {
                "title": title,
                "purpose": purpose,
                "place_codes": places,
                "need_codes": need,
                "market_category_code": category,
            },
        )
        budget = lines[
            "Children's services" if category in ("youth-services", "send-transport") else "Adult social care"
        ]
        value = Decimal(rng.randrange(120_000, 2_400_000, 1000))
        budgets.fund_commission(officer, commission, budget, value * Decimal("1.2"))
        reference = f"{council.slug[:3].upper()}-{2026}-{index + 1:03d}"
        raw: dict[str, Any] = {
            "reference": reference,
            "title": title,
            "value_estimate": str(value),
            "description": purpose,
        }
        if stage == "direct":
            raw |= {
                "procedure": "direct_award",
                "direct_award_justification": (
                    "Extreme urgency: the only provider in the area closed at a week's notice"
                ),
            }
        elif stage == "contract":
            raw |= {"procedure": "framework_call_off", "framework_reference": "NW-CARE-FW-2024"}
        elif stage in ("preliminary_engagement", "planned"):
            raw |= {"stage": stage}
        procurement = procuring.start_procurement(officer, commission, raw)
        if stage in ("tender", "terminated"):
            procuring.set_lots(
                officer,
                procurement,
                [{"title": title}],
                [
                    {"name": "Quality of care", "kind": "quality", "weight": "60"},
                    {"name": "Price", "kind": "price", "weight": "30"},
                    {"name": "Social value", "kind": "social_value", "weight": "10"},
                ],
            )
            procurement = procuring.open_tender(
                officer, procurement, timezone.now() + timedelta(days=rng.randint(5, 30))
            )
            if stage == "terminated":
                procuring.terminate_procurement(
                    officer, procurement, "The need changed: the service is now commissioned with the NHS"
                )
            elif bidder is not None:
                lot = lots(procurement).first()
                assert lot is not None
                bidding.submit_bid(
                    Actor(user=bidder, council=council),
                    procurement,
                    lot.pk,
                    str(value * Decimal("0.95")),
                    "We will recruit locally and pay the Real Living Wage.",
                )
        elif stage == "direct":
            evaluation.award_directly(officer, procurement, rng.choice(providers).pk, str(value))
        elif stage == "contract":
            made += _contract(
                officer, procurement, rng.choice(providers), value, today, rng, last=index == len(stages) - 1
            )
    return made


def _contract(
    officer: Actor,
    procurement: Procurement,
    provider: Organisation,
    value: Decimal,
    today: date,
    rng: random.Random,
    last: bool,
) -> int:
    procurement = evaluation.call_off(officer, procurement, provider.pk, str(value))
    lot = lots(procurement).first()
    assert lot is not None
    start = today - timedelta(days=rng.randint(60, 330))
    # Some end within six months, so the dashboard has renewals to show.
    end = today + timedelta(days=rng.choice([40, 120, 170, 400, 700]))
    staff = (value * Decimal("0.68")).quantize(Decimal("1"))
    made = contracts.make_contract(
        officer,
        procurement,
        lot.pk,
        {
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "cost_lines": [
                {"kind": "staff", "name": "Care workers at the Real Living Wage", "amount": str(staff)},
                {
                    "kind": "materials",
                    "name": "Equipment and travel",
                    "amount": str((value * Decimal("0.08")).quantize(Decimal("1"))),
                },
                {
                    "kind": "overheads",
                    "name": "Management and training",
                    "amount": str((value * Decimal("0.16")).quantize(Decimal("1"))),
                },
                {
                    "kind": "margin",
                    "name": "Surplus",
                    "amount": str(value - staff - (value * Decimal("0.24")).quantize(Decimal("1"))),
                },
            ],
            "outcomes": [
                {
                    "measure": "People who say they feel more independent",
                    "baseline": "48",
                    "target": "75",
                    "unit": "%",
                }
            ],
            "kpis": [
                {"name": "Visits on time", "target": "95% within 15 minutes"},
                {"name": "Staff turnover", "target": "Under 20% a year"},
            ],
        },
    )
    outcome = Outcome.objects.for_council(made.council).filter(contract=made).first()
    assert outcome is not None
    for months, result in ((3, rng.randint(45, 60)), (6, rng.randint(50, 80))):
        contracts.report_result(
            officer, made, outcome.pk, (start + timedelta(days=30 * months)).isoformat(), str(result)
        )
    contracts.assess_performance(
        officer,
        made,
        (today - timedelta(days=10)).isoformat(),
        [
            {"kpi_id": str(k.pk), "rating": rng.choice(RATINGS), "note": "From the quarterly review"}
            for k in Kpi.objects.for_council(made.council).filter(contract=made)
        ],
    )
    ledger.pay(officer, made, str((value / 4).quantize(Decimal("0.01"))), description="First quarter")
    if rng.random() < 0.5:
        change = Decimal(rng.choice([15000, 40000, -10000]))
        contracts.vary_contract(
            officer,
            made,
            {
                "reason": "More hours for people leaving hospital over winter"
                if change > 0
                else "Fewer night visits needed",
                "cost_change": str(change),
                "agreed_by": "Head of commissioning and the provider's director",
            },
        )
    if last:
        contracts.terminate_contract(
            officer,
            made,
            {
                "reason": "The provider handed the contract back",
                "ratings": [
                    {"kpi_id": str(k.pk), "rating": "requires_improvement"}
                    for k in Kpi.objects.for_council(made.council).filter(contract=made)
                ],
            },
        )
    return 1


@transaction.atomic
def _nhs_service(council: Council, officer: Actor, nhs_name: str, providers: list[Organisation]) -> int:
    """One service the NHS commissions through the platform, under its own organisation and budget."""
    nhs, _ = Organisation.objects.get_or_create(name=nhs_name, defaults={"kind": Organisation.Kind.NHS})
    money = budgets.create_budget(
        SYSTEM,
        council,
        kind=Budget.Kind.EXTERNAL,
        name=f"{nhs_name}: community services {YEAR}",
        amount="3000000",
        financial_year=YEAR,
        owner_organisation=nhs,
        source_reference="Better Care Fund",
    )
    commission = procuring.create_commission(
        officer,
        council,
        {
            "title": "Discharge to assess beds",
            "purpose": "People leave hospital as soon as they are well enough, to the right place",
            "commissioner_organisation_id": str(nhs.pk),
            "need_codes": "reablement",
            "market_category_code": "nursing-care-65",
        },
    )
    budgets.fund_commission(SYSTEM, commission, money, "1500000")
    procurement = procuring.start_procurement(
        officer,
        commission,
        {
            "reference": f"{council.slug[:3].upper()}-NHS-001",
            "title": "Discharge to assess beds",
            "value_estimate": "1200000",
            "procedure": "framework_call_off",
            "framework_reference": "NHS-SBS-D2A",
        },
    )
    procurement = evaluation.call_off(officer, procurement, providers[0].pk, "1200000")
    lot = lots(procurement).first()
    assert lot is not None
    today = timezone.localdate()
    contracts.make_contract(
        officer,
        procurement,
        lot.pk,
        {
            "start_date": (today - timedelta(days=90)).isoformat(),
            "end_date": (today + timedelta(days=640)).isoformat(),
            "outcomes": [
                {
                    "measure": "Days from medically fit to discharge",
                    "baseline": "6",
                    "target": "2",
                    "unit": "days",
                }
            ],
        },
    )
    return 1
