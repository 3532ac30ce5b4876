"""The database half of a backup: a consistent copy of the running database, and its load into an empty one.

SQLite is copied with its online backup API in one step, which reads the database inside one read
transaction: a snapshot of one moment, taken while writers carry on (WAL). PostgreSQL is dumped with
`pg_dump` in its custom format, which reads everything in one repeatable-read snapshot and is loaded
by `pg_restore` in one transaction. The connection settings come from Django's DATABASES and reach the
tools through libpq's environment, so a password is never on a command line.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from civichub.core.errors import Refused

SQLITE_FILE = "database.sqlite3"
POSTGRESQL_FILE = "database.dump"
VENDORS = ("sqlite", "postgresql")

# libpq's environment variable for each connection option Django may hold in OPTIONS.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class DatabaseToolFailed(RuntimeError):
    """pg_dump or pg_restore is missing or failed (the server was unreachable, the disk full...)."""


def vendor() -> str:
    if connection.vendor not in VENDORS:
        raise Refused.on("database", f"Backups of a {connection.vendor} database are not supported.")
    return connection.vendor


def tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def migration_state() -> dict[str, str]:
    """Each app's latest applied migration (names are numbered, so the greatest is the latest)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(name, latest.get(app, ""))
    return dict(sorted(latest.items()))


def unknown_migrations(migrations: dict[str, str]) -> list[str]:
    """Migrations a backup has applied that this code does not have: it came from a newer civichub."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known]


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def snapshot(folder: Path) -> tuple[str, str]:
    """Copy the running database into the folder: (the file's name, the tool that made it)."""
    if vendor() == "sqlite":
        return _sqlite_snapshot(folder / SQLITE_FILE)
    return _pg_dump(folder / POSTGRESQL_FILE)


def load(dump: Path) -> None:
    """Load a copy made by `snapshot` into this platform's database, which the caller found empty."""
    if vendor() == "sqlite":
        _sqlite_load(dump)
    else:
        _pg_restore(dump)


def _sqlite_name() -> str:
    return str(connection.settings_dict["NAME"])


def _sqlite_snapshot(target: Path) -> tuple[str, str]:
    # A connection of our own, not Django's: the copy must not see a transaction this process has open.
    # uri=True as Django connects, so the test suite's shared in-memory database is reachable too.
    source = sqlite3.connect(_sqlite_name(), uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages=-1: the whole database in one step, so one snapshot
        # The copy is one self-contained file, with no write-ahead log beside it to lose.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()
    return target.name, f"SQLite online backup API (SQLite {sqlite3.sqlite_version})"


def _sqlite_load(dump: Path) -> None:
    connection.close()  # Django reconnects afterwards and finds the restored schema
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(_sqlite_name(), uri=True, timeout=30)
    try:
        # Straight into the file, not through the write-ahead log: in WAL mode every page would be
        # written twice, to the log and again at the checkpoint. Django's next connection turns WAL on.
        target.execute("PRAGMA journal_mode=DELETE")
        source.backup(target)
    finally:
        target.close()
        source.close()


def libpq_environment() -> dict[str, str]:
    """The environment that points libpq's tools at Django's database, password included."""
    settings = connection.settings_dict
    options: dict[str, Any] = settings.get("OPTIONS") or {}
    wanted = {
        "PGHOST": settings.get("HOST") or options.get("host"),
        "PGPORT": settings.get("PORT") or options.get("port"),
        "PGUSER": settings.get("USER") or options.get("user"),
        "PGPASSWORD": settings.get("PASSWORD") or options.get("password"),
        "PGDATABASE": settings.get("NAME"),
        **{variable: options.get(option) for option, variable in LIBPQ_OPTIONS.items()},
    }
    return {**os.environ, **{k: str(v) for k, v in wanted.items() if v not in (None, "")}}


def pg_tool(name: str) -> str:
    """The PostgreSQL client tool on PATH, else the newest in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    if not versioned:
        raise DatabaseToolFailed(
            f"{name} was not found: install PostgreSQL's client tools (scripts/system-deps)."
        )
    return versioned[-1]


def _run(command: list[str]) -> str:
    finished = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, with arguments of ours
        command, env=libpq_environment(), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise DatabaseToolFailed(
            f"{Path(command[0]).name} failed (exit {finished.returncode}): {finished.stderr.strip()[-2000:]}"
        )
    return finished.stdout


def _pg_dump(target: Path) -> tuple[str, str]:
    tool = pg_tool("pg_dump")
    _run([tool, "--format=custom", f"--file={target}"])
    return target.name, _run([tool, "--version"]).strip()


def _pg_restore(dump: Path) -> None:
    # One transaction, stopping at the first error: a restore that fails leaves the database empty.
    # Owners and grants are the restoring role's, since the target server's roles may differ.
    _run(
        [
            pg_tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-acl",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )
