"""Demo needs and funding: an imported indicator with several periods for each demo council's wards,
about 200 funding opportunities in the platform's catalogue (with a few of each council's own), and the
real 360Giving grants from `CIVICHUB_SHARED_DIR/data/360giving` (see its SOURCES.md).

The indicator values and the opportunities are synthetic (fixed seed), and say so in their source and
funder names: the deprivation and population on the needs profiles are the real IoD 2019 figures, read
from places. A year of contacts per service (home care's naming its providers from the council's market)
and the assessed needs of synthetic residents (record references, no names) are synthetic too. Made
through the contexts' own import pipeline and services (audited and published).
"""

from __future__ import annotations

import gzip
import random
from datetime import date, timedelta

from django.conf import settings

from civichub.core.actors import Actor
from civichub.core.importing.runner import run_now
from civichub.core.models import Council
from civichub.funding import selectors as funding_selectors
from civichub.funding import services as funding
from civichub.funding.details import check_opportunity
from civichub.market import selectors as market_selectors
from civichub.needs import assessments, contact_rows, demand
from civichub.places import selectors as places

SYSTEM = Actor.system("demo: needs and funding")
DEMO_COUNCILS = ["E08000010", "E08000024"]  # Wigan, Sunderland
PERIODS = ["2020/21", "2021/22", "2022/23", "2023/24"]
FUNDERS = [
    "Northern Communities Trust (demo)",
    "Coalfields Renewal Fund (demo)",
    "North West Health Foundation (demo)",
    "Wearside Community Foundation (demo)",
    "Lancashire and Greater Manchester Fund (demo)",
    "National Lottery-style Community Fund (demo)",
    "Warm Homes Partnership (demo)",
    "Youth Futures Alliance (demo)",
]
PROGRAMMES = {
    "housing": ["Warm and safe homes", "Homelessness prevention", "Tenancy sustainment"],
    "health-and-wellbeing": ["Healthy communities", "Mental health in the community", "Active lives"],
    "adult-social-care": ["Carers' breaks", "Living well at home", "Dementia-friendly places"],
    "children-and-families": ["Family hubs", "Early years", "Holiday activities and food"],
    "young-people": ["Youth clubs", "Young people's futures", "Sport for change"],
    "employment-and-skills": ["Skills for work", "Back to work", "Digital skills"],
    "community-safety": ["Safer streets", "Domestic abuse support", "Reducing reoffending"],
    "environment": ["Green spaces", "Community energy", "Clean and tidy neighbourhoods"],
    "transport": ["Community transport", "Active travel", "Rural buses"],
    "money-and-debt": ["Cost of living", "Debt advice", "Financial inclusion"],
    "food": ["Community food", "Food pantries", "Cooking on a budget"],
    "loneliness-and-community": ["Tackling loneliness", "Community spaces", "Volunteering"],
}
APPLICANTS = ["charity", "cic", "social-enterprise", "community-group", "local-authority", "school"]


def _indicator_csv(council: Council, rng: random.Random) -> bytes:
    """Households in fuel poverty by ward, four financial years, drifting up with noise (synthetic)."""
    lines = ["indicator,name,level,area_code,period,value,unit,source,licence,need"]
    name, facts = "Households in fuel poverty", "%,Synthetic demo figures (not real data),Demo only,housing"
    wards = [w.gss_code for w in places.wards_in(council.gss_code)]
    totals = [0.0] * len(PERIODS)
    for ward in wards:
        level = rng.uniform(9, 20)
        for n, period in enumerate(PERIODS):
            value = round(level + n * rng.uniform(0.2, 1.2) + rng.uniform(-0.6, 0.6), 1)
            totals[n] += value
            lines.append(f"fuel-poverty,{name},ward,{ward},{period},{value},{facts}")
    for n, period in enumerate(PERIODS):
        council_value = round(totals[n] / max(len(wards), 1), 1)
        lines.append(f"fuel-poverty,{name},council,{council.gss_code},{period},{council_value},{facts}")
        lines.append(f"fuel-poverty,{name},england,E92000001,{period},{12.4 + n * 0.4:.1f},{facts}")
    return ("\n".join(lines) + "\n").encode()


