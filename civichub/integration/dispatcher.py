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
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from civichub.core.models import DomainEvent
from civichub.integration import signing, targets
from civichub.integration.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from civichub.integration.services import signing_secrets

log = logging.getLogger(__name__)

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
CONNECT_AND_READ_TIMEOUT_S = 10
PER_ENDPOINT_IN_FLIGHT = 16
RESPONSE_KEPT_CHARS = 2000
FAN_OUT_EVERY_S = 0.25


_jitter = random.Random()


def next_wait(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` failed attempts (plus or minus 20% jitter), or None to give up.

    The jitter spreads retries out, so an endpoint that comes back is not hit by every retry at once.
    """
    if attempts > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[attempts - 1] * _jitter.uniform(0.8, 1.2)


@dataclass
class Job:
    delivery_id: Any
    council_id: Any
    endpoint_id: Any
    url: str
    msg_id: str
    body: bytes
    secrets: list[str]
    attempts: int


@dataclass
class Outcome:
    job: Job
    attempted_at: datetime
    headers: dict[str, str]
    status: int | None
    response: str
    latency_ms: int
    error: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could point anywhere, including our own network: treat it as the answer.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def send(job: Job) -> Outcome:
    """POST one signed delivery. Never raises: network trouble is an outcome like any other."""
    attempted_at = timezone.now()
    headers = {
        "content-type": "application/json",
        "user-agent": "civichub-webhooks/1",
        **signing.headers(job.secrets, job.msg_id, int(time.time()), job.body),
    }
    started = time.perf_counter()
    status, text, error = None, "", ""
    try:
        targets.check(job.url)
        request = urllib.request.Request(job.url, data=job.body, headers=headers, method="POST")  # noqa: S310
        with _opener.open(request, timeout=CONNECT_AND_READ_TIMEOUT_S) as response:
            status = response.status
            text = response.read(RESPONSE_KEPT_CHARS).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
        text = exc.read(RESPONSE_KEPT_CHARS).decode("utf-8", "replace") if exc.fp else ""
    except targets.TargetRefused as exc:
        error = f"Refused: {exc}"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    latency = int((time.perf_counter() - started) * 1000)
    return Outcome(job, attempted_at, headers, status, text, latency, error)


def body_of(event: DomainEvent) -> bytes:
    payload = {
        "type": event.type,
        "version": event.version,
        "timestamp": event.occurred_at.isoformat(),
        "data": {**event.data, "subject": {"type": event.subject_type, "id": event.subject_id}},
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def fan_out(limit: int = 1000) -> int:
    """Create the deliveries of events not yet fanned out; returns how many events were handled."""
    with transaction.atomic():
        events = list(DomainEvent.unscoped.filter(fanned_out=False).order_by("seq")[:limit])
        if not events:
            return 0
        councils = {e.council_id for e in events if e.council_id}
        endpoints: dict[Any, list[WebhookEndpoint]] = {}
        for endpoint in WebhookEndpoint.unscoped.filter(council_id__in=councils, is_active=True):
            endpoints.setdefault(endpoint.council_id, []).append(endpoint)
        now = timezone.now()
        deliveries = [
            WebhookDelivery(council_id=ep.council_id, endpoint=ep, event=e, next_attempt_at=now)
            for e in events
            for ep in endpoints.get(e.council_id, [])
            if ep.wants(e.type)
        ]
        WebhookDelivery.unscoped.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
        DomainEvent.unscoped.filter(seq__in=[e.seq for e in events]).update(fanned_out=True)
    return len(events)


def claim(limit: int, busy: Counter[Any]) -> list[Job]:
    """Lease up to `limit` due deliveries, at most PER_ENDPOINT_IN_FLIGHT per endpoint in flight."""
    if limit <= 0:
        return []
    now = timezone.now()
    full = [endpoint for endpoint, n in busy.items() if n >= PER_ENDPOINT_IN_FLIGHT]
    with transaction.atomic():
        due = (
            WebhookDelivery.unscoped.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .exclude(endpoint_id__in=full)
            .order_by("next_attempt_at")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # Choose by id and endpoint first, so deliveries held back by an endpoint's limit cost nothing.
        chosen, taken = [], Counter(busy)
        for delivery_id, endpoint_id in due.values_list("pk", "endpoint_id")[: limit * 4]:
            if taken[endpoint_id] < PER_ENDPOINT_IN_FLIGHT:
                taken[endpoint_id] += 1
                chosen.append(delivery_id)
                if len(chosen) >= limit:
                    break
        if not chosen:
            return []
        WebhookDelivery.unscoped.filter(pk__in=chosen).update(lease_until=now + LEASE)
        deliveries = WebhookDelivery.unscoped.filter(pk__in=chosen).select_related("event", "endpoint")
        jobs = [
            Job(
                d.pk,
                d.council_id,
                d.endpoint_id,
                d.endpoint.url,
                d.event.webhook_id,
                body_of(d.event),
                signing_secrets(d.endpoint),
                d.attempts,
            )
            for d in deliveries
            if d.endpoint.is_active
        ]
    return jobs


def record(outcomes: list[Outcome]) -> None:
    """Write the outcomes of finished attempts in one transaction; this is what ends their leases."""
    if not outcomes:
        return
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.unscoped.bulk_create(
            [
                DeliveryAttempt(
                    council_id=o.job.council_id,
                    delivery_id=o.job.delivery_id,
                    attempted_at=o.attempted_at,
                    request_headers=o.headers,
                    request_body=o.job.body.decode(),
                    response_status=o.status,
                    response_body=o.response,
                    latency_ms=o.latency_ms,
                    error=o.error,
                )
                for o in outcomes
            ]
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
    stop = stop or threading.Event()
    in_flight: dict[Future[Outcome], Job] = {}
    busy: Counter[Any] = Counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook") as pool:
        last_fan_out = 0.0
        while not stop.is_set():
            # Fan out a few times a second, not on every turn: it is a query even when there is nothing.
            fanned = 0
            if time.monotonic() - last_fan_out > FAN_OUT_EVERY_S or not in_flight:
                fanned = fan_out()
                last_fan_out = time.monotonic()
            free = workers - len(in_flight)
            # Claim in batches: a claim costs a query whether it takes one delivery or many.
            for job in claim(free if free >= max(1, workers // 4) or not in_flight else 0, busy):
                in_flight[pool.submit(send, job)] = job
                busy[job.endpoint_id] += 1
            if not in_flight:
                if until_idle and not fanned:
                    return
                stop.wait(idle_sleep)
                continue
            done, _ = wait(list(in_flight), timeout=0.05, return_when=FIRST_COMPLETED)
            outcomes = []
            for future in done:
                job = in_flight.pop(future)
                busy[job.endpoint_id] -= 1
                outcomes.append(future.result())
            record(outcomes)
        # Stopping cleanly: record what finished; unfinished leases simply expire.
        record([f.result() for f in in_flight if f.done()])
