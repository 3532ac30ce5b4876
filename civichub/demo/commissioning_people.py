"""Demo commissioning's people: ward budgets for every ward (with councillors' grants and small
contracts) and personal budgets for about a hundred residents per council, some spent. See
`civichub.demo.commissioning` for the whole year and what is bypassed, and why.
"""

from __future__ import annotations

import random
from decimal import Decimal

from faker import Faker

from civichub.commissioning import money_selectors
from civichub.commissioning import personal_budgets as personal
from civichub.commissioning import ward_budgets as wards_money
from civichub.core.actors import Actor
from civichub.core.models import Council, Membership, Organisation, Role, User

SYSTEM = Actor.system("demo")
YEAR = "2026-27"
RESIDENTS = 100
# Django's mark for "no password can sign in with this account" (what set_unusable_password stores).
UNUSABLE = "!" + "demo-no-sign-in"
GRANTS = [
    "Community allotment beds",
    "Summer holiday club",
    "Luncheon club for older people",
    "Litter picking kit",
    "Youth football kit",
    "Christmas lights",
]


def user_with(council: Council, role: Role) -> User | None:
    membership = (
        Membership.objects.filter(council=council, role=role)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    return membership.user if membership else None


def _bulk_people(
    council: Council, role: Role, count: int, fake: Faker, prefix: str, wards: list[str] | None = None
) -> list[User]:
    """Accounts made in bulk, with no usable password (see the module's note)."""
    people = User.objects.bulk_create(
        [
            User(
                username=f"{council.slug}.{prefix}{i:03d}",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"{council.slug}.{prefix}{i:03d}@example.org",
                password=UNUSABLE,
            )
            for i in range(count)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, role=role, council=council, ward_code=(wards[i] if wards else ""))
            for i, u in enumerate(people)
        ]
    )
    return people


def ward_budgets(
    council: Council, wards: list[str], providers: list[Organisation], fake: Faker, rng: random.Random
) -> int:
    taken = set(
        Membership.objects.filter(council=council, role=Role.COUNCILLOR).values_list("ward_code", flat=True)
    )
    free = [w for w in wards if w not in taken][:12]
    _bulk_people(council, Role.COUNCILLOR, len(free), fake, "cllr", free)
    made = wards_money.set_up_ward_budgets(SYSTEM, council, amount="20000", financial_year=YEAR)
    groups = [o for o in providers if o.kind in ("charity", "community")] or providers
    count = 0
    for budget in made:
        cllr = money_selectors.councillors(council, budget.ward_code).first()
        if cllr is None:
            continue
        for title in rng.sample(GRANTS, 2):
            wards_money.award(
                Actor(user=cllr, council=council),
                council,
                budget,
                kind=rng.choice(["grant", "grant", "contract"]),
                provider_id=rng.choice(groups).pk,
                title=title,
                amount=str(rng.randrange(300, 4000, 50)),
                start_date=YEAR[:4] + "-06-01",
                end_date=YEAR[:4] + "-12-31",
            )
            count += 1
    return count


def personal_budgets(council: Council, providers: list[Organisation], fake: Faker, rng: random.Random) -> int:
    residents = _bulk_people(council, Role.RESIDENT, RESIDENTS, fake, "resident")
    demo_resident = user_with(council, Role.RESIDENT)
    if demo_resident is not None:
        residents.insert(0, demo_resident)
    count = 0
    for i, person in enumerate(residents):
        amount = Decimal(rng.randrange(4000, 26000, 100))
        budget = personal.create_personal_budget(
            SYSTEM, council, person, amount=str(amount), financial_year=YEAR
        )
        if i == 0 or rng.random() < 0.4:
            for title in rng.sample(
                [
                    "Personal assistant, 8 hours a week",
                    "Day centre, two days a week",
                    "Respite weekend",
                    "Swimming with a support worker",
                ],
                rng.randint(1, 2),
            ):
                personal.buy(
                    Actor(user=person, council=council),
                    council,
                    budget,
                    provider_id=rng.choice(providers).pk,
                    title=title,
                    amount=str((amount * Decimal(rng.uniform(0.1, 0.4))).quantize(Decimal("0.01"))),
                    start_date=YEAR[:4] + "-04-01",
                    end_date=str(int(YEAR[:4]) + 1) + "-03-31",
                )
                count += 1
    return count
