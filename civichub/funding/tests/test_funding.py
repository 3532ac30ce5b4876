"""Funding: a catalogue shared by every council plus each council's own, entered by hand, through the API
or imported (CSV or JSON, in Find a Grant's field names) all or nothing, searched by open date, need,
applicant type, area and words."""

from __future__ import annotations

import json
from datetime import date

import pytest

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.core.models import Role
from civichub.funding import selectors, services
from civichub.funding.models import Opportunity
from civichub.funding.selectors import Search

SYSTEM = Actor.system("funding tests")
WARD_A, WARD_S = "E05000840", "E05001172"  # a Wigan ward, a Sunderland ward
HEADER = (
    "grantName,grantFunder,grantApplicantType,grantLocation,grantMinimumAward,grantMaximumAward,"
    "grantApplicationOpenDate,grantApplicationCloseDate,themes"
)


def opportunity(**fields: str) -> dict[str, str]:
    return {"grantName": "Warm homes", "grantFunder": "Energy Trust"} | fields


@pytest.fixture
def catalogue(wigan, sunderland) -> None:
    """Platform opportunities: one national and open, one for Sunderland only, one closed; and Wigan's own."""
    services.add_opportunity(
        SYSTEM,
        None,
        opportunity(
            grantApplicantType="charity; Personal / Individual",
            grantLocation="National",
            themes="housing; money-and-debt",
            grantApplicationOpenDate="2025-01-01",
            grantApplicationCloseDate="2025-12-31T23:59:00Z",
        ),
    )
    services.add_opportunity(
        SYSTEM,
        None,
        opportunity(
            grantName="Wearside youth fund",
            grantFunder="Community Foundation",
            grantApplicantType="cic;charity",
            grantLocation="E08000024",
            themes="young-people",
        ),
    )
    services.add_opportunity(
        SYSTEM,
        None,
        opportunity(grantName="Old fund", grantApplicationCloseDate="2024-01-31", themes="housing"),
    )
    services.add_opportunity(
        SYSTEM, wigan, opportunity(grantName="Wigan Deal fund", grantFunder="Wigan Council")
    )


def names(found: object) -> list[str]:
    return [o.programme for o in found]  # type: ignore[attr-defined]


def test_search_filters_by_open_date_need_applicant_and_area(catalogue, wigan, sunderland) -> None:
    today = date(2025, 6, 1)
    assert names(selectors.search(wigan, Search())) == [
        "Old fund",
        "Warm homes",
        "Wearside youth fund",
        "Wigan Deal fund",
    ]
    assert "Wigan Deal fund" not in names(selectors.search(sunderland, Search()))
    assert names(selectors.search(wigan, Search(open_now=True), today=today)) == [
        "Warm homes",
        "Wearside youth fund",
        "Wigan Deal fund",
    ]
    assert names(selectors.search(wigan, Search(theme="housing"))) == ["Old fund", "Warm homes"]
    assert names(selectors.search(wigan, Search(applicant_type="cic"))) == ["Wearside youth fund"]
    # A Sunderland ward is covered by the fund naming Sunderland; a Wigan ward is not.
    assert "Wearside youth fund" in names(selectors.search(sunderland, Search(area=WARD_S)))
    assert "Wearside youth fund" not in names(selectors.search(wigan, Search(area=WARD_A)))
    assert names(selectors.search(wigan, Search(q="warm ENERGY"))) == ["Warm homes"]
    with pytest.raises(Refused) as bad:
        selectors.search(wigan, Search(theme="nonsense"))
    assert bad.value.field == "theme"
    with pytest.raises(Refused):
        selectors.search(wigan, Search(area="E0XXXXXXX"))


def test_bad_opportunities_are_refused_naming_the_field(wigan, make_user) -> None:
    actor = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    with pytest.raises(Refused) as refused:
        services.add_opportunity(
            actor,
            wigan,
            opportunity(
                grantMinimumAward="5000",
                grantMaximumAward="100",
                grantApplicationOpenDate="2025-05-01",
                grantApplicationCloseDate="2025-04-01",
            ),
        )
    assert [e.field for e in refused.value.errors] == ["grantMinimumAward", "grantApplicationCloseDate"]
    assert not Opportunity.objects.for_council(wigan).exists()


