"""Retention: old delivered events, delivery attempts, finished jobs and import runs go; whatever a webhook
is still owed stays, other councils' rows are untouched, a dry run changes nothing, and cursors go on
working. The periods are the council's to set, on the page and through the API, within bounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from civichub.core import pruning
from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import Refused
from civichub.core.models import Council, DomainEvent, ImportRun, Job, RetentionPeriod, Role
from civichub.core.outbox import publish
from civichub.integration import selectors
from civichub.integration.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

SYSTEM = Actor.system("retention tests")
Status = WebhookDelivery.Status


@dataclass
class Made:
    """The rows a test made, by name, so it can say which must go and which must stay."""

    now: datetime
    events: dict[str, DomainEvent] = field(default_factory=dict)
    deliveries: dict[str, WebhookDelivery] = field(default_factory=dict)
    attempts: dict[str, DeliveryAttempt] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    runs: dict[str, ImportRun] = field(default_factory=dict)


def _ago(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def make_world(council: Council, now: datetime) -> Made:
    """One of each case for a council, at fixed ages relative to `now` (defaults: events 730 days,
    attempts 90, jobs and imports 365)."""
    made = Made(now)
    on = WebhookEndpoint.objects.create(council=council, url="https://example.org/on", secret="whsec_a")
    off = WebhookEndpoint.objects.create(
        council=council, url="https://example.org/off", secret="whsec_b", is_active=False
    )

    def event(name: str, days: int, *, fanned_out: bool = True) -> DomainEvent:
        made.events[name] = DomainEvent.objects.create(
            council=council,
            type="core.council.added",
            subject_type="core.council",
            subject_id=str(council.pk),
            data={"council_id": str(council.pk), "gss_code": council.gss_code, "name": council.name},
            occurred_at=_ago(now, days),
            fanned_out=fanned_out,
        )
        return made.events[name]

    def delivery(name: str, ev: DomainEvent, status: str, endpoint: WebhookEndpoint = on) -> WebhookDelivery:
        made.deliveries[name] = WebhookDelivery.objects.create(
            council=council, endpoint=endpoint, event=ev, status=status, next_attempt_at=ev.occurred_at
        )
        return made.deliveries[name]

    def attempt(name: str, of: WebhookDelivery, days: int) -> None:
        made.attempts[name] = DeliveryAttempt.objects.create(
            council=council, delivery=of, attempted_at=_ago(now, days), request_body="{}"
        )

    # Delivered and given up, long ago: the event, its delivery and its attempts all go.
    attempt("old delivered", delivery("old delivered", event("old delivered", 800), Status.SUCCEEDED), 800)
    attempt("old given up", delivery("old given up", event("old given up", 790), Status.FAILED), 780)
    # Still owed (retrying, or waiting for a switched-off endpoint), however old: everything stays.
    retrying = delivery("old retrying", event("old owed", 800), Status.PENDING)
    attempt("old retrying 1", retrying, 799)
    attempt("old retrying 2", retrying, 700)
    delivery("old waiting", event("old owed to a switched-off endpoint", 800), Status.PENDING, off)
    # Not yet fanned out: the dispatcher has not even made its deliveries.
    event("old not fanned out", 800, fanned_out=False)
    # Fanned out to nobody: nothing is owed.
    event("old for nobody", 760)
    # Within the events' period, past the attempts': the attempt's log goes, the rest stays.
    attempt("mid delivered", delivery("mid delivered", event("mid delivered", 200), Status.SUCCEEDED), 200)
    attempt("recent", delivery("recent", event("recent", 10), Status.SUCCEEDED), 10)
    # An event both owed and delivered elsewhere: owed wins, and the finished delivery stays with it.
    both = event("old owed and delivered", 800)
    delivery("old owed one", both, Status.PENDING)
    delivery("old delivered one", both, Status.SUCCEEDED, off)

    def job(name: str, status: str, days: int, *, finished: bool = True) -> Job:
        made.jobs[name] = Job.objects.create(
            council=council,
            kind="test",
            status=status,
            started_at=_ago(now, days),
            finished_at=_ago(now, days) if finished else None,
        )
        return made.jobs[name]

    job("old succeeded", Job.Status.SUCCEEDED, 400)
    job("old failed", Job.Status.FAILED, 366)
    job("old running", Job.Status.RUNNING, 400, finished=False)
    job("old queued", Job.Status.QUEUED, 400, finished=False)
    job("recent succeeded", Job.Status.SUCCEEDED, 10)

    def run(name: str, status: str, days: int, *, stored: bool) -> None:
        finished = status in (Job.Status.SUCCEEDED, Job.Status.FAILED)
        of = job(f"run: {name}", status, days, finished=finished)
        made.runs[name] = ImportRun.objects.create(
            council=council,
            job=of,
            import_type="providers",
            file_name="p.csv",
            sha256=name,
            size=1,
            idempotency_key=f"{council.slug}:{name}",
            stored_as=default_storage.save(f"imports/test-{council.slug}.csv", ContentFile(b"x"))
            if stored
            else "",
        )

    run("old finished", Job.Status.FAILED, 400, stored=True)
    run("old queued", Job.Status.QUEUED, 400, stored=True)
    run("recent finished", Job.Status.SUCCEEDED, 10, stored=False)
    return made


def rows_of(council: Council) -> dict[str, set[Any]]:
    """Every row of the kinds retention touches, per model, for one council."""
    return {
        "events": set(DomainEvent.objects.for_council(council).values_list("seq", flat=True)),
        "deliveries": set(WebhookDelivery.objects.for_council(council).values_list("pk", flat=True)),
        "attempts": set(DeliveryAttempt.objects.for_council(council).values_list("pk", flat=True)),
        "jobs": set(Job.objects.for_council(council).values_list("pk", flat=True)),
        "runs": set(ImportRun.objects.for_council(council).values_list("pk", flat=True)),
    }


def gone(made: Made, **names: list[str]) -> dict[str, set[Any]]:
    tables: dict[str, dict[str, Any]] = {
        "events": made.events,
        "deliveries": made.deliveries,
        "attempts": made.attempts,
        "jobs": made.jobs,
        "runs": made.runs,
    }
    return {kind: {rows[name].pk for name in names.get(kind, [])} for kind, rows in tables.items()}


EXPECTED_GONE = {
    "events": ["old delivered", "old given up", "old for nobody"],
    "deliveries": ["old delivered", "old given up"],
    "attempts": ["old delivered", "old given up", "mid delivered"],
    "jobs": ["old succeeded", "old failed", "run: old finished"],
    "runs": ["old finished"],
}
EXPECTED_COUNTS = {
    "delivery_attempts": 3,
    "events": 3,
    "import_files": 1,
    "import_runs": 1,
    "jobs": 3,
    "webhook_deliveries": 2,
}


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture(autouse=True)
def storage(settings, tmp_path) -> None:
    """Uploads waiting for an import go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path


