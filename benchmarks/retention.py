"""Retention: how long `civichub retention prune` takes for a council with a large backlog.

Builds a fresh database with one council whose outbox holds N delivered events older than two years,
each with one delivery and two logged attempts, a tenth of them still owed (a pending delivery), and
N/10 finished jobs; then prunes it in batches (the default 500 rows a transaction) and reports the time,
the rows per second and the time per batch (about how long each transaction holds its locks).

    python benchmarks/retention.py [--events 100000]
Set CIVICHUB_DATABASE_URL to measure PostgreSQL; by default a fresh SQLite file is used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import django


def build(events: int) -> Any:
    from django.core.management import call_command
    from django.utils import timezone

    from civichub.core import services
    from civichub.core.actors import Actor
    from civichub.core.models import DomainEvent, Job
    from civichub.integration.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

    call_command("migrate", verbosity=0)
    council = services.add_council(Actor.system("retention benchmark"), "E08000010")
    endpoint = WebhookEndpoint.objects.create(
        council=council,
        url="https://example.org/hook",
        secret="whsec_benchmark",  # noqa: S106
    )
    old = timezone.now() - timedelta(days=800)
    made = DomainEvent.unscoped.bulk_create(
        [
            DomainEvent(
                council=council, type="core.provider.added", data={"n": i}, occurred_at=old, fanned_out=True
            )
            for i in range(events)
        ],
        batch_size=5000,
    )
    if made[0].seq is None:  # SQLite before 3.35 gives no keys back
        made = list(DomainEvent.unscoped.filter(council=council).order_by("seq"))
    deliveries = [
        WebhookDelivery(
            id=uuid.uuid4(),
            council=council,
            endpoint=endpoint,
            event=event,
            status=WebhookDelivery.Status.PENDING if i % 10 == 0 else WebhookDelivery.Status.SUCCEEDED,
            next_attempt_at=old,
        )
        for i, event in enumerate(made)
    ]
    WebhookDelivery.unscoped.bulk_create(deliveries, batch_size=5000)
    DeliveryAttempt.unscoped.bulk_create(
        [
            DeliveryAttempt(council=council, delivery=d, attempted_at=old, request_body="{}")
            for d in deliveries
            for _ in range(2)
        ],
        batch_size=5000,
    )
    Job.unscoped.bulk_create(
        [
            Job(council=council, kind="x", status=Job.Status.SUCCEEDED, finished_at=old)
            for _ in range(events // 10)
        ],
        batch_size=5000,
    )
    return council


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
        os.environ["CIVICHUB_VAR_DIR"] = var
        os.environ.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{Path(var) / 'retention.sqlite3'}")
        django.setup()
        from django.db import connection

        from civichub.core import pruning
        from civichub.core.actors import Actor

        started = time.monotonic()
        council = build(args.events)
        print(f"built {args.events} events in {time.monotonic() - started:.1f} s ({connection.vendor})")

        started = time.monotonic()
        counts = pruning.prune(Actor.system("retention benchmark"), council)
        took = time.monotonic() - started
        rows = sum(counts.values())
        batches = sum(-(-n // pruning.BATCH) for n in counts.values())
        print(f"pruned {counts} in {took:.1f} s: {rows / took:,.0f} rows/s")
        print(f"about {batches} batches of at most {pruning.BATCH} rows: {took / batches * 1000:.0f} ms each")
        bare = bare_delete(rows, pruning.BATCH)
        print(
            f"bare SQL: deleting {rows:,} rows of a plain table by key, {pruning.BATCH} a transaction: "
            f"{bare:.1f} s; prune is {took / bare:.1f}x that"
        )


def bare_delete(rows: int, batch: int) -> float:
    """The baseline: the same number of rows deleted in the same batches from a plain table, in raw SQL,
    with none of the prune's choosing (what is old, what is still owed) or its audit and event."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (id integer PRIMARY KEY, payload text)")
        cursor.executemany("INSERT INTO bench_bare VALUES (%s, %s)", [(n, "x" * 64) for n in range(rows)])
    started = time.monotonic()
    for low in range(0, rows, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_bare WHERE id >= %s AND id < %s", [low, low + batch])
    took = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare")
    return took


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
