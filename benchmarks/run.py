"""Benchmarks of the foundation, on the real code paths:

1. The geography load that `make demo` runs (local authorities, every LSOA in England, WN + SR postcodes)
   into a fresh SQLite file, timed per importer.
2. Postcode look-ups through the public API (/api/v1/places/postcodes/{pc}) served by gunicorn
   (2 workers), driven from a separate process by N client threads for a fixed time.

Run with `make bench`. Set CIVICHUB_DATABASE_URL to measure PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from civichub.serving import gunicorn

DURATION_S = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="civichub-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civichub.settings", "CIVICHUB_VAR_DIR": str(var)}
    env.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'bench.sqlite3'}")
    cli = [sys.executable, "-m", "civichub.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    print(f"Database: {env['CIVICHUB_DATABASE_URL'].split(':')[0]}")
    steps = [
        ("local authorities", ["places", "import-local-authorities"]),
        ("LSOAs + IoD 2019 (32,844)", ["places", "import-deprivation"]),
        ("postcodes WN + SR (18,000)", ["places", "import-postcodes", "WN", "SR"]),
        ("re-run postcodes (idempotent)", ["places", "import-postcodes", "WN", "SR"]),
    ]
    for label, args in steps:
        started = time.perf_counter()
        subprocess.run([*cli, *args, "--no-progress"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"import {label:<32} {time.perf_counter() - started:6.2f} s")

    postcodes = subprocess.run(
        [
            *cli,
            "shell",
            "-c",
            "from civichub.places.models import Postcode;"
            "print('\\n'.join(Postcode.objects.filter(terminated='').values_list('compact', flat=True)))",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    postcodes = [p for p in postcodes if re.fullmatch(r"[A-Z0-9]{5,7}", p)]  # drop the shell's own chatter
    with gunicorn(env) as url:
        _load(int(url.rsplit(":", 1)[1]), postcodes)


def _load(port: int, postcodes: list[str]) -> None:
    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + DURATION_S

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            # gunicorn's sync workers close the connection after each response: connect per request.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", f"/api/v1/places/postcodes/{rng.choice(postcodes)}")
            response = conn.getresponse()
            response.read()
            conn.close()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[response.status] = errors.get(response.status, 0) + 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    rate = len(latencies) / DURATION_S
    print(f"postcode API: {rate:,.0f} requests/s over {DURATION_S:.0f} s with {CLIENTS} clients")
    mean = statistics.mean(latencies) * 1000
    print(f"  p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, p99 {p(0.99):.1f} ms, mean {mean:.1f} ms")
    print(f"  responses other than 200: {errors or 'none'}")


if __name__ == "__main__":
    main()
