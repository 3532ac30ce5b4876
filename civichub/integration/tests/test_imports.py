"""The importer framework, through the providers import: upload, background worker, progress, the
record of the import, all-or-nothing refusal naming rows and fields, idempotency and size limits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from civichub.core.importing import MAX_BYTES
from civichub.core.models import AuditEntry, CouncilProvider, DomainEvent, ImportRun, Role

GOOD = (
    "name,kind,companies_house_number,charity_number,services,since\n"
    "Makerfield Homecare Ltd,company,09876543,,Home care,2021-04-01\n"
    "Leigh Carers Trust,charity,,1123456,Carers' support,2019-10-01\n"
    "Golborne Men's Shed,community,,,Social prescribing,2023-01-15\n"
)
BAD = (
    "name,kind,companies_house_number,charity_number,services,since\n"
    "Makerfield Homecare Ltd,company,09876543,,Home care,2021-04-01\n"
    ",spaceship,12,,,yesterday\n"
    "Twice Ltd,company,09876543,,Day care,2020-01-01\n"
)


@pytest.fixture
def commissioner(make_user, wigan):
    return make_user(Role.COMMISSIONER, wigan)


def upload(client, content: str, name: str = "providers.csv", **extra):
    data = {
        "import_type": "providers",
        "file": SimpleUploadedFile(name, content.encode(), "text/csv"),
        **extra,
    }
    return client.post("/api/v1/c/wigan/imports", data)


@pytest.fixture
def run_worker(monkeypatch):
    """Run the real `civichub worker --batch` in this process until the queue is empty.

    The worker drops database connections between tasks (as Django does between requests); here the
    whole test is one transaction on one connection, so that one housekeeping step is switched off.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())


def test_an_uploaded_file_is_imported_by_the_worker(
    run_worker, client_as, commissioner, wigan, django_capture_on_commit_callbacks
):
    client = client_as(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run_worker()
    result = client.get(f"/api/v1/c/wigan/imports/{response.json()['id']}").json()
    assert (result["status"], result["created"], result["updated"], result["unchanged"]) == (
        "succeeded",
        3,
        0,
        0,
    )
    assert (result["done"], result["total"]) == (3, 3)
    names = set(CouncilProvider.objects.for_council(wigan).values_list("organisation__name", flat=True))
    assert {"Makerfield Homecare Ltd", "Leigh Carers Trust", "Golborne Men's Shed"} <= names
    assert DomainEvent.objects.for_council(wigan).filter(type="core.import.completed").count() == 1
    assert DomainEvent.objects.for_council(wigan).filter(type="core.provider.added").count() == 3
    assert AuditEntry.objects.filter(action="core.import.completed", council_id=str(wigan.pk)).count() == 1


def test_a_bad_file_names_every_problem_and_changes_nothing(
    run_worker, client_as, commissioner, wigan, django_capture_on_commit_callbacks
):
    client = client_as(commissioner)
    before = CouncilProvider.objects.for_council(wigan).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, BAD)
    run_worker()
    result = client.get(f"/api/v1/c/wigan/imports/{response.json()['id']}").json()
    assert result["status"] == "failed" and "Nothing was imported" in result["message"]
    problems = {(e["line"], e["field"]) for e in result["errors"]}
    assert {
        (3, "name"),
        (3, "kind"),
        (3, "companies_house_number"),
        (3, "services"),
        (3, "since"),
        (4, None),
    } == problems
    assert "GB-COH-09876543 is also on line 2" in {e["message"] for e in result["errors"]}
    assert CouncilProvider.objects.for_council(wigan).count() == before
    page = client.get(f"/c/wigan/imports/{response.json()['id']}/").content.decode()
    assert "Nothing was imported" in page and "is not a date like 2024-04-01" in page


def test_the_same_file_twice_is_imported_once(
    run_worker, client_as, commissioner, django_capture_on_commit_callbacks
):
    client = client_as(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, GOOD)
    run_worker()
    again = upload(client, GOOD, name="renamed.csv")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    keyed = upload(client, GOOD, idempotency_key="april-2026")
    assert keyed.status_code == 202  # a new key is a new import


def test_oversized_empty_and_unknown_uploads_are_refused(client_as, commissioner, wigan) -> None:
    client = client_as(commissioner)
    big = upload(client, "x" * (MAX_BYTES + 1))
    assert big.status_code == 400 and "the largest allowed is 10 MB" in big.json()["detail"]
    empty = upload(client, "").json()
    assert empty["errors"] == [{"field": "file", "message": "The file is empty"}]
    wrong = client.post(
        "/api/v1/c/wigan/imports", {"import_type": "spaceships", "file": SimpleUploadedFile("a.csv", b"a")}
    )
    assert wrong.status_code == 400 and "Unknown import type 'spaceships'" in wrong.json()["detail"]
    assert ImportRun.objects.for_council(wigan).count() == 0


def test_only_commissioners_import(client_as, make_user, wigan) -> None:
    analyst = client_as(make_user(Role.ANALYST, wigan))
    assert upload(analyst, GOOD).status_code == 403
    assert analyst.get("/c/wigan/imports/").status_code == 403


def test_the_web_page_uploads_and_shows_progress_then_the_result(
    run_worker, client_as, commissioner, django_capture_on_commit_callbacks
):
    client = client_as(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/wigan/imports/",
            {"import_type": "providers", "file": SimpleUploadedFile("p.csv", GOOD.encode())},
        )
    assert response.status_code == 302
    waiting = client.get(response["Location"]).content.decode()
    assert "<progress" in waiting and 'http-equiv="refresh"' in waiting
    run_worker()
    done = client.get(response["Location"]).content.decode()
    assert "3 added, 0 updated, 0 unchanged" in done and "<progress" not in done
    missing = client.post("/c/wigan/imports/", {"import_type": "providers"})
    assert missing.status_code == 400 and "Choose a file to import" in missing.content.decode()


def test_the_command_line_imports_with_a_progress_bar(tmp_path, wigan) -> None:
    path = tmp_path / "providers.csv"
    path.write_text(GOOD)
    out = StringIO()
    call_command("imports", "run", "providers", "wigan", str(path), "--no-progress", stdout=out)
    assert "3 added, 0 updated, 0 unchanged" in out.getvalue()
    path.write_text(GOOD.replace("Home care", "Home care and reablement"))
    out = StringIO()
    call_command("imports", "run", "providers", "wigan", str(path), "--no-progress", stdout=out)
    assert "0 added, 1 updated, 2 unchanged" in out.getvalue()
    path.write_text(BAD)
    with pytest.raises(CommandError, match=r"line 3, field 'since': 'yesterday' is not a date"):
        call_command("imports", "run", "providers", "wigan", str(path), "--no-progress")


def test_the_imports_page_offers_only_what_the_person_may_run(client_as, commissioner, wigan) -> None:
    page = client_as(commissioner).get(f"/c/{wigan.slug}/imports/").content.decode()
    assert 'value="providers"' in page
    # Cost returns are a provider's to submit, never a commissioner's to upload for them.
    assert 'value="cost_returns"' not in page
