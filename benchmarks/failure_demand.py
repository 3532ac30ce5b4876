"""The failure-demand page over 1,000,000 contacts, and a 100,000-row contacts file through the import.

Builds a fresh database with Wigan, 40 provider organisations and --contacts contacts over two years
(eight services, half of them naming providers), bulk-loaded with plain SQL and counted by month with
`needs.demand.recount_contacts`; then imports a 100,000-row CSV file through the kernel's pipeline
(`contacts`, as the web, the API and the command line do) and prints its time. Then, in a fresh process:
  1. times GET /c/wigan/needs/demand/ (the full view, rendered, through Django's test client): every
     service, one service, one provider, and the API, --repeat times each after a warm-up;
  2. times, in the same run, the bare SQL query the page stands for (contacts and failure demand
     GROUP BY month over the council's contacts), prints each p95 as a multiple of it, and checks that
     the page's totals are the bare query's.
Issue 12 asks for p95 <= 500 ms.

    python benchmarks/failure_demand.py [--contacts 1000000] [--repeat 40]
Set CIVICHUB_DATABASE_URL to measure PostgreSQL.
"""

from __future__ import annotations

import argparse

from timing import Scratch

BUILD = """
import random, sys, time
from datetime import date, timedelta
from django.db import connection, transaction
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.importing.runner import run_now
from civichub.core.models import Organisation, OrganisationIdentifier
from civichub.needs import demand
from civichub.needs.models import FAILURE_CAUSES, Contact
total = int(sys.argv[1])
rng = random.Random(12)
system = Actor.system("benchmark")
wigan = core.add_council(system, "E08000010")
orgs = Organisation.objects.bulk_create([Organisation(name=f"Provider {i:02d} Ltd", kind="company")
                                         for i in range(40)])
OrganisationIdentifier.objects.bulk_create([OrganisationIdentifier(organisation=o, scheme="GB-COH",
                                            identifier=f"{30000000 + i}") for i, o in enumerate(orgs)])
services = [("Housing options", "housing", 0.42, False),
            ("Council tax and benefits", "money-and-debt", 0.55, False),
            ("Waste and recycling", "environment", 0.33, False),
            ("Adult social care front door", "adult-social-care", 0.38, False),
            ("Home care", "adult-social-care", 0.30, True),
            ("Supported living", "adult-social-care", 0.25, True),
            ("Day opportunities", "adult-social-care", 0.20, True),
            ("Young people's support", "young-people", 0.35, True)]
channels = ["phone", "email", "web", "visit"]
shares = {o.pk: rng.uniform(0.1, 0.6) for o in orgs}
first = date(2024, 7, 1)
prep = lambda name, value: Contact._meta.get_field(name).get_db_prep_value(value, connection)
council_id = prep("council", wigan.pk)
columns = "council_id, occurred_on, channel, category, service, kind, cause, provider_id"
sql = f"INSERT INTO needs_contact ({columns}) VALUES ({', '.join(['%s'] * 8)})"
started = time.perf_counter()
with transaction.atomic(), connection.cursor() as cursor:
    batch = []
    for n in range(total):
        service, need, share, provided = services[n % len(services)]
        provider = orgs[rng.randrange(len(orgs))] if provided else None
        share = shares[provider.pk] if provider else share
        failure = rng.random() < share
        day = first + timedelta(days=rng.randrange(730))
        cause = rng.choice(FAILURE_CAUSES) if failure else ""
        batch.append((council_id, prep("occurred_on", day), rng.choice(channels), need, service,
                      "failure" if failure else "value", cause,
                      prep("provider", provider.pk) if provider else None))
        if len(batch) == 20000:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)
loaded = time.perf_counter() - started
started = time.perf_counter()
counts = demand.recount_contacts(wigan)
counted = time.perf_counter() - started
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
print(f"loaded {total:,} contacts in {loaded:.1f} s; counted into {counts:,} monthly rows in {counted:.1f} s")
lines = ["date,channel,category,service,provider,value_or_failure,failure_cause"]
for n in range(100_000):
    service, need, share, provided = services[n % len(services)]
    provider = f"GB-COH-{30000000 + rng.randrange(40)}" if provided else ""
    failure = rng.random() < share
    lines.append(f"{date(2025, 1 + n % 10, 1 + n % 28).isoformat()},phone,{need},{service},{provider},"
                 f"{'failure' if failure else 'value'},{rng.choice(FAILURE_CAUSES) if failure else ''}")
content = ("\\n".join(lines) + "\\n").encode()
started = time.perf_counter()
run, _ = run_now(system, wigan, "contacts", file_name="contacts-100k.csv", content=content)
took = time.perf_counter() - started
assert run.created == 100_000, run.errors[:3]
print(f"imported a 100,000-row contacts file ({len(content) / 1048576:.1f} MB) through the pipeline in "
      f"{took:.1f} s ({100_000 / took:,.0f} rows/s)")
"""

MEASURE = """
import sys
from django.db import connection
from django.test import Client
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Council, Organisation, Role
from timing import get, report, timed, verdict
repeat = int(sys.argv[1])
wigan = Council.objects.get(gss_code="E08000010")
system = Actor.system("benchmark")
user = core.register_user(system, username="bench.analyst", first_name="B", last_name="A",
                          email="b@example.org", password="a-long-benchmark-password")
core.grant_membership(system, user, Role.ANALYST, wigan)
client = Client(HTTP_HOST="localhost")
client.force_login(user)
provider = Organisation.objects.get(name="Provider 07 Ltd")

sqlite = connection.vendor == "sqlite"
month = "strftime('%Y-%m', occurred_on)" if sqlite else "to_char(occurred_on, 'YYYY-MM')"
council_id = wigan.pk.hex if connection.vendor == "sqlite" else wigan.pk
def bare():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {month} AS m, COUNT(*), SUM(CASE WHEN kind = 'failure' THEN 1 ELSE 0 END) "
            "FROM needs_contact WHERE council_id = %s GROUP BY m ORDER BY m", [council_id])
        return cursor.fetchall()

baseline = timed(bare, repeat)
page = "/c/wigan/needs/demand/"
results = {
    "bare SQL: contacts and failure GROUP BY month": baseline,
    f"GET {page} (every service)": timed(get(client, page), repeat),
    f"GET {page}?service=Home care": timed(get(client, page + "?service=Home+care"), repeat),
    f"GET {page}?provider=<one of 40>": timed(get(client, f"{page}?provider={provider.pk}"), repeat),
    "GET /api/v1/c/wigan/needs/demand": timed(get(client, "/api/v1/c/wigan/needs/demand"), repeat),
}
report(results, baseline, "the bare SQL query", digits=2)
rows = bare()
api = client.get("/api/v1/c/wigan/needs/demand").json()
sql = (sum(r[1] for r in rows), sum(r[2] for r in rows), len(rows))
view = (api["contacts"], api["failure"], len(api["months"]))
print(f"contacts, failure, months: bare SQL {sql}, the page's figures {view}")
print("CHECK OK" if sql == view else "CHECK FAILED")
worst = results[f"GET {page} (every service)"]["p95"]
print(f"page p95 {worst:.1f} ms, baseline p95 {baseline['p95']:.1f} ms, ratio {worst / baseline['p95']:.2f}")
verdict("failure-demand page", worst, 500)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    scratch = Scratch("demand")
    scratch.migrate(static=True)
    built = scratch.shell(BUILD, args.contacts)
    print(f"Database: {scratch.database}; built in {scratch.elapsed():.0f} s")
    print(built, end="")
    scratch.measure(MEASURE, args.repeat)


if __name__ == "__main__":
    main()
