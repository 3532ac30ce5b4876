"""Market figures against values worked out by hand on the conftest's small market.

Wigan, home care 18+ (hours per week), offers spread evenly over the places they cover:
  Alpha  60 h at £20, wards A and B      -> 30 in A, 30 in B   (CQC Good)
  Beta   30 h at £25, ward A             -> 30 in A            (Requires improvement)
  Gamma  10 h at £18, ward B and ward S  -> 5 in B, 5 in Sunderland's S (Outstanding)
"""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest

from civichub.market import figures, services
from civichub.market.costs import quartiles
from civichub.market.tests.conftest import SYSTEM, WARD_A, WARD_B, WARD_S, offer
from civichub.places.models import Ward


def test_shares_and_concentration_of_capacity_and_spend(market, wigan, home_care) -> None:
    """Capacity: 60 + 30 + 5 = 95; HHI = 10,000 x (60² + 30² + 5²) / 95² = 45,250,000 / 9,025 = 5,013.85;
    largest share 60 / 95 = 63.16%. Spend: 1,200 + 750 + 90 = 2,040; HHI = 10,000 x 2,010,600 / 4,161,600
    = 4,831.31. Dependency on Wigan: Alpha and Beta 100%, Gamma 5 of its 10 hours = 50%."""
    found = figures.market_figures(wigan, home_care)
    assert found.capacity.providers == 3
    assert found.capacity.total == pytest.approx(95)
    assert found.capacity.hhi == pytest.approx(5013.85, abs=0.01)
    assert found.capacity.largest_share == pytest.approx(63.16, abs=0.01)
    assert found.capacity.largest_name == "Alpha Care Ltd"
    assert "highly concentrated" in found.capacity.reading
    assert found.spend.total == pytest.approx(2040)
    assert found.spend.hhi == pytest.approx(4831.31, abs=0.01)
    by_name = {s.name: s for s in found.shares}
    assert [s.name for s in found.shares] == ["Alpha Care Ltd", "Beta Homecare Ltd", "Gamma Support CIC"]
    assert by_name["Beta Homecare Ltd"].capacity_share == pytest.approx(31.58, abs=0.01)
    assert by_name["Gamma Support CIC"].spend_share == pytest.approx(4.41, abs=0.01)
    assert by_name["Alpha Care Ltd"].dependency == pytest.approx(100)
    assert by_name["Gamma Support CIC"].dependency == pytest.approx(50)


def test_one_provider_is_a_monopoly_and_a_provider_counts_in_each_council_it_serves(
    market, sunderland, home_care
) -> None:
    """Sunderland has only Gamma's 5 hours: HHI 10,000, largest share 100%; half of Gamma is Wigan's."""
    found = figures.market_figures(sunderland, home_care)
    assert found.capacity.providers == 1
    assert found.capacity.hhi == pytest.approx(10000)
    assert found.capacity.largest_share == pytest.approx(100)
    assert found.shares[0].dependency == pytest.approx(50)


def test_a_ward_and_the_providers_whose_exit_would_leave_it_short(market, wigan, home_care) -> None:
    """Ward A: Alpha 30, Beta 30 (50% each). Ward B: Alpha 30 of 35 (85.71%), Gamma 5 (14.29%).
    Above 40%: A/Alpha, A/Beta, B/Alpha; above 60%: B/Alpha only."""
    risks = figures.ward_risks(home_care, wigan.gss_code, Decimal(40))
    assert sorted((r.ward_code, r.name, round(r.share, 2)) for r in risks) == [
        (WARD_A, "Alpha Care Ltd", 50.0),
        (WARD_A, "Beta Homecare Ltd", 50.0),
        (WARD_B, "Alpha Care Ltd", 85.71),
    ]
    assert [(r.ward_code, r.name) for r in figures.ward_risks(home_care, wigan.gss_code, Decimal(60))] == [
        (WARD_B, "Alpha Care Ltd")
    ]
    only_b = figures.market_figures(wigan, home_care, ward=WARD_B)
    assert only_b.capacity.total == pytest.approx(35)
    assert only_b.capacity.hhi == pytest.approx(10000 * (30**2 + 5**2) / 35**2)
    assert [w.code for w in only_b.wards] == [WARD_B]


