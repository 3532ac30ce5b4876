"""Documents: kept with each version's SHA-256, files checked on the way in (a bad one stores nothing),
and found by ranked full-text search that never shows a reader a record they may not see."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import Refused
from civichub.core.models import DomainEvent, Role
from civichub.records import samples, selectors
from civichub.records.models import Document, DocumentVersion
from civichub.records.services import documents


def test_a_document_is_kept_with_its_hash_indexed_audited_and_published(add, wigan, storage) -> None:
    content = samples.pdf("Home care framework contract with Makerfield Homecare")
    document = add(
        "Home care framework",
        content=content,
        record_class="CON",
        trigger_date="2024-03-31",
        links=["contract:C-2024-001", ("provider", "org-1")],
    )
    version = DocumentVersion.objects.for_council(wigan).get(document=document)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert (storage / version.stored_as).read_bytes() == content
    assert str(document.dispose_on) == "2030-03-31"  # six years after the contract ends
    assert {(link.target_type, link.target_id) for link in selectors.links(document)} == {
        ("contract", "C-2024-001"),
        ("provider", "org-1"),
    }
    assert AuditEntry.objects.filter(action="records.document.added", object_id=str(document.pk)).exists()
    event = DomainEvent.objects.for_council(wigan).get(type="records.document.added")
    assert event.data["record_class"] == "CON"


def test_every_version_is_kept(add, manager, wigan, storage) -> None:
    document = add("Carers' strategy", "first draft")
    documents.add_version(manager, document, file_name="strategy.docx", content=samples.docx("final text"))
    kept = DocumentVersion.objects.for_council(wigan).filter(document=document).order_by("number")
    assert [v.number for v in kept] == [1, 2]
    assert all((storage / v.stored_as).exists() for v in kept)
    hits = selectors.search(manager, wigan, "final")
    assert [h.document.pk for h in hits] == [document.pk]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("plans.pdf", samples.encrypted_pdf(), "encrypted"),
        ("minutes.docx", samples.zip_bomb(), "zip bomb"),
        ("photo.pdf", samples.png(), "content is a PNG image"),
        ("report.docx", samples.pdf("x"), "content is a PDF"),
        ("virus.exe", b"MZ\x90\x00", "cannot be kept"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field_and_nothing_is_stored(
    add, wigan, storage, name, content, says
) -> None:
    with pytest.raises(Refused) as refused:
        add("Bad", content=content, file_name=name)
    assert refused.value.field == "file" and says in refused.value.message
    assert not Document.objects.for_council(wigan).exists()
    assert not storage.exists() or not any(p.is_file() for p in storage.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(add, settings, wigan) -> None:
    settings.CIVICHUB_RECORDS_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(Refused, match="larger than"):
        add("Big", content=samples.pdf("x" * 2000))
    assert not Document.objects.for_council(wigan).exists()


def test_search_ranks_highlights_and_filters(add, manager, wigan) -> None:
    add(
        "Minutes of the youth work board",
        "The board agreed the youth work plan for Leigh",
        record_class="CORR",
    )
    add("Day centre review", "Youth clubs were mentioned once", record_class="TEN", dated="2025-01-10")
    add("Bin collection letter", "Nothing about young people")
    hits = list(selectors.search(manager, wigan, "youth work"))
    assert hits[0].document.title == "Minutes of the youth work board"
    assert "<mark>youth</mark>" in hits[0].snippet.lower()
    tender = selectors.search(manager, wigan, "youth", record_class="TEN")
    assert [h.document.title for h in tender] == ["Day centre review"]
    assert len(selectors.search(manager, wigan, "youth", until="2025-06-01")) == 1
    assert len(selectors.search(manager, wigan, "nothing matches this")) == 0


def test_search_words_are_never_query_syntax(add, manager, wigan) -> None:
    add("Budget report", "revenue budget")
    for query in ['budget"', "budget OR NOT", "title:budget", "budget*", "(budget", "-budget", "NEAR(budget"]:
        assert len(selectors.search(manager, wigan, query)) in (0, 1)


def test_search_and_reads_respect_the_marking(add, make_user, manager, wigan) -> None:
    add("Safeguarding review", "confidential safeguarding review", marking="official_sensitive")
    add("Safeguarding leaflet", "public safeguarding leaflet")
    councillor = Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan)
    seen = selectors.search(councillor, wigan, "safeguarding")
    assert [h.document.title for h in seen] == ["Safeguarding leaflet"] and seen.count() == 1
    # Paging happens in SQL after the permission filter: the first page of one is the leaflet.
    assert [h.document.title for h in seen[0:1]] == ["Safeguarding leaflet"]
    assert len(selectors.search(councillor, wigan, "")) == 1
    sensitive = Document.objects.for_council(wigan).get(title="Safeguarding review")
    with pytest.raises(Exception) as not_found:
        selectors.document(councillor, wigan, sensitive.pk, "audit review")
    assert getattr(not_found.value, "status", 404) == 404

    before = AuditEntry.objects.filter(action="records.document.search_read").count()
    assert len(list(selectors.search(manager, wigan, "safeguarding"))) == 2
    assert AuditEntry.objects.filter(action="records.document.search_read").count() == before + 1
    with pytest.raises(Refused) as no_purpose:
        selectors.document(manager, wigan, sensitive.pk)
    assert no_purpose.value.field == "purpose"
    selectors.document(manager, wigan, sensitive.pk, "Reviewing the case file")
    read = AuditEntry.objects.filter(action="records.document.read", object_id=str(sensitive.pk)).get()
    assert read.purpose == "Reviewing the case file"


def test_residents_and_providers_see_no_records(make_user, wigan, add) -> None:
    add("Anything")
    for role in (Role.RESIDENT, Role.PROVIDER_STAFF):
        with pytest.raises(PermissionDenied):
            selectors.search(Actor(user=make_user(role, wigan), council=wigan), wigan, "anything")


def test_sunderland_never_sees_wigans_records(add, make_user, sunderland) -> None:
    add("Wigan only", "wigan only words")
    officer = Actor(user=make_user(Role.RECORDS_MANAGER, sunderland), council=sunderland)
    assert len(selectors.search(officer, sunderland, "wigan")) == 0


def test_policies_remind_once_per_review_date(add, manager, wigan) -> None:
    policy = add("Safeguarding adults policy", kind="policy", review_on="2026-01-10", record_class="POL")
    add("Later policy", kind="policy", review_on="2030-01-10", record_class="POL")
    from datetime import date

    assert documents.remind_reviews(manager, wigan, date(2026, 1, 1)) == 1
    assert documents.remind_reviews(manager, wigan, date(2026, 1, 2)) == 0
    event = DomainEvent.objects.for_council(wigan).get(type="records.policy.review_due")
    assert event.data["document_id"] == str(policy.pk)
    assert [
        p.title for p in selectors.policies(manager, wigan, due_within_days=30, today=date(2026, 1, 1))
    ] == ["Safeguarding adults policy"]
    with pytest.raises(Refused) as refused:
        add("Policy without review", kind="policy", record_class="POL")
    assert refused.value.field == "review_on"


def test_refiling_changes_the_disposal_date_and_the_index(add, manager, wigan) -> None:
    document = add("Old contract", "cleaning contract", record_class="CON", trigger_date="2020-01-01")
    documents.change_document(manager, document, record_class="CON-SEAL", title="Old sealed contract")
    document.refresh_from_db()
    assert str(document.dispose_on) == "2032-01-01"
    assert [h.document.title for h in selectors.search(manager, wigan, "sealed")] == ["Old sealed contract"]
    assert [h.document.title for h in selectors.search(manager, wigan, "cleaning")] == ["Old sealed contract"]


def test_a_batch_of_documents_is_imported_whole_or_not_at_all(manager, wigan, schedule) -> None:
    """The importer checks every file as an upload would, and a bad one stops the whole batch."""
    import base64
    import json

    from civichub.core.importing import ImportRejected
    from civichub.core.importing.runner import run_now

    def record(title: str, content: bytes, file_name: str = "minutes.pdf") -> dict[str, object]:
        return {
            "title": title,
            "record_class": "CORR",
            "file_name": file_name,
            "content_base64": base64.b64encode(content).decode(),
            "links": ["ward:E05000841"],
        }

    batch = [
        record("Minutes of the estates board", samples.pdf("estates board minutes gritting")),
        record("Gritting routes", samples.docx("gritting routes for the winter"), "routes.docx"),
    ]
    bad = [
        *batch,
        record("Locked", samples.encrypted_pdf()),
        {**record("Not base64", b""), "content_base64": "!!!"},
        record("A zip bomb", samples.zip_bomb(), "bomb.docx"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        run_now(manager, wigan, "records_documents", file_name="bad.json", content=json.dumps(bad).encode())
    fields = [error.field for error in rejected.value.errors]
    assert fields == [
        "record 3, field 'content_base64'",
        "record 4, field 'content_base64'",
        "record 5, field 'content_base64'",
    ]
    assert not selectors.documents(manager, wigan).exists()
    run, _ = run_now(
        manager, wigan, "records_documents", file_name="good.json", content=json.dumps(batch).encode()
    )
    assert run.created == 2
    found = selectors.search(manager, wigan, "gritting")
    assert {hit.document.title for hit in found} == {"Minutes of the estates board", "Gritting routes"}
