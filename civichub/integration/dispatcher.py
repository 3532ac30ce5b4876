"""The webhook dispatcher: fans events out of the outbox into deliveries and sends them.

Crash safety comes from the database, not the process: fan-out creates an event's deliveries and marks
the event in one transaction; a dispatcher claims due deliveries with a lease, and only a recorded result
ends the lease. Killed at any point, a dispatcher loses nothing: once the lease runs out another claims
the delivery and sends it again with the same webhook-id (at-least-once; receivers de-duplicate).

One thread talks to the database, in batches; a pool of threads only does HTTP. Each endpoint may use a
few of the pool's threads at most, and every request has a hard timeout, so a slow or broken receiver
cannot hold up anyone else's deliveries.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, Field, Model, Q
from django.db.models.constants import OnConflict
from django.utils import timezone

from civichub.core.models import DomainEvent
from civichub.integration.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from civichub.integration.sender import (
    CONNECT_AND_READ_TIMEOUT_S,
    PER_ENDPOINT_IN_FLIGHT,
    ConnectionPools,
    Job,
    Outcome,
    send,
)
from civichub.integration.services import signing_secrets

log = logging.getLogger(__name__)
__all__ = ["PER_ENDPOINT_IN_FLIGHT", "RETRY_SCHEDULE", "Job", "Outcome", "next_wait", "run", "send"]

# Standard-Webhooks-style schedule, stretched to about three days: the wait after attempt n.
RETRY_SCHEDULE = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
]
# How long a claimed delivery is held: longer than any attempt can take (the HTTP timeout), so only a
# dispatcher that died lets it go.
LEASE = timedelta(seconds=getattr(settings, "CIVICHUB_WEBHOOK_LEASE_SECONDS", 60))
# An attempt starts only while this much of its lease is left, so it ends (and is recorded) in time.
# (Never all of a lease configured shorter than that, or nothing would ever start.)
LEASE_NEEDED_TO_START = min(timedelta(seconds=CONNECT_AND_READ_TIMEOUT_S + 2), LEASE * 0.8)
FAN_OUT_EVERY_S = 0.25
# Events fanned out a turn: a backlog is worked off over several turns, with claims and records between,
# rather than in one long turn that leaves the HTTP threads with nothing to send.
FAN_OUT_BATCH = 250
# The dispatcher holds (leases) deliveries beyond those in flight, so a thread that finishes takes the
# next one at once, without a query, and goes on sending while the database thread's turn lasts (a
# fan-out turn on a busy PostgreSQL took 0.3 s); it claims only once CLAIM_AFTER have finished, so one
# claim (a transaction of three queries) serves many deliveries. Held deliveries whose lease would run
# out before they could finish are given back unsent (LEASE_NEEDED_TO_START).
HELD_PER_ENDPOINT = 16 * PER_ENDPOINT_IN_FLIGHT
HELD_IN_ALL = 2 * HELD_PER_ENDPOINT
CLAIM_AFTER = 2 * PER_ENDPOINT_IN_FLIGHT
# Finished attempts are recorded together, once this many are waiting or the oldest has waited this long.
RECORD_BATCH = 64
RECORD_EVERY_S = 0.05


_jitter = random.Random()


def next_wait(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` failed attempts (plus or minus 20% jitter), or None to give up.

    The jitter spreads retries out, so an endpoint that comes back is not hit by every retry at once.
    """
    if attempts > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[attempts - 1] * _jitter.uniform(0.8, 1.2)


def body_of(event: DomainEvent) -> bytes:
    return _body(
        event.type, event.version, event.occurred_at, event.data, event.subject_type, event.subject_id
    )


