"""Webhook delivery: throughput, and crash safety under kill -9.

1. Throughput: N events in the outbox for one council with one endpoint (a local receiver that verifies
   every signature); `civichub dispatch` runs until the receiver has all N distinct webhook-ids.
2. Crash safety: the same, but the dispatcher is killed with SIGKILL at random moments and restarted,
   until every event has arrived. Reports losses (must be 0) and duplicates (allowed, same webhook-id).

    python benchmarks/webhooks.py [--events 10000] [--kills]      (make bench runs both)

Set CIVICHUB_DATABASE_URL to measure PostgreSQL; by default a fresh SQLite file is used.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import django

SETUP = """
import sys
from django.utils import timezone
from civichub.core import services
from civichub.core.actors import Actor
from civichub.integration import services as integration
from civichub.core.models import DomainEvent
actor = Actor.system("webhook benchmark")
council = services.add_council(actor, "E08000010")
endpoint = integration.register_endpoint(actor, council, url=sys.argv[1], event_types=["core.provider.added"])
now = timezone.now()
DomainEvent.unscoped.bulk_create(
    [DomainEvent(type="core.provider.added", council=council, subject_type="core.councilprovider",
                 subject_id=str(i), data={"n": i}, occurred_at=now) for i in range(int(sys.argv[2]))],
    batch_size=2000,
)
print(endpoint.secret)
"""


def run(
    events: int, kills: bool, workers: int = 32, timeout_s: float = 600, receiver_delay_s: float = 0.0
) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
    os.environ["CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK"] = "1"
    django.setup()
    from civichub.integration.receiver import Receiver

    var = Path(tempfile.mkdtemp(prefix="civichub-webhooks-"))
    # A short lease, so deliveries held by a killed dispatcher come back in seconds, not a minute.
    env = {**os.environ, "CIVICHUB_VAR_DIR": str(var), "CIVICHUB_WEBHOOK_LEASE_SECONDS": "15"}
    env.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'webhooks.sqlite3'}")
    cli = [sys.executable, "-m", "civichub.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    with Receiver(delay_s=receiver_delay_s) as receiver:
        setup = [
            *cli,
            "shell",
            "--no-imports",
            "-c",
            SETUP.replace("sys.argv[1]", repr(receiver.url)).replace("sys.argv[2]", str(events)),
        ]
        secret = subprocess.run(setup, env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
        receiver.secrets = [secret]
        rng = random.Random(2026)
        kill_count = 0
        started = time.monotonic()
        deadline = started + timeout_s
        while len(receiver.ids) < events and time.monotonic() < deadline:
            process = subprocess.Popen(
                [*cli, "dispatch", "--workers", str(workers)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if kills:
                receiver.wait_for(events, timeout_s=rng.uniform(0.5, 2.5))
                if len(receiver.ids) < events:
                    process.send_signal(signal.SIGKILL)
                    kill_count += 1
                    process.wait()
                    continue
            receiver.wait_for(events, timeout_s=max(0.0, deadline - time.monotonic()))
            process.terminate()
            process.wait(timeout=30)
        elapsed = time.monotonic() - started
    database = env["CIVICHUB_DATABASE_URL"].split(":")[0]
    return {
        "database": database,
        "events": events,
        "distinct_received": len(receiver.ids),
        "lost": events - len(receiver.ids),
        "duplicates": sum(receiver.ids.values()) - len(receiver.ids),
        "bad_signatures": receiver.bad_signatures,
        "kills": kill_count,
        "seconds": round(elapsed, 2),
        "events_per_second": round(len(receiver.ids) / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--kills", action="store_true", help="kill -9 the dispatcher at random moments")
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()
    result = run(args.events, args.kills, args.workers)
    print(" ".join(f"{k}={v}" for k, v in result.items()))
    if result["lost"] or result["bad_signatures"]:
        raise SystemExit("FAILED: events were lost or badly signed")


if __name__ == "__main__":
    main()
