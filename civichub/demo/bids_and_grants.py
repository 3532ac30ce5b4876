"""Demo bids, saved funding needs and council grants for Wigan and Sunderland (issue 12, second part).

Each council keeps a pipeline of its own bids in every status, against opportunities of the catalogue
and one not in it; the demo provider's staff keep their organisation's; each council saves a funding
need (Sunderland: youth work in its three most deprived wards; Wigan: warm homes in Abram), whose
matches are recorded; and each council records grants it made to charities of the register, published
as its 360Giving package. Synthetic (fixed seed), through the contexts' own services.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from civichub.core.actors import Actor
from civichub.core.models import Council, Membership, OrganisationIdentifier, Role, User
from civichub.funding import awards, bid_selectors, bids, funding_needs
from civichub.funding import selectors as funding_selectors
from civichub.places import selectors as places

SYSTEM = Actor.system("demo: bids and grants")
DEMO_COUNCILS = ["E08000010", "E08000024"]  # Wigan, Sunderland
NEEDS = {
    "E08000010": {
        "name": "Warm homes in Abram",
        "needs": ["housing"],
        "areas": ["E05000840"],
        "applicant_type": "local-authority",
        "amount": "50000",
    },
    "E08000024": {
        "name": "Youth services in Sunderland's most deprived wards",
        "needs": ["young-people"],
        "most_deprived": "3",
        "applicant_type": "charity",
        "amount": "20000",
    },
}
GRANT_TITLES = [
    ("Warm spaces this winter", "Heating and opening a community hall as a warm space, twice a week."),
    ("Holiday activities and food", "Meals and activities for children in the school holidays."),
    ("Befriending older neighbours", "Volunteers visiting older people who live alone."),
    ("Community food pantry", "Stock and a freezer for a members' food pantry."),
    ("Youth club nights", "Two evening youth sessions a week with a detached youth worker."),
    ("Debt advice outreach", "Drop-in debt and benefits advice in a community centre."),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _bids(council: Council, rng: random.Random, today: date) -> int:
    officer = _user(f"{council.slug}.commissioner")
    if officer is None:
        return 0
    catalogue = list(funding_selectors.search(council, funding_selectors.Search(open_now=True))[:40])
    made = 0
    plan = [("drafting", None), ("submitted", None), ("won", 0.8), ("lost", None), ("won", 1.0)]
    for n, (status, share) in enumerate(plan):
        chosen = catalogue[(n * 7 + rng.randint(0, 5)) % len(catalogue)] if catalogue else None
        amount = rng.choice([15000, 25000, 40000, 60000])
        raw = {
            "opportunity_id": str(chosen.pk) if chosen and n != 3 else "",
            "funder": "Coalfields Regeneration Trust (demo, not in the catalogue)",
            "programme": "Community hubs",
            "owner_id": str(officer.pk),
            "amount_sought": str(amount),
            "need_codes": chosen.theme_list[:2] if chosen and n != 3 else ["loneliness-and-community"],
            "commission_refs": [f"COM-{council.slug.upper()[:3]}-{100 + n}"] if n % 2 == 0 else [],
            "notes": "Synthetic demo bid.",
            "due_on": (today + timedelta(days=20 + 15 * n)).isoformat(),
        }
        bid = bids.add_bid(SYSTEM, council, raw, organisation=council.organisation)
        if status != "drafting":
            bids.change_status(SYSTEM, council, bid.pk, "submitted", on=today - timedelta(days=60 - n))
        if status in ("won", "lost"):
            won = str(int(amount * (share or 1))) if status == "won" else None
            bids.change_status(
                SYSTEM, council, bid.pk, status, amount_won=won, on=today - timedelta(days=10 - n)
            )
        made += 1
    staff = _user(f"{council.slug}.provider-staff")
    member = Membership.objects.filter(user=staff, council=council, role=Role.PROVIDER_STAFF).first()
    if staff is not None and member is not None and member.organisation is not None and catalogue:
        for n in range(2):
            chosen = catalogue[-1 - n]
            bid = bids.add_bid(
                SYSTEM,
                council,
                {
                    "opportunity_id": str(chosen.pk),
                    "owner_id": str(staff.pk),
                    "amount_sought": str(rng.choice([5000, 10000])),
                    "need_codes": chosen.theme_list[:1],
                    "notes": "Synthetic demo bid of a VCSE organisation.",
                },
                organisation=member.organisation,
            )
            if n == 0:
                bids.change_status(SYSTEM, council, bid.pk, "submitted", on=today - timedelta(days=5))
            made += 1
    return made


def _grants(council: Council, rng: random.Random, today: date) -> int:
    charities = list(
        OrganisationIdentifier.objects.filter(scheme=OrganisationIdentifier.Scheme.CHARITY_COMMISSION)
        .select_related("organisation")
        .order_by("identifier")[:12]
    )
    if not charities:
        return 0
    wards = [w.gss_code for w in places.wards_in(council.gss_code)]
    lsoas = [lsoa.code for lsoa in places.lsoas_in(council.gss_code)[:40]]
    for n in range(8):
        title, description = GRANT_TITLES[n % len(GRANT_TITLES)]
        charity = charities[(n * 5 + rng.randint(0, 3)) % len(charities)]
        awards.record_grant(
            SYSTEM,
            council,
            {
                "title": title,
                "description": description,
                "amount": str(rng.choice([500, 1500, 2500, 5000, 7500])),
                "award_date": (today - timedelta(days=rng.randint(10, 300))).isoformat(),
                "recipient_name": charity.organisation.name,
                "recipient_org_id": charity.org_id,
                "beneficiary_code": rng.choice(lsoas) if n % 3 == 0 else rng.choice(wards),
                "programme": "Community chest (demo)",
            },
        )
    return 8


def load(seed: int = 2026, today: date | None = None) -> int:
    """Load once (a second run adds nothing); returns the bids added."""
    councils = [c for c in (Council.objects.filter(gss_code=g).first() for g in DEMO_COUNCILS) if c]
    if not councils or bid_selectors.bids(SYSTEM, councils[0]).exists():
        return 0
    rng, today = random.Random(seed), today or date.today()
    made = 0
    for council in councils:
        made += _bids(council, rng, today)
        funding_needs.save_need(SYSTEM, council, NEEDS[council.gss_code])
        _grants(council, rng, today)
    return made
