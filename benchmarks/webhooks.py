"""Webhook delivery: throughput against a bare sender, and crash safety under kill -9.

1. Throughput: N events in the outbox for one council with one endpoint (a local receiver that verifies
   every signature). First a bare sender (16 threads of plain urllib, a new connection per request)
   posts the same signed bodies to the same receiver; then `civichub dispatch` runs until the receiver
   has all N distinct webhook-ids. Both are separate processes timed the same way (from starting the
   process until the receiver has all N), and the ratio dispatcher/bare is printed.
2. Crash safety (--kills [K]): the dispatcher is killed with SIGKILL K times (5 by default), each time
   only once it has been seen delivering (the receiver got new webhook-ids since it started), after a
   random number of further deliveries; then one runs to the end. Reports:
   - lost: events the database records as delivered whose webhook-id the receiver never got (must be 0);
   - not_delivered: events the receiver never got and the database does not claim were delivered
     (still pending or given up when the deadline passed: slow, not lost);
   - duplicates: extra arrivals of a webhook-id already received (allowed: at-least-once).

    python benchmarks/webhooks.py [--events 10000] [--kills [K]]      (make bench runs both)

Set CIVICHUB_DATABASE_URL to measure PostgreSQL; by default a fresh SQLite file is used.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
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

# What the database says about every event after the run: its webhook-id and its delivery's status.
OUTCOMES = """
import json
from civichub.core.models import DomainEvent
from civichub.integration.models import WebhookDelivery
status = dict(WebhookDelivery.unscoped.values_list("event_id", "status"))
events = DomainEvent.unscoped.filter(type="core.provider.added")
print(json.dumps({e.webhook_id: status.get(e.seq, "not fanned out") for e in events}))
"""

BARE_THREADS = 16
# Generous: it bounds waiting for a dispatcher that is slow to start or deliver on a loaded machine; it
# never decides when to kill one.
PROGRESS_DEADLINE_S = 300


def bare_send(url: str, threads: int = BARE_THREADS) -> None:
    """The baseline: what plain urllib achieves with no database, a new connection per request.

    Runs in its own process (like the dispatcher) with the benchmark's database, reads the events once
    and sends each event's body, signed exactly as the dispatcher signs it, to `url`.
    """
    django.setup()
    from civichub.core.models import DomainEvent
    from civichub.integration import signing
    from civichub.integration.dispatcher import body_of
    from civichub.integration.models import WebhookEndpoint
    from civichub.integration.services import signing_secrets

    endpoint = WebhookEndpoint.unscoped.get(url=url)
    secrets = signing_secrets(endpoint)
    todo: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
    for event in DomainEvent.unscoped.filter(council=endpoint.council_id).order_by("seq"):
        if endpoint.wants(event.type):  # the events the dispatcher sends to this endpoint, no others
            todo.put((event.webhook_id, body_of(event)))
    failures = [0]

    def worker() -> None:
        while True:
            try:
                msg_id, body = todo.get_nowait()
            except queue.Empty:
                return
            headers = {
                "content-type": "application/json",
                "user-agent": "civichub-webhooks/1",
                **signing.headers(secrets, msg_id, int(time.time()), body),
            }
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read(2000)
            except Exception:
                failures[0] += 1
                todo.put((msg_id, body))  # the receiver must get every event, as from the dispatcher

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    print(f"failed_requests={failures[0]}")


def _wait_for(receiver: Any, distinct: int, process: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait until the receiver has `distinct` webhook-ids; False if the deadline passes or `process` dies.

    Waits on the receiver's condition in slices of a second only to notice a process that died.
    """
    while time.monotonic() < deadline:
        if receiver.wait_for(distinct, timeout_s=min(1.0, max(0.0, deadline - time.monotonic()))):
            return True
        if process.poll() is not None:
            return receiver.wait_for(distinct, timeout_s=0)
    return False


