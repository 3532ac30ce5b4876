"""People figure: one new record linked on arrival against 1,000,000 stored (issue 11: p95 <= 200 ms).

Set-up (not timed): a scratch database with N stored source records of N/2 synthetic people (Faker
en_GB names from a fixed seed, each person in two systems, the second copy with a slip: a nickname-ish
first name, a surname typo or no NHS number), their golden records, their blocking keys, and a model
trained on a sample with term frequencies over them all, as a full run would leave them.

Timed: Q new records arriving one at a time through `services.records.load_one` (half are another
system's record of a stored person, half are new people): the import's checks, the write, its blocking
keys, fetching the candidates by index, scoring with the engine's `score_new`, linking (or a new golden
record, or review), the audit entry and the event. Beside it, the bare baseline in the same run: a plain
Django read of the same record's candidate rows by their blocking keys (no scoring, no writes). Prints
p50/p95 of both and the ratio.

    python benchmarks/people_incremental.py [--stored 1000000] [--queries 200]
Uses a scratch SQLite file unless CIVICHUB_DATABASE_URL is set (then a scratch PostgreSQL database).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

var = Path(tempfile.mkdtemp(prefix="civichub-bench-people-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
os.environ.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'people.sqlite3'}")
os.environ["CIVICHUB_VAR_DIR"] = str(var)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402

from civichub.core.actors import Actor  # noqa: E402
from civichub.core.models import Council, Organisation  # noqa: E402
from civichub.people import linkage, samples  # noqa: E402
from civichub.people.arrivals import keys_of  # noqa: E402
from civichub.people.checks import COLUMNS  # noqa: E402
from civichub.people.frames import engine_row  # noqa: E402
from civichub.people.models import (  # noqa: E402
    BlockingKey,
    LinkageModel,
    Person,
    SourceRecord,
    TermFrequency,
)
from civichub.people.services import records  # noqa: E402

BATCH = 20000
SYSTEMS = ("council-tax", "adult-social-care")


def council() -> Council:
    org = Organisation.objects.create(name="Bench Borough Council", kind="council")
    return Council.objects.create(
        organisation=org,
        name="Bench Borough Council",
        short_name="Bench",
        slug="bench",
        gss_code="E99999999",
        register_code="BEN",
        authority_type="Metropolitan district",
        region="North West",
        nation="England",
    )


class People:
    """Synthetic people: names from pools Faker filled once (so a million cost seconds, not minutes)."""

    def __init__(self, seed: int = 11):
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.first = sorted({fake.first_name() for _ in range(4000)})
        self.last = sorted({fake.last_name() for _ in range(12000)})
        self.streets = sorted({fake.street_name() for _ in range(3000)})
        self.postcodes = [
            f"BE{d} {n}{a}{b}" for d in range(1, 30) for n in range(10) for a in "ABDEFG" for b in "HJLNPQ"
        ]

    def person(self) -> dict[str, str]:
        rng = self.rng
        born = date(1930, 1, 1) + timedelta(days=rng.randint(0, 32000))
        return {
            "first_name": rng.choice(self.first),
            "surname": rng.choice(self.last),
            "sex": rng.choice("MF"),
            "date_of_birth": born.isoformat(),
            "address_line": f"{rng.randint(1, 300)} {rng.choice(self.streets)}",
            "postcode": rng.choice(self.postcodes),
            "nhs_number": samples.nhs_number(rng),
        }

    def slip(self, person: dict[str, str]) -> dict[str, str]:
        copy = dict(person)
        kind = self.rng.randint(0, 2)
        if kind == 0:
            copy["nhs_number"] = ""
        elif kind == 1 and len(copy["surname"]) > 3:
            s = copy["surname"]
            copy["surname"] = s[:1] + s[2] + s[1] + s[3:]
        else:
            copy["first_name"] = copy["first_name"][:3]
        return copy


def store(
    place: Council, people: People, stored: int, sample: int
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """N stored records of N/2 people, their golden records and keys; returns the people, and the first
    `sample` records (both systems' records of the same people, as a training sample must have)."""
    everyone: list[dict[str, str]] = []
    training: list[dict[str, str]] = []
    made = 0
    number = 0
    while made < stored:
        chunk_people = [people.person() for _ in range(min(BATCH // 2, (stored - made) // 2 or 1))]
        golden = Person.objects.bulk_create(
            [Person(council=place, reference=f"P-{number + n + 1:07d}") for n in range(len(chunk_people))]
        )
        rows, owners = [], []
        for n, (person, owner) in enumerate(zip(chunk_people, golden, strict=True)):
            pid = number + n
            rows.append({**person, "source_system": SYSTEMS[0], "record_id": f"A{pid}"})
            rows.append({**people.slip(person), "source_system": SYSTEMS[1], "record_id": f"B{pid}"})
            owners += [owner, owner]
        number += len(chunk_people)
        everyone += chunk_people
        training += rows[: max(sample - len(training), 0)]
        objs = SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    council=place,
                    person=owner,
                    **{k: (v or None) if k == "date_of_birth" else v for k, v in r.items()},
                )
                for r, owner in zip(rows, owners, strict=True)
            ],
            batch_size=5000,
        )
        keys = keys_of(rows)
        BlockingKey.objects.bulk_create(
            [
                BlockingKey(council=place, record=o, key=k)
                for o, ks in zip(objs, keys, strict=True)
                for k in ks
            ],
            batch_size=10000,
        )
        made += len(rows)
        print(f"  stored {made:,} records", end="\r", flush=True)
    print()
    return everyone, training


def train(place: Council, rows: list[dict[str, str]]) -> None:
    frame = pd.DataFrame([engine_row(r) for r in rows], columns=COLUMNS)
    model = linkage.train(frame)
    every = pd.DataFrame(
        [
            engine_row(r)
            for r in SourceRecord.objects.for_council(place).values(*COLUMNS).iterator(chunk_size=50000)
        ],
        columns=COLUMNS,
    )
    tf = linkage.term_frequencies(every)
    LinkageModel.objects.create(
        council=place,
        version=1,
        model=model,
        trained_at=timezone.now(),
        records_trained_on=len(frame),
        active=True,
    )
    TermFrequency.objects.bulk_create(
        [
            TermFrequency(council=place, column=c, value=v[:300], frequency=f)
            for c, vs in tf.items()
            for v, f in vs.items()
        ],
        batch_size=10000,
    )


def bare(place: Council, keys: list[str]) -> int:
    """The baseline: the candidates' rows read by their blocking keys (given), and nothing else."""
    ids = (
        BlockingKey.objects.for_council(place)
        .filter(key__in=keys)
        .values_list("record_id", flat=True)
        .distinct()[:400]
    )
    return len(
        list(SourceRecord.objects.for_council(place).filter(pk__in=list(ids)).values(*COLUMNS, "person_id"))
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--train-on", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    place = council()
    actor = Actor.system("benchmark", place)
    people = People()
    started = time.perf_counter()
    everyone, training = store(place, people, args.stored, args.train_on)
    print(f"  set-up: {args.stored:,} records stored with keys in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    train(place, training)
    print(f"  model trained on {args.train_on:,} records in {time.perf_counter() - started:.0f} s")
    rng = random.Random(5)
    ours, baseline, linked = [], [], 0
    for n in range(args.queries):
        known = n % 2 == 0
        person = people.slip(rng.choice(everyone)) if known else people.person()
        record = {**person, "source_system": "housing", "record_id": f"H{n}"}
        keys = keys_of([record])[0]  # the engine's own keys, outside the baseline's clock
        started = time.perf_counter()
        bare(place, keys)
        baseline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        made = records.load_one(actor, place, record)
        ours.append((time.perf_counter() - started) * 1000)
        if known and SourceRecord.objects.for_council(place).filter(person_id=made.person_id).count() > 1:
            linked += 1
    p50, p95 = statistics.median(ours), percentile(ours, 0.95)
    b50, b95 = statistics.median(baseline), percentile(baseline, 0.95)
    print(
        f"One record arriving against {args.stored:,} stored ({connection_vendor()}, {args.queries} records):"
    )
    print(
        f"  load_one (checks, write, keys, candidates, score, link, audit, event): "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    print(
        f"  bare Django read of the candidates by their keys:                     "
        f"p50 {b50:.1f} ms, p95 {b95:.1f} ms"
    )
    verdict = "met" if p95 <= 200 else "NOT met"
    print(f"  ratio at p95: {p95 / b95:.1f}x the bare read; target p95 <= 200 ms: {verdict}")
    print(
        f"  known people linked to their golden record on arrival: {linked} of "
        f"{args.queries // 2 + args.queries % 2}"
    )


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
