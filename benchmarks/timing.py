"""What the benchmarks share: a scratch deployment to build in, a Django shell to run code in, and the
timing of a call against a bare baseline measured in the same run.

Machines here differ 2-3x in speed (and more when sessions share the cores), so every figure is printed
beside its ratio to a bare baseline timed in the same run: the ratios are what compare across machines.

The benchmarks build and measure in fresh `civichub shell` processes (so the build's caches do not flatter
the measurement); `scratch()` puts this folder on their PYTHONPATH, so code run there imports this module
as `timing` too, as the benchmark scripts themselves do.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
Timing = dict[str, float]


def percentile(ms: Sequence[float], q: int) -> float:
    """The q-th percentile (1-99) of the samples, interpolated as `statistics.quantiles` does."""
    return statistics.quantiles(ms, n=100, method="inclusive")[q - 1] if len(ms) > 1 else ms[0]


def summary(ms: Sequence[float]) -> Timing:
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms)}


def samples(fn: Callable[[], object], repeat: int, warmup: int = 0) -> list[float]:
    """Milliseconds of each of `repeat` calls of fn, after `warmup` calls that are not kept."""
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        ms.append(1000 * (time.perf_counter() - started))
    return ms


def timed(fn: Callable[[], object], repeat: int, warmup: int = 3) -> Timing:
    """p50, p95 and max of `repeat` calls of fn after a warm-up (caches, the first query's plan)."""
    return summary(samples(fn, repeat, warmup))


def get(client: Any, path: str, contains: bytes = b"") -> Callable[[], Any]:
    """A GET through Django's test client that fails loudly on anything but a 200 (and, if given, a
    body without `contains`), so a benchmark never times an error page."""

    def call() -> Any:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        assert contains.lower() in response.content.lower(), (path, contains)
        return response

    return call


def report(results: dict[str, Timing], baseline: Timing, against: str, digits: int = 0) -> None:
    """One line per result: p50, p95 and max, with p95 as a multiple of the baseline's."""
    for name, r in results.items():
        ratio = f"  [p95 = {r['p95'] / baseline['p95']:.{digits}f}x {against}]" if r is not baseline else ""
        print(f"{name}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms{ratio}")


def bench_council(name: str, slug: str, gss: str) -> Any:
    """A made-up council (and its organisation) for a benchmark's scratch database, made directly rather
    than by `core.add_council`, which needs the real local authority's row in places. Give it an unused
    GSS code (E9999999x) so it never collides with a real one. Call it after `django.setup()`."""
    from civichub.core.models import Council, Organisation

    org = Organisation.objects.create(name=name, kind="council")
    return Council.objects.create(
        organisation=org,
        name=name,
        short_name=name.split()[0],
        slug=slug,
        gss_code=gss,
        register_code=slug[:3].upper(),
        authority_type="Metropolitan district",
        region="North West",
        nation="England",
    )


def verdict(label: str, p95: float, target: float) -> None:
    met = "TARGET MET" if p95 <= target else "TARGET MISSED"
    print(f"{met}: {label} p95 {p95:.1f} ms (target <= {target:g} ms)")


class Scratch:
    """A fresh deployment in a temporary folder: its own SQLite file unless CIVICHUB_DATABASE_URL names a
    (scratch) PostgreSQL database, driven through the `civichub` command in processes of its own."""

    def __init__(self, name: str) -> None:
        self.var = Path(tempfile.mkdtemp(prefix=f"civichub-{name}-"))
        path = os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civichub.settings",
            "CIVICHUB_VAR_DIR": str(self.var),
            "PYTHONPATH": path,
        }
        self.env.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{self.var / f'{name}.sqlite3'}")
        self.cli = [sys.executable, "-m", "civichub.cli"]
        self.started = time.monotonic()

    @property
    def database(self) -> str:
        return self.env["CIVICHUB_DATABASE_URL"].split(":")[0]

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def civichub(self, *args: str, quiet: bool = False) -> None:
        out = subprocess.DEVNULL if quiet else None
        subprocess.run([*self.cli, *args], env=self.env, check=True, stdout=out)

    def migrate(self, static: bool = False) -> None:
        self.civichub("migrate", "-v0")
        if static:
            # Pages are timed too, and their stylesheet is named through the static files' manifest.
            self.civichub("collectstatic", "--noinput", "-v0")

    def shell(self, code: str, *argv: object) -> str:
        """Run code in a fresh `civichub shell` with sys.argv[1:] = argv; return its output, or exit with
        the end of its traceback (and its output so far) if it fails."""
        preamble = f"import sys\nsys.argv = {['shell', *map(str, argv)]!r}\n"
        done = subprocess.run(
            [*self.cli, "shell", "--no-imports", "-c", preamble + code],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(done.stdout, end="")
            sys.exit(done.stderr[-3000:])
        return done.stdout

    def measure(self, code: str, *argv: object) -> None:
        """Run the measuring code and print what it says; exit non-zero if a check in it failed."""
        said = self.shell(code, *argv)
        print(said, end="")
        if "CHECK FAILED" in said:
            sys.exit(1)
