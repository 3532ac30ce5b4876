"""The audit log to cold storage: an export with its chain, and a check of an export that needs no database.

The audit log is never pruned (ADR 0011), but it may be copied out, whole or from a position, to be kept
elsewhere. An export is JSON Lines, gzipped when the file name ends in `.gz`: one entry a line, in order,
with every field the chain's HMAC covers plus `prev_hash` and `hash`. So anyone holding the chain's key
(`CIVICHUB_AUDIT_KEY`) can check, offline, that the lines follow each other and that none was edited,
inserted or removed in between, and `verify_export` names the first entry that does not hold.

An export that starts after the first entry trusts its first `prev_hash` (there is nothing before it in
the file to compare it with); check it against the last hash of the export before. The export itself is
audited with its range and last hash, so the end of an export can be checked against the log too.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.audit import GENESIS_HASH, AuditEntry, AuditHead, Verification, entry_hash
from civichub.core.errors import Refused

FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "council_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "data",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Exported:
    path: Path
    entries: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str
    sha256: str


def _open(path: Path, *, gzipped: bool, write: bool = False) -> IO[str]:
    if gzipped:
        return gzip.open(path, "wt" if write else "rt", encoding="utf-8")
    return path.open("w" if write else "r", encoding="utf-8")


def _line(entry: AuditEntry) -> str:
    fields = {name: getattr(entry, name) for name in FIELDS}
    # UTC to the microsecond, as the chain's HMAC reads it.
    fields["at"] = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@contextmanager
def _written_whole(path: Path) -> Iterator[Path]:
    """Write to a file beside `path` and move it into place at the end, so a failed export leaves nothing
    that could be mistaken for a whole one."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def export(actor: Actor, path: Path, *, from_seq: int = 1) -> Exported:
    """Write the audit log's entries from `from_seq` up to its head (as it is when the export starts)."""
    if from_seq < 1:
        raise Refused.on("from_seq", "Entries are numbered from 1")
    if path.exists():
        raise Refused.on("path", f"{path} already exists: an export never overwrites another")
    head = AuditHead.objects.filter(pk=1).first()
    last = head.seq if head is not None else 0
    count, first_seq, last_seq, last_hash = 0, None, None, ""
    with _written_whole(path) as partial:
        with _open(partial, gzipped=path.suffix == ".gz", write=True) as out:
            rows = AuditEntry.objects.filter(seq__gte=from_seq, seq__lte=last).order_by("seq")
            for entry in rows.iterator(chunk_size=2000):
                out.write(_line(entry) + "\n")
                count, last_seq, last_hash = count + 1, entry.seq, entry.hash
                first_seq = first_seq or entry.seq
        digest = hashlib.sha256(partial.read_bytes()).hexdigest()
    exported = Exported(path, count, first_seq, last_seq, last_hash, digest)
    audit.record(
        actor,
        "core.audit.exported",
        object_type="file",
        object_id=path.name[:100],
        data={
            "entries": count,
            "first_seq": first_seq,
            "last_seq": last_seq,
            "last_hash": last_hash,
            "sha256": digest,
        },
    )
    return exported


def _entry(fields: dict[str, Any]) -> AuditEntry:
    """An unsaved entry from an export's line, to compute its hash as the log does."""
    values = {name: fields[name] for name in FIELDS}
    values["at"] = datetime.fromisoformat(values["at"])
    return AuditEntry(**values)


@dataclass
class _Walk:
    """How far a check of an export has got: the last good entry, and how many were good."""

    last: AuditEntry | None = None
    count: int = 0

    @property
    def next_seq(self) -> int | None:
        return self.last.seq + 1 if self.last is not None else None


def verify_export(path: Path) -> Verification:
    """Check an export's chain with the key from settings: the first entry that does not hold, if any."""
    walk = _Walk()
    try:
        with _open(path, gzipped=path.suffix == ".gz") as lines:
            for number, text in enumerate(lines, start=1):
                broken = _check_line(number, text, walk)
                if broken is not None:
                    return broken
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        reason = f"the file cannot be read past there ({exc})"
        return Verification(False, walk.count, walk.next_seq or 1, reason)
    return Verification(True, walk.count)


def _check_line(number: int, text: str, walk: _Walk) -> Verification | None:
    """Check one line against the entry before it, and move the walk on; or say what is broken."""
    try:
        entry = _entry(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        reason = f"line {number} is not a whole audit entry ({type(exc).__name__})"
        return Verification(False, walk.count, walk.next_seq or 1, reason)
    if walk.last is None:
        # The first line anchors the file: a whole export starts at 1, from the genesis hash; a later
        # start is taken as it says (compare it with the end of the export before).
        expected_seq, prev_hash = entry.seq, GENESIS_HASH if entry.seq == 1 else entry.prev_hash
    else:
        expected_seq, prev_hash = walk.last.seq + 1, walk.last.hash
    if entry.seq != expected_seq:
        reason = f"entry {expected_seq} is missing (line {number} holds {entry.seq})"
        return Verification(False, walk.count, expected_seq, reason)
    if entry.prev_hash != prev_hash:
        return Verification(False, walk.count, entry.seq, "its link to the previous entry does not match")
    if entry_hash(entry) != entry.hash:
        return Verification(False, walk.count, entry.seq, "its contents do not match its hash")
    walk.last, walk.count = entry, walk.count + 1
    return None
