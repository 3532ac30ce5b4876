"""The append-only, hash-chained audit log.

`record()` is the one function that writes it. Each entry carries the HMAC-SHA256 of its own fields
and of the previous entry's hash, keyed with a secret the database does not hold, so anyone who can
write to the table but not read the settings cannot edit, delete or insert an entry without
`verify()` naming the first broken link. A one-row head (`AuditHead`) records the last position and
hash, so deleting entries from the end is caught too, and serialises writers: the first statement of
an append is an UPDATE of the head, which takes PostgreSQL's row lock or SQLite's write lock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

if TYPE_CHECKING:
    from civichub.core.actors import Actor

GENESIS_HASH = "0" * 64


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit entries are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries are never deleted.")


class AuditEntry(models.Model):
    seq = models.BigIntegerField(primary_key=True, help_text="Position in the chain, from 1")
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, help_text="User id, or 'system:<job>'")
    actor_label = models.CharField(max_length=150)
    council_id = models.CharField(max_length=36, blank=True, db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    purpose = models.TextField(blank=True, help_text="Why personal data was read")
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        app_label = "core"
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not getattr(self, "_appending", False):
            raise AuditLogIsAppendOnly("Write audit entries through civichub.core.audit.record().")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries are never deleted.")


class AuditHead(models.Model):
    """The last position and hash of the chain (a single row, id=1)."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        app_label = "core"


def _key() -> bytes:
    secret = getattr(settings, "CIVICHUB_AUDIT_KEY", None) or settings.SECRET_KEY
    return hashlib.sha256(b"civichub-audit-chain:" + secret.encode()).digest()


def _canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(entry: AuditEntry) -> str:
    body = json.dumps(
        [
            entry.seq,
            _canonical_time(entry.at),
            entry.actor_id,
            entry.actor_label,
            entry.council_id,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.purpose,
            entry.data,
            entry.prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def record(
    actor: Actor,
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    council: Any = None,
    purpose: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: who (actor), acting for which council, did what (action) to which object, and why.

    Call it inside the transaction of the change it records, so both land or neither does.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    council = council if council is not None else actor.council
    # JSON round trip now, so the hash is computed over exactly what the database will give back.
    payload = json.loads(json.dumps(data or {}, default=str))
    with transaction.atomic():
        AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1)
        head = AuditHead.objects.get(pk=1)
        entry = AuditEntry(
            seq=head.seq,
            at=timezone.now(),
            actor_id=actor.audit_id,
            actor_label=actor.label[:150],
            council_id=str(council.pk) if council is not None else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
            data=payload,
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry._appending = True  # type: ignore[attr-defined]
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries: int
    broken_at: int | None = None
    reason: str = ""


def _entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify() -> Verification:
    """Walk the chain from the start and name the first broken link, if any."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    for entry in _entries_in_order():
        if entry.seq != expected_seq:
            return Verification(
                False, count, expected_seq, f"entry {expected_seq} is missing (next present is {entry.seq})"
            )
        if entry.prev_hash != prev_hash:
            return Verification(False, count, entry.seq, "its link to the previous entry does not match")
        if entry_hash(entry) != entry.hash:
            return Verification(False, count, entry.seq, "its contents do not match its hash")
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return Verification(False, count, None, "the chain head is missing")
    if head.seq != count or head.hash != prev_hash:
        return Verification(
            False,
            count,
            count + 1 if head.seq > count else head.seq,
            f"the chain head records {head.seq} entries but {count} are present",
        )
    return Verification(True, count)
