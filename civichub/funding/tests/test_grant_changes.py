"""The council's own grants corrected and withdrawn (with a reason, never deleted): through the service
(permission, audit and event in one transaction), on the web and in the API. A withdrawn grant leaves
the 360Giving package and the funding figures, and keeps its number."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import Role
from civichub.core.outbox import DomainEvent
from civichub.funding import awards, giving
from civichub.funding.grants import package_validator
from civichub.funding.models import Grant

SYSTEM = Actor.system("grant change tests")
GRANT = {
    "title": "Play",
    "description": "Play sessions",
    "amount": "3370",
    "award_date": "2026-01-05",
    "recipient_name": "Abram Play CIC",
    "recipient_org_id": "GB-COH-01234567",
    "beneficiary_code": "E01006213",
}


def test_a_grant_is_corrected_keeping_its_identifier(wigan, sunderland) -> None:
    grant = awards.record_grant(SYSTEM, wigan, GRANT)
    changed = awards.change_grant(
        SYSTEM, wigan, grant.pk, GRANT | {"amount": "3000", "beneficiary_code": "E05000840"}
    )
    assert (changed.number, changed.amount, changed.beneficiary_kind) == (1, 3000, Grant.Place.WARD)
    event = DomainEvent.objects.for_council(wigan).get(type="funding.grant.changed")
    assert event.data["identifier"] == "360G-wigan-1" and event.data["amount"] == "3000.00"
    assert AuditEntry.objects.filter(action="funding.grant.changed").count() == 1
    with pytest.raises(Refused) as refused:
        awards.change_grant(SYSTEM, wigan, grant.pk, GRANT | {"amount": "-1"})
    assert refused.value.field == "amount"
    assert Grant.objects.for_council(wigan).get().amount == 3000, "a refusal changed nothing"
    with pytest.raises(NotFound):
        awards.change_grant(SYSTEM, sunderland, grant.pk, GRANT)


def test_a_withdrawn_grant_leaves_the_package_and_keeps_its_number(wigan, make_user) -> None:
    first = awards.record_grant(SYSTEM, wigan, GRANT)
    awards.record_grant(SYSTEM, wigan, GRANT | {"title": "Second"})
    analyst = Actor(user=make_user(Role.ANALYST, wigan), council=wigan)
    with pytest.raises(PermissionDenied):
        awards.withdraw_grant(analyst, wigan, first.pk, "Not mine to withdraw")
    with pytest.raises(Refused) as no_reason:
        awards.withdraw_grant(SYSTEM, wigan, first.pk, "")
    assert no_reason.value.field == "reason"
    awards.withdraw_grant(SYSTEM, wigan, first.pk, "Recorded twice")
    package = giving.package(wigan)
    assert [g["id"] for g in package["grants"]] == ["360G-wigan-2"]
    assert list(package_validator().iter_errors(json.loads(json.dumps(package, default=str)))) == []
    assert giving.funding_against_need(wigan).grants == 1, "the figures leave it out too"
    event = DomainEvent.objects.for_council(wigan).get(type="funding.grant.withdrawn")
    assert event.data["reason"] == "Recorded twice" and event.data["identifier"] == "360G-wigan-1"
    with pytest.raises(Conflict):
        awards.change_grant(SYSTEM, wigan, first.pk, GRANT)
    with pytest.raises(Conflict):
        awards.withdraw_grant(SYSTEM, wigan, first.pk, "Again")
    third = awards.record_grant(SYSTEM, wigan, GRANT | {"title": "Third"})
    assert third.number == 3, "a withdrawn grant's number is never given again"


def test_change_and_withdraw_on_the_web_and_in_the_api(wigan, make_user, client_as) -> None:
    grant = awards.record_grant(SYSTEM, wigan, GRANT)
    officer = client_as(make_user(Role.COMMISSIONER, wigan))
    page = officer.get(f"/c/{wigan.slug}/funding/grants/{grant.pk}/")
    assert page.status_code == 200 and b"360G-wigan-1" in page.content and b"Abram Play CIC" in page.content
    bad = officer.post(f"/c/{wigan.slug}/funding/grants/{grant.pk}/", GRANT | {"recipient_org_id": "x"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    saved = officer.post(f"/c/{wigan.slug}/funding/grants/{grant.pk}/", GRANT | {"title": "Play days"})
    assert saved.status_code == 302 and Grant.objects.for_council(wigan).get().title == "Play days"
    api = officer.put(
        f"/api/v1/c/{wigan.slug}/funding/grants/{grant.pk}",
        GRANT | {"title": "Play weeks"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["identifier"] == "360G-wigan-1"
    unsaid = officer.post(f"/c/{wigan.slug}/funding/grants/{grant.pk}/withdraw/", {"reason": ""})
    assert unsaid.status_code == 400 and b"Say why the grant is withdrawn" in unsaid.content
    other = awards.record_grant(SYSTEM, wigan, GRANT | {"title": "Other"})
    withdrawn = officer.post(
        f"/api/v1/c/{wigan.slug}/funding/grants/{other.pk}/withdraw",
        {"reason": "Published in error"},
        content_type="application/json",
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_reason"] == "Published in error"
    gone = officer.post(f"/c/{wigan.slug}/funding/grants/{grant.pk}/withdraw/", {"reason": "Never paid"})
    assert gone.status_code == 302
    listed = officer.get(f"/c/{wigan.slug}/funding/grants/").content.decode()
    assert "withdrawn on" in listed and "Never paid" in listed
    assert officer.get(f"/c/{wigan.slug}/funding/grants/{grant.pk}/").status_code == 404
