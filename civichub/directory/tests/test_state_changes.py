"""Every change of state in the directory is audited and published in its own transaction: changing a
service, withdrawing or superseding a proposal, naming and removing who deals with reports."""

from __future__ import annotations

import pytest
from django.db import transaction

from civichub.core.actors import Actor
from civichub.core.models import AuditEntry, DomainEvent
from civichub.demo import directory as demo
from civichub.directory import changes, reports
from civichub.directory.details import ServiceDetails
from civichub.directory.models import ChangeRequest, Responsibility
from civichub.directory.selectors import details_of
from civichub.directory.services import replace_service


@pytest.fixture
def actors(people, wigan):
    """The directory's people as actors acting for Wigan, for calling services directly."""
    return {
        "commissioner": Actor(user=people["commissioner"], council=wigan),
        "staff": Actor(user=people["staff"], council=wigan),
        "provider": people["provider"],
    }


def audited_and_published(action: str, event: str, subject_id: object) -> tuple[AuditEntry, DomainEvent]:
    entry = AuditEntry.objects.filter(action=action, object_id=str(subject_id)).get()
    published = DomainEvent.unscoped.filter(type=event, subject_id=str(subject_id)).get()
    return entry, published


def test_replacing_a_service_is_audited_and_published(directory, actors, wigan) -> None:
    youth = directory["youth"]
    changed = details_of(youth)
    changed.description = "Games, advice and a cafe"
    assert replace_service(actors["commissioner"], youth, changed)
    entry, event = audited_and_published("directory.service.updated", "directory.service.updated", youth.pk)
    assert entry.data == {"fields": ["description"]}
    assert event.data == {
        "service_id": str(youth.pk),
        "name": "Youth club",
        "fields": ["description"],
        "change_id": None,
    }
    # Nothing changed: nothing to audit or publish.
    assert not replace_service(actors["commissioner"], youth, changed)
    assert DomainEvent.unscoped.filter(type="directory.service.updated").count() == 1


def test_a_change_and_its_event_are_one_transaction(directory, actors, wigan) -> None:
    youth = directory["youth"]
    changed = details_of(youth)
    changed.description = "Rolled back"
    with pytest.raises(RuntimeError), transaction.atomic():
        replace_service(actors["commissioner"], youth, changed)
        raise RuntimeError("the caller's transaction fails")
    assert not DomainEvent.unscoped.filter(type="directory.service.updated").exists()
    assert details_of(youth).description == "Games and advice for teenagers"


def test_withdrawing_and_superseding_proposals_are_audited_and_published(directory, actors, wigan) -> None:
    youth = directory["youth"]
    first = changes.propose(actors["staff"], wigan, ServiceDetails("Youth club", "First try"), service=youth)
    second = changes.propose(
        actors["staff"], wigan, ServiceDetails("Youth club", "Second try"), service=youth
    )
    first.refresh_from_db()
    assert (
        first.status == ChangeRequest.Status.WITHDRAWN
        and first.decision_note == "Replaced by a later proposal"
    )
    _, event = audited_and_published("directory.change.withdrawn", "directory.change.withdrawn", first.pk)
    assert event.data == {
        "change_id": str(first.pk),
        "service_id": str(youth.pk),
        "reason": "Replaced by a later proposal",
    }
    changes.withdraw(actors["staff"], second)
    second.refresh_from_db()
    assert second.status == ChangeRequest.Status.WITHDRAWN
    audited_and_published("directory.change.withdrawn", "directory.change.withdrawn", second.pk)


def test_approving_a_proposal_publishes_the_update_with_its_change(directory, actors, wigan) -> None:
    youth = directory["youth"]
    proposed = changes.propose(
        actors["staff"], wigan, ServiceDetails("Youth club", "Skate park"), service=youth
    )
    changes.decide(actors["commissioner"], proposed, approve=True)
    event = DomainEvent.unscoped.get(type="directory.service.updated")
    assert event.data["change_id"] == str(proposed.pk)


def test_responsibilities_are_audited_and_published(directory, actors, wigan) -> None:
    pothole = demo.report_categories()[0]
    duty = reports.set_responsibility(
        actors["commissioner"],
        wigan,
        category_id=str(pothole.pk),
        organisation_id=str(actors["provider"].pk),
        arrangement="Highways\u200b contract",
    )
    assert duty.arrangement == "Highways contract"
    _, event = audited_and_published("directory.responsibility.set", "directory.responsibility.set", duty.pk)
    assert event.data == {
        "responsibility_id": str(duty.pk),
        "category": pothole.name,
        "ward_code": "",
        "organisation_id": str(actors["provider"].pk),
    }
    reports.remove_responsibility(actors["commissioner"], duty)
    assert not Responsibility.objects.for_council(wigan).exists()
    audited_and_published("directory.responsibility.removed", "directory.responsibility.removed", duty.pk)


def test_one_function_decides_whether_a_submission_publishes_or_proposes(directory, actors, wigan) -> None:
    youth = directory["youth"]
    by_provider = changes.submit(
        actors["staff"], wigan, ServiceDetails("Youth club", "Proposed"), service=youth
    )
    assert not by_provider.published and by_provider.change is not None
    assert details_of(youth).description == "Games and advice for teenagers"
    by_council = changes.submit(
        actors["commissioner"], wigan, ServiceDetails("Youth club", "Published"), service=youth
    )
    assert by_council.published and details_of(youth).description == "Published"
    added = changes.submit(
        actors["commissioner"], wigan, ServiceDetails("Book club", "Reading"), organisation=actors["provider"]
    )
    assert added.service is not None and added.service.is_published
