"""Lawful disposal: what is due is proposed by one person and approved by another; the run destroys the
content in storage and the index, skips held records saying why, and keeps a certificate whose hash is
in the audit chain. The other doors (web, API, command, scheduled task) are tried in test_doors.py."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.core.files.storage import default_storage

from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import Conflict, Refused
from civichub.core.models import DomainEvent, Role
from civichub.records import index, selectors
from civichub.records.models import DisposalItem, Document, DocumentVersion, SearchEntry
from civichub.records.services import disposal, retention


@pytest.fixture
def approver(make_user, wigan) -> Actor:
    return Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)


@pytest.fixture
def due(add) -> list[Document]:
    """Three letters past their two years, and one that is not."""
    old = [add(f"Letter {n}", f"routine letter number {n}", dated="2020-05-01") for n in range(3)]
    add("Recent letter", "routine letter recent")
    return old


def certificate_of(run) -> tuple[bytes, list[dict[str, str]]]:
    version = DocumentVersion.objects.for_council(run.council).get(document=run.certificate)
    with default_storage.open(version.stored_as, "rb") as stored:
        content = stored.read()
    return content, list(csv.DictReader(io.StringIO(content.decode())))


def test_a_run_destroys_content_and_index_and_its_certificate_verifies_against_the_chain(
    due, manager, approver, wigan, storage
) -> None:
    stored = {
        v.stored_as: v.sha256 for v in DocumentVersion.objects.for_council(wigan).filter(document__in=due)
    }
    run = disposal.propose_disposal(manager, wigan)
    assert {i.document_id for i in DisposalItem.objects.for_council(wigan).filter(run=run)} == {
        d.pk for d in due
    }
    assert "CORR: kept 2 years" in DisposalItem.objects.for_council(wigan).filter(run=run).first().why_due
    run = disposal.approve_disposal(approver, run)
    assert (run.status, run.destroyed, run.skipped) == ("completed", 3, 0)
    for name in stored:
        assert not default_storage.exists(name)
    assert (
        not DocumentVersion.objects.for_council(wigan).filter(document__in=due).exclude(stored_as="").exists()
    )
    assert not SearchEntry.objects.for_council(wigan).filter(document__in=due).exists()
    assert [h.document.title for h in selectors.search(manager, wigan, "routine")] == ["Recent letter"]
    assert index.count(["routine"], index.Filters(str(wigan.pk), ("official", "official_sensitive"))) == 1
    # The catalogue entries stay, marked destroyed.
    assert (
        Document.objects.for_council(wigan)
        .filter(pk__in=[d.pk for d in due], disposed_at__isnull=False)
        .count()
        == 3
    )

    content, rows = certificate_of(run)
    assert {r["sha256"] for r in rows} == set(stored.values())
    assert {r["approved_by"] for r in rows} == {approver.user.username}
    entry = AuditEntry.objects.get(action="records.disposal.completed", object_id=str(run.pk))
    assert entry.data["certificate_sha256"] == hashlib.sha256(content).hexdigest()
    assert audit.verify().intact
    assert run.certificate is not None and run.certificate.record_class.action == "permanent"
    event = DomainEvent.objects.for_council(wigan).get(type="records.disposal.completed")
    assert event.data["certificate_sha256"] == entry.data["certificate_sha256"]


def test_the_proposer_cannot_approve_their_own_run(due, manager, wigan) -> None:
    run = disposal.propose_disposal(manager, wigan)
    with pytest.raises(Refused, match="second person"):
        disposal.approve_disposal(manager, run)


def test_a_hold_placed_after_approval_still_blocks_and_the_run_says_why(
    due, manager, approver, wigan, storage
) -> None:
    run = disposal.propose_disposal(manager, wigan)
    held = due[0]
    retention.place_hold(manager, wigan, title="Smith v Wigan", reason="litigation", documents=[held.pk])
    retention.place_hold(
        manager, wigan, title="Audit inquiry", reason="inquiry", link_type="contract", link_id="C-9"
    )
    run = disposal.approve_disposal(approver, run)
    assert (run.destroyed, run.skipped) == (2, 1)
    item = DisposalItem.objects.for_council(wigan).get(run=run, document=held)
    assert item.outcome == "skipped" and "Smith v Wigan (Litigation)" in item.skip_reason
    version = DocumentVersion.objects.for_council(wigan).get(document=held)
    assert version.stored_as and default_storage.exists(version.stored_as)
    held.refresh_from_db()
    assert held.disposed_at is None
    assert [h.document.pk for h in selectors.search(manager, wigan, "number 0")] == [held.pk]
    _, rows = certificate_of(run)
    assert str(held.pk) not in {r["identifier"] for r in rows}


def test_holds_by_class_and_by_link_block_too_until_lifted(add, manager, approver, wigan) -> None:
    linked = add("Provider letter", dated="2020-01-01", links=["provider:P-1"])
    classed = add("Tender score", dated="2010-01-01", record_class="TEN")
    by_link = retention.place_hold(
        manager, wigan, title="Provider dispute", reason="litigation", link_type="provider", link_id="P-1"
    )
    retention.place_hold(manager, wigan, title="Procurement inquiry", reason="inquiry", record_class="TEN")
    run = disposal.approve_disposal(approver, disposal.propose_disposal(manager, wigan))
    assert (run.destroyed, run.skipped) == (0, 2)
    retention.lift_hold(manager, by_link, "Dispute settled in 2026")
    run = disposal.approve_disposal(approver, disposal.propose_disposal(manager, wigan))
    assert run.destroyed == 1
    linked.refresh_from_db()
    classed.refresh_from_db()
    assert linked.disposed_at is not None and classed.disposed_at is None


def test_nothing_due_is_a_conflict_and_permanent_records_are_never_proposed(add, manager, wigan) -> None:
    add("Cabinet minutes 1990", record_class="GOV-DEC", dated="1990-01-01", trigger_date="1990-01-01")
    with pytest.raises(Conflict):
        disposal.propose_disposal(manager, wigan)


def test_lifting_a_hold_needs_a_reason_and_happens_once(add, manager, wigan) -> None:
    hold = retention.place_hold(manager, wigan, title="Inquiry", reason="inquiry", documents=[add("A").pk])
    with pytest.raises(Refused) as refused:
        retention.lift_hold(manager, hold, "")
    assert refused.value.field == "reason"
    retention.lift_hold(manager, hold, "The inquiry reported")
    with pytest.raises(Conflict):
        retention.lift_hold(manager, hold, "Again, again")
    types = list(
        DomainEvent.objects.for_council(wigan)
        .filter(type__startswith="records.hold")
        .values_list("type", flat=True)
    )
    assert types == ["records.hold.placed", "records.hold.lifted"]


def test_only_a_records_manager_proposes_and_a_councillor_cannot_approve(
    due, make_user, manager, wigan
) -> None:
    from django.core.exceptions import PermissionDenied

    councillor = Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan)
    with pytest.raises(PermissionDenied):
        disposal.propose_disposal(councillor, wigan)
    run = disposal.propose_disposal(manager, wigan)
    with pytest.raises(PermissionDenied):
        disposal.approve_disposal(councillor, run)