def _body(
    type_: str, version: int, occurred_at: Any, data: dict[str, Any], subject_type: str, subject_id: str
) -> bytes:
    payload = {
        "type": type_,
        "version": version,
        "timestamp": occurred_at.isoformat(),
        "data": {**data, "subject": {"type": subject_type, "id": subject_id}},
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def fan_out(limit: int = FAN_OUT_BATCH) -> int:
    """Create the deliveries of events not yet fanned out; returns how many events were handled."""
    with transaction.atomic(savepoint=False):
        # Only the columns fan-out needs: loading whole events (their data) costs more than the rest.
        events = list(
            DomainEvent.unscoped.filter(fanned_out=False)
            .order_by("seq")
            .values_list("seq", "council_id", "type")[:limit]
        )
        if not events:
            return 0
        councils = {council for _, council, _ in events if council}
        endpoints: dict[Any, list[WebhookEndpoint]] = {}
        for endpoint in WebhookEndpoint.unscoped.filter(council_id__in=councils, is_active=True):
            endpoints.setdefault(endpoint.council_id, []).append(endpoint)
        now = timezone.now()
        deliveries = [
            {
                "id": uuid.uuid4(),
                "council": ep.council_id,
                "endpoint": ep.pk,
                "event": seq,
                "status": WebhookDelivery.Status.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for seq, council, type_ in events
            for ep in endpoints.get(council, [])
            if ep.wants(type_)
        ]
        _insert(WebhookDelivery, deliveries, ignore_conflicts=True)
        DomainEvent.unscoped.filter(seq__in=[seq for seq, _, _ in events]).update(fanned_out=True)
    return len(events)


def _insert(model: type[Model], rows: list[dict[str, Any]], *, ignore_conflicts: bool = False) -> None:
    """INSERT `rows` (every column named in each) with one executemany.

    The dispatcher writes a delivery per event and an attempt per send; Django's bulk_create compiles
    SQL per object, which cost more CPU than sending the request. Values are still prepared by each
    field for this database, and the statement comes from the backend, so both databases work alike.
    """
    if not rows:
        return
    fields: list[Field[Any, Any]] = [model._meta.get_field(name) for name in rows[0]]  # type: ignore[misc]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    ops = connection.ops
    columns = ", ".join(ops.quote_name(f.column or f.name) for f in fields)
    sql = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {ops.quote_name(model._meta.db_table)} "
        f"({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        f"{ops.on_conflict_suffix_sql(fields, on_conflict, None, None) if on_conflict else ''}"
    )
    # The connection itself, not django.db.connection's proxy: each value is prepared against it, and the
    # proxy's attribute lookups showed up in profiles.
    db = connections[DEFAULT_DB_ALIAS]
    params = [[f.get_db_prep_save(row[f.name], db) for f in fields] for row in rows]
    with db.cursor() as cursor:
        cursor.executemany(sql, params)


def claim(limit: int, held: Counter[Any]) -> tuple[list[Job], bool]:
    """Lease up to `limit` due deliveries, keeping each endpoint to HELD_PER_ENDPOINT held at once.

    Returns the jobs and whether more may be due now (the claim stopped at a limit, not for want of any).
    """
    if limit <= 0:
        return [], True
    now = timezone.now()
    lease_until = now + LEASE
    full = [endpoint for endpoint, n in held.items() if n >= HELD_PER_ENDPOINT]
    with transaction.atomic(savepoint=False):
        due = (
            WebhookDelivery.unscoped.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .exclude(endpoint_id__in=full)
            .order_by("next_attempt_at")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # Choose by id and endpoint first, so deliveries held back by an endpoint's limit cost nothing.
        chosen, taken, more = [], Counter(held), False
        for delivery_id, endpoint_id in due.values_list("pk", "endpoint_id")[: limit * 2]:
            if taken[endpoint_id] >= HELD_PER_ENDPOINT:
                more = True
                continue
            taken[endpoint_id] += 1
            chosen.append(delivery_id)
            if len(chosen) >= limit:
                more = True
                break
        if not chosen:
            return [], more
        WebhookDelivery.unscoped.filter(pk__in=chosen).update(lease_until=lease_until)
        # Values, not models: a claim loads many rows, and building model instances was most of its cost.
        rows = WebhookDelivery.unscoped.filter(pk__in=chosen).values_list(
            "pk",
            "council_id",
            "endpoint_id",
            "attempts",
            "event__id",
            "event__type",
            "event__version",
            "event__occurred_at",
            "event__data",
            "event__subject_type",
            "event__subject_id",
        )
        endpoint_ids = {endpoint_id for _, _, endpoint_id, *_ in rows}
        # An endpoint switched off since fan-out is left out: its deliveries' leases lapse, unsent.
        endpoints = {e.pk: e for e in WebhookEndpoint.unscoped.filter(pk__in=endpoint_ids, is_active=True)}
        secrets = {pk: signing_secrets(endpoint) for pk, endpoint in endpoints.items()}
        jobs = [
            Job(
                pk,
                council_id,
                endpoint_id,
                endpoints[endpoint_id].url,
                DomainEvent(id=event_id).webhook_id,
                _body(*event),
                secrets[endpoint_id],
                attempts,
                lease_until,
            )
            for pk, council_id, endpoint_id, attempts, event_id, *event in rows
            if endpoint_id in endpoints
        ]
    return jobs, more


def record(outcomes: list[Outcome], released: Sequence[Job] = ()) -> None:
    """Write the outcomes of finished attempts in one transaction; this is what ends their leases.

    `released` are deliveries claimed but not attempted: their leases end so that they are due again.
    """
    if not outcomes and not released:
        return
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        by_lease: dict[Any, list[Any]] = {}
        for job in released:
            by_lease.setdefault(job.lease_until, []).append(job.delivery_id)
        for lease_until, ids in by_lease.items():
            # Only if the lease is still ours: once it ran out, another dispatcher may hold it.
            WebhookDelivery.unscoped.filter(pk__in=ids, lease_until=lease_until).update(lease_until=None)
        _insert(
            DeliveryAttempt,
            [
                {
                    "id": uuid.uuid4(),
                    "council": o.job.council_id,
                    "delivery": o.job.delivery_id,
                    "attempted_at": o.attempted_at,
                    "request_headers": o.headers,
                    "request_body": o.job.body.decode(),
                    "response_status": o.status,
                    "response_body": o.response,
                    "latency_ms": o.latency_ms,
                    "error": o.error,
                }
                for o in outcomes
            ],
        )
        succeeded: dict[int, list[Any]] = {}
        for o in outcomes:
            if o.status is not None and 200 <= o.status < 300:
                succeeded.setdefault(o.status, []).append(o.job.delivery_id)
        for status, ids in succeeded.items():
            WebhookDelivery.unscoped.filter(pk__in=ids).update(
                status=WebhookDelivery.Status.SUCCEEDED,
                delivered_at=now,
                lease_until=None,
                last_error="",
                attempts=F("attempts") + 1,
                last_status_code=status,
            )
        delivered = {i for ids in succeeded.values() for i in ids}
        for o in outcomes:
            if o.job.delivery_id in delivered:
                continue
            attempts = o.job.attempts + 1
            changes: dict[str, Any] = {
                "attempts": attempts,
                "lease_until": None,
                "last_status_code": o.status,
                "last_error": o.error or f"HTTP {o.status}",
            }
            if o.status == 410:
                # 410 Gone: the receiver says the endpoint no longer exists.
                WebhookEndpoint.unscoped.filter(pk=o.job.endpoint_id).update(
                    is_active=False, disabled_reason="The receiver answered 410 Gone", updated_at=now
                )
                changes["status"] = WebhookDelivery.Status.FAILED
            else:
                wait_for = next_wait(attempts)
                if wait_for is None:
                    changes["status"] = WebhookDelivery.Status.FAILED
                else:
                    changes["next_attempt_at"] = now + wait_for
            WebhookDelivery.unscoped.filter(pk=o.job.delivery_id).update(**changes)


def run(
    *,
    workers: int = 16,
    stop: threading.Event | None = None,
    idle_sleep: float = 0.2,
    until_idle: bool = False,
) -> None:
    """Dispatch until `stop` is set (or, with until_idle, until nothing is left to do)."""
    Dispatcher(workers).run(stop or threading.Event(), idle_sleep=idle_sleep, until_idle=until_idle)


class Dispatcher:
    """The dispatcher's state: what it holds (leased), what is being sent, what awaits recording.

    The database thread fans out, claims and records; the HTTP threads send, and when one finishes it
    takes the next ready job itself, so sending goes on while the database thread is in a transaction.
    Everything they share is guarded by `lock`.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pools = ConnectionPools()
        self.lock = threading.Lock()
        self.woken = threading.Condition(self.lock)  # the HTTP threads wake the database thread with it
        self.ready: dict[Any, deque[Job]] = {}  # claimed, not yet sent; endpoints take turns in this order
        self.sending: Counter[Any] = Counter()  # per endpoint
        self.held: Counter[Any] = Counter()  # claimed and not yet finished, per endpoint
        self.finished: list[Outcome] = []
        self.released: list[Job] = []
        self.threads_busy = 0
        self.finished_since_claim = 0
        self.first_finished_at = 0.0
        self.stopping = False
        self.more_due = True  # the database thread's own

    def run(self, stop: threading.Event, *, idle_sleep: float, until_idle: bool) -> None:
        try:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="webhook") as threads:
                try:
                    self.loop(threads, stop, idle_sleep=idle_sleep, until_idle=until_idle)
                finally:
                    with self.lock:
                        self.stopping = True  # the HTTP threads finish what they send and take no more
            # Stopping cleanly: record every attempt made and give back what was not started.
            with self.lock:
                for jobs in self.ready.values():
                    self.released.extend(jobs)
                self.ready.clear()
            self.record()
        finally:
            self.pools.close()

    def loop(
        self, threads: ThreadPoolExecutor, stop: threading.Event, *, idle_sleep: float, until_idle: bool
    ) -> None:
        last_fan_out = last_claim = 0.0
        backlog = False
        while not stop.is_set():
            now = time.monotonic()
            with self.lock:
                holding, busy = bool(self.held), self.threads_busy
                finished, since_claim, oldest = (
                    len(self.finished),
                    self.finished_since_claim,
                    self.first_finished_at,
                )
            # Fan out (unless working off a backlog) and look for due deliveries a few times a second,
            # not on every turn: each is a query even when there is nothing.
            fan = backlog or now - last_fan_out > FAN_OUT_EVERY_S or not holding
            take = (
                not holding
                or now - last_claim > FAN_OUT_EVERY_S
                or (self.more_due and since_claim >= CLAIM_AFTER)
            )
            keep = finished > 0 and (finished >= RECORD_BATCH or now - oldest >= RECORD_EVERY_S or not busy)
            fanned = 0
            if fan or take or keep:
                # One transaction a turn, however much it does: each costs this thread a wait for the
                # database and then for the interpreter lock that the HTTP threads share.
                with transaction.atomic():
                    if fan:
                        fanned = fan_out()
                        backlog = fanned == FAN_OUT_BATCH
                        last_fan_out = now
                    self.record()  # first: the claim can then use the capacity it frees
                    if take:
                        with self.lock:
                            held = Counter(self.held)
                        self.take(claim(HELD_IN_ALL - sum(held.values()), held))
                        last_claim = now
            self.start(threads)
            with self.lock:
                idle = not (self.held or self.finished or self.released)
            if idle:
                if until_idle and not fanned:
                    return
                stop.wait(idle_sleep)
                continue
            with self.woken:
                self.woken.wait_for(self.worth_a_turn, timeout=RECORD_EVERY_S)

    def worth_a_turn(self) -> bool:
        """Whether the database thread has work now (called with the lock held)."""
        return (
            len(self.finished) >= RECORD_BATCH
            or (self.more_due and self.finished_since_claim >= CLAIM_AFTER)
            or (self.threads_busy == 0 and bool(self.finished))
        )

    def take(self, claimed: tuple[list[Job], bool]) -> None:
        jobs, self.more_due = claimed
        with self.lock:
            self.finished_since_claim = 0
            for job in jobs:
                self.ready.setdefault(job.endpoint_id, deque()).append(job)
                self.held[job.endpoint_id] += 1

    def start(self, threads: ThreadPoolExecutor) -> None:
        """Put idle HTTP threads to work on ready jobs."""
        with self.lock:
            while self.threads_busy < self.workers and (job := self.next_job()):
                self.threads_busy += 1
                threads.submit(self.work, job)

    def work(self, job: Job) -> None:
        """An HTTP thread: send, hand the outcome back, and go on with the next ready job if there is one."""
        next_job: Job | None = job
        while next_job is not None:
            job = next_job
            outcome = send(job, self.pools)
            with self.lock:
                self.sending[job.endpoint_id] -= 1
                self.let_go(job)
                if not self.finished:
                    self.first_finished_at = time.monotonic()
                self.finished.append(outcome)
                self.finished_since_claim += 1
                next_job = self.next_job()
                if next_job is None:
                    self.threads_busy -= 1
                if self.worth_a_turn():
                    self.woken.notify()

    def next_job(self) -> Job | None:
        """The next job to send, an endpoint at a time, within each endpoint's limit (lock held)."""
        if self.stopping:
            return None
        latest_start = timezone.now() + LEASE_NEEDED_TO_START
        for endpoint_id in list(self.ready):
            if self.sending[endpoint_id] >= PER_ENDPOINT_IN_FLIGHT:
                continue
            jobs = self.ready.pop(endpoint_id)
            job = None
            while jobs and job is None:
                job = jobs.popleft()
                if job.lease_until < latest_start:
                    # Waited too long to finish within its lease: give it back rather than risk two
                    # dispatchers sending it at once.
                    self.released.append(job)
                    self.let_go(job)
                    job = None
            if jobs:
                self.ready[endpoint_id] = jobs  # back in line, behind the other endpoints
            if job is not None:
                self.sending[endpoint_id] += 1
                return job
        return None

    def let_go(self, job: Job) -> None:
        self.held[job.endpoint_id] -= 1
        if not self.held[job.endpoint_id]:
            del self.held[job.endpoint_id]  # so that an empty `held` means nothing is held

    def record(self) -> None:
        with self.lock:
            finished, released = self.finished, self.released
            self.finished, self.released = [], []
        record(finished, released)