def _opportunities(rng: random.Random, count: int, areas: list[str], today: date) -> list[dict[str, str]]:
    made = []
    themes = list(PROGRAMMES)
    for n in range(count):
        theme = themes[n % len(themes)]
        second = rng.choice(themes)
        funder = FUNDERS[n % len(FUNDERS)]
        low = rng.choice([500, 1000, 2500, 5000, 10000])
        opens = today + timedelta(days=rng.randint(-300, 60))
        closes = opens + timedelta(days=rng.randint(30, 240))
        made.append(
            {
                "grantName": f"{rng.choice(PROGRAMMES[theme])} {2025 + n // 60} round {n % 7 + 1} ({n + 1})",
                "grantFunder": funder,
                "grantShortDescription": f"Synthetic demo opportunity: for {theme.replace('-', ' ')} work.",
                "grantApplicantType": "; ".join(sorted(set(rng.sample(APPLICANTS, rng.randint(1, 3))))),
                "grantLocation": rng.choice([*areas, "National", "National", "England"]),
                "grantMinimumAward": str(low),
                "grantMaximumAward": str(low * rng.choice([4, 10, 20])),
                "grantTotalAwardAmount": str(low * rng.choice([100, 200, 500])),
                "grantApplicationOpenDate": opens.isoformat(),
                "grantApplicationCloseDate": "" if n % 17 == 0 else closes.isoformat(),
                "grantWebpageUrl": f"https://funder.example.org/grants/{n + 1}",
                "themes": "; ".join(sorted({theme, second})),
            }
        )
    return made


# service -> (need, contacts a month, failure share), and the causes of failure demand people give.
SERVICES = {
    "Housing options": ("housing", 260, 0.42),
    "Adult social care front door": ("adult-social-care", 220, 0.38),
    "Council tax and benefits": ("money-and-debt", 340, 0.55),
    "Waste and recycling": ("environment", 300, 0.33),
}
CAUSES = [
    "chasing progress",
    "not understood",
    "repeat visit",
    "wrong information",
    "passed around",
    "missed appointment",
]
CHANNELS = ["phone", "phone", "email", "web", "visit"]
# Home care is commissioned: its contacts name the provider (the first four of the council's home care
# market), each with its own failure share, so the demand page can set providers side by side.
HOME_CARE, HOME_CARE_VOLUME, PROVIDER_SHARES = "Home care", 200, [0.18, 0.27, 0.36, 0.52]


def _providers(council: Council) -> list[str]:
    """The org-ids of the first few home care providers in the council's market (through its selectors)."""
    market = market_selectors.providers(SYSTEM, council).filter(market_offers__category__code="home-care-18")
    org_ids = []
    for organisation in market.distinct()[:4]:
        identifiers = sorted(i.org_id for i in organisation.identifiers.all())
        if identifiers:
            org_ids.append(identifiers[0])
    return org_ids