def test_capacity_against_need_per_ward_with_the_assumption(market, wigan, home_care) -> None:
    """Need is 100 hours a week per 1,000 people aged 16+ (population - children) of each ward."""
    found = figures.market_figures(wigan, home_care)
    by_code = {w.code: w for w in found.wards}
    a = by_code[WARD_A]
    people = next(p for p in figures.places.ward_populations(wigan.gss_code) if p.gss_code == WARD_A)
    assert a.basis == people.population - people.children > 0
    assert a.need == pytest.approx(a.basis * 100 / 1000)
    assert a.capacity == pytest.approx(60)
    assert a.ratio == pytest.approx(60 / a.need)
    assert a.under_supplied == (a.need > 60)
    assert by_code[next(c for c in by_code if c not in (WARD_A, WARD_B))].capacity == 0
    assert "100 hours per week per 1,000 people aged 16 and over" in found.assumption


def test_a_ward_with_no_population_needs_nothing_and_divides_by_nothing(market, wigan, home_care) -> None:
    Ward.objects.create(gss_code="E05999999", name="Nobody Lives Here", local_authority_id=wigan.gss_code)
    empty = next(w for w in figures.market_figures(wigan, home_care).wards if w.code == "E05999999")
    assert (empty.basis, empty.need, empty.capacity, empty.ratio, empty.under_supplied) == (
        0,
        0,
        0,
        None,
        False,
    )


def test_zero_capacity_counts_a_provider_but_no_share(market, wigan, home_care) -> None:
    delta = services.register_provider(
        SYSTEM, wigan, name="Delta Care", kind="company", identifiers={"GB-COH": "00000004"}
    )
    services.set_offer(SYSTEM, wigan, delta.organisation, home_care, offer(0, 19, [WARD_A], 2025))
    found = figures.market_figures(wigan, home_care)
    assert found.capacity.providers == 4
    assert found.capacity.hhi == pytest.approx(5013.85, abs=0.01)
    assert found.shares[-1].capacity_share == 0
    assert found.shares[-1].dependency is None  # none of nothing is here


def test_a_market_with_no_capacity_has_no_concentration(wigan, home_care) -> None:
    found = figures.market_figures(wigan, home_care)
    assert (found.capacity.providers, found.capacity.hhi, found.quality_share) == (0, None, None)
    assert "nothing to measure" in found.capacity.reading


def test_prices_quality_entries_and_neighbours(market, wigan, sunderland, home_care) -> None:
    """Prices 18, 20, 25: inclusive quartiles 19, 20, 22.5. Good or Outstanding: Alpha 60 + Gamma 5 of 95
    = 68.42%. Entries: Alpha 2019, Beta and Gamma 2021; Beta leaves this year."""
    services.end_offer(SYSTEM, wigan, market["offers"]["beta"])
    found = figures.market_figures(wigan, home_care, others=[sunderland])
    # Beta has left: prices and capacity count active offers only.
    assert (found.prices.count, found.prices.lower_quartile, found.prices.median) == (
        2,
        Decimal("18.50"),
        Decimal("19.00"),
    )
    assert found.quality_share == pytest.approx(100 * 65 / 65)
    years = dict((y, (e, x)) for y, e, x in found.years)
    assert years[2019] == (1, 0) and years[2021][0] == 2 and sum(x for _, x in years.values()) == 1
    assert [(n.council, n.providers, n.capacity) for n in found.neighbours] == [("Sunderland", 1, 5.0)]
    before_exit = figures.price_figures(home_care, sunderland.gss_code)
    assert before_exit.median == Decimal("18.00")


def test_quality_share_before_anyone_leaves(market, wigan, home_care) -> None:
    assert figures.market_figures(wigan, home_care).quality_share == pytest.approx(100 * 65 / 95)
    assert figures.price_figures(home_care, wigan.gss_code) == figures.Prices(
        3, Decimal("19.00"), Decimal("20.00"), Decimal("22.50")
    )


@pytest.mark.parametrize(
    "values",
    [[10, 20, 30, 40, 50, 60], [7], [3, 9], [1, 2, 3, 4, 5], [12.5, 13.1, 13.1, 14, 19.99, 21, 30]],
)
def test_quartiles_are_the_inclusive_method(values) -> None:
    """[10…60]: positions 1.25, 2.5, 3.75 -> 22.5, 35, 47.5 (by hand); the rest against Python's own."""
    ordered = [Decimal(str(v)) for v in values]
    found = quartiles(ordered)
    expected = statistics.quantiles(ordered, n=4, method="inclusive") if len(values) > 1 else [ordered[0]] * 3
    assert found == tuple(Decimal(str(e)).quantize(Decimal("0.01")) for e in expected)
    if values == [10, 20, 30, 40, 50, 60]:
        assert found == (Decimal("22.50"), Decimal("35.00"), Decimal("47.50"))


def test_the_sunderland_ward_is_sunderlands(market, sunderland, home_care) -> None:
    assert [w.code for w in figures.market_figures(sunderland, home_care).wards if w.capacity] == [WARD_S]