def test_an_import_names_each_bad_line_and_field_and_imports_nothing(wigan, make_user) -> None:
    actor = Actor(user=make_user(Role.ANALYST, wigan), council=wigan)
    bad = "\n".join(
        [
            HEADER,
            "Fund A,Funder,charity,E08000010,100,200,2025-01-01,2025-02-01,housing",
            "Fund B,Funder,charity,,500,200,2025-01-01,2025-02-01,housing",
            "Fund C,Funder,charity,,,,2025-03-01,2025-02-01,housing",
            "Fund D,Funder,wizards,,ten,,,,nowhere",
        ]
    ).encode()
    with pytest.raises(ImportRejected) as refused:
        run_now(actor, wigan, "funding_opportunities", file_name="o.csv", content=bad)
    assert [(e.line, e.field) for e in refused.value.rows] == [
        (3, "grantMinimumAward"),
        (4, "grantApplicationCloseDate"),
        (5, "grantApplicantType"),
        (5, "themes"),
        (5, "grantMinimumAward"),
    ]
    assert not Opportunity.objects.for_council(wigan).exists()
    records = [
        {
            "grantName": "Fund J",
            "grantFunder": "F",
            "grantApplicantType": ["charity"],
            "grantMaximumAward": 900,
        }
    ]
    run, _ = run_now(
        actor, wigan, "funding_opportunities_json", file_name="o.json", content=json.dumps(records).encode()
    )
    assert run.created == 1
    assert Opportunity.objects.for_council(wigan).get().maximum_award == 900


def test_pages_api_and_csv(catalogue, wigan, make_user, client_as) -> None:
    client = client_as(make_user(Role.PROVIDER_STAFF, wigan))
    page = client.get(f"/c/{wigan.slug}/funding/?theme=housing&open=yes")
    assert page.status_code == 200
    assert client.get(f"/c/{wigan.slug}/funding/?area=nonsense").status_code == 400
    download = client.get(f"/c/{wigan.slug}/funding/?theme=housing&format=csv")
    assert download.content.decode().splitlines()[0].startswith("id,grantName,grantFunder")
    api = client.get(f"/api/v1/c/{wigan.slug}/funding/opportunities?applicant_type=individual").json()
    assert api["count"] == 1 and api["items"][0]["grantApplicantType"] == ["charity", "individual"]
    item = api["items"][0]
    assert item["grantLocation"] == ["National"] and item["themes"] == ["housing", "money-and-debt"]
    one = client.get(f"/c/{wigan.slug}/funding/{item['id']}/")
    assert one.status_code == 200 and b"Energy Trust" in one.content
    # Providers read the catalogue; they do not add to the council's.
    made = client.post(
        f"/api/v1/c/{wigan.slug}/funding/opportunities",
        json.dumps({"grantName": "x", "grantFunder": "y"}),
        content_type="application/json",
    )
    assert made.status_code == 403


def test_the_demo_loads_about_200_opportunities_and_a_trend_for_every_ward(wigan) -> None:
    from civichub.demo import needs_and_funding
    from civichub.needs import profiles

    assert needs_and_funding.load(today=date(2025, 6, 1)) == 200
    assert needs_and_funding.load() == 0
    ward = places_ward_of(wigan)
    (trend,) = profiles.profile(wigan, ward).trends
    assert [p for p, _ in trend.points] == ["2020/21", "2021/22", "2022/23", "2023/24"]
    assert selectors.search(wigan, Search(open_now=True), today=date(2025, 6, 1)).count() > 20


def places_ward_of(council: object) -> str:
    from civichub.places import selectors as places

    return places.wards_in(council.gss_code).first().gss_code  # type: ignore[attr-defined, union-attr]
