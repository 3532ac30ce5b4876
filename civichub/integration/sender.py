"""Sending one signed webhook delivery over kept-alive connections, for the dispatcher's HTTP threads.

Connections are reused per endpoint (keep-alive) rather than opened for every request, without giving up
the SSRF guard: see ConnectionPools.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.exceptions import NewConnectionError

from civichub.integration import signing, targets

CONNECT_AND_READ_TIMEOUT_S = 10
# A total, not per socket operation: connecting and reading the answer together take at most this long.
TIMEOUT = Timeout(total=CONNECT_AND_READ_TIMEOUT_S)
# The dispatcher never has more requests than this in flight to one endpoint, so a pool never needs more.
PER_ENDPOINT_IN_FLIGHT = 16
RESPONSE_KEPT_CHARS = 2000
# Kept-alive connection pools: at most this many, each closed after this long unused.
POOLS_KEPT = 64
POOL_IDLE_S = 30.0


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
    # When the dispatcher's claim on it runs out: an attempt may start only with time left to finish.
    lease_until: datetime


@dataclass
class Outcome:
    job: Job
    attempted_at: datetime
    headers: dict[str, str]
    status: int | None
    response: str
    latency_ms: int
    error: str


class ConnectionPools:
    """Kept-alive connections for the HTTP threads: one pool per endpoint and per address it resolved to.

    A pool is pinned to an address that `targets.check` allowed, and `send` takes the pool of the address
    it has just checked, so a kept-alive connection can never carry a request to an address that the
    latest check would refuse (the name is not resolved again after the check either, which closes the
    gap a second lookup would leave for DNS rebinding). Pools not used for a while, or beyond the most
    recent POOLS_KEPT, are closed, so idle sockets stay bounded however many endpoints there are.
    """

    def __init__(self, kept: int = POOLS_KEPT, idle_s: float = POOL_IDLE_S) -> None:
        self.kept, self.idle_s = kept, idle_s
        self.lock = threading.Lock()
        # Least recently used first, so the pools to close are always at the front.
        self.pools: OrderedDict[tuple[Any, ...], tuple[HTTPConnectionPool, float]] = OrderedDict()

    def get(self, endpoint_id: Any, scheme: str, host: str, port: int, address: str) -> HTTPConnectionPool:
        key = (endpoint_id, scheme, host, port, address)
        now = time.monotonic()
        retired = []
        with self.lock:
            entry = self.pools.pop(key, None)
            pool = entry[0] if entry else _new_pool(scheme, host, port, address)
            self.pools[key] = (pool, now)
            while len(self.pools) > self.kept or now - next(iter(self.pools.values()))[1] > self.idle_s:
                retired.append(self.pools.popitem(last=False)[1][0])
        for old in retired:
            old.close()  # a connection still in use is closed when it comes back, not reused
        return pool

    def close(self) -> None:
        with self.lock:
            pools, self.pools = list(self.pools.values()), OrderedDict()
        for pool, _ in pools:
            pool.close()


def _new_pool(scheme: str, host: str, port: int, address: str) -> HTTPConnectionPool:
    # retries=False: a failed attempt is recorded and retried on the schedule, never silently here.
    # block=False never makes a thread wait: the dispatcher keeps an endpoint to PER_ENDPOINT_IN_FLIGHT.
    if scheme == "https":
        # TLS is checked against the endpoint's host name (SNI and certificate), not the address.
        return HTTPSConnectionPool(
            address,
            port,
            maxsize=PER_ENDPOINT_IN_FLIGHT,
            block=False,
            retries=False,
            timeout=TIMEOUT,
            server_hostname=host,
        )
    return HTTPConnectionPool(
        address, port, maxsize=PER_ENDPOINT_IN_FLIGHT, block=False, retries=False, timeout=TIMEOUT
    )


def send(job: Job, pools: ConnectionPools) -> Outcome:
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
        # Checked before every attempt, kept-alive connection or not: DNS can change in between.
        addresses = targets.check(job.url)
        parts = urlsplit(job.url)
        assert parts.hostname  # targets.check refuses a URL without one
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # The connection goes to an address; the request still names the endpoint's host.
        sent_headers = {**headers, "host": parts.netloc}
        for n, address in enumerate(addresses):
            pool = pools.get(job.endpoint_id, parts.scheme, parts.hostname, port, address)
            try:
                # redirect=False: a redirect could point anywhere, including our own network, so it
                # is the answer, not an instruction.
                response = pool.urlopen(
                    "POST",
                    target,
                    body=job.body,
                    headers=sent_headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                    timeout=TIMEOUT,
                )
                break
            except NewConnectionError:
                # Nothing was sent to this address: try the next one, as a browser would.
                if n == len(addresses) - 1:
                    raise
        try:
            status = response.status
            # Raw bytes: a compressed body must not be expanded beyond what is kept.
            kept = response.read(RESPONSE_KEPT_CHARS, decode_content=False)
            text = kept.decode("utf-8", "replace")
        finally:
            if not response.closed:
                # More came than is kept: drop the connection rather than read the rest of it.
                response.close()
            response.release_conn()
    except targets.TargetRefused as exc:
        error = f"Refused: {exc}"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    latency = int((time.perf_counter() - started) * 1000)
    return Outcome(job, attempted_at, headers, status, text, latency, error)
