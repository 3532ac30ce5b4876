"""Benchmarks of the foundation, on the real code paths:

1. The geography load that `make demo` runs (local authorities, every LSOA in England, WN + SR postcodes)
   into a fresh SQLite file, timed per importer.
2. Postcode look-ups through the public API (/api/v1/places/postcodes/{pc}) served by gunicorn
   (2 workers), driven from a separate process by N client threads for a fixed time.

Run with `make bench`. Set CIVICHUB_DATABASE_URL to measure PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loadgen import drive

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
        ("re-run postcodes (same files: skipped)", ["places", "import-postcodes", "WN", "SR"]),
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
    url = f"http://127.0.0.1:{port}"
    # The baseline in the same run: a bare Django row read through the same stack (one ward by its code).
    bare = drive(url, ["/api/v1/places/wards/E05000861"], DURATION_S, CLIENTS)
    print(f"baseline: bare row read over {DURATION_S:.0f} s with {CLIENTS} clients: {bare}")
    result = drive(url, [f"/api/v1/places/postcodes/{p}" for p in postcodes], DURATION_S, CLIENTS)
    ratio = result["requests_per_s"] / bare["requests_per_s"]
    print(f"postcode API, {CLIENTS} clients: {result} [{ratio:.2f}x the bare read's rate]")


if __name__ == "__main__":
    main()
