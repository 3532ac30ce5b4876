"""Every door into records: pages, the API (multipart uploads included), the command and the scheduled
task. A hold blocks disposal whichever door approves it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from civichub.core.actors import Actor
from civichub.core.models import Role
from civichub.records import samples
from civichub.records.models import DisposalItem, DisposalRun, Document
from civichub.records.services import disposal, retention


@pytest.fixture
def held_and_due(add, manager, wigan) -> tuple[Document, Document]:
    held = add("Held letter", "letter under a claim", dated="2019-01-01")
    free = add("Free letter", "letter nobody needs", dated="2019-01-01")
    retention.place_hold(manager, wigan, title="Jones v Wigan", reason="litigation", documents=[held.pk])
    return held, free


def assert_hold_kept(run: DisposalRun, held: Document, free: Document) -> None:
    run.refresh_from_db()
    assert run.status == "completed" and (run.destroyed, run.skipped) == (1, 1)
    held.refresh_from_db()
    free.refresh_from_db()
    assert held.disposed_at is None and free.disposed_at is not None
    item = DisposalItem.objects.for_council(run.council).get(run=run, document=held)
    assert "Jones v Wigan" in item.skip_reason


def test_the_web_pages_propose_and_approve_and_the_hold_holds(
    client_as, records_manager, commissioner, wigan, held_and_due
) -> None:
    manager_client = client_as(records_manager)
    response = manager_client.post("/c/wigan/records/disposals/", {"due_by": ""})
    assert response.status_code == 302, response.content[:2000]
    run = DisposalRun.objects.for_council(wigan).get()
    page = manager_client.get(f"/c/wigan/records/disposals/{run.pk}/")
    assert page.status_code == 200 and b"Approve the disposal" not in page.content  # not the proposer
    approver = client_as(commissioner)
    response = approver.post(f"/c/wigan/records/disposals/{run.pk}/", {"action": "approve", "at": ""})
    assert response.status_code == 302
    assert_hold_kept(run, *held_and_due)
    page = approver.get(f"/c/wigan/records/disposals/{run.pk}/")
    assert b"Under legal hold: Jones v Wigan" in page.content


def test_the_api_proposes_and_approves_and_the_hold_holds(
    client_as, records_manager, commissioner, wigan, held_and_due
) -> None:
    response = client_as(records_manager).post(
        "/api/v1/c/wigan/disposal-runs", {}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    own = client_as(records_manager).post(
        f"/api/v1/c/wigan/disposal-runs/{run_id}/approve", {}, content_type="application/json"
    )
    assert own.status_code == 400 and "second person" in own.json()["detail"]
    response = client_as(commissioner).post(
        f"/api/v1/c/wigan/disposal-runs/{run_id}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert_hold_kept(DisposalRun.objects.for_council(wigan).get(), *held_and_due)
    items = client_as(commissioner).get(f"/api/v1/c/wigan/disposal-runs/{run_id}/items").json()
    assert {i["outcome"] for i in items["items"]} == {"destroyed", "skipped"}


def test_the_command_proposes_and_approves_and_the_hold_holds(
    records_manager, commissioner, wigan, held_and_due
) -> None:
    out = StringIO()
    call_command("records", "dispose", "propose", "wigan", "--as", records_manager.username, stdout=out)
    run = DisposalRun.objects.for_council(wigan).get()
    call_command(
        "records", "dispose", "approve", "wigan", run.reference, "--as", commissioner.username, stdout=out
    )
    assert "skipped Held letter: Under legal hold: Jones v Wigan" in out.getvalue()
    assert_hold_kept(run, *held_and_due)


@pytest.fixture
def run_worker(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())


def test_a_scheduled_run_is_carried_out_by_the_worker_and_the_hold_holds(
    manager, make_user, wigan, held_and_due, run_worker, django_capture_on_commit_callbacks
) -> None:
    approver = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    run = disposal.propose_disposal(manager, wigan)
    with django_capture_on_commit_callbacks(execute=True):
        run = disposal.approve_disposal(approver, run, at=timezone.now())
    assert run.status == "approved"
    run_worker()
    assert_hold_kept(run, *held_and_due)


def test_documents_through_the_api_multipart_upload_search_and_content(
    client_as, records_manager, wigan, schedule
) -> None:
    client = client_as(records_manager)
    content = samples.docx("The cabinet agreed the carers strategy")
    response = client.post(
        "/api/v1/c/wigan/documents",
        {
            "file": SimpleUploadedFile("strategy.docx", content),
            "title": "Carers strategy",
            "record_class": "POL",
            "kind": "policy",
            "review_on": "2027-01-01",
            "links": "service:S-1, decision:D-1",
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["versions"][0]["sha256"] and len(made["links"]) == 2
    bad = client.post(
        "/api/v1/c/wigan/documents",
        {"file": SimpleUploadedFile("x.pdf", samples.png()), "title": "x", "record_class": "POL"},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "file"
    found = client.get("/api/v1/c/wigan/documents?q=carers").json()
    assert found["count"] == 1 and "<mark>carers</mark>" in found["items"][0]["snippet"].lower()
    got = client.get(f"/api/v1/c/wigan/documents/{made['id']}/versions/1/content")
    assert got.status_code == 200 and got.content == content


def test_every_records_page_answers(client_as, records_manager, add, manager, wigan) -> None:
    from civichub.records.services import decisions, requests

    document = add("Safeguarding review", "sensitive words", marking="official_sensitive")
    decision = decisions.publish_decision(
        manager,
        decisions.record_decision(
            manager,
            wigan,
            title="Day centres",
            decision="Keep open",
            maker_kind="cabinet",
            maker_name="Cabinet",
            decided_on="2026-01-05",
            is_key=True,
            votes=[("Cllr A", "for")],
        ),
    )
    hold = retention.place_hold(manager, wigan, title="Claim", reason="litigation", documents=[document.pk])
    request = requests.open_request(
        manager, wigan, kind="foi", received_on="2026-01-05", requester="A", summary="B"
    )
    client = client_as(records_manager)
    pages = [
        "/c/wigan/records/",
        "/c/wigan/records/?format=csv",
        "/c/wigan/records/documents/",
        "/c/wigan/records/documents/?q=safeguarding",
        "/c/wigan/records/documents/new/",
        f"/c/wigan/records/documents/{document.pk}/",
        f"/c/wigan/records/documents/{document.pk}/?purpose=Case+review",
        "/c/wigan/records/policies/",
        "/c/wigan/records/policies/?due=1",
        "/c/wigan/records/decisions/",
        "/c/wigan/records/decisions/new/",
        f"/c/wigan/records/decisions/{decision.pk}/",
        "/c/wigan/records/forward-plan/",
        "/c/wigan/records/schedule/",
        "/c/wigan/records/holds/",
        f"/c/wigan/records/holds/{hold.pk}/",
        "/c/wigan/records/disposals/",
        "/c/wigan/records/requests/",
        f"/c/wigan/records/requests/{request.pk}/",
        "/decisions/wigan/",
        "/decisions/wigan/?format=csv",
        "/decisions/wigan/feed.atom",
        f"/decisions/wigan/{decision.pk}/",
    ]
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert b"Say why you need it" in client.get(f"/c/wigan/records/documents/{document.pk}/").content
    assert b"sensitive words" not in client.get("/decisions/wigan/").content
    assert b"Day centres" in client.get("/decisions/wigan/feed.atom").content
    response = client.post("/c/wigan/records/documents/new/", {"title": "No file"})
    assert response.status_code == 400 and b"Choose the file" in response.content
    # The shared form page's opening: "Error: " in the title, the summary linking to the field.
    assert b"<title>Error: " in response.content and b'href="#file"' in response.content