def test_prune_removes_what_is_past_its_period_and_keeps_what_is_owed(
    wigan, sunderland, now, django_capture_on_commit_callbacks
) -> None:
    made = make_world(wigan, now)
    theirs = make_world(sunderland, now)
    before, theirs_before = rows_of(wigan), rows_of(sunderland)
    old_file, queued_file = made.runs["old finished"].stored_as, made.runs["old queued"].stored_as

    # Small batches, so the batching (and paging past owed events) is exercised. Files go once each
    # batch commits: run those callbacks, as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        counts = pruning.prune(SYSTEM, wigan, now=now, batch=2)

    assert counts == EXPECTED_COUNTS
    told = DomainEvent.objects.for_council(wigan).filter(type="core.retention.pruned").get()
    assert told.data["counts"] == EXPECTED_COUNTS
    expected = {kind: before[kind] - rows for kind, rows in gone(made, **EXPECTED_GONE).items()}
    expected["events"].add(told.seq)
    assert rows_of(wigan) == expected
    assert rows_of(sunderland) == theirs_before, "another council's rows were touched"
    assert not default_storage.exists(old_file)
    assert default_storage.exists(queued_file), "the upload of a run still queued went"
    assert len(theirs.events) == len(made.events)

    entry = AuditEntry.objects.filter(action="core.retention.pruned").get()
    assert entry.council_id == str(wigan.pk)
    assert entry.data["counts"] == EXPECTED_COUNTS
    assert entry.data["periods"] == {"delivery_attempts": 90, "events": 730, "import_runs": 365, "jobs": 365}


