"""Contracts: made after the standstill (UK7), the open book, outcomes and results, KPIs (three for £5m
or more) rated over time (UK9), breaches, variations with their versions (UK10) and termination (UK11)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from civichub.commissioning import selectors
from civichub.commissioning.models import Contract, Notice, Procurement, Stage
from civichub.commissioning.services import bidding, contracts, evaluation
from civichub.commissioning.tests.conftest import pass_deadline, pass_standstill, reread
from civichub.core.errors import Conflict, Refused

KPIS = [
    {"name": "Visits on time", "target": "95%"},
    {"name": "People who feel safe", "target": "90%"},
    {"name": "Staff turnover", "target": "under 20% a year"},
]


def awarded(people, procurement: Procurement, price: str = "900000") -> Procurement:
    lot = selectors.lots(procurement).get()
    bidding.submit_bid(people["north"], procurement, lot.pk, price, "Daily visits")
    procurement = pass_deadline(procurement)
    for criterion in selectors.criteria_of(procurement, lot):
        bid = selectors.opened_bids(people["officer"], procurement)[0]
        evaluation.score_bid(people["officer"], procurement, bid.pk, criterion.pk, 8, "Strong")
    return evaluation.award(people["officer"], procurement)


def make(people, procurement: Procurement, **extra) -> Contract:
    lot = selectors.lots(procurement).get()
    raw = {
        "start_date": "2026-04-01",
        "end_date": "2029-03-31",
        "cost_lines": [
            {"kind": "staff", "name": "Care workers", "amount": "600000"},
            {"kind": "overheads", "amount": "200000"},
            {"kind": "margin", "amount": "100000"},
        ],
        "outcomes": [{"measure": "People living at home", "baseline": "70", "target": "85", "unit": "%"}],
        "kpis": KPIS[:1],
        **extra,
    }
    return contracts.make_contract(people["officer"], procurement, lot.pk, raw)


@pytest.fixture
def contract(people, tendering) -> Contract:
    return make(people, pass_standstill(awarded(people, tendering)))


def notices_of(contract: Contract) -> list[str]:
    return list(
        selectors.contract_notices(contract).order_by("published_at").values_list("notice_type", flat=True)
    )


def test_no_contract_before_the_standstill_ends(people, tendering) -> None:
    procurement = awarded(people, tendering)
    with pytest.raises(Conflict) as refused:
        make(people, procurement)
    assert refused.value.field == "standstill_ends"
    assert not Contract.objects.for_council(procurement.council).exists()


def test_a_contract_after_the_standstill_publishes_uk7(people, contract) -> None:
    assert contract.value == Decimal("900000") and contract.provider == people["north_org"]
    assert contract.ocid == contract.procurement.ocid
    assert reread(contract.procurement).stage == Stage.CONTRACT
    assert notices_of(contract) == ["UK7"]
    uk7 = selectors.contract_notices(contract).get()
    assert uk7.facts["open_book_total"] == "900000.00" and uk7.facts["supplier"]["name"] == "North Care Ltd"
    assert [v.number for v in selectors.versions(contract)] == [1]


def test_a_contract_of_5m_or_more_needs_three_kpis(people, tendering) -> None:
    procurement = pass_standstill(awarded(people, tendering, price="5000000"))
    with pytest.raises(Refused) as refused:
        make(people, procurement, kpis=KPIS[:2])
    assert refused.value.field == "kpis"
    assert not Notice.objects.for_council(procurement.council).filter(notice_type="UK7").exists()
    assert make(people, procurement, kpis=KPIS).value == Decimal("5000000")


def test_the_open_book_is_the_commissioners_and_the_providers_and_the_public_sees_the_total(
    people, contract
) -> None:
    assert selectors.cost_total(contract) == Decimal("900000")
    assert len(selectors.cost_lines(people["officer"], contract)) == 3
    assert len(selectors.cost_lines(people["north"], contract)) == 3
    with pytest.raises(PermissionDenied):
        selectors.cost_lines(people["south"], contract)
    with pytest.raises(PermissionDenied):
        selectors.cost_lines(people["analyst"], contract)
    contracts.set_cost_lines(
        people["north"],
        contract,
        [{"kind": "staff", "amount": "700000"}, {"kind": "margin", "amount": "50000"}],
    )
    assert selectors.cost_total(contract) == Decimal("750000")
    with pytest.raises(PermissionDenied):
        contracts.set_cost_lines(people["south"], contract, [])
    with pytest.raises(Refused) as refused:
        contracts.set_cost_lines(people["north"], contract, [{"kind": "staff", "amount": "-1"}])
    assert refused.value.field == "cost_lines[0].amount"
    assert selectors.cost_total(contract) == Decimal("750000")


def test_outcome_results_are_reported_over_time(people, contract) -> None:
    ((outcome, _),) = selectors.outcomes(contract)
    contracts.report_result(people["north"], contract, outcome.pk, "2026-09-30", "74")
    contracts.report_result(people["officer"], contract, outcome.pk, "2027-03-31", "79.5")
    ((_, results),) = selectors.outcomes(contract)
    assert [(r.period_end, r.value) for r in results] == [
        (date(2026, 9, 30), Decimal("74")),
        (date(2027, 3, 31), Decimal("79.5")),
    ]


def test_kpis_are_rated_with_the_regulations_ratings_in_uk9(people, contract) -> None:
    kpi = contracts.add_kpi(people["officer"], contract, "Complaints resolved", "within 20 days")
    (first, _), _ = selectors.kpis(contract)
    with pytest.raises(Refused) as refused:  # every KPI must be rated
        contracts.assess_performance(
            people["officer"], contract, "2027-03-31", [{"kpi_id": first.pk, "rating": "good"}]
        )
    assert refused.value.field == "ratings"
    with pytest.raises(Refused) as refused:
        contracts.assess_performance(
            people["officer"],
            contract,
            "2027-03-31",
            [{"kpi_id": first.pk, "rating": "excellent"}, {"kpi_id": kpi.pk, "rating": "good"}],
        )
    assert refused.value.field == "ratings[0].rating"
    contracts.assess_performance(
        people["officer"],
        contract,
        "2027-03-31",
        [{"kpi_id": first.pk, "rating": "approaching_target"}, {"kpi_id": kpi.pk, "rating": "good"}],
    )
    uk9 = selectors.contract_notices(contract).get(notice_type="UK9")
    assert [r["rating_name"] for r in uk9.facts["assessment"]["ratings"]] == ["Approaching target", "Good"]
    assert not selectors.assessment_due(
        reread_contract(contract), today=date(2028, 3, 30)
    )  # a year after 31 March 2027 is 31 March 2028
    assert selectors.assessment_due(reread_contract(contract), today=date(2028, 3, 31))


def reread_contract(contract: Contract) -> Contract:
    return Contract.objects.for_council(contract.council).get(pk=contract.pk)


def test_a_breach_is_recorded_with_its_penalty(people, contract) -> None:
    ((kpi, _),) = selectors.kpis(contract)
    contracts.record_breach(
        people["officer"],
        contract,
        {"kpi_id": kpi.pk, "description": "Missed visits", "penalty": "2500", "occurred_on": "2026-06-01"},
    )
    assert [(b.kpi, b.penalty) for b in selectors.breaches(contract)] == [(kpi, Decimal("2500"))]
    with pytest.raises(Refused) as refused:
        contracts.record_breach(people["officer"], contract, {"description": "x", "occurred_on": "yesterday"})
    assert refused.value.field == "occurred_on"


def test_a_variation_makes_a_new_version_and_publishes_uk10(people, contract) -> None:
    variation = contracts.vary_contract(
        people["officer"],
        contract,
        {
            "reason": "More people need night visits",
            "cost_change": "120000",
            "agreed_by": "Head of Adult Social Care and North Care's director",
            "agreed_on": "2026-10-01",
            "new_end_date": "2030-03-31",
        },
    )
    contract = reread_contract(contract)
    assert (contract.version, contract.value, contract.end_date) == (2, Decimal("1020000"), date(2030, 3, 31))
    assert variation.new_version == 2
    history = list(selectors.versions(contract))
    assert [(v.number, v.snapshot["value"]) for v in history] == [(1, "900000.00"), (2, "1020000.00")]
    assert notices_of(contract) == ["UK7", "UK10"]
    # A saving is a variation too; one that takes the value below nothing is refused.
    with pytest.raises(Refused) as refused:
        contracts.vary_contract(
            people["officer"], contract, {"reason": "x", "cost_change": "-2000000", "agreed_by": "x"}
        )
    assert refused.value.field == "cost_change"


def test_termination_rates_the_kpis_publishes_uk9_and_uk11_and_ends_all_change(people, contract) -> None:
    ((kpi, _),) = selectors.kpis(contract)
    with pytest.raises(Refused):  # the KPIs are rated at termination
        contracts.terminate_contract(people["officer"], contract, {"reason": "Provider leaving the market"})
    contracts.terminate_contract(
        people["officer"],
        contract,
        {
            "reason": "Provider leaving the market",
            "terminated_on": "2027-01-31",
            "ratings": [{"kpi_id": kpi.pk, "rating": "requires_improvement", "note": "Late visits"}],
        },
    )
    contract = reread_contract(contract)
    assert contract.status == Contract.Status.TERMINATED and contract.version == 2
    assert notices_of(contract) == ["UK7", "UK9", "UK11"]
    assert selectors.contract_notices(contract).get(notice_type="UK9").facts["assessment"]["at_termination"]
    with pytest.raises(Conflict) as refused:
        contracts.vary_contract(
            people["officer"], contract, {"reason": "Too late", "cost_change": "10", "agreed_by": "x"}
        )
    assert refused.value.field == "contract_id"
    assert [v.number for v in selectors.versions(contract)] == [1, 2]
    assert not selectors.variations(contract).exists()


def test_a_call_off_contract_follows_at_once(people, commission) -> None:
    from civichub.commissioning.tests.conftest import start

    procurement = start(
        people, commission, reference="CO-1", procedure="framework_call_off", framework_reference="FW"
    )
    procurement = evaluation.call_off(people["officer"], procurement, people["south_org"].pk, "30000")
    made = make(
        people,
        procurement,
        kpis=[],
        start_date=str(timezone.localdate()),
        end_date=str(timezone.localdate() + timedelta(days=90)),
    )
    assert made.provider == people["south_org"] and made.value == Decimal("30000")
    assert reread(procurement).stage == Stage.CONTRACT


def test_another_councils_contract_is_not_found(people, contract, sunderland, make_user) -> None:
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        selectors.contract(people["officer"], sunderland, contract.pk)
    with pytest.raises(Http404):
        selectors.contract(people["officer"], contract.council, contract.procurement_id)
    with pytest.raises(PermissionDenied):
        contracts.vary_contract(their_officer(make_user, sunderland), contract, {})


def their_officer(make_user, sunderland):
    """A Sunderland commissioner: no permission over Wigan's contracts, whatever they name."""
    from civichub.core.actors import Actor
    from civichub.core.models import Role

    return Actor(user=make_user(Role.COMMISSIONER, sunderland), council=sunderland)
