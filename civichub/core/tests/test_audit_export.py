"""The audit log goes to cold storage with its chain: an export verifies offline (with the key), and an
edited, removed or inserted line is named by its seq; the export itself is audited."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civichub.core import audit, audit_export
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import AuditEntry, AuditHead

SYSTEM = Actor.system("audit export test")


@pytest.fixture
def chain(db, wigan) -> list[AuditEntry]:
    actor = Actor.system("audit test", council=wigan)
    return [
        audit.record(
            actor, "test.event", object_type="thing", object_id=str(i), data={"n": i, "name": "Ünïcode ✓"}
        )
        for i in range(6)
    ]


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.mark.parametrize("name", ["audit.jsonl", "audit.jsonl.gz"])
def test_an_export_holds_every_entry_with_its_chain_and_verifies(chain, tmp_path, name) -> None:
    path = tmp_path / name
    head = AuditHead.objects.get(pk=1)

    done = audit_export.export(SYSTEM, path)

    assert (done.entries, done.first_seq, done.last_seq, done.last_hash) == (head.seq, 1, head.seq, head.hash)
    lines = [json.loads(line) for line in _lines(path)]
    assert [line["seq"] for line in lines] == list(range(1, head.seq + 1))
    last = lines[-1]
    assert set(last) == set(audit_export.FIELDS)
    assert (last["prev_hash"], last["hash"]) == (chain[-2].hash, chain[-1].hash)
    assert last["data"] == {"n": 5, "name": "Ünïcode ✓"}
    assert audit_export.verify_export(path) == audit.Verification(True, head.seq)
    # The export is audited, with what it holds, after it was written.
    entry = AuditEntry.objects.get(seq=head.seq + 1)
    assert entry.action == "core.audit.exported"
    assert entry.data["last_hash"] == head.hash and entry.data["entries"] == head.seq
    assert not list(tmp_path.glob(".*partial")), "the partial file was left behind"


def test_editing_one_line_of_an_export_is_named_by_its_seq(chain, tmp_path) -> None:
    path = tmp_path / "audit.jsonl"
    audit_export.export(SYSTEM, path)
    lines = _lines(path)
    target = chain[2].seq
    edited = json.loads(lines[target - 1])
    edited["object_id"] = "tampered"
    lines[target - 1] = json.dumps(edited)
    _write(path, lines)

    result = audit_export.verify_export(path)

    assert (result.intact, result.broken_at, result.entries) == (False, target, target - 1)
    assert "contents" in result.reason
    with pytest.raises(CommandError, match=f"BROKEN at entry {target}: its contents do not match"):
        call_command("audit", "verify-export", str(path))


def test_a_line_rewritten_with_a_new_hash_breaks_the_next_link(chain, tmp_path) -> None:
    path = tmp_path / "audit.jsonl"
    audit_export.export(SYSTEM, path)
    lines = _lines(path)
    target = chain[2].seq
    edited = json.loads(lines[target - 1])
    edited["hash"] = "f" * 64
    lines[target - 1] = json.dumps(edited)
    _write(path, lines)
    assert audit_export.verify_export(path).broken_at == target  # its hash no longer matches it


def test_a_removed_or_inserted_line_is_caught(chain, tmp_path) -> None:
    path = tmp_path / "audit.jsonl"
    audit_export.export(SYSTEM, path)
    lines = _lines(path)
    target = chain[3].seq

    _write(path, lines[: target - 1] + lines[target:])
    removed = audit_export.verify_export(path)
    assert (removed.broken_at, removed.reason) == (
        target,
        f"entry {target} is missing (line {target} holds {target + 1})",
    )

    _write(path, [*lines[:target], lines[0], *lines[target:]])
    assert audit_export.verify_export(path).broken_at == target + 1

    _write(path, [*lines[:target], "not json", *lines[target:]])
    garbled = audit_export.verify_export(path)
    assert (garbled.broken_at, garbled.reason) == (
        target + 1,
        f"line {target + 1} is not a whole audit entry (JSONDecodeError)",
    )


def test_a_partial_export_verifies_from_where_it_starts(chain, tmp_path) -> None:
    path = tmp_path / "later.jsonl"
    done = audit_export.export(SYSTEM, path, from_seq=chain[3].seq)
    assert done.first_seq == chain[3].seq
    assert json.loads(_lines(path)[0])["prev_hash"] == chain[2].hash  # to compare with the export before
    assert audit_export.verify_export(path).intact


def test_an_export_checked_with_another_key_fails(chain, tmp_path, settings) -> None:
    path = tmp_path / "audit.jsonl"
    audit_export.export(SYSTEM, path)
    settings.CIVICHUB_AUDIT_KEY = "not the key the chain was made with"
    assert audit_export.verify_export(path).broken_at == 1


def test_the_command_exports_and_verifies_and_never_overwrites(chain, tmp_path, capsys) -> None:
    path = tmp_path / "cold" / "audit.jsonl.gz"
    path.parent.mkdir()
    call_command("audit", "export", str(path))
    assert "Exported" in capsys.readouterr().out
    call_command("audit", "verify-export", str(path))
    assert "intact" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("audit", "export", str(path))
    with pytest.raises(Refused):
        audit_export.export(SYSTEM, tmp_path / "x.jsonl", from_seq=0)
    path.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="BROKEN at entry 1: the file cannot be read"):
        call_command("audit", "verify-export", str(path))
