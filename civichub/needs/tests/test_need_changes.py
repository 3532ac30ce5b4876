"""Correcting and withdrawing assessed needs: through the service (permission, audit and event in one
transaction, naming no one), on the web and in the API; another council's need is never reached."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Role
from civichub.core.outbox import DomainEvent
from civichub.needs import assessments
from civichub.needs.models import AssessedNeed


@pytest.fixture
def caseworker(wigan, make_user) -> Actor:
    return Actor(user=make_user(Role.CASEWORKER, wigan), council=wigan)


def recorded(council, actor: Actor, reference: str = "W-7") -> AssessedNeed:
    return assessments.record_need(
        actor, council, person_reference=reference, category="housing", assessed_on=date(2025, 3, 1)
    )


def test_a_need_is_corrected_audited_and_published_naming_no_one(wigan, caseworker) -> None:
    need = recorded(wigan, caseworker)
    changed = assessments.change_need(
        caseworker,
        wigan,
        need.pk,
        category="money-and-debt",
        assessed_on=date(2025, 2, 1),
        postcode="wn1 1aa",
    )
    assert (changed.category, changed.assessed_on) == ("money-and-debt", date(2025, 2, 1))
    assert changed.ward_code.startswith("E05") and changed.lsoa_code.startswith("E01")
    kept = assessments.change_need(
        caseworker, wigan, need.pk, category="money-and-debt", assessed_on=date(2025, 2, 1)
    )
    assert kept.ward_code == changed.ward_code, "no postcode keeps the ward: the address is not kept"
    event = DomainEvent.objects.for_council(wigan).filter(type="needs.need.changed").first()
    assert event is not None and event.data["category"] == "money-and-debt" and "W-7" not in str(event.data)
    assert AuditEntry.objects.filter(action="needs.need.changed").count() == 2
    for field, kwargs in [
        ("category", {"category": "nonsense", "assessed_on": date(2025, 1, 1)}),
        ("assessed_on", {"category": "money-and-debt", "assessed_on": date(2999, 1, 1)}),
        ("postcode", {"category": "money-and-debt", "assessed_on": date(2025, 1, 1), "postcode": "SR1 1AA"}),
    ]:
        with pytest.raises(Refused) as refused:
            assessments.change_need(caseworker, wigan, need.pk, **kwargs)  # type: ignore[arg-type]
        assert refused.value.field == field
    assert AssessedNeed.objects.for_council(wigan).get().category == "money-and-debt", (
        "a refusal changed nothing"
    )


def test_a_need_recorded_in_error_is_withdrawn_with_a_reason(
    wigan, sunderland, caseworker, make_user
) -> None:
    need = recorded(wigan, caseworker)
    with pytest.raises(Refused) as no_reason:
        assessments.withdraw_need(caseworker, wigan, need.pk, "  ")
    assert no_reason.value.field == "reason"
    theirs = recorded(sunderland, Actor(user=make_user(Role.CASEWORKER, sunderland), council=sunderland))
    with pytest.raises(NotFound):
        assessments.withdraw_need(caseworker, wigan, theirs.pk, "Wrong council")
    analyst = Actor(user=make_user(Role.ANALYST, wigan), council=wigan)
    with pytest.raises(PermissionDenied):
        assessments.withdraw_need(analyst, wigan, need.pk, "Not mine to withdraw")
    assessments.withdraw_need(caseworker, wigan, need.pk, "Recorded against the wrong person")
    assert not AssessedNeed.objects.for_council(wigan).exists()
    entry = AuditEntry.objects.get(action="needs.need.withdrawn")
    assert entry.data["reason"] == "Recorded against the wrong person" and "W-7" not in str(entry.data)
    event = DomainEvent.objects.for_council(wigan).get(type="needs.need.withdrawn")
    assert event.data["need_id"] == str(need.pk) and "W-7" not in str(event.data)
    with pytest.raises(NotFound):
        assessments.change_need(
            caseworker, wigan, need.pk, category="money-and-debt", assessed_on=date(2025, 1, 1)
        )


def test_correct_and_withdraw_on_the_web_and_in_the_api(wigan, caseworker, client_as) -> None:
    need = recorded(wigan, caseworker)
    web = client_as(caseworker.user)
    form = web.get(f"/c/{wigan.slug}/needs/assessed/{need.pk}/change/")
    assert form.status_code == 200 and b"Correct or withdraw a need" in form.content
    bad = web.post(
        f"/c/{wigan.slug}/needs/assessed/{need.pk}/change/",
        {
            "category": "housing",
            "assessed_on-day": "31",
            "assessed_on-month": "2",
            "assessed_on-year": "2025",
        },
    )
    assert bad.status_code == 400 and b"Enter the date of the assessment" in bad.content
    done = web.post(
        f"/c/{wigan.slug}/needs/assessed/{need.pk}/change/",
        {
            "category": "money-and-debt",
            "assessed_on-day": "2",
            "assessed_on-month": "2",
            "assessed_on-year": "2025",
        },
    )
    assert done.status_code == 200 and b"Need corrected" in done.content
    assert AssessedNeed.objects.for_council(wigan).get().category == "money-and-debt"
    api = web.put(
        f"/api/v1/c/{wigan.slug}/needs/assessed/{need.pk}/details",
        {"category": "housing", "assessed_on": "2025-01-05"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["category"] == "housing"
    unsaid = web.post(f"/c/{wigan.slug}/needs/assessed/{need.pk}/withdraw/", {"reason": ""})
    assert unsaid.status_code == 400 and b"Say why the need is withdrawn" in unsaid.content
    other = recorded(wigan, caseworker, "W-8")
    gone = web.post(
        f"/api/v1/c/{wigan.slug}/needs/assessed/{other.pk}/withdraw",
        {"reason": "Duplicate"},
        content_type="application/json",
    )
    assert gone.status_code == 204
    withdrawn = web.post(f"/c/{wigan.slug}/needs/assessed/{need.pk}/withdraw/", {"reason": "Never assessed"})
    assert withdrawn.status_code == 200 and b"Need withdrawn" in withdrawn.content
    assert not AssessedNeed.objects.for_council(wigan).exists()
