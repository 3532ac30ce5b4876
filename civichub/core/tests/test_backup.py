"""Backup and restore, end to end, on the suite's database (SQLite, or PostgreSQL under with-postgres).

Each platform here is real and of its own: a fresh database on the suite's server (a file for SQLite, a
new database for PostgreSQL) and a storage folder, driven through `civichub` commands in their own
processes, as an operator would. A writer keeps committing audited changes while the backup runs;
the test knows which writes had committed before the backup started because the writer prints each
id only after its transaction returns, and it waits on those lines, never on a clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from civichub.core.backup import storage
from civichub.core.models import AuditEntry, AuditHead, Council, Organisation

pytestmark = pytest.mark.database_server

WRITER = """
import sys, threading
from civichub.core import services
from civichub.core.actors import Actor
stop = threading.Event()
# The test closes our stdin to stop us.
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
actor = Actor.system("backup test writer")
n = 0
while not stop.is_set():
    n += 1
    organisation = services.register_organisation(actor, name=f"Writer test {n}", kind="charity")
    print(organisation.pk, flush=True)  # only once its transaction has committed
"""

# What the platform answers about some organisations: the API's JSON, and the page's status.
PROBE = """
import hashlib
import json
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = {}
for i in IDS:
    api = client.get(f"/api/v1/organisations/{i}")
    answers[i] = [api.status_code, api.json(), client.get(f"/organisations/{i}/").status_code]
print(json.dumps(answers))
"""

# Stored files of every shape: nested folders, binary, empty.
SEED_FILES = {
    "imports/waiting.csv": b"name,kind\nAlder Care,company\n",
    "documents/2026/11/letter.pdf": os.urandom(200_000),
    "documents/empty.txt": b"",
}


@dataclass
class Platform:
    """One deployment: its own database (of the suite's vendor) and its own storage folder."""

    name: str
    url: str
    media: Path
    sqlite_path: Path | None = None
    connect_kwargs: dict[str, Any] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civichub.settings.test",
            "CIVICHUB_DATABASE_URL": self.url,
            "CIVICHUB_MEDIA_DIR": str(self.media),
        }

    def civichub(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "civichub.cli", *args], env=self.env(), text=True, capture_output=True
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(**self.connect_kwargs, dbname=self.name) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.sqlite_path is not None:
            return [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [r[0] for r in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]

    def stored(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.media).as_posix(): p.read_bytes() for p in self.media.rglob("*") if p.is_file()
        }


