"""OCDS publication: streaming the release package of 10,000 contracts (about 50,000 releases).

Builds a fresh database with two councils. A real procurement is taken through every stage by
commissioning's services, so its releases are built (and validated) by the release builder; those are
the templates. Then Wigan gets N procurements and Sunderland N/10, each with five stored releases
(tender, award, contract, performance, change) made from the templates with their own ocid, ids, dates
and values, bulk-created as published notices. Then each council's whole package is downloaded through
the real URL (the Django test client, the streaming response read chunk by chunk into a sink), timed, and
again under tracemalloc for the peak memory: the peak must stay flat between N/10 and N contracts.

Baseline in the same run: the same stored rows read with a bare database cursor (fetchmany) and each
written with json.dumps into the same sink, with none of the platform (no URL, no tenancy, no package).

    python benchmarks/ocds_publish.py [--contracts 10000]
Set CIVICHUB_DATABASE_URL to measure PostgreSQL; by default a fresh SQLite file is used.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

STAGES = ("UK4", "UK6", "UK7", "UK9", "UK10")  # five releases a contract


class Sink:
    """Where the download goes: counts the bytes, keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)


def templates() -> dict[str, dict[str, Any]]:
    from civichub.commissioning.ocds.tests import lifecycle
    from civichub.core.models import Council

    council = Council.objects.get(gss_code="E08000010")
    w = lifecycle.world(council)
    life = lifecycle.to_end(w, lifecycle.to_contract(w, "TEMPLATE-1"))
    return {notice.notice_type: notice.release for notice in life.notices}


def _retarget(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {k: _retarget(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_retarget(v, old, new) for v in value]
    return value.replace(old, new) if isinstance(value, str) and old in value else value


def populate(council: Any, contracts: int, made: dict[str, dict[str, Any]]) -> int:
    """N procurements, each with five stored releases from the templates; returns how many releases."""
    from django.conf import settings
    from django.utils import timezone

    from civichub.commissioning.models import Commission, Notice, Procurement

    commission = Commission.objects.create(
        council=council,
        title="Benchmark",
        purpose="Benchmark",
        commissioner_organisation=council.organisation,
    )
    start = timezone.now() - timedelta(days=365)
    template_ocid = made["UK4"]["ocid"]
    total = 0
    for low in range(0, contracts, 1000):
        procurements = []
        for n in range(low, min(low + 1000, contracts)):
            pk = uuid.uuid4()
            procurements.append(
                Procurement(
                    id=pk,
                    council=council,
                    commission=commission,
                    reference=f"{council.register_code}-{n:06d}",
                    title=f"Contract {n}",
                    ocid=f"{settings.CIVICHUB_OCID_PREFIX}-{council.gss_code}-{pk}",
                )
            )
        Procurement.objects.bulk_create(procurements)
        notices = []
        for offset, procurement in enumerate(procurements):
            value = Decimal(10_000 + (low + offset) * 37 % 900_000)
            for step, kind in enumerate(STAGES):
                release = _retarget(copy.deepcopy(made[kind]), template_ocid, procurement.ocid)
                release["ocid"] = procurement.ocid
                when = start + timedelta(minutes=(low + offset) * 7 + step)
                release["date"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                notice_id = uuid.uuid4()
                release["id"] = f"{kind}-{notice_id}"
                for section in ("awards", "contracts"):
                    for item in release.get(section) or []:
                        item["value"] = {"amount": float(value), "currency": "GBP"}
                notices.append(
                    Notice(
                        id=notice_id,
                        council=council,
                        procurement=procurement,
                        notice_type=kind,
                        tags=release["tag"],
                        published_at=when,
                        facts={},
                        release=release,
                    )
                )
        Notice.objects.bulk_create(notices, batch_size=2000)
        total += len(notices)
    return total


def download(client: Any, slug: str) -> tuple[float, int]:
    sink = Sink()
    started = time.perf_counter()
    response = client.get(f"/api/v1/c/{slug}/ocds/releases/download")
    assert response.streaming, "the package must stream"
    for chunk in response.streaming_content:
        sink.write(chunk)
    return time.perf_counter() - started, sink.size


def peak_of(client: Any, slug: str) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    download(client, slug)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def bare(council: Any) -> tuple[float, int]:
    """The baseline: the same rows by a bare cursor, each json.dumps'ed into the same sink."""
    from django.db import connection

    from civichub.commissioning.models import Notice

    table = Notice._meta.db_table
    sink = Sink()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT release FROM {table} WHERE council_id = %s ORDER BY published_at, id",  # noqa: S608
            [council.pk.hex if connection.vendor == "sqlite" else council.pk],
        )
        while rows := cursor.fetchmany(2000):
            for (release,) in rows:
                value = json.loads(release) if isinstance(release, str) else release
                sink.write(json.dumps(value).encode())
    return time.perf_counter() - started, sink.size


def bare_text(council: Any) -> float:
    """The floor: the same rows' stored text by a bare cursor into the sink, with no JSON at all."""
    from django.db import connection

    from civichub.commissioning.models import Notice

    sink = Sink()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CAST(release AS text) FROM {Notice._meta.db_table} "  # noqa: S608
            "WHERE council_id = %s ORDER BY published_at, id",
            [council.pk.hex if connection.vendor == "sqlite" else council.pk],
        )
        while rows := cursor.fetchmany(2000):
            for (release,) in rows:
                sink.write(release.encode())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
        os.environ["CIVICHUB_VAR_DIR"] = var
        os.environ.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{Path(var) / 'ocds.sqlite3'}")
        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from civichub.core import services
        from civichub.core.actors import Actor

        settings.ALLOWED_HOSTS = ["testserver"]
        call_command("migrate", verbosity=0)
        system = Actor.system("ocds benchmark")
        wigan = services.add_council(system, "E08000010")
        sunderland = services.add_council(system, "E08000024")
        started = time.perf_counter()
        made = templates()
        big = populate(wigan, args.contracts, made)
        small = populate(sunderland, max(args.contracts // 10, 1), made)
        print(
            f"built {args.contracts:,} + {args.contracts // 10:,} contracts, {big + small:,} releases in "
            f"{time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        client = Client()
        download(client, sunderland.slug)  # warm: the first request loads the URLconf and the API
        took, size = download(client, wigan.slug)
        small_took, _ = download(client, sunderland.slug)
        print(
            f"streamed {big:,} releases ({size / 1048576:.1f} MB) of {args.contracts:,} contracts "
            f"in {took:.2f} s: "
            f"{big / took:,.0f} releases/s ({small:,} releases in {small_took:.2f} s)"
        )
        peak_big, peak_small = peak_of(client, wigan.slug), peak_of(client, sunderland.slug)
        print(
            f"peak Python memory while streaming: {peak_big / 1048576:.1f} MB for {args.contracts:,} "
            "contracts, "
            f"{peak_small / 1048576:.1f} MB for {args.contracts // 10:,} (ratio {peak_big / peak_small:.2f}; "
            f"flat is ~1, a package built in memory would be ~10)"
        )
        bare_took, bare_size = bare(wigan)
        print(
            f"bare cursor + json.dumps of the same {big:,} rows: {bare_took:.2f} s "
            f"({bare_size / 1048576:.1f} MB), "
            f"{big / bare_took:,.0f} releases/s; the streamed download is {took / bare_took:.2f}x that"
        )
        floor = bare_text(wigan)
        print(
            f"bare cursor, stored text only (no JSON, no HTTP): {floor:.2f} s, "
            f"{big / floor:,.0f} releases/s; the streamed download is {took / floor:.2f}x that"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