def test_a_dry_run_counts_the_same_and_changes_nothing(wigan, now) -> None:
    made = make_world(wigan, now)
    before = rows_of(wigan)
    entries = AuditEntry.objects.count()

    assert pruning.prune(SYSTEM, wigan, now=now, dry_run=True, batch=2) == EXPECTED_COUNTS

    assert rows_of(wigan) == before
    assert AuditEntry.objects.count() == entries
    assert default_storage.exists(made.runs["old finished"].stored_as)
    assert pruning.prune(SYSTEM, wigan, now=now) == EXPECTED_COUNTS


def test_cursors_go_on_working_after_their_events_are_pruned(wigan, commissioner_of, now) -> None:
    actor = Actor(user=commissioner_of(wigan), council=wigan)
    old = [
        DomainEvent.objects.create(
            council=wigan, type="core.council.added", data={}, occurred_at=_ago(now, 900), fanned_out=True
        )
        for _ in range(3)
    ]
    kept = publish(
        "core.council.added", council=wigan, data={"council_id": str(wigan.pk), "gss_code": "x", "name": "x"}
    )
    # The newest event of all is an old one: SQLite would hand its seq out again without AUTOINCREMENT.
    newest = DomainEvent.objects.create(
        council=wigan, type="core.council.added", data={}, occurred_at=_ago(now, 900), fanned_out=True
    )
    cursor = old[1].seq  # a consumer that has read up to the middle of the old events

    pruning.prune(SYSTEM, wigan, now=now)

    assert not DomainEvent.objects.for_council(wigan).filter(seq__in=[e.seq for e in [*old, newest]]).exists()
    after = [e.seq for e in selectors.events(actor, wigan, after=cursor)]
    assert kept.seq in after and old[2].seq not in after
    assert after == sorted(after)
    later = publish(
        "core.council.added", council=wigan, data={"council_id": str(wigan.pk), "gss_code": "x", "name": "x"}
    )
    assert later.seq > newest.seq, "a pruned seq was handed out again"
    assert later.seq in [e.seq for e in selectors.events(actor, wigan, after=newest.seq)]


def test_a_councils_own_periods_and_the_platform_defaults_from_settings(wigan, sunderland, settings, now):
    settings.CIVICHUB_RETENTION_DAYS = {"jobs": 30}

    def job(council: Council | None, days: int) -> Job:
        return Job.objects.create(
            council=council, kind="test", status=Job.Status.SUCCEEDED, finished_at=_ago(now, days)
        )

    platform_job, platform_recent = job(None, 40), job(None, 20)
    wigan_job, sunderland_job = job(wigan, 40), job(sunderland, 40)
    pruning.set_periods(SYSTEM, wigan, {"jobs": 60})

    assert pruning.prune(SYSTEM, None, now=now)["jobs"] == 1
    pruning.prune(SYSTEM, wigan, now=now)
    pruning.prune(SYSTEM, sunderland, now=now)

    assert not Job.objects.for_platform().filter(pk=platform_job.pk).exists()
    assert Job.objects.for_platform().filter(pk=platform_recent.pk).exists()
    assert Job.objects.for_council(wigan).filter(pk=wigan_job.pk).exists(), "Wigan keeps jobs 60 days"
    assert not Job.objects.for_council(sunderland).filter(pk=sunderland_job.pk).exists()
    platform_entry = AuditEntry.objects.filter(action="core.retention.pruned", council_id="").get()
    assert platform_entry.data["periods"]["jobs"] == 30


