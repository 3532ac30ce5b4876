"""Assessed needs of people: recorded and moved on by caseworkers (audited, published, naming no one in
events), read only with a purpose (audited), and counted by ward and need with small numbers suppressed
for anyone but the council's officers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Organisation, Role
from civichub.core.outbox import DomainEvent
from civichub.needs import assessments, selectors


@pytest.fixture
def caseworker(wigan, make_user) -> Actor:
    return Actor(user=make_user(Role.CASEWORKER, wigan), council=wigan)


def test_a_caseworker_records_a_need_and_moves_it_on(wigan, caseworker) -> None:
    need = assessments.record_need(
        caseworker,
        wigan,
        person_reference="W-1",
        category="housing",
        assessed_on=date(2025, 3, 1),
        postcode="wn1 1aa",
    )
    assert need.ward_code.startswith("E05") and need.lsoa_code.startswith("E01")
    event = DomainEvent.objects.for_council(wigan).get(type="needs.need.recorded")
    assert "W-1" not in str(event.data) and event.data["status"] == "identified"
    with pytest.raises(Refused) as missing:
        assessments.set_status(caseworker, wigan, need.pk, status="being_met")
    assert missing.value.field == "met_by"
    provider = Organisation.objects.create(name="Homes Ltd", kind="company")
    moved = assessments.set_status(caseworker, wigan, need.pk, status="being_met", met_by=provider.pk)
    assert moved.met_by == provider
    base: dict[str, Any] = {"person_reference": "W-1", "category": "housing", "assessed_on": date(2025, 1, 1)}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("category", {"category": "nonsense"}),
        ("assessed_on", {"assessed_on": date(2999, 1, 1)}),
        ("postcode", {"postcode": "SR1 1AA"}),
        ("postcode", {"postcode": "not one"}),
        ("status", {"status": "sorted"}),
    ]
    for field, kwargs in cases:
        with pytest.raises(Refused) as refused:
            assessments.record_need(
                caseworker,
                wigan,
                **(base | kwargs),
            )
        assert refused.value.field == field


def test_a_persons_needs_are_read_with_a_purpose_and_audited(
    wigan, sunderland, caseworker, make_user
) -> None:
    assessments.record_need(
        caseworker, wigan, person_reference="W-2", category="food", assessed_on=date(2025, 1, 1)
    )
    with pytest.raises(Refused):
        selectors.person_needs(caseworker, wigan, "W-2", "")
    (need,) = selectors.person_needs(caseworker, wigan, "W-2", "Planning a review visit")
    assert need.category == "food"
    entry = AuditEntry.objects.filter(action="needs.person.read").get()
    assert entry.purpose == "Planning a review visit"
    with pytest.raises(PermissionDenied):
        selectors.person_needs(
            Actor(user=make_user(Role.ANALYST, wigan), council=wigan), wigan, "W-2", "curious"
        )
    with pytest.raises(NotFound):  # another council's officer finds nothing, not an empty list
        sunderland_worker = Actor(user=make_user(Role.CASEWORKER, sunderland), council=sunderland)
        selectors.person_needs(sunderland_worker, sunderland, "W-2", "Looking for someone")


def test_unmet_counts_are_suppressed_below_ten_outside_the_officers(wigan, caseworker, make_user) -> None:
    for n in range(12):
        assessments.record_need(
            caseworker,
            wigan,
            person_reference=f"P{n}",
            category="housing" if n < 10 else "food",
            assessed_on=date(2025, 1, 1),
            status="unmet",
            postcode="WN1 1AA",
        )
    officer = selectors.unmet_counts(caseworker, wigan)
    assert sorted((c.category, c.people) for c in officer) == [("food", 2), ("housing", 10)]
    councillor = Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan)
    shown = sorted((c.category, c.people, c.shown) for c in selectors.unmet_counts(councillor, wigan))
    assert shown == [("food", None, "fewer than 10"), ("housing", 10, "10")]
