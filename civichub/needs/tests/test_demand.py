"""Demand: contacts recorded in batches, all or none, each problem named; the failure share by month,
its causes and each service's share, worked by hand; the page, the API and the CSV."""

from __future__ import annotations

from typing import Any

import pytest

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Role
from civichub.needs import demand, demand_figures
from civichub.needs.models import Contact


def contact(day: str, kind: str, cause: str = "", service: str = "Housing options") -> dict[str, Any]:
    return {
        "occurred_on": day,
        "channel": "phone",
        "category": "housing",
        "service": service,
        "kind": kind,
        "cause": cause,
    }


@pytest.fixture
def officer(wigan, make_user) -> Actor:
    return Actor(user=make_user(Role.ANALYST, wigan), council=wigan)


def test_a_bad_batch_names_each_contact_and_field_and_records_nothing(wigan, officer) -> None:
    with pytest.raises(Refused) as refused:
        demand.record_contacts(
            officer,
            wigan,
            [
                contact("2025-01-02", "value"),
                contact("2025-01-02", "failure"),
                contact("someday", "nonsense"),
            ],
        )
    assert [e.field for e in refused.value.errors] == [
        "batch[1].cause",
        "batch[2].occurred_on",
        "batch[2].kind",
    ]
    assert not Contact.objects.for_council(wigan).exists()


def test_failure_demand_by_month_and_cause_worked_by_hand(wigan, officer, client_as, make_user) -> None:
    # January: 4 contacts, 1 failure (25%); February: 2 contacts, 2 failures (100%), both chasing progress;
    # another service: 1 value contact in January. Causes: chasing progress 2 of 3, not understood 1 of 3.
    demand.record_contacts(
        officer,
        wigan,
        [
            contact("2025-01-03", "value"),
            contact("2025-01-09", "value"),
            contact("2025-01-20", "value"),
            contact("2025-01-21", "failure", "Not understood"),
            contact("2025-02-01", "failure", "chasing progress"),
            contact("2025-02-11", "failure", "chasing progress"),
            contact("2025-01-05", "value", service="Waste and recycling"),
        ],
    )
    found = demand_figures.demand(wigan, "Housing options")
    assert [(m.month, m.contacts, m.failure, m.share) for m in found.months] == [
        ("2025-01", 4, 1, 25.0),
        ("2025-02", 2, 2, 100.0),
    ]
    assert found.causes == [("chasing progress", 2, 66.7), ("not understood", 1, 33.3)]
    assert [(s.name, s.contacts, s.share, s.top_cause) for s in found.services] == [
        ("Housing options", 6, 50.0, "chasing progress"),
        ("Waste and recycling", 1, 0.0, ""),
    ]
    # Two points: mean 62.5, moving range 75, limits 62.5 +/- 199.5, the lower floored at 0.
    assert found.chart is not None and (found.chart.mean, found.chart.upper, found.chart.lower) == (
        62.5,
        262.0,
        0,
    )
    client = client_as(make_user(Role.COUNCILLOR, wigan))
    page = client.get(f"/c/{wigan.slug}/needs/demand/?service=Housing+options")
    assert page.status_code == 200 and b"<svg" in page.content and b"chasing progress" in page.content
    csv = client.get(f"/c/{wigan.slug}/needs/demand/?service=Housing+options&format=csv").content.decode()
    assert csv.splitlines()[1].startswith("2025-01,4,1,25.0,62.5")
    api = client.get(f"/api/v1/c/{wigan.slug}/needs/demand").json()
    # Every service: January 1 failure of 5 (20%), February 100%: mean 60.
    assert api["contacts"] == 7 and api["chart"]["mean"] == 60.0