def test_the_command_prunes_every_council_and_the_platform(wigan, sunderland, now, capsys) -> None:
    make_world(wigan, _ago(now, 1))
    call_command("retention", "prune", "--council", "wigan", "--dry-run")
    out = capsys.readouterr().out
    assert out.startswith("wigan: would remove delivery_attempts 3, events 3,")
    assert not AuditEntry.objects.filter(action="core.retention.pruned").exists()

    call_command("retention", "prune")
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()] == ["sunderland", "wigan", "platform"]
    nothing = "delivery_attempts 0, events 0, import_files 0, import_runs 0, jobs 0, webhook_deliveries 0"
    assert out.splitlines()[0].startswith(f"sunderland: removed {nothing}"), "every kind is reported"
    assert AuditEntry.objects.filter(action="core.retention.pruned").count() == 3
    with pytest.raises(CommandError, match="No council has the slug 'nowhere'"):
        call_command("retention", "prune", "--council", "nowhere")


# ---- setting the periods -----------------------------------------------------------------------------


@pytest.fixture
def commissioner_of(make_user) -> Callable[[Council], Any]:
    return lambda council: make_user(Role.COMMISSIONER, council)


@pytest.mark.parametrize(
    ("days", "field", "message"),
    [
        ({"events": 6}, "events", "Delivered events must be kept for at least 7 days and at most 3650 days"),
        ({"jobs": 3651}, "jobs", "Finished background jobs must be kept for at least 7 days and at most"),
        ({"jobs": 0}, "jobs", "at least 7 days"),
        ({"jobs": -30}, "jobs", "at least 7 days"),
        ({"jobs": "ninety"}, "jobs", "Enter a whole number of days to keep finished background jobs"),
        ({"jobs": 30.5}, "jobs", "Enter a whole number of days"),
        ({"jobs": True}, "jobs", "Enter a whole number of days"),
        ({"jobs": ""}, "jobs", "Enter how many days to keep finished background jobs"),
        (
            {"forever": 30},
            "forever",
            "Not a kind of record the platform keeps: choose from delivery_attempts",
        ),
    ],
)
def test_bad_periods_are_refused_by_field_and_change_nothing(wigan, days, field, message) -> None:
    with pytest.raises(Refused) as refused:
        pruning.set_periods(SYSTEM, wigan, {"events": 730, **days})
    assert refused.value.field == field
    assert message in refused.value.message
    assert not RetentionPeriod.objects.for_council(wigan).exists()


def test_only_the_councils_commissioners_set_its_periods(wigan, sunderland, make_user) -> None:
    for role in (Role.ANALYST, Role.PROVIDER_STAFF, Role.RESIDENT):
        with pytest.raises(PermissionDenied):
            pruning.set_periods(Actor(user=make_user(role, wigan), council=wigan), wigan, {"jobs": 30})
    with pytest.raises(PermissionDenied):
        pruning.set_periods(Actor(user=make_user(Role.COMMISSIONER, sunderland)), wigan, {"jobs": 30})
    admin = make_user(Role.PLATFORM_ADMIN)
    assert pruning.set_periods(Actor(user=admin), wigan, {"jobs": 30})["jobs"] == 30


