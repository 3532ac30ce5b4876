"""A small closed-loop load generator: N client threads in this process GET random paths from a list
for a fixed time against a server in another process, and report requests/s and latency percentiles."""

from __future__ import annotations

import http.client
import random
import statistics
import threading
import time
from typing import Any
from urllib.parse import urlsplit


def drive(base_url: str, paths: list[str], seconds: float, clients: int = 8) -> dict[str, Any]:
    parts = urlsplit(base_url)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        seen: dict[int, int] = {}
        while time.monotonic() < stop:
            started = time.perf_counter()
            # gunicorn's sync workers close the connection after each response: connect per request.
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.request("GET", rng.choice(paths))
            response = conn.getresponse()
            response.read()
            conn.close()
            mine.append(time.perf_counter() - started)
            seen[response.status] = seen.get(response.status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "requests_per_s": round(len(latencies) / seconds),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1),
        "statuses": statuses,
    }