def _server() -> dict[str, Any]:
    """How to reach the suite's PostgreSQL server (its maintenance database, not the test database)."""
    settings = connection.settings_dict
    found = {
        "host": settings["HOST"] or settings["OPTIONS"].get("host"),
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    return {k: v for k, v in found.items() if v}


def _postgres_url(server: dict[str, Any], name: str) -> str:
    auth = quote(server.get("user", ""))
    if server.get("password"):
        auth += ":" + quote(server["password"], safe="")
    host = server.get("host", "")
    if host.startswith("/"):  # a Unix socket folder goes in the query, as dj-database-url reads it
        return f"postgres://{auth}@/{name}?host={quote(host)}"
    port = f":{server['port']}" if server.get("port") else ""
    return f"postgres://{auth}@{host}{port}/{name}"


@pytest.fixture(scope="module")
def new_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Platform]]:
    """Makes empty platforms on the suite's database server, and drops them afterwards."""
    made: list[str] = []
    server = _server()

    def make(role: str) -> Platform:
        folder = tmp_path_factory.mktemp(role)
        if connection.vendor == "sqlite":
            path = folder / "civichub.sqlite3"
            return Platform(role, f"sqlite:///{path}", folder / "media", sqlite_path=path)
        name = f"civichub_backup_{role}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return Platform(name, _postgres_url(server, name), folder / "media", connect_kwargs=server)

    yield make
    if made:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as db:
            for name in made:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Writer:
    """A `civichub shell` process committing audited writes until told to stop; collects what it committed."""

    def __init__(self, platform: Platform, errors: IO[str]):
        self.committed: list[str] = []
        self.finished = False
        self._changed = threading.Condition()
        # A file, not a pipe: a pipe nobody reads would stop the writer once it filled.
        self._errors = errors
        self._process = subprocess.Popen(
            [sys.executable, "-m", "civichub.cli", "shell", "--no-imports", "-c", WRITER],
            env=platform.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            with self._changed:
                self.committed.append(line.strip())
                self._changed.notify_all()
        with self._changed:
            self.finished = True
            self._changed.notify_all()

    def wait_for(self, count: int) -> list[str]:
        """Block until `count` writes have committed (the timeout only turns a hung writer into a failure)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.committed) >= count or self.finished, timeout=600)
            assert len(self.committed) >= count, f"the writer stopped early: {self.kill()}"
            return list(self.committed)

    def stop(self) -> list[str]:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=600)
        self._reader.join(timeout=600)
        assert self._process.returncode == 0, self.kill()
        return list(self.committed)

    def kill(self) -> str:
        """Stop at once, and say what the writer said on stderr."""
        self._process.kill()
        self._process.wait(timeout=600)
        self._errors.seek(0)
        return self._errors.read()


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass
class RoundTrip:
    source: Platform
    restored: Platform
    backup: Path
    before: list[str]  # ids whose commit had finished when the backup started
    written: list[str]  # every id the writer committed, in order
    restore_output: str


@pytest.fixture(scope="module")
def round_trip(
    new_platform: Callable[[str], Platform], tmp_path_factory: pytest.TempPathFactory
) -> RoundTrip:
    source = new_platform("source")
    _ok(source.civichub("migrate", "-v0"))
    for name, content in SEED_FILES.items():
        (source.media / name).parent.mkdir(parents=True, exist_ok=True)
        (source.media / name).write_bytes(content)
    backup = tmp_path_factory.mktemp("backups") / "taken-mid-write"

    with tempfile.TemporaryFile("w+") as errors:
        writer = Writer(source, errors)
        try:
            before = writer.wait_for(25)
            _ok(source.civichub("backup", str(backup)))
            # The platform goes on taking writes after a backup as during it.
            writer.wait_for(len(writer.committed) + 10)
        except BaseException:
            writer.kill()
            raise
        written = writer.stop()

    restored = new_platform("restored")
    restore_output = _ok(restored.civichub("restore", str(backup)))
    return RoundTrip(source, restored, backup, before, written, restore_output)


def _restored_writes(trip: RoundTrip) -> set[str]:
    return {str(uuid.UUID(str(r[0]))) for r in trip.restored.query("SELECT id FROM core_organisation")}


def test_no_write_committed_before_the_backup_began_is_lost(round_trip: RoundTrip) -> None:
    restored = _restored_writes(round_trip)
    assert set(round_trip.before) <= restored
    # One moment's snapshot: the writes in it are exactly the first k the writer committed, none from
    # after a gap, and nothing the writer did not commit.
    k = len(restored)
    assert restored == set(round_trip.written[:k])
    assert len(round_trip.before) <= k <= len(round_trip.written)


def test_the_audit_chain_of_the_restored_copy_verifies(round_trip: RoundTrip) -> None:
    assert "Audit log intact" in round_trip.restore_output
    assert "reaches the backup's head" in round_trip.restore_output
    assert "Audit log intact" in _ok(round_trip.restored.civichub("audit", "verify"))
    manifest = json.loads((round_trip.backup / "manifest.json").read_text())
    # Every write audits once, so the head read when the backup began covers those committed before it.
    assert manifest["audit_head"]["seq"] >= len(round_trip.before)
    actions = [r[0] for r in round_trip.restored.query("SELECT action FROM core_auditentry ORDER BY seq")]
    assert actions[-1] == "core.backup.restored"
    assert actions.count("core.organisation.registered") == len(_restored_writes(round_trip))


def test_the_stored_files_come_back_byte_for_byte(round_trip: RoundTrip) -> None:
    assert round_trip.restored.stored() == SEED_FILES
    manifest = json.loads((round_trip.backup / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    assert listed == {manifest["database"]["file"], *(f"storage/{name}" for name in SEED_FILES)}


def test_the_backup_is_audited_with_its_manifests_hash(round_trip: RoundTrip) -> None:
    digest = hashlib.sha256((round_trip.backup / "manifest.json").read_bytes()).hexdigest()
    rows = round_trip.source.query(
        "SELECT actor_id, object_id FROM core_auditentry WHERE action = 'core.backup.taken'"
    )
    assert rows == [("system:backup", digest)]


def test_the_restored_platform_answers_as_the_original_did(round_trip: RoundTrip) -> None:
    ids = round_trip.before[:5]
    probe = PROBE.replace("IDS", repr(ids))
    answers = [
        json.loads(_ok(p.civichub("shell", "--no-imports", "-c", probe)).splitlines()[-1])
        for p in (round_trip.source, round_trip.restored)
    ]
    assert answers[0] == answers[1]
    assert all(a[0] == 200 and a[2] == 200 for a in answers[1].values())


# The bad paths. Each refusal must leave the target exactly as it was.


def _copy(backup: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    return copy


def test_a_tampered_file_is_refused_and_nothing_is_restored(
    round_trip: RoundTrip, new_platform: Callable[[str], Platform], tmp_path: Path
) -> None:
    backup = _copy(round_trip.backup, tmp_path)
    letter = backup / "storage/documents/2026/11/letter.pdf"
    body = bytearray(letter.read_bytes())
    body[1000] ^= 0xFF  # one flipped byte, same size
    letter.write_bytes(bytes(body))
    target = new_platform("tampered")
    result = target.civichub("restore", str(backup))
    assert result.returncode != 0
    assert "storage/documents/2026/11/letter.pdf" in result.stderr
    assert "SHA-256" in result.stderr
    assert target.tables() == []
    assert not target.media.exists()


def test_a_storage_that_is_not_empty_is_refused_and_left_alone(
    round_trip: RoundTrip, new_platform: Callable[[str], Platform]
) -> None:
    target = new_platform("busy-storage")
    (target.media / "imports").mkdir(parents=True)
    (target.media / "imports" / "mine.csv").write_bytes(b"already here")
    result = target.civichub("restore", str(round_trip.backup))
    assert result.returncode != 0
    assert "storage already holds files (imports/mine.csv" in result.stderr
    assert target.tables() == []
    assert target.stored() == {"imports/mine.csv": b"already here"}


def _state() -> tuple[Any, ...]:
    head = AuditHead.objects.get(pk=1)
    return (
        head.seq,
        head.hash,
        AuditEntry.objects.count(),
        Council.objects.count(),
        Organisation.objects.count(),
        sorted(storage.names(default_storage)),
    )


@pytest.mark.django_db
def test_a_database_with_rows_is_refused_and_nothing_changes(round_trip: RoundTrip) -> None:
    before = _state()
    assert before[3] > 0  # the suite's database holds the demo councils
    with pytest.raises(CommandError, match=r"database already has \d+ table"):
        call_command("restore", str(round_trip.backup))
    assert _state() == before


@pytest.mark.django_db
def test_a_folder_without_a_manifest_is_refused(round_trip: RoundTrip, tmp_path: Path) -> None:
    backup = _copy(round_trip.backup, tmp_path)
    (backup / "manifest.json").unlink()
    before = _state()
    with pytest.raises(CommandError, match=r"There is no manifest\.json"):
        call_command("restore", str(backup))
    assert _state() == before


@pytest.mark.django_db
def test_a_backup_of_the_other_database_is_refused(round_trip: RoundTrip, tmp_path: Path) -> None:
    backup = _copy(round_trip.backup, tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["database"]["vendor"] = other
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(backup))


@pytest.mark.django_db
def test_a_manifest_naming_a_file_outside_the_backup_is_refused(
    round_trip: RoundTrip, tmp_path: Path
) -> None:
    backup = _copy(round_trip.backup, tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"].append({"path": "storage/../../outside.txt", "size": 0, "sha256": "0" * 64})
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="outside the backup"):
        call_command("restore", str(backup))


def test_a_backup_never_goes_into_a_folder_that_holds_something(tmp_path: Path) -> None:
    (tmp_path / "old-backup.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["old-backup.txt"]
