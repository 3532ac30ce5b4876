"""The database ranks and pages matches (match_scores.py): its score and blocking must be those the reasons
add up to, and its order the documented one (unblocked first, then score, then closing soonest with
open-ended last, then name), for asks that reach every rounding and every part's branches."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from civichub.core.models import Council, Role
from civichub.funding import matching
from civichub.funding.models import Opportunity, padded

ABRAM, ASHTON, LSOA = "E05000840", "E05000841", "E01006215"  # two Wigan wards; an LSOA in Abram
WIGAN, ENGLAND, SUNDERLAND = "E08000010", "E92000001", "E08000024"
THEMES = [[], ["young-people"], ["housing", "young-people"], ["food"]]
KINDS = [[], ["charity"], ["cic"], ["charity", "cic"], ["school"]]
AMOUNTS = [  # minimum, maximum, pot
    (None, None, None),
    (Decimal(1000), Decimal(25000), None),
    (None, Decimal(5000), None),
    (Decimal(30000), None, None),
    (None, None, Decimal(10000)),
    (Decimal(20000), Decimal(20000), Decimal(20000)),
    (Decimal(500), None, None),
]
DAYS = [None, -1, *range(21), 21, 40]  # -1: closed yesterday


@pytest.fixture
def varied(wigan: Council, sunderland: Council) -> list[Opportunity]:
    """Every value of every part, crossed with co-prime strides so the combinations vary; a few are the
    council's own, a few Sunderland's (which Wigan never sees)."""
    most = matching.most_deprived_wards(wigan, 8)
    areas = [
        [],
        [ABRAM],
        [ASHTON],
        [ABRAM, ASHTON],
        [WIGAN],
        [ENGLAND],
        [SUNDERLAND],
        [LSOA],
        most[:1],
        most[:3],
        most[:5],
        [WIGAN, ABRAM],
        [ENGLAND, most[0]],
    ]
    today = timezone.localdate()
    made = []
    for i in range(13 * 7 * 5 * 4):
        low, high, pot = AMOUNTS[i % 7]
        days = DAYS[i % len(DAYS)]
        council = wigan if i % 19 == 0 else sunderland if i % 23 == 0 else None
        made.append(
            Opportunity(
                council=council,
                funder=f"Trust {i % 3}",
                programme=f"Fund {i % 97:02d}-{i}",
                themes=padded(THEMES[i % 4]),
                applicant_types=padded(KINDS[i % 5]),
                area_codes=padded(areas[i % 13]),
                minimum_award=low,
                maximum_award=high,
                total_pot=pot,
                closes_on=today + timedelta(days=days) if days is not None else None,
            )
        )
    return Opportunity.objects.bulk_create(made)


ASKS = [
    {"areas": ABRAM, "applicant_type": "charity", "amount": "20000"},
    {"areas": f"{ABRAM} {ASHTON}", "applicant_type": "cic", "amount": "4000"},
    {"areas": LSOA, "amount": "30000"},
    {"areas": "", "applicant_type": "school"},
    {"areas": "", "most_deprived": "8", "applicant_type": "charity", "amount": "20000"},
    {"areas": "", "most_deprived": "3", "needs": ["young-people", "food"]},
]


@pytest.mark.parametrize("raw", ASKS)
def test_the_database_ranks_as_the_reasons_add_up(varied, wigan, raw) -> None:
    today = timezone.localdate()
    ask = matching.ask_of(wigan, {"needs": ["young-people"]} | raw)
    ranking = matching.rank(wigan, ask)
    fits = list(ranking)
    # Every opportunity Wigan sees, open and themed for one of the needs or for none, once.
    seen = [
        o
        for o in varied
        if o.council_id in (None, wigan.pk)
        and (o.closes_on is None or o.closes_on >= today)
        and (not o.theme_list or set(o.theme_list) & set(ask.needs))
    ]
    assert len(ranking) == len(fits) == len(seen)
    assert {f.opportunity.pk for f in fits} == {o.pk for o in seen}
    for f in fits:
        sql = (f.opportunity.match_score, bool(f.opportunity.match_blocked))  # type: ignore[attr-defined]
        assert sql == (f.score, f.blocked), [r.as_dict() for r in f.reasons]
    key = [(f.blocked, -f.score, f.opportunity.closes_on or date.max, f.opportunity.programme) for f in fits]
    assert key == sorted(key)
    # Pages are slices of the same order; the unblocked and the matches are counted in SQL alike.
    assert [f.opportunity.pk for f in ranking[10:20]] == [f.opportunity.pk for f in fits[10:20]]
    assert ranking.unblocked() == sum(not f.blocked for f in fits)
    assert [f.opportunity.pk for f in ranking.matches()] == [f.opportunity.pk for f in fits if f.is_match]
    # The asks reach both sides of the parts that block, so the check above is not vacuous.
    assert 0 < ranking.unblocked() < len(fits)


def test_the_rounded_parts_round_as_python_does(varied, wigan) -> None:
    """One of 8 places covered is 20 x 1/8 = 2.5 points: 2, as Python rounds half to even (SQL's ROUND
    would give 3); 3 of 8 is 7.5: 8; 5 of 8 is 12.5: 12. A deadline 7 days off is 10 x 7/21: 3."""
    ask = matching.ask_of(wigan, {"needs": ["young-people"], "most_deprived": "8"})
    fits = list(matching.rank(wigan, ask))
    most = matching.most_deprived_wards(wigan, 8)
    points = {tuple(f.opportunity.area_list): f.reasons[2].points for f in fits}
    assert all(f.opportunity.match_score == f.score for f in fits)  # type: ignore[attr-defined]
    assert points[tuple(most[:1])] == 2 and points[tuple(most[:3])] == 8 and points[tuple(most[:5])] == 12
    week = next(f for f in fits if f.opportunity.closes_on == timezone.localdate() + timedelta(days=7))
    assert week.reasons[4].points == 3 and week.opportunity.match_score == week.score  # type: ignore[attr-defined]


def test_equal_scores_close_soonest_first_open_ended_last_then_by_name(wigan, make_user, client_as) -> None:
    today = timezone.localdate()
    for name, days in [("Later", 60), ("Open-ended", None), ("Sooner", 30), ("Also sooner", 30)]:
        Opportunity.objects.create(
            funder="Trust",
            programme=name,
            themes=" young-people ",
            closes_on=today + timedelta(days=days) if days is not None else None,
        )
    ask = matching.ask_of(wigan, {"needs": ["young-people"]})
    fits = list(matching.rank(wigan, ask))
    assert [f.opportunity.programme for f in fits] == ["Also sooner", "Sooner", "Later", "Open-ended"]
    assert {f.score for f in fits} == {40 + 10 + 12 + 5 + 10}
    # The API pages the same order.
    client = client_as(make_user(Role.ANALYST, wigan))
    page = client.get(f"/api/v1/c/{wigan.slug}/funding/matches?needs=young-people&limit=2&offset=1").json()
    assert page["count"] == 4 and [i["grantName"] for i in page["items"]] == ["Sooner", "Later"]