def _contacts(council: Council, rng: random.Random, today: date) -> list[dict[str, object]]:
    """A year of contacts per service. In Wigan, council tax and benefits was redesigned half way
    through: its failure share falls from about 55% to about 30% (a signal on its XmR chart). Home
    care's contacts name its providers."""
    rows: list[dict[str, object]] = []
    first = date(today.year - 1, today.month, 1)
    providers = _providers(council)
    services = dict(SERVICES)
    if providers:
        services[HOME_CARE] = ("adult-social-care", HOME_CARE_VOLUME, 0.0)
    for service, (need, volume, share) in services.items():
        for month in range(12):
            start = date(first.year + (first.month - 1 + month) // 12, (first.month - 1 + month) % 12 + 1, 1)
            redesigned = (
                council.gss_code == "E08000010" and service == "Council tax and benefits" and month >= 6
            )
            failure_share = (0.30 if redesigned else share) + rng.uniform(-0.04, 0.04)
            for _ in range(int(volume * rng.uniform(0.85, 1.15))):
                day = min(start + timedelta(days=rng.randint(0, 27)), today)
                provider = ""
                if service == HOME_CARE:
                    n = rng.randrange(len(providers))
                    provider, failure_share = providers[n], PROVIDER_SHARES[n] + rng.uniform(-0.03, 0.03)
                failure = rng.random() < failure_share
                rows.append(
                    {
                        "occurred_on": day,
                        "channel": rng.choice(CHANNELS),
                        "category": need,
                        "service": service,
                        "kind": "failure" if failure else "value",
                        "cause": rng.choices(CAUSES, weights=[6, 3, 3, 2, 2, 1])[0] if failure else "",
                        "provider": provider,
                    }
                )
    return rows


# Synthetic residents' assessed needs: (need, weight, the service that meets it when it is met).
ASSESSED = [
    ("housing", 5, "Housing options"),
    ("money-and-debt", 5, "Debt advice drop-in"),
    ("adult-social-care", 3, ""),  # met by a home care provider
    ("food", 2, "Community food pantry"),
    ("loneliness-and-community", 2, "Befriending service"),
    ("employment-and-skills", 1, "Back to work coaching"),
]
STATUSES = [("unmet", 45), ("being_met", 25), ("met", 20), ("identified", 10)]


def _assessed_needs(council: Council, rng: random.Random, today: date, residents: int = 240) -> int:
    """Needs assessed for synthetic residents (references only, no names), most of them living in three
    wards, so some counts of unmet need reach 10 and others are suppressed outside the officers."""
    by_ward: dict[str, list[str]] = {}
    for code, ward_code in places.live_postcodes_in(council.gss_code).values_list("postcode", "ward_id"):
        if ward_code:
            by_ward.setdefault(str(ward_code), []).append(code)
    if not by_ward:
        return 0
    wards = sorted(by_ward)
    hotspots = rng.sample(wards, min(3, len(wards)))
    providers = [o.pk for o in contact_rows.organisations_by_org_id(_providers(council)).values()]
    codes, weights = [a[0] for a in ASSESSED], [a[1] for a in ASSESSED]
    services = {need: service for need, _, service in ASSESSED}
    made = 0
    for n in range(residents):
        ward = rng.choice(hotspots) if rng.random() < 0.7 else rng.choice(wards)
        postcode = rng.choice(by_ward[ward])
        needs = sorted(set(rng.choices(codes, weights=weights, k=rng.choice([1, 1, 2, 2, 3]))))
        for need in needs:
            service = services[need]
            status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
            met_by = None
            if status in ("being_met", "met") and not service:
                if not providers:
                    status = "unmet"  # no provider to meet it in this market
                else:
                    met_by = rng.choice(providers)
            assessments.record_need(
                SYSTEM,
                council,
                person_reference=f"{council.slug[:3].upper()}-R{n + 1:05d}",
                category=need,
                assessed_on=today - timedelta(days=rng.randint(0, 360)),
                status=status,
                postcode=postcode,
                met_by=met_by,
                met_by_service=service if status in ("being_met", "met") and met_by is None else "",
            )
            made += 1
    return made


def load(seed: int = 2026, today: date | None = None) -> int:
    """Load once (a second run adds nothing); returns the opportunities added."""
    councils = [
        Council.objects.get(gss_code=g) for g in DEMO_COUNCILS if Council.objects.filter(gss_code=g).exists()
    ]
    if not councils or funding_selectors.search(councils[0], funding_selectors.Search()).exists():
        return 0
    rng, today = random.Random(seed), today or date.today()
    for council in councils:
        run_now(
            SYSTEM,
            council,
            "area_indicators",
            file_name="fuel-poverty-demo.csv",
            content=_indicator_csv(council, rng),
        )
    themes = set(funding_selectors.theme_codes(None))
    shared = [check_opportunity(raw, themes)[0] for raw in _opportunities(rng, 190, DEMO_COUNCILS, today)]
    added, _ = funding.save_opportunities(SYSTEM, None, [d for d in shared if d is not None])
    for council in councils:
        demand.record_contacts(SYSTEM, council, _contacts(council, rng, today))
        _assessed_needs(council, rng, today)
    grants = settings.SHARED_DIR / "data" / "360giving" / "360giving_covid19_grants_2020-05-07.json.gz"
    if grants.exists():
        content = gzip.decompress(grants.read_bytes())
        run_now(SYSTEM, None, "grants_360giving", file_name=grants.name.removesuffix(".gz"), content=content)
    for council in councils:
        for raw in _opportunities(rng, 5, [council.gss_code], today):
            raw["grantFunder"] = f"{council.short_name} (demo)"
            funding.add_opportunity(SYSTEM, council, raw)
            added += 1
    return added
