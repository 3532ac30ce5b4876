"""The audit chain catches an edited, a deleted and an inserted row, and names the first broken link."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.models import AuditEntry


@pytest.fixture
def chain(db, wigan) -> list[AuditEntry]:
    actor = Actor.system("audit test", council=wigan)
    return [
        audit.record(actor, "test.event", object_type="thing", object_id=str(i), data={"n": i})
        for i in range(6)
    ]


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_chain_verifies(chain) -> None:
    result = audit.verify()
    assert result.intact, result.reason
    assert result.entries == chain[-1].seq
    call_command("audit", "verify")


def test_editing_a_row_is_caught_at_that_row(chain) -> None:
    target = chain[2]
    _sql("UPDATE core_auditentry SET object_id = %s WHERE seq = %s", ["tampered", target.seq])
    result = audit.verify()
    assert not result.intact
    assert result.broken_at == target.seq
    assert "contents" in result.reason
    with pytest.raises(CommandError, match=f"BROKEN at entry {target.seq}"):
        call_command("audit", "verify")


def test_editing_a_row_and_its_hash_is_caught(chain) -> None:
    target = chain[2]
    _sql("UPDATE core_auditentry SET hash = %s WHERE seq = %s", ["f" * 64, target.seq])
    result = audit.verify()
    assert not result.intact
    assert result.broken_at == target.seq  # its own hash no longer matches its contents


def test_deleting_a_row_is_caught(chain) -> None:
    target = chain[3]
    _sql("DELETE FROM core_auditentry WHERE seq = %s", [target.seq])
    result = audit.verify()
    assert not result.intact
    assert result.broken_at == target.seq
    assert "missing" in result.reason


def test_deleting_the_newest_rows_is_caught_by_the_head(chain) -> None:
    _sql("DELETE FROM core_auditentry WHERE seq >= %s", [chain[4].seq])
    result = audit.verify()
    assert not result.intact
    assert result.broken_at == chain[4].seq


def test_inserting_a_row_is_caught(chain) -> None:
    last = chain[-1]
    # A forger with write access to the table but not the key: a plausible row at the end of the chain.
    _sql(
        "INSERT INTO core_auditentry (seq, at, actor_id, actor_label, council_id, action, object_type,"
        " object_id, purpose, data, prev_hash, hash)"
        " VALUES (%s, %s, 'x', 'x', '', 'test.event', '', '', '', '{}', %s, %s)",
        [last.seq + 1, last.at, last.hash, "a" * 64],
    )
    _sql("UPDATE core_audithead SET seq = seq + 1, hash = %s", ["a" * 64])
    result = audit.verify()
    assert not result.intact
    assert result.broken_at == last.seq + 1


def test_entries_cannot_be_changed_through_the_orm(chain) -> None:
    entry = AuditEntry.objects.get(seq=chain[0].seq)
    with pytest.raises(audit.AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(audit.AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(audit.AuditLogIsAppendOnly):
        AuditEntry.objects.filter(seq=entry.seq).update(action="x")
    with pytest.raises(audit.AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert audit.verify().intact


def test_an_entry_says_who_for_which_council_what_and_why(db, wigan, make_user) -> None:
    from civichub.core.models import Role

    user = make_user(Role.COMMISSIONER, wigan)
    entry = audit.record(
        Actor(user=user, council=wigan), "core.people_with_access.read", obj=wigan, purpose="review"
    )
    assert (entry.actor_id, entry.actor_label, entry.council_id) == (
        str(user.pk),
        user.username,
        str(wigan.pk),
    )
    assert (entry.object_type, entry.object_id, entry.purpose) == ("core.council", str(wigan.pk), "review")
