"""Needs: the shared taxonomy a council extends, area indicators imported all or nothing with each
problem named by line and column, and the needs profile of a ward or LSOA against the council and
England, with its trend, ranks, chart, table and CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.errors import Conflict, NotFound
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.core.models import Role
from civichub.core.outbox import DomainEvent
from civichub.needs import profiles, selectors, services
from civichub.needs.models import Indicator, IndicatorValue
from civichub.places import selectors as places

WARD_A, WARD_B, WARD_S = "E05000840", "E05000841", "E05001172"  # two Wigan wards, one Sunderland ward
HEADER = "indicator,name,level,area_code,period,value,unit,source,licence,need"
FACTS = "Rough sleepers,people,Council count,OGL v3.0,housing"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def analyst(wigan, make_user) -> Actor:
    return Actor(user=make_user(Role.ANALYST, wigan), council=wigan)


def test_the_platform_taxonomy_is_shared_and_a_council_adds_its_own(wigan, sunderland, analyst) -> None:
    codes = set(selectors.categories(wigan).values_list("code", flat=True))
    assert {"housing", "money-and-debt", "adult-social-care", "transport"} <= codes
    housing = selectors.categories(wigan).get(code="housing")
    assert housing.directory_codes == ["C07"] and "supported-living" in housing.market_codes
    services.add_category(analyst, wigan, code="Digital-Inclusion", name="Digital inclusion")
    assert selectors.categories(wigan).filter(code="digital-inclusion").exists()
    assert not selectors.categories(sunderland).filter(code="digital-inclusion").exists()
    assert DomainEvent.objects.for_council(wigan).filter(type="needs.category.added").count() == 1
    with pytest.raises(Conflict):
        services.add_category(analyst, wigan, code="housing", name="Housing again")


def test_a_councillor_cannot_extend_the_taxonomy(wigan, make_user) -> None:
    with pytest.raises(PermissionDenied):
        services.add_category(
            Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan), wigan, code="x", name="X"
        )


def test_a_bad_indicator_file_names_each_line_and_column_and_imports_nothing(wigan, analyst) -> None:
    content = csv(
        f"rough-sleepers,{FACTS}".replace(
            "Rough sleepers,people", f"Rough sleepers,ward,{WARD_S},2024,3,people"
        ),
        f"rough-sleepers,Rough sleepers,ward,{WARD_A},2024,3,{FACTS.split(',', 1)[1]}",
        f"rough-sleepers,Rough sleepers,ward,{WARD_B},24/25,3,{FACTS.split(',', 1)[1]}",
        f"rough-sleepers,Rough sleepers,ward,{WARD_B},2024-03,3,{FACTS.split(',', 1)[1]}",
        f"rough-sleepers,Rough sleepers,ward,{WARD_B},2023,three,{FACTS.split(',', 1)[1]}",
        f"rough-sleepers,Rough sleepers,street,{WARD_B},2023,3,{FACTS.split(',', 1)[1]}",
    )
    with pytest.raises(ImportRejected) as refused:
        run_now(analyst, wigan, "area_indicators", file_name="i.csv", content=content)
    found = [(e.line, e.field) for e in refused.value.rows]
    assert found == [(2, "area_code"), (4, "period"), (5, "period"), (6, "value"), (7, "level")]
    assert "not a ward of Wigan" in refused.value.rows[0].message
    assert "is YYYY-MM, but this series' periods are YYYY (line 2)" in refused.value.rows[2].message
    assert not Indicator.objects.for_council(wigan).exists()


def good_file(wigan_code: str) -> bytes:
    rest = FACTS.split(",", 1)[1]
    return csv(
        *(
            f"rough-sleepers,Rough sleepers,ward,{WARD_A},{y},{v},{rest}"
            for y, v in ((2022, 4), (2023, 6), (2024, 9))
        ),
        *(f"rough-sleepers,Rough sleepers,ward,{WARD_B},{y},{v},{rest}" for y, v in ((2023, 2), (2024, 12))),
        f"rough-sleepers,Rough sleepers,council,{wigan_code},2024,40,{rest}",
        f"rough-sleepers,Rough sleepers,england,E92000001,2024,3900,{rest}",
    )


def test_a_ward_profile_sets_its_indicators_against_the_council_and_england_with_its_trend(
    wigan, analyst
) -> None:
    run, _ = run_now(analyst, wigan, "area_indicators", file_name="i.csv", content=good_file(wigan.gss_code))
    assert run.created == 7
    profile = profiles.profile(wigan, WARD_A.lower())
    (row,) = profile.indicators
    # 2024: ward A 9, ward B 12 (the worse, as higher is worse): A ranks 2nd of 2.
    assert (row.area, row.council, row.england, row.rank, row.of, row.period) == (
        Decimal(9),
        Decimal(40),
        Decimal(3900),
        2,
        2,
        "2024",
    )
    (trend,) = profile.trends
    assert trend.points == [("2022", Decimal(4)), ("2023", Decimal(6)), ("2024", Decimal(9))]
    # Re-importing a changed value updates it, keeps the rest.
    changed = good_file(wigan.gss_code).replace(b"2024,9,", b"2024,10,")
    run, _ = run_now(analyst, wigan, "area_indicators", file_name="j.csv", content=changed)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 6)
    assert IndicatorValue.objects.for_council(wigan).count() == 7


def test_a_ward_profile_reads_deprivation_and_population_from_places(wigan) -> None:
    profile = profiles.profile(wigan, WARD_A)
    people = profile.population[0]
    assert people.area == sum(b.population for b in profile.bands) > 0
    ages = profile.population[1:]
    assert [r.measure for r in ages] == ["People aged 0-15", "People aged 16-59", "People aged 60+"]
    assert round(sum(r.area for r in ages), 0) == 100  # type: ignore[misc]
    imd = next(r for r in profile.deprivation if r.measure.startswith("Index of Multiple"))
    assert imd.england == 5.5 and 1 <= imd.area <= 10 and imd.of and 1 <= imd.rank <= imd.of  # type: ignore[operator]
    assert len(profile.domains) == 8


def test_an_lsoa_profile_and_another_councils_area(wigan) -> None:
    lsoa = places.lsoas_of_ward(WARD_A).first()
    assert lsoa is not None
    profile = profiles.profile(wigan, lsoa.code)
    assert profile.area.kind == "lsoa" and profile.area.ward_code == WARD_A
    rank = next(r for r in profile.deprivation if r.measure.startswith("IMD 2019 rank"))
    assert rank.area == lsoa.imd_rank and rank.rank is not None
    with pytest.raises(NotFound):
        profiles.profile(wigan, WARD_S)
    with pytest.raises(NotFound):
        profiles.profile(wigan, "not a code at all")


def test_the_profile_page_api_and_csv(wigan, make_user, client_as, analyst) -> None:
    run_now(analyst, wigan, "area_indicators", file_name="i.csv", content=good_file(wigan.gss_code))
    client = client_as(make_user(Role.COUNCILLOR, wigan))
    page = client.get(f"/c/{wigan.slug}/needs/areas/{WARD_A}/")
    assert page.status_code == 200 and b"Rough sleepers" in page.content and b"<svg" in page.content
    download = client.get(f"/c/{wigan.slug}/needs/areas/{WARD_A}/?format=csv")
    assert download["Content-Type"].startswith("text/csv") and b"Rough sleepers" in download.content
    api = client.get(f"/api/v1/c/{wigan.slug}/needs/areas/{WARD_A}")
    assert api.status_code == 200 and api.json()["area"]["kind"] == "ward"
    assert client.get(f"/api/v1/c/{wigan.slug}/needs/areas/{WARD_S}").status_code == 404
    assert client.get(f"/c/{wigan.slug}/needs/").status_code == 200