def test_the_page_shows_and_changes_the_periods(client_as, commissioner_of, wigan) -> None:
    client = client_as(commissioner_of(wigan))
    url = "/c/wigan/retention/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="delivery_attempts"' in page.text and 'value="90"' in page.text

    bad = client.post(url, {"events": "730", "delivery_attempts": "5", "jobs": "a year", "import_runs": ""})
    assert bad.status_code == 400
    assert "There is a problem" in bad.text
    assert "Webhook delivery attempts must be kept for at least 7 days" in bad.text
    # The summary lists the problems in the order of the fields on the page.
    links = [bad.text.index(f'href="#id_{kind}"') for kind in ("jobs", "import_runs", "delivery_attempts")]
    assert links == sorted(links)
    assert 'value="a year"' in bad.text, "what was typed is shown again"
    assert not RetentionPeriod.objects.for_council(wigan).exists()

    good = client.post(
        url, {"events": "365", "delivery_attempts": " 30 ", "jobs": "365", "import_runs": "365"}
    )
    assert good.status_code == 302
    # Periods left at the platform's default follow it; only the ones changed are the council's own.
    own = dict(RetentionPeriod.objects.for_council(wigan).values_list("kind", "days"))
    assert own == {"events": 365, "delivery_attempts": 30}
    entry = AuditEntry.objects.filter(action="core.retention.changed").get()
    assert entry.data["before"]["events"] == 730 and entry.data["after"]["events"] == 365
    told = DomainEvent.objects.for_council(wigan).filter(type="core.retention.changed").get()
    assert told.data["periods"]["delivery_attempts"] == 30

    # The same again changes nothing, so nothing is audited or told.
    client.post(url, {"events": "365", "delivery_attempts": "30", "jobs": "365", "import_runs": "365"})
    assert AuditEntry.objects.filter(action="core.retention.changed").count() == 1


def test_the_page_is_the_commissioners(client_as, make_user, wigan) -> None:
    assert client_as(make_user(Role.ANALYST, wigan)).get("/c/wigan/retention/").status_code == 403


def test_the_api_reads_and_sets_the_periods(client_as, commissioner_of, wigan) -> None:
    client = client_as(commissioner_of(wigan))
    url = "/api/v1/c/wigan/retention"
    read = client.get(url).json()
    assert (read["minimum_days"], read["maximum_days"]) == (7, 3650)
    by_kind = {p["kind"]: p for p in read["periods"]}
    assert by_kind["delivery_attempts"]["days"] == 90 and by_kind["events"]["days"] == 730
    assert by_kind["events"]["is_default"] and by_kind["events"]["description"]

    put = client.put(url, {"events": 400, "delivery_attempts": 30}, content_type="application/json")
    assert put.status_code == 200
    by_kind = {p["kind"]: p for p in put.json()["periods"]}
    assert (by_kind["events"]["days"], by_kind["events"]["is_default"]) == (400, False)
    assert (by_kind["jobs"]["days"], by_kind["jobs"]["is_default"]) == (365, True)

    # A PUT is the whole setting: a kind left out goes back to the default.
    again = client.put(url, {"events": 400}, content_type="application/json").json()
    assert {p["kind"]: p["days"] for p in again["periods"]}["delivery_attempts"] == 90


KINDS_CHOSEN = "delivery_attempts, events, import_runs, jobs"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"events": 3},
            [("events", "Delivered events must be kept for at least 7 days and at most 3650 days")],
        ),
        (
            {"events": 1.5, "jobs": "soon"},
            [
                ("events", "Enter a whole number of days to keep delivered events, like 90"),
                ("jobs", "Enter a whole number of days to keep finished background jobs, like 90"),
            ],
        ),
        ({"logs": 30}, [("logs", f"Not a kind of record the platform keeps: choose from {KINDS_CHOSEN}")]),
    ],
)
def test_the_api_refuses_bad_periods_by_field(client_as, commissioner_of, wigan, body, errors) -> None:
    client = client_as(commissioner_of(wigan))
    refused = client.put("/api/v1/c/wigan/retention", body, content_type="application/json")
    assert refused.status_code == 400
    assert [(e["field"], e["message"]) for e in refused.json()["errors"]] == errors
    assert not RetentionPeriod.objects.for_council(wigan).exists()


def test_the_api_refuses_a_body_that_is_not_an_object(client_as, commissioner_of, wigan) -> None:
    client = client_as(commissioner_of(wigan))
    refused = client.put("/api/v1/c/wigan/retention", [30], content_type="application/json")
    assert refused.status_code == 400
