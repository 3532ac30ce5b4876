"""Open-book cost returns: by form, API or CSV through the kernel's import pipeline; each checked line by
line; the council sees every return and the quartiles; providers and the public see aggregates only, and
none below 5 returns; the fair cost (median total) against the rates paid."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.core.models import DomainEvent
from civichub.market import health, returns, selectors, services
from civichub.market.costs import TOTAL
from civichub.market.models import CostReturn, MarketCategory
from civichub.market.tests.conftest import SYSTEM

LINES = {
    "care_worker_pay": "11.50",
    "travel_minutes": "12",
    "travel_time_pay": "2.30",
    "mileage": "1.10",
    "on_costs": "2.40",
    "training": "0.30",
    "supervision": "0.40",
    "back_office": "3.00",
    "fees": "0.20",
    "return_on_operations": "0.80",
}  # a total of £22.00 (travel minutes are not money)


@pytest.fixture
def exercise(market, wigan, home_care):
    officer = Actor(user=market["commissioner"], council=wigan)
    return returns.open_exercise(
        officer,
        wigan,
        home_care,
        title="Home care fair cost 2026",
        closes_on=date.today() + timedelta(days=30),
    )


def lines(pay: str) -> dict[str, str]:
    return LINES | {"care_worker_pay": pay}


def test_a_provider_returns_its_costs_and_the_council_sees_the_fair_cost(market, wigan, exercise) -> None:
    staff = Actor(user=market["alpha_staff"], council=wigan)
    made = returns.submit_return(staff, exercise, market["alpha"], LINES)
    assert made.total == Decimal("22.00")
    returns.submit_return(staff, exercise, market["alpha"], lines("12.50"))  # replaces the first
    assert CostReturn.objects.for_council(wigan).get().total == Decimal("23.00")
    assert DomainEvent.objects.for_council(wigan).filter(type="market.return.submitted").count() == 2
    officer = Actor(user=market["commissioner"], council=wigan)
    figures = {f.code: f for f in selectors.exercise_figures(officer, exercise)}
    assert figures[TOTAL].median == Decimal("23.00") and not figures[TOTAL].suppressed
    assert figures["travel_minutes"].median == Decimal("12.00")


@pytest.mark.parametrize(
    ("raw", "field"),
    [(lines("12.3x"), "care_worker_pay"), (lines("-1"), "care_worker_pay"), (LINES | {"food": "3"}, "food")],
)
def test_bad_lines_are_refused_by_line(market, wigan, exercise, raw, field) -> None:
    with pytest.raises(Refused) as refused:
        returns.submit_return(
            Actor(user=market["alpha_staff"], council=wigan), exercise, market["alpha"], raw
        )
    assert field in [e.field for e in refused.value.errors]
    assert not CostReturn.objects.for_council(wigan).exists()


def test_no_return_to_a_closed_exercise_nor_for_another_provider(market, wigan, exercise) -> None:
    staff = Actor(user=market["alpha_staff"], council=wigan)
    with pytest.raises(PermissionDenied):
        returns.submit_return(staff, exercise, market["beta"], LINES)
    with pytest.raises(PermissionDenied):
        returns.submit_return(
            Actor(user=market["commissioner"], council=wigan), exercise, market["alpha"], LINES
        )
    returns.close_exercise(Actor(user=market["commissioner"], council=wigan), exercise)
    with pytest.raises(Conflict) as closed:
        returns.submit_return(staff, exercise, market["alpha"], LINES)
    assert closed.value.field == "exercise"


def csv_of(exercise, org_id: str, values: dict[str, str]) -> bytes:
    rows = ["exercise_id,provider,line,amount"] + [
        f"{exercise.pk},{org_id},{k},{v}" for k, v in values.items()
    ]
    return ("\n".join(rows) + "\n").encode()


def test_a_csv_return_goes_through_the_import_pipeline_all_or_nothing(market, wigan, exercise) -> None:
    staff = Actor(user=market["alpha_staff"], council=wigan)
    with pytest.raises(ImportRejected) as bad:
        run_now(
            staff,
            wigan,
            "cost_returns",
            file_name="r.csv",
            content=csv_of(exercise, "GB-COH-00000001", lines("12.3x")),
        )
    assert [(e.line, e.field) for e in bad.value.rows] == [(2, "amount")]
    with pytest.raises(ImportRejected) as theirs:
        run_now(
            staff,
            wigan,
            "cost_returns",
            file_name="r.csv",
            content=csv_of(exercise, "GB-COH-00000002", LINES),
        )
    assert theirs.value.rows[0].field == "provider" and "only return your own" in theirs.value.rows[0].message
    assert not CostReturn.objects.for_council(wigan).exists()
    run, _ = run_now(
        staff, wigan, "cost_returns", file_name="r.csv", content=csv_of(exercise, "GB-COH-00000001", LINES)
    )
    assert run.created == 1 and CostReturn.objects.for_council(wigan).get().total == Decimal("22.00")
    returns.close_exercise(Actor(user=market["commissioner"], council=wigan), exercise)
    with pytest.raises(ImportRejected) as closed:
        run_now(
            staff,
            wigan,
            "cost_returns",
            file_name="s.csv",
            content=csv_of(exercise, "GB-COH-00000001", lines("13")),
        )
    assert closed.value.rows[0].field == "exercise_id" and "closed" in closed.value.rows[0].message


def test_providers_and_the_public_see_no_aggregate_of_fewer_than_5(
    market, wigan, home_care, exercise, make_user
) -> None:
    """Totals returned 20, 22, 23, 25 and then 30: inclusive quartiles of five are 22, 23, 25."""
    from civichub.core.models import Role

    pays = ["9.50", "11.50", "12.50", "14.50", "19.50"]
    orgs = [market["alpha"], market["beta"], market["gamma"]]
    for n, pay in enumerate(pays):
        if n < 3:
            org = orgs[n]
        else:
            org = services.register_provider(
                SYSTEM, wigan, name=f"Extra {n}", kind="company", identifiers={"GB-COH": f"1000000{n}"}
            ).organisation
        staff = (
            make_user(Role.PROVIDER_STAFF, wigan, organisation=org)
            if n >= 3
            else market[("alpha_staff", "beta_staff", "gamma_staff")[n]]
        )
        returns.submit_return(Actor(user=staff, council=wigan), exercise, org, lines(pay))
        provider_view = {
            f.code: f
            for f in selectors.exercise_figures(Actor(user=market["alpha_staff"], council=wigan), exercise)
        }
        public_view = {f.code: f for f in selectors.exercise_figures(None, exercise)}
        assert provider_view[TOTAL].suppressed == public_view[TOTAL].suppressed == (n < 4)
        assert provider_view[TOTAL].count == n + 1
    assert (
        public_view[TOTAL].lower_quartile,
        public_view[TOTAL].median,
        public_view[TOTAL].upper_quartile,
    ) == (
        Decimal("22.00"),
        Decimal("23.00"),
        Decimal("25.00"),
    )
    staff_returns = selectors.returns(Actor(user=market["alpha_staff"], council=wigan), exercise)
    assert [r.organisation for r in staff_returns] == [market["alpha"]]


def test_the_gap_between_the_fair_cost_and_rates_paid(market, wigan, exercise) -> None:
    """Fair cost £23.00 (one return, seen by the council); prices paid 18, 20, 25: median 20 is £3 below;
    Alpha (£20) is £3 below, Beta (£25) £2 above, Gamma (£18) £5 below."""
    returns.submit_return(
        Actor(user=market["alpha_staff"], council=wigan), exercise, market["alpha"], lines("12.50")
    )
    view = health.market_view(Actor(user=market["commissioner"], council=wigan), wigan, "home-care-18")
    assert view.fair_cost == Decimal("23.00") and view.price_gap == Decimal("-3.00")
    assert view.gap_of(str(market["beta"].pk)) == Decimal("2.00")
    assert view.below_fair_cost == 2
    councillor = health.market_view(Actor(user=market["councillor"], council=wigan), wigan, "home-care-18")
    assert councillor.fair_cost is None and councillor.fair_cost_suppressed


def test_the_api_of_exercises_and_returns(client_as, market, wigan, exercise, sunderland) -> None:
    staff, officer = client_as(market["alpha_staff"]), client_as(market["commissioner"])
    base = f"/api/v1/c/{wigan.slug}/cost-exercises/{exercise.pk}"
    sent = staff.put(f"{base}/return", json.dumps({"lines": lines("wrong")}), content_type="application/json")
    assert sent.status_code == 400 and sent.json()["errors"][0]["field"] == "care_worker_pay"
    assert (
        staff.put(f"{base}/return", json.dumps({"lines": LINES}), content_type="application/json").status_code
        == 200
    )
    assert (
        officer.put(
            f"{base}/return", json.dumps({"lines": LINES}), content_type="application/json"
        ).status_code
        == 403
    )
    seen = officer.get(f"{base}/returns").json()["items"]
    assert [(r["organisation_name"], r["amounts"]["travel_minutes"]) for r in seen] == [
        ("Alpha Care Ltd", "12.00")
    ]
    figures = staff.get(base).json()
    assert figures["fair_cost"] is None and all(f["suppressed"] for f in figures["figures"])
    assert officer.get(base).json()["fair_cost"] == "22.00"
    other = client_as(market["sunderland_commissioner"])
    assert other.get(f"/api/v1/c/{sunderland.slug}/cost-exercises/{exercise.pk}/returns").status_code == 404
    no_template = officer.post(
        f"/api/v1/c/{wigan.slug}/cost-exercises",
        json.dumps({"category": "youth-services", "title": "x", "closes_on": "2099-01-01"}),
        content_type="application/json",
    )
    assert no_template.status_code == 400 and no_template.json()["errors"][0]["field"] == "category"


def test_the_exercise_page_takes_a_csv_upload(client_as, market, wigan, exercise) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = client_as(market["alpha_staff"])
    page = f"/c/{wigan.slug}/cost-exercises/{exercise.pk}/"
    bad = SimpleUploadedFile("r.csv", csv_of(exercise, "GB-COH-00000001", lines("abc")))
    refused = staff.post(page, {"form": "upload", "file": bad})
    assert refused.status_code == 400 and "line 2, field &#39;amount&#39;" in refused.content.decode()
    good = SimpleUploadedFile("r.csv", csv_of(exercise, "GB-COH-00000001", LINES))
    assert staff.post(page, {"form": "upload", "file": good}).status_code == 302
    assert "22.00" in client_as(market["commissioner"]).get(page).content.decode()
    assert MarketCategory.objects.for_platform().filter(cost_template="care_home").count() == 2
