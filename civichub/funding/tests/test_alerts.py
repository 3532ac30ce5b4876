"""Saved searches and their email alerts, sent through a real SMTP server (aiosmtpd on a free local port)
by the real worker: each owner is told once per new opportunity that one of their searches finds, only
within the councils that see it; saving and deleting a search are audited and published."""

from __future__ import annotations

import queue
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Role
from civichub.core.outbox import DomainEvent
from civichub.funding import alerts, services
from civichub.funding.models import SavedSearch, SentAlert
from civichub.funding.selectors import Search

SYSTEM = Actor.system("funding alert tests")
DEADLINE = 60  # seconds: generous, for a loaded machine; a message normally arrives in milliseconds


class Inbox:
    """The SMTP server's handler: every message it accepts goes on a queue the test reads."""

    def __init__(self) -> None:
        self.messages: queue.Queue[EmailMessage] = queue.Queue()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.put(message)
        return "250 Message accepted for delivery"

    def next(self) -> EmailMessage:
        return self.messages.get(timeout=DEADLINE)

    def received(self) -> int:
        return self.messages.qsize()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=DEADLINE)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = False
    settings.CIVICHUB_BASE_URL = "https://civichub.example"
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def run_worker(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def people(wigan, sunderland, make_user):
    return {
        "wigan": make_user(Role.COMMISSIONER, wigan),
        "wigan_other": make_user(Role.CASEWORKER, wigan),
        "sunderland": make_user(Role.ANALYST, sunderland),
    }


def save(person, council, q: str = "", **filters) -> SavedSearch:
    return alerts.save_search(Actor(user=person, council=council), council, "", Search(q=q, **filters))


def add(council, name: str, summary: str = "", capture=None):
    with capture(execute=True):
        return services.add_opportunity(
            SYSTEM,
            council,
            {"grantName": name, "grantFunder": "Green Trust", "grantShortDescription": summary},
        )


def test_a_new_opportunity_emails_each_matching_owner_once_through_smtp(
    wigan, sunderland, people, inbox, run_worker, django_capture_on_commit_callbacks
) -> None:
    save(people["wigan"], wigan, "allotment")
    save(people["wigan"], wigan, "growing food")  # a second of theirs that matches: still one email
    save(people["wigan_other"], wigan, "insulation")  # does not match
    save(people["sunderland"], sunderland, "allotments")
    made = add(None, "Allotment fund", "Growing food together", django_capture_on_commit_callbacks)
    run_worker()
    got = {}
    for _ in range(2):
        message = inbox.next()
        got[message["X-Envelope-To"]] = message
    assert set(got) == {people["wigan"].email, people["sunderland"].email}
    to_wigan = got[people["wigan"].email]
    assert to_wigan["Subject"] == "New funding opportunity: Allotment fund"
    body = to_wigan.get_content()
    assert f"https://civichub.example/c/{wigan.slug}/funding/{made.pk}/" in body
    assert "Growing food together" in body
    assert f"https://civichub.example/c/{wigan.slug}/funding/saved-searches/" in body
    assert f"/c/{sunderland.slug}/funding/{made.pk}/" in got[people["sunderland"].email].get_content()
    assert SentAlert.objects.for_councils([wigan, sunderland]).filter(opportunity=made).count() == 2
    assert DomainEvent.unscoped.filter(type="funding.alert.sent").count() == 2
    # The job again (a retry, a second worker): nobody is told twice. send_mail returns only once the
    # server has accepted a message, so nothing can still be on its way.
    assert alerts.alert_about(str(made.pk)) == 0
    assert inbox.received() == 0


def test_a_councils_own_opportunity_alerts_only_its_people(
    wigan, sunderland, people, inbox, run_worker, django_capture_on_commit_callbacks
) -> None:
    save(people["wigan"], wigan, "allotment")
    save(people["sunderland"], sunderland, "allotment")
    add(sunderland, "Sunderland allotment plots", "", django_capture_on_commit_callbacks)
    run_worker()
    message = inbox.next()
    assert message["X-Envelope-To"] == people["sunderland"].email
    assert inbox.received() == 0
    assert not SentAlert.objects.for_council(wigan).exists()


def test_a_changed_opportunity_and_a_search_that_no_longer_finds_it_send_nothing(
    wigan, people, inbox, run_worker, django_capture_on_commit_callbacks
) -> None:
    saved = save(people["wigan"], wigan, "allotment", open_now=True)
    made = add(None, "Allotment fund", "", django_capture_on_commit_callbacks)
    run_worker()
    assert inbox.next()["X-Envelope-To"] == people["wigan"].email
    # Changed, not added: no new alert is queued.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.add_opportunity(
            SYSTEM, None, {"grantName": "Allotment fund", "grantFunder": "Green Trust", "themes": "housing"}
        )
    assert queued == []
    alerts.delete_search(Actor(user=people["wigan"], council=wigan), wigan, saved.pk)
    SentAlert.objects.for_council(wigan).delete()
    assert alerts.alert_about(str(made.pk)) == 0
    assert inbox.received() == 0


def test_the_same_ranked_search_decides_what_matches(wigan, people, inbox) -> None:
    """Words must all be found, and the filters hold: a search for housing grants is not told of others."""
    save(people["wigan"], wigan, "allotment garden")
    save(people["wigan_other"], wigan, "", theme="housing")
    made = services.add_opportunity(
        SYSTEM, None, {"grantName": "Allotment fund", "grantFunder": "Green Trust", "themes": "food"}
    )
    assert alerts.alert_about(str(made.pk)) == 0
    made = services.add_opportunity(
        SYSTEM,
        None,
        {"grantName": "Gardens", "grantFunder": "Green Trust", "grantShortDescription": "An allotment"},
    )
    assert alerts.alert_about(str(made.pk)) == 1
    assert inbox.next()["X-Envelope-To"] == people["wigan"].email


def test_saving_and_deleting_are_a_persons_own_audited_and_published(wigan, sunderland, people) -> None:
    mine = save(people["wigan"], wigan, "allotment", theme="housing")
    assert mine.name == "allotment" and mine.theme == "housing"
    assert AuditEntry.objects.filter(action="funding.search.saved", object_id=str(mine.pk)).exists()
    assert DomainEvent.unscoped.filter(type="funding.search.saved", subject_id=str(mine.pk)).exists()
    other = Actor(user=people["wigan_other"], council=wigan)
    with pytest.raises(NotFound):
        alerts.delete_search(other, wigan, mine.pk)
    with pytest.raises(NotFound):
        alerts.delete_search(Actor(user=people["sunderland"], council=sunderland), sunderland, mine.pk)
    with pytest.raises(Refused) as refused:
        save(people["wigan"], wigan, "", theme="not-a-need")
    assert refused.value.errors[0].field == "theme"
    with pytest.raises(Refused) as refused:
        save(people["wigan"], wigan, ' " * ')
    assert refused.value.errors[0].field == "q"
    alerts.delete_search(Actor(user=people["wigan"], council=wigan), wigan, mine.pk)
    assert not SavedSearch.objects.for_council(wigan).exists()
    assert AuditEntry.objects.filter(action="funding.search.deleted", object_id=str(mine.pk)).exists()
    assert DomainEvent.unscoped.filter(type="funding.search.deleted", subject_id=str(mine.pk)).exists()
