"""Backup and restore time: the demo database, then the same with 100,000 directory services.

Builds a fresh database (the demo: real geography, two councils), then times, in the platform's own
process (so Django's start-up is not counted):
  * the baseline, in the same run on the same database: a plain copy of the SQLite file
    (shutil.copyfile), or a bare `pg_dump -Fc` to /dev/null;
  * `civichub backup`'s work (online backup API or pg_dump, stored files, hashes, manifest, audit);
  * `civichub restore`'s work into an empty database and storage (checking every hash, loading,
    copying the files, verifying the whole audit chain); on PostgreSQL also a bare `pg_restore`.
Then adds 100,000 services with benchmarks/directory.py's builder and times the same again. Each
figure is the median of --repeat runs, printed beside its ratio to the baseline.

    python benchmarks/backup.py [--services 100000] [--repeat 3]
Set CIVICHUB_DATABASE_URL (postgres://...) to measure PostgreSQL; restores go into new databases
beside it, dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
from directory import BUILD

# Run inside `civichub shell`, against the database its environment names: one measurement as JSON.
MEASURE = """
import json, shutil, subprocess, time
from pathlib import Path
from django.db import connection
from civichub.core.actors import Actor
from civichub.core.backup import database, services
mode, folder = ARGS
folder = Path(folder)
started = time.perf_counter()
if mode == "baseline" and connection.vendor == "sqlite":
    shutil.copyfile(connection.settings_dict["NAME"], folder / "copy.sqlite3")
elif mode == "baseline":
    # To stdout: pg_dump fsyncs a --file, and /dev/null cannot be synced.
    subprocess.run([database.pg_tool("pg_dump"), "--format=custom"], stdout=subprocess.DEVNULL,
                   env=database.libpq_environment(), check=True)
elif mode == "bare-restore":
    subprocess.run([database.pg_tool("pg_restore"), "--single-transaction", "--no-owner", "--no-acl",
                    f"--dbname={connection.settings_dict['NAME']}", str(folder / "database.dump")],
                   env=database.libpq_environment(), check=True)
elif mode == "backup":
    services.take_backup(Actor.system("benchmark"), folder)
elif mode == "restore":
    restored = services.restore_backup(Actor.system("benchmark"), folder)
    assert restored.trustworthy, (restored.verification, restored.head_problem)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


class Deployment:
    """The platform under test, and how to make empty targets of the same kind to restore into."""

    def __init__(self, var: Path):
        self.var = var
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civichub.settings",
            "CIVICHUB_VAR_DIR": str(var),
            "CIVICHUB_MEDIA_DIR": str(var / "media"),
        }
        self.env.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'source.sqlite3'}")
        self.url = self.env["CIVICHUB_DATABASE_URL"]
        self.vendor = "sqlite" if self.url.startswith("sqlite") else "postgresql"
        self.made: list[str] = []

    def civichub(self, *args: str, url: str | None = None, media: Path | None = None) -> str:
        env = {**self.env, "CIVICHUB_DATABASE_URL": url or self.url}
        if media is not None:
            env["CIVICHUB_MEDIA_DIR"] = str(media)
        cli = [sys.executable, "-m", "civichub.cli", *args]
        done = subprocess.run(cli, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"civichub {args[0]} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout

    def measure(self, mode: str, folder: Path, url: str | None = None, media: Path | None = None) -> float:
        code = MEASURE.replace("ARGS", repr((mode, str(folder))))
        out = self.civichub("shell", "--no-imports", "-c", code, url=url, media=media)
        return float(json.loads(out.strip().splitlines()[-1])["seconds"])

    def _server(self) -> dict[str, str]:
        parsed = dj_database_url.parse(self.url)
        found = {
            "host": parsed.get("HOST") or parsed["OPTIONS"].get("host"),
            "port": parsed.get("PORT"),
            "user": parsed.get("USER"),
            "password": parsed.get("PASSWORD"),
        }
        return {k: str(v) for k, v in found.items() if v}

    def empty_target(self) -> str:
        """A new, empty database of the same vendor: its URL."""
        if self.vendor == "sqlite":
            name = f"target-{uuid.uuid4().hex[:8]}.sqlite3"
            self.made.append(name)
            return f"sqlite:///{self.var / name}"
        name = f"civichub_bench_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**self._server(), dbname="postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return urlsplit(self.url)._replace(path=f"/{name}").geturl()

    def drop_targets(self) -> None:
        if self.vendor == "sqlite":
            for name in self.made:
                for leftover in self.var.glob(f"{name}*"):  # with its -wal and -shm
                    leftover.unlink()
        elif self.made:
            with psycopg.connect(**self._server(), dbname="postgres", autocommit=True) as db:
                for name in self.made:
                    db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()

    def size(self) -> int:
        if self.vendor == "sqlite":
            return Path(dj_database_url.parse(self.url)["NAME"]).stat().st_size
        out = self.civichub(
            "shell",
            "--no-imports",
            "-c",
            "from django.db import connection\n"
            "with connection.cursor() as c:\n"
            "    c.execute('SELECT pg_database_size(current_database())'); print(c.fetchone()[0])",
        )
        return int(out.strip().splitlines()[-1])


def run(deployment: Deployment, label: str, repeat: int) -> None:
    baseline, backup, restore, bare_restore = [], [], [], []
    for _ in range(repeat):
        scratch = Path(tempfile.mkdtemp(dir=deployment.var))
        baseline.append(deployment.measure("baseline", scratch))
        folder = scratch / "backup"
        backup.append(deployment.measure("backup", folder))
        target = deployment.empty_target()
        restore.append(deployment.measure("restore", folder, url=target, media=scratch / "restored-media"))
        if deployment.vendor == "postgresql":
            bare_restore.append(deployment.measure("bare-restore", folder, url=deployment.empty_target()))
        deployment.drop_targets()
        shutil.rmtree(scratch)
    base = statistics.median(baseline)
    sqlite = deployment.vendor == "sqlite"
    what = "plain copy of the SQLite file" if sqlite else "bare pg_dump -Fc to /dev/null"
    print(f"{label}: database {deployment.size() / 1e6:.1f} MB, median of {repeat}")
    print(f"  baseline: {what:<38} {base:7.2f} s")
    rows = [("civichub backup", backup), ("civichub restore (with audit verify)", restore)]
    if bare_restore:
        rows.append(("bare pg_restore (for comparison)", bare_restore))
    for name, times in rows:
        seconds = statistics.median(times)
        print(f"  {name:<48} {seconds:7.2f} s  [{seconds / base:.1f}x the baseline]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    deployment = Deployment(Path(tempfile.mkdtemp(prefix="civichub-backup-")))
    started = time.monotonic()
    deployment.civichub("migrate", "-v0")
    deployment.civichub("demo", "--no-progress")
    print(f"Database: {deployment.vendor}; demo built in {time.monotonic() - started:.0f} s")
    run(deployment, "demo (Wigan and Sunderland, 300 services)", args.repeat)
    started = time.monotonic()
    deployment.civichub("shell", "--no-imports", "-c", BUILD.replace("sys.argv[1]", repr(str(args.services))))
    print(f"{args.services:,} services added in {time.monotonic() - started:.0f} s")
    run(deployment, f"demo + {args.services:,} services", args.repeat)


if __name__ == "__main__":
    main()
