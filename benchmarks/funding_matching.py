"""Matching a need in a place against a catalogue of 100,000 opportunities, and funding per head.

Builds a fresh database (real geography of WN, Wigan, a synthetic catalogue bulk-loaded: twelve themes,
random applicant types, areas, amounts and dates; a tenth closed), then in a fresh process times:
  1. a bare SQL query in the same run: the ids of the open opportunities themed for the need (what the
     ranking reads before it scores), the baseline;
  2. `matching.rank` for "young people in Wigan's 3 most deprived wards, a charity, £20,000" as the
     matching page reads it: how many, and the first 50 with their reasons (filtered, scored, ranked and
     paged in SQL: ADR 0026), and GET /api/v1/c/wigan/funding/matches;
  3. `giving.funding_against_need(wigan)` with 5,000 past grants on Wigan's LSOAs and wards.
Each p95 is printed as a multiple of the baseline's (machines here differ 2-3x; ratios compare).

    python benchmarks/funding_matching.py [--opportunities 100000] [--repeat 20]
Set CIVICHUB_DATABASE_URL to measure PostgreSQL.
"""

from __future__ import annotations

import argparse

from timing import Scratch

BUILD = """
import random, sys
from datetime import date, timedelta
from decimal import Decimal
from django.db import connection, transaction
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.funding.models import Opportunity, PastGrant
from civichub.needs.models import NeedCategory
from civichub.places import services as places
from civichub.places.models import Lsoa, Ward
count = int(sys.argv[1])
rng = random.Random(12)
system = Actor.system("benchmark")
places.import_geography(system, ["WN"])
wigan = core.add_council(system, "E08000010")
themes = list(NeedCategory.objects.for_platform().values_list("code", flat=True))
wards = list(Ward.objects.filter(local_authority_id="E08000010").values_list("gss_code", flat=True))
lsoas = list(Lsoa.objects.filter(local_authority_id="E08000010").values_list("code", "best_fit_ward_id"))
kinds = ["charity", "cic", "social-enterprise", "community-group", "local-authority", "school"]
today = date.today()
made = []
for n in range(count):
    low = rng.choice([500, 1000, 5000, 10000])
    closes = today + timedelta(days=rng.randint(-30, 300))
    area = rng.choice(["", "E92000001", "E08000010", "E08000024", rng.choice(wards)])
    made.append(Opportunity(
        funder=f"Funder {n % 500}", programme=f"Programme {n:06d}",
        themes=" " + " ".join(sorted(set(rng.sample(themes, rng.randint(1, 2))))) + " ",
        applicant_types=" " + " ".join(rng.sample(kinds, rng.randint(1, 3))) + " ",
        area_codes=f" {area} " if area else "", minimum_award=Decimal(low),
        maximum_award=Decimal(low * rng.choice([4, 10, 40])), closes_on=closes))
grants = []
for n in range(5000):
    code, ward = rng.choice(lsoas)
    codes = f" {code} {ward} E08000010 " if n % 3 else f" {rng.choice(wards)} "
    grants.append(PastGrant(identifier=f"360G-bench-{n}", title="x", amount=Decimal(rng.randint(500, 50000)),
                            award_date=date(2020, 4, 1), funder_name="Bench", place_codes=codes))
with transaction.atomic():
    Opportunity.objects.bulk_create(made, batch_size=5000)
    PastGrant.objects.bulk_create(grants, batch_size=5000)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(len(made), len(grants))
"""

MEASURE = """
import sys
from datetime import date
from django.db import connection
from django.test import Client
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Council, Role
from civichub.funding import giving, matching
from timing import report, timed
repeat = int(sys.argv[1])
wigan = Council.objects.get(gss_code="E08000010")
system = Actor.system("benchmark")
user = core.register_user(system, username="bench.analyst", first_name="B", last_name="A",
                          email="b@example.org", password="a-long-benchmark-password")
core.grant_membership(system, user, Role.ANALYST, wigan)
client = Client(HTTP_HOST="localhost")
client.force_login(user)
raw = {"needs": "young-people", "most_deprived": "3", "applicant_type": "charity", "amount": "20000"}
ask = matching.ask_of(wigan, raw)

def bare():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM funding_opportunity WHERE (council_id IS NULL OR council_id = %s) AND "
            "(closes_on IS NULL OR closes_on >= %s) AND (themes = '' OR themes LIKE %s)",
            [wigan.pk.hex if connection.vendor == "sqlite" else wigan.pk, date.today(), "% young-people %"])
        return len(cursor.fetchall())

def first_page():
    ranking = matching.rank(wigan, ask)
    return len(ranking), ranking[:50]

def api():
    response = client.get("/api/v1/c/wigan/funding/matches?needs=young-people&most_deprived=3"
                          "&applicant_type=charity&amount=20000")
    assert response.status_code == 200, response.content[:300]

baseline = timed(bare, repeat, warmup=2)
results = {
    f"bare SQL: the {bare():,} open opportunities themed for the need": baseline,
    "matching.rank: the count and the first 50 with reasons": timed(first_page, repeat, warmup=2),
    "GET /api/v1/c/wigan/funding/matches (first page of 50)": timed(api, repeat, warmup=2),
    "giving.funding_against_need(wigan), 5,000 grants": timed(
        lambda: giving.funding_against_need(wigan), repeat, warmup=2),
}
report(results, baseline, "the bare SQL query", digits=1)
fits = matching.rank(wigan, ask)
print(f"ranked {len(fits):,}; best {fits[0].score} ({fits[0].opportunity.programme}); "
      f"unblocked {fits.unblocked():,}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scratch = Scratch("matching")
    scratch.migrate()
    built = scratch.shell(BUILD, args.opportunities).split()[-2:]
    print(
        f"Database: {scratch.database}; {int(built[0]):,} opportunities, "
        f"{int(built[1]):,} past grants, built in {scratch.elapsed():.0f} s"
    )
    scratch.measure(MEASURE, args.repeat)


if __name__ == "__main__":
    main()
