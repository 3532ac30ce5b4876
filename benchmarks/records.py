"""Records figures: full-text search over 100,000 documents, and a disposal run of 10,000 records.

1. Search: 100,000 documents of about 1 KB of text each (words drawn from a 5,000-word vocabulary with a
   Zipf-like spread, fixed seed) in one council, indexed as the services index them. Each query asks for
   one or two words picked at random from the vocabulary (common and rare alike), and is timed as a page
   of the search pages and API: the permission-filtered count, the ranked page of 20 with its snippets,
   and the documents of the page (`selectors.search`). Beside it, the bare engine query (ranked ids of
   the first 20 matches, no council, permission or snippets) in the same run, and the ratio. Issue 13
   asks for p95 <= 50 ms on SQLite and on PostgreSQL.
2. Disposal: 10,000 records past their retention, each with one kept version in storage, 100 of them
   under a legal hold; the run is proposed by one person and approved (and so carried out) by another,
   each step timed. Afterwards it checks that nothing held was destroyed.

    python benchmarks/records.py [--documents 100000] [--disposal 10000] [--queries 300]
Uses a scratch SQLite file unless CIVICHUB_DATABASE_URL is set (then a scratch PostgreSQL database it
names must be empty).
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

var = Path(tempfile.mkdtemp(prefix="civichub-bench-records-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
os.environ.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'records.sqlite3'}")
os.environ["CIVICHUB_VAR_DIR"] = str(var)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from timing import bench_council, percentile  # noqa: E402

from civichub.core.actors import Actor  # noqa: E402
from civichub.core.models import Council, Membership, Role, User  # noqa: E402
from civichub.records import index, selectors  # noqa: E402
from civichub.records.models import (  # noqa: E402
    Document,
    DocumentVersion,
    RecordClass,
    SearchEntry,
)
from civichub.records.services import disposal, retention  # noqa: E402

BATCH = 2000


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 10))))
    return sorted(words)


def council_and_people() -> tuple[Council, User, User]:
    council = bench_council("Bench Borough Council", "bench", "E99999999")
    people = []
    for name, role in (
        ("bench.records-manager", Role.RECORDS_MANAGER),
        ("bench.commissioner", Role.COMMISSIONER),
    ):
        user = User.objects.create_user(name, password="a-long-bench-password")  # noqa: S106
        Membership.objects.create(user=user, council=council, role=role)
        people.append(user)
    retention.seed_schedule(Actor(user=people[0], council=council), council)
    return council, people[0], people[1]


def load_documents(council: Council, owner: User, total: int, words: list[str], rng: random.Random) -> None:
    """Bulk-load documents and their index rows (the services would take hours to add 100,000 PDFs)."""
    classes = list(RecordClass.objects.for_council(council))
    weights = [1 / (rank + 1) for rank in range(len(words))]
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        n = min(BATCH, total - start)
        with transaction.atomic():
            docs = [
                Document(
                    council=council,
                    title=" ".join(rng.choices(words, weights, k=6)).capitalize(),
                    record_class=rng.choice(classes),
                    owner=owner,
                    marking="official_sensitive" if rng.random() < 0.1 else "official",
                    dated=date(2015, 1, 1) + timedelta(days=rng.randint(0, 4000)),
                )
                for _ in range(n)
            ]
            Document.objects.for_council(council).bulk_create(docs)
            entries = [
                SearchEntry(
                    council=council, document=d, marking=d.marking, record_class=d.record_class, dated=d.dated
                )
                for d in docs
            ]
            SearchEntry.objects.for_council(council).bulk_create(entries)
            entries = list(
                SearchEntry.objects.for_council(council)
                .filter(document__in=docs)
                .values_list("pk", "document_id")
            )
            titles = {d.pk: d.title for d in docs}
            rows = [(pk, titles[doc], " ".join(rng.choices(words, weights, k=150))) for pk, doc in entries]
            with connection.cursor() as cursor:
                insert = f"INSERT INTO {index.TABLE} (rowid, title, body) VALUES (%s, %s, %s)"  # noqa: S608
                cursor.executemany(insert, rows)
        print(f"\r  {start + n:,} documents indexed", end="", flush=True)
    print(f" in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE records_searchtext")
            cursor.execute("VACUUM ANALYZE records_searchentry")


def bare(terms: list[str]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT rowid FROM {index.TABLE} WHERE tsv @@ plainto_tsquery('english', %s) "  # noqa: S608
                "ORDER BY ts_rank(tsv, plainto_tsquery('english', %s)) DESC LIMIT 20",
                [" ".join(terms), " ".join(terms)],
            )
        else:
            cursor.execute(
                f"SELECT rowid FROM {index.TABLE} WHERE {index.TABLE} MATCH %s ORDER BY rank LIMIT 20",  # noqa: S608
                [" ".join(f'"{t}"' for t in terms)],
            )
        cursor.fetchall()


def search_figures(
    council: Council, reader: User, words: list[str], queries: int, rng: random.Random
) -> None:
    actor = Actor(user=reader, council=council)
    asked = [rng.sample(words, rng.choice([1, 2])) for _ in range(queries)]
    ours, engine, found = [], [], []
    for terms in asked:
        started = time.perf_counter()
        results = selectors.search(actor, council, " ".join(terms))
        total = results.count()
        page = results[0:20]
        ours.append((time.perf_counter() - started) * 1000)
        found.append(total)
        assert len(page) == min(20, total)
        started = time.perf_counter()
        bare(terms)
        engine.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentile(ours, 50), percentile(ours, 95)
    b50, b95 = percentile(engine, 50), percentile(engine, 95)
    matches = f"median {statistics.median(found):,.0f} matches (max {max(found):,})"
    print(f"  {queries} queries of 1-2 words, {matches}")
    print(
        f"  search page (count, ranked page of 20, snippets, documents): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    print(
        f"  bare engine query (ranked ids, first 20):                    p50 {b50:.1f} ms, p95 {b95:.1f} ms"
    )
    verdict = "met" if p95 <= 50 else "NOT met"
    print(f"  ratio at p95: {p95 / b95:.1f}x the bare query; target p95 <= 50 ms: {verdict}")


def disposal_figures(council: Council, manager: User, approver: User, total: int, rng: random.Random) -> None:
    letters = RecordClass.objects.for_council(council).get(code="CORR")
    with transaction.atomic():
        docs = [
            Document(
                council=council,
                title=f"Old letter {n}",
                record_class=letters,
                owner=manager,
                dated=date(2015, 1, 1),
                trigger_date=date(2015, 1, 1),
                dispose_on=date(2017, 1, 1),
            )
            for n in range(total)
        ]
        Document.objects.for_council(council).bulk_create(docs, batch_size=BATCH)
        versions = []
        for d in docs:
            content = f"Old letter {d.pk}: {rng.random()}".encode() * 30
            stored = default_storage.save(f"records/{council.pk}/{d.pk}/v1.csv", ContentFile(content))
            versions.append(
                DocumentVersion(
                    council=council,
                    document=d,
                    number=1,
                    file_name="letter.csv",
                    content_type="text/csv",
                    size=len(content),
                    sha256="0" * 64,
                    stored_as=stored,
                )
            )
        DocumentVersion.objects.for_council(council).bulk_create(versions, batch_size=BATCH)
    held = docs[:: total // 100][:100]
    retention.place_hold(
        Actor(user=manager, council=council),
        council,
        title="Bench claim",
        reason="litigation",
        documents=[d.pk for d in held],
    )
    started = time.perf_counter()
    run = disposal.propose_disposal(Actor(user=manager, council=council), council)
    proposed = time.perf_counter() - started
    started = time.perf_counter()
    run = disposal.approve_disposal(Actor(user=approver, council=council), run)
    done = time.perf_counter() - started
    still = (
        Document.objects.for_council(council)
        .filter(pk__in=[d.pk for d in held], disposed_at__isnull=True)
        .count()
    )
    print(f"  {total:,} records due, {len(held)} held: proposed in {proposed:.2f} s;", end=" ")
    print(f"approved and carried out in {done:.2f} s")
    print(
        f"  {run.destroyed:,} destroyed, {run.skipped} skipped; held records still kept: {still}/{len(held)}"
    )
    assert still == len(held), "a held record was destroyed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--disposal", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}")
    rng = random.Random(13)
    council, manager, approver = council_and_people()
    words = vocabulary(rng)
    print(f"1. Full-text search over {args.documents:,} documents (about 1 KB each)")
    load_documents(council, manager, args.documents, words, rng)
    search_figures(council, manager, words, args.queries, rng)
    print(f"2. A disposal run of {args.disposal:,} records")
    disposal_figures(council, manager, approver, args.disposal, rng)


if __name__ == "__main__":
    main()
