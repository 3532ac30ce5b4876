"""Contacts as CSV through the kernel's import: every problem named by line and column and nothing
written; a clean file written with its providers, counted by month, audited and published once; the
same import from the command line and the API; and a file of 100,000 contacts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.core.models import Organisation, OrganisationIdentifier, Role
from civichub.core.outbox import DomainEvent
from civichub.needs import demand_figures
from civichub.needs.models import Contact, ContactCount

HEADER = "date,channel,category,service,provider,value_or_failure,failure_cause"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def officer(wigan, make_user) -> Actor:
    return Actor(user=make_user(Role.ANALYST, wigan), council=wigan)


@pytest.fixture
def care_provider(db) -> Organisation:
    org = Organisation.objects.create(name="Wigan Home Care Ltd", kind=Organisation.Kind.COMPANY)
    OrganisationIdentifier.objects.create(organisation=org, scheme="GB-COH", identifier="07654321")
    return org


def test_a_bad_file_names_each_line_and_column_and_imports_nothing(wigan, officer, care_provider) -> None:
    content = csv(
        "2025-01-02,phone,housing,Housing options,,value,",  # line 2: fine
        "2025-01-03,pigeon,housing,Housing options,,value,",  # 3: unknown channel
        "2025-01-04,phone,housing,Housing options,,failure,bad weather",  # 4: unknown cause
        "2025-01-05,phone,housing,Housing options,,failure,",  # 5: failure without cause
        "5 January,phone,housing,Housing options,,value,",  # 6: not a date
        "2025-01-06,email,housing,Home care,GB-COH-99999999,value,",  # 7: unknown provider
        "2025-01-07,email,astrology,Home care,GB-COH-07654321,maybe,",  # 8: category and kind
    )
    with pytest.raises(ImportRejected) as rejected:
        run_now(officer, wigan, "contacts", file_name="contacts.csv", content=content)
    assert [(e.line, e.field) for e in rejected.value.rows] == [
        (3, "channel"),
        (4, "failure_cause"),
        (5, "failure_cause"),
        (6, "date"),
        (7, "provider"),
        (8, "category"),
        (8, "value_or_failure"),
    ]
    assert "GB-COH-99999999" in rejected.value.rows[4].message
    assert "chasing progress" in rejected.value.rows[1].message  # the causes it may use
    assert not Contact.objects.for_council(wigan).exists()
    assert not ContactCount.objects.for_council(wigan).exists()


def test_a_clean_file_is_written_with_its_providers_counted_audited_and_published_once(
    wigan, officer, care_provider
) -> None:
    run, _ = run_now(
        officer,
        wigan,
        "contacts",
        file_name="contacts.csv",
        content=csv(
            "2025-01-02,phone,adult-social-care,Home care,gb-coh-07654321,failure,Chasing progress",
            "2025-01-09,visit,adult-social-care,Home care,GB-COH-07654321,value,",
            "2025-02-02,web,housing,Housing options,,value,",
        ),
    )
    assert (run.created, run.notes) == (3, ["1 of the 3 contacts are failure demand"])
    contacts = Contact.objects.for_council(wigan).order_by("occurred_on")
    assert [(c.provider_id, c.kind, c.cause) for c in contacts] == [
        (care_provider.pk, "failure", "chasing progress"),
        (care_provider.pk, "value", ""),
        (None, "value", ""),
    ]
    assert sum(ContactCount.objects.for_council(wigan).values_list("contacts", flat=True)) == 3
    event = DomainEvent.objects.for_council(wigan).get(type="needs.contacts.recorded")
    assert event.data == {"contacts": 3, "failure": 1, "source": "import"}
    assert AuditEntry.objects.filter(action="needs.contacts.recorded", council_id=wigan.pk).count() == 1


def test_the_command_line_and_the_api_run_the_same_import(
    wigan, make_user, client_as, care_provider, tmp_path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(csv("2025-03-02,phone,housing,Housing options,,failure,passed around"))
    out = io.StringIO()
    call_command("imports", "run", "contacts", wigan.slug, str(path), "--no-progress", stdout=out)
    assert "1 added" in out.getvalue()
    client = client_as(make_user(Role.COMMISSIONER, wigan))  # who runs imports on the web and API
    upload = SimpleUploadedFile(
        "more.csv", csv("2025-03-03,email,housing,Housing options,GB-COH-07654321,value,"), "text/csv"
    )
    answer = client.post(f"/api/v1/c/{wigan.slug}/imports", {"import_type": "contacts", "file": upload})
    assert answer.status_code == 202, answer.content
    page = client.get(f"/c/{wigan.slug}/imports/")
    assert page.status_code == 200 and b"Contacts: value and failure demand" in page.content


def test_a_councillor_cannot_import_contacts(wigan, make_user) -> None:
    councillor = Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan)
    with pytest.raises(PermissionDenied):
        run_now(
            councillor,
            wigan,
            "contacts",
            file_name="c.csv",
            content=csv("2025-03-02,phone,housing,Housing options,,value,"),
        )


def test_a_file_of_100000_contacts_imports_with_progress(wigan, officer, care_provider) -> None:
    services = ["Housing options", "Home care", "Council tax and benefits"]
    causes = ["chasing progress", "not understood", "passed around"]
    rows = []
    for n in range(100_000):
        day = date(2025, 1 + n % 12, 1 + n % 28).isoformat()
        provider = "GB-COH-07654321" if n % 3 == 1 else ""
        kind, cause = ("failure", causes[n % 3]) if n % 5 < 2 else ("value", "")
        rows.append(f"{day},phone,housing,{services[n % 3]},{provider},{kind},{cause}")
    content = csv(*rows)
    assert len(content) < 10 * 1024 * 1024  # under the upload limit, so the web and the API take it
    stages: list[tuple[str, int, int]] = []
    run, _ = run_now(
        officer,
        wigan,
        "contacts",
        file_name="year.csv",
        content=content,
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    assert run.created == 100_000 and Contact.objects.for_council(wigan).count() == 100_000
    saving = [(done, total) for stage, done, total in stages if stage == "Saving contacts"]
    assert len(saving) >= 20 and saving[-1] == (100_000, 100_000)
    found = demand_figures.demand(wigan, demand_figures.filters_of(provider=str(care_provider.pk)))
    # Every third row (n % 3 == 1) names the provider: 33,333 contacts, all of them "Home care".
    assert found.contacts == 33_333 and [s.name for s in found.services] == ["Home care"]
    assert found.failure == sum(1 for n in range(1, 100_000, 3) if n % 5 < 2)