def _timed_until_all(
    receiver: Any, command: list[str], env: dict[str, str], events: int, deadline: float
) -> tuple[float, float, float]:
    """Start `command`, wait until the receiver has all `events`, then stop it.

    Returns the seconds until the first new arrival (the process starting up), until the last, and the
    CPU seconds the process used (on a shared machine, the figure that load does not change much).
    """
    cpu_before = _children_cpu()
    started, before = time.monotonic(), len(receiver.ids)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(receiver, min(events, before + 1), process, deadline)
    first = time.monotonic() - started
    _wait_for(receiver, events, process, deadline)
    elapsed = time.monotonic() - started
    process.terminate()
    process.wait(timeout=120)
    return first, elapsed, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(
    events: int,
    kills: int = 0,
    workers: int = 32,
    timeout_s: float = 600,
    receiver_delay_s: float = 0.0,
    baseline: bool | None = None,
) -> dict[str, Any]:
    """Run the benchmark; `baseline` (the bare sender) defaults to on without kills, off with them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
    os.environ["CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK"] = "1"
    django.setup()
    from civichub.integration.receiver import Receiver

    baseline = not kills if baseline is None else baseline
    var = Path(tempfile.mkdtemp(prefix="civichub-webhooks-"))
    # A short lease, so deliveries held by a killed dispatcher come back in seconds, not a minute.
    env = {**os.environ, "CIVICHUB_VAR_DIR": str(var), "CIVICHUB_WEBHOOK_LEASE_SECONDS": "15"}
    env.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'webhooks.sqlite3'}")
    cli = [sys.executable, "-m", "civichub.cli"]
    dispatch = [*cli, "dispatch", "--workers", str(workers)]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    result: dict[str, Any] = {"database": env["CIVICHUB_DATABASE_URL"].split(":")[0], "events": events}
    with Receiver(delay_s=receiver_delay_s) as receiver:
        script = SETUP.replace("sys.argv[1]", repr(receiver.url)).replace("sys.argv[2]", str(events))
        setup = [*cli, "shell", "--no-imports", "-c", script]
        secret = subprocess.run(setup, env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
        receiver.secrets = [secret]
        if baseline:
            bare = [sys.executable, str(Path(__file__).resolve()), "--bare-sender", receiver.url]
            first, seconds, cpu = _timed_until_all(receiver, bare, env, events, time.monotonic() + timeout_s)
            result["bare_received"] = len(receiver.ids)
            result["bare_first_arrival_s"] = round(first, 2)
            result["bare_cpu_s"] = round(cpu, 2)
            result["bare_seconds"] = round(seconds, 2)
            result["bare_events_per_second"] = round(len(receiver.ids) / seconds)
            with receiver.lock:  # the dispatcher sends the same webhook-ids: count it afresh
                receiver.ids.clear()
                receiver.bodies.clear()
        started = time.monotonic()
        deadline = started + timeout_s
        if kills:
            result["kills"] = _kill_while_delivering(receiver, dispatch, env, events, kills, deadline)
            result["kills_planned"] = kills
        if len(receiver.ids) < events and time.monotonic() < deadline:
            first, _, cpu = _timed_until_all(receiver, dispatch, env, events, deadline)
            if not kills:
                result["first_arrival_s"] = round(first, 2)
                result["cpu_s"] = round(cpu, 2)
        elapsed = time.monotonic() - started
        received = dict(receiver.ids)
        bad_signatures = receiver.bad_signatures
    outcomes = json.loads(
        subprocess.run(
            [*cli, "shell", "--no-imports", "-c", OUTCOMES],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    missing = [webhook_id for webhook_id in outcomes if webhook_id not in received]
    lost = [webhook_id for webhook_id in missing if outcomes[webhook_id] == "succeeded"]
    result |= {
        "distinct_received": sum(1 for webhook_id in outcomes if webhook_id in received),
        "lost": len(lost),
        "not_delivered": len(missing) - len(lost),
        "duplicates": sum(received.values()) - len(received),
        "bad_signatures": bad_signatures,
        "seconds": round(elapsed, 2),
        "events_per_second": round(len(received) / elapsed),
    }
    if baseline:
        result["ratio"] = round(result["events_per_second"] / result["bare_events_per_second"], 2)
    return result


def _kill_while_delivering(
    receiver: Any, dispatch: list[str], env: dict[str, str], events: int, kills: int, deadline: float
) -> int:
    """Start and SIGKILL the dispatcher `kills` times, each only after it was seen delivering.

    Each is killed after a random number of new arrivals (at least one), so kills land while it is
    mid-way through its work; waiting is bounded by a generous deadline, never by a chosen moment.
    """
    rng = random.Random(2026)
    done = 0
    while done < kills and len(receiver.ids) < events and time.monotonic() < deadline:
        before = len(receiver.ids)
        further = rng.randint(1, max(1, (events - before) // (kills - done + 1)))
        process = subprocess.Popen(dispatch, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = _wait_for(
            receiver,
            min(events, before + further),
            process,
            min(deadline, time.monotonic() + PROGRESS_DEADLINE_S),
        )
        if seen and len(receiver.ids) < events and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            done += 1
            continue
        process.terminate()
        process.wait(timeout=120)
        if not seen:
            break  # it delivered nothing by the deadline: the result reports what did not arrive
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--kills", type=int, nargs="?", const=5, default=0, help="kill -9 the dispatcher K times (5)"
    )
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--bare-sender", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_sender:
        bare_send(args.bare_sender)
        return
    result = run(args.events, args.kills, args.workers)
    print(" ".join(f"{k}={v}" for k, v in result.items()))
    if result["lost"] or result["bad_signatures"] or result["not_delivered"]:
        raise SystemExit("FAILED: events were lost, badly signed or not delivered by the deadline")


if __name__ == "__main__":
    main()
