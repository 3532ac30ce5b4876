"""Demand by provider: the failure share, top causes and XmR chart of one provider's contacts over
time, each provider's share within a service, the month filters, the CSV downloads, refused filters on
the page and the API (400, not 5xx), and the empty states."""

from __future__ import annotations

from typing import Any

import pytest

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Organisation, OrganisationIdentifier, Role
from civichub.needs import demand, demand_figures
from civichub.needs.models import ContactCount


def contact(
    day: str, kind: str, cause: str = "", service: str = "Home care", provider: str = ""
) -> dict[str, Any]:
    return {
        "occurred_on": day,
        "channel": "phone",
        "category": "adult-social-care",
        "service": service,
        "kind": kind,
        "cause": cause,
        "provider": provider,
    }


@pytest.fixture
def providers(db) -> tuple[Organisation, Organisation]:
    made = []
    for name, number in (("Amber Care Ltd", "01111111"), ("Birch Support CIC", "02222222")):
        org = Organisation.objects.create(name=name, kind=Organisation.Kind.COMPANY)
        OrganisationIdentifier.objects.create(organisation=org, scheme="GB-COH", identifier=number)
        made.append(org)
    return made[0], made[1]


@pytest.fixture
def recorded(wigan, make_user, providers) -> None:
    officer = Actor(user=make_user(Role.ANALYST, wigan), council=wigan)
    amber, birch = "GB-COH-01111111", "GB-COH-02222222"
    demand.record_contacts(
        officer,
        wigan,
        [
            # Amber: January 2 of 4 failure (50%), February 1 of 1 (100%), March 0 of 2.
            contact("2025-01-02", "failure", "chasing progress", provider=amber),
            contact("2025-01-03", "failure", "no reply", provider=amber),
            contact("2025-01-04", "value", provider=amber),
            contact("2025-01-05", "value", provider=amber),
            contact("2025-02-01", "failure", "chasing progress", provider=amber),
            contact("2025-03-01", "value", provider=amber),
            contact("2025-03-02", "value", provider=amber),
            # Birch: one failure of two, in January.
            contact("2025-01-10", "failure", "missed appointment", provider=birch),
            contact("2025-01-11", "value", provider=birch),
            # The council's own service, naming no provider.
            contact("2025-01-12", "failure", "passed around", service="Housing options"),
        ],
    )
    # A second batch for the same month and provider adds to the counts already held.
    demand.record_contacts(officer, wigan, [contact("2025-03-03", "value", provider=amber)])


def test_one_providers_failure_demand_over_time_worked_by_hand(wigan, providers, recorded) -> None:
    amber, _ = providers
    found = demand_figures.demand(wigan, demand_figures.filters_of(provider=str(amber.pk)))
    assert found.provider_name == "Amber Care Ltd"
    assert [(m.month, m.contacts, m.failure, m.share) for m in found.months] == [
        ("2025-01", 4, 2, 50.0),
        ("2025-02", 1, 1, 100.0),
        ("2025-03", 3, 0, 0.0),
    ]
    assert found.causes == [("chasing progress", 2, 66.7), ("no reply", 1, 33.3)]
    # Mean 50; moving ranges 50 and 100, average 75; upper 50 + 2.66 x 75 = 249.5; lower floored at 0.
    assert found.chart is not None and (found.chart.mean, found.chart.upper, found.chart.lower) == (
        50,
        249.5,
        0,
    )
    # Every provider's share (no service chosen): Amber, Birch and the council's own.
    shares = {s.name: (s.contacts, s.failure, s.share, s.top_cause, s.org_id) for s in found.providers}
    assert shares == {
        "Amber Care Ltd": (8, 3, 37.5, "chasing progress", "GB-COH-01111111"),
        "Birch Support CIC": (2, 1, 50.0, "missed appointment", "GB-COH-02222222"),
        "The council's own services": (1, 1, 100.0, "passed around", ""),
    }
    # The services within Amber's contacts: only home care.
    assert [(s.name, s.contacts) for s in found.services] == [("Home care", 8)]
    # Within a service, the providers of that service only; months narrow everything.
    in_january = demand_figures.demand(
        wigan, demand_figures.filters_of(service="Home care", start="2025-01", end="2025-01")
    )
    assert [(s.name, s.contacts) for s in in_january.providers] == [
        ("Amber Care Ltd", 4),
        ("Birch Support CIC", 2),
    ]
    assert [(m.month, m.contacts) for m in in_january.months] == [("2025-01", 6)]
    own = demand_figures.demand(wigan, demand_figures.filters_of(provider="own"))
    assert (own.contacts, own.failure, own.provider_name) == (1, 1, "The council's own services")
    # The counts the pages read were added to, not duplicated, by the second batch.
    assert ContactCount.objects.for_council(wigan).filter(provider=amber, kind="value").count() == 2


def test_bad_filters_are_refused_by_name(wigan) -> None:
    for given, field in (
        ({"provider": "not-an-id"}, "provider"),
        ({"start": "April"}, "start"),
        ({"start": "2025-05", "end": "2025-04"}, "end"),
    ):
        with pytest.raises(Refused) as refused:
            demand_figures.filters_of(**given)
        assert refused.value.field == field


def test_the_page_csvs_and_api_by_provider(wigan, providers, recorded, client_as, make_user) -> None:
    amber, _ = providers
    client = client_as(make_user(Role.COUNCILLOR, wigan))
    page = client.get(f"/c/{wigan.slug}/needs/demand/?provider={amber.pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "Amber Care Ltd" in body and "<svg" in body and "no reply" in body
    rows = (
        client.get(f"/c/{wigan.slug}/needs/demand/?format=csv&table=providers").content.decode().splitlines()
    )
    assert rows[0] == "provider,org_id,contacts,failure,failure_share_pct,top_cause"
    assert "Amber Care Ltd,GB-COH-01111111,8,3,37.5,chasing progress" in rows
    services = client.get(f"/c/{wigan.slug}/needs/demand/?format=csv&table=services&provider={amber.pk}")
    assert services.content.decode().splitlines()[1:] == ["Home care,,8,3,37.5,chasing progress"]
    months = client.get(f"/c/{wigan.slug}/needs/demand/?format=csv&provider={amber.pk}").content.decode()
    assert months.splitlines()[1].startswith("2025-01,4,2,50.0,50.0")
    refused = client.get(f"/c/{wigan.slug}/needs/demand/?start=someday")
    assert refused.status_code == 400 and 'href="#start"' in refused.content.decode()
    api = client.get(f"/api/v1/c/{wigan.slug}/needs/demand?provider={amber.pk}").json()
    assert api["contacts"] == 8 and api["provider_name"] == "Amber Care Ltd"
    assert {p["name"] for p in api["providers"]} >= {"Amber Care Ltd", "Birch Support CIC"}
    assert client.get(f"/api/v1/c/{wigan.slug}/needs/demand?end=13").status_code == 400


def test_the_empty_states(wigan, providers, client_as, make_user) -> None:
    client = client_as(make_user(Role.ANALYST, wigan))
    none_yet = client.get(f"/c/{wigan.slug}/needs/demand/").content.decode()
    assert "No contacts recorded yet" in none_yet
    demand.record_contacts(
        Actor.system("test"), wigan, [contact("2025-01-02", "value", service="Housing options")]
    )
    none_match = client.get(f"/c/{wigan.slug}/needs/demand/?start=2026-01").content.decode()
    assert "No contacts match these filters" in none_match
