"""Take a backup of the running platform, and restore one into an empty platform. Both are audited."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.backup import database, storage
from civichub.core.backup import manifest as manifests
from civichub.core.backup.manifest import ChainHead, Manifest
from civichub.core.errors import Refused


@dataclass(frozen=True)
class BackupTaken:
    folder: Path
    manifest: Manifest
    manifest_sha256: str
    audit_seq: int  # the entry that records this backup


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    manifest_sha256: str
    verification: audit.Verification
    head_problem: str  # empty when the restored chain reaches the backup's head
    audit_seq: int  # the head of the restored chain, before the restore's own entry
    pending_migrations: int

    @property
    def trustworthy(self) -> bool:
        return self.verification.intact and not self.head_problem


def _civichub_version() -> str:
    try:
        return importlib.metadata.version("civichub")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _audit_head() -> ChainHead:
    row = audit.AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return ChainHead(seq=row[0], hash=row[1]) if row else ChainHead(seq=0, hash=audit.GENESIS_HASH)


def _outside_transactions(what: str) -> None:
    # The copy and the load use connections of their own: inside a transaction of ours, a backup would
    # miss its writes and a restore would wait on its locks.
    if connection.in_atomic_block:
        raise RuntimeError(f"{what} cannot run inside a database transaction.")


def take_backup(actor: Actor, folder: Path) -> BackupTaken:
    """Back up the running platform into a new or empty folder: the database, every stored file, a manifest.

    Writers carry on meanwhile. Everything committed before the backup started is in it. The audit
    head is read first, so the copy holds at least that much of the chain. The manifest is written
    last, so a folder without one is a backup that never finished.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Refused.on(
            "folder", f"{folder} is not an empty folder: a backup goes into a new one, so two never mix."
        )
    vendor = database.vendor()
    _outside_transactions("A backup")
    folder.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    head = _audit_head()
    migrations = database.migration_state()
    database_file, tool = database.snapshot(folder)
    files = [manifests.hash_file(folder, database_file), *storage.copy_out(default_storage, folder)]
    taken = Manifest(
        created_at=started.isoformat(),
        civichub_version=_civichub_version(),
        vendor=vendor,
        database_file=database_file,
        database_tool=tool,
        migrations=migrations,
        audit_head=head,
        files=tuple(files),
    )
    digest = manifests.write(folder, taken)
    entry = _record_backup(actor, taken, digest, folder)
    return BackupTaken(folder, taken, digest, entry.seq)


@transaction.atomic
def _record_backup(actor: Actor, taken: Manifest, digest: str, folder: Path) -> audit.AuditEntry:
    return audit.record(
        actor,
        "core.backup.taken",
        object_type="backup",
        object_id=digest,
        data={
            "manifest_sha256": digest,
            "folder": str(folder.resolve()),
            "vendor": taken.vendor,
            "files": len(taken.files),
            "bytes": sum(f.size for f in taken.files),
            "audit_head_seq": taken.audit_head.seq,
        },
    )


def restore_backup(actor: Actor, folder: Path) -> Restored:
    """Restore a backup into this platform's database and storage, which must both be empty.

    Refuses, changing nothing, when the manifest is missing or unreadable, a file does not match its
    hash, the backup is of the other database or from a newer civichub, or the database or storage
    holds anything. Afterwards it verifies the restored audit chain and that it reaches the head the
    manifest recorded; only then does it append its own entry.
    """
    folder = Path(folder)
    backup, digest = manifests.read(folder)
    manifests.check_files(folder, backup)
    vendor = database.vendor()
    if backup.vendor != vendor:
        raise Refused.on(
            "database",
            f"The backup is of a {backup.vendor} database and this platform runs on {vendor}: "
            f"restore it onto {backup.vendor}.",
        )
    unknown = database.unknown_migrations(backup.migrations)
    if unknown:
        raise Refused.on(
            "migrations",
            f"The backup was taken by civichub {backup.civichub_version}, which had migrations this one "
            f"does not ({', '.join(unknown[:5])}): restore it with that version or a newer one.",
        )
    tables = database.tables()
    if tables:
        raise Refused.on(
            "database",
            f"The database already has {len(tables)} table(s) ({', '.join(tables[:3])}, ...): restore "
            "only into an empty database, made and not migrated.",
        )
    stored = storage.some_names(default_storage, 3)
    if stored:
        raise Refused.on(
            "storage",
            f"The file storage already holds files ({', '.join(stored)}, ...): restore only into an "
            "empty storage.",
        )
    _outside_transactions("A restore")
    database.load(folder / backup.database_file)
    storage.copy_in(folder, backup.stored_files, default_storage)
    verification = audit.verify()
    restored_head = _audit_head()
    head_problem = _head_problem(backup.audit_head, restored_head)
    restored = Restored(
        backup, digest, verification, head_problem, restored_head.seq, database.pending_migrations()
    )
    if restored.trustworthy:
        _record_restore(actor, restored, folder)
    return restored


def _head_problem(expected: ChainHead, restored: ChainHead) -> str:
    """Why the restored chain does not reach the head recorded when the backup began ('' when it does)."""
    if expected.seq == 0:
        return ""
    if restored.seq < expected.seq:
        return (
            f"the restored audit log ends at entry {restored.seq}, before the backup's head at {expected.seq}"
        )
    found = audit.AuditEntry.objects.filter(seq=expected.seq).values_list("hash", flat=True).first()
    if found != expected.hash:
        return f"entry {expected.seq} of the restored audit log is not the one the backup's manifest names"
    return ""


@transaction.atomic
def _record_restore(actor: Actor, restored: Restored, folder: Path) -> None:
    audit.record(
        actor,
        "core.backup.restored",
        object_type="backup",
        object_id=restored.manifest_sha256,
        data={
            "manifest_sha256": restored.manifest_sha256,
            "folder": str(folder.resolve()),
            "taken_at": restored.manifest.created_at,
            "audit_entries_verified": restored.verification.entries,
        },
    )
