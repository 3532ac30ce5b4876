"""A small, hand-worked market: three providers of home care in two Wigan wards (one of them also in a
Sunderland ward), staff of each, and officers of both councils. The figures the tests expect are worked
out by hand in each test's docstring."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from civichub.core.actors import Actor
from civichub.core.models import Role
from civichub.market import services
from civichub.market.models import MarketCategory

WARD_A, WARD_B, WARD_S = "E05000840", "E05000841", "E05001172"  # two Wigan wards, one Sunderland ward
SYSTEM = Actor.system("market tests")


def offer(
    capacity: Any, price: Any, coverage: list[str], started: int, rating: str = "good"
) -> dict[str, Any]:
    return {
        "capacity": str(capacity),
        "price": str(price),
        "coverage": coverage,
        "started_on": date(started, 4, 1).isoformat(),
        "staff_posts": 10,
        "staff_vacancies": 2,
        "cqc_rating": rating,
        "cqc_rated_on": "2024-01-10",
    }


@pytest.fixture
def home_care(db: None) -> MarketCategory:
    return MarketCategory.objects.for_platform().get(code="home-care-18")


@pytest.fixture
def market(wigan, sunderland, home_care, make_user) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for key, name, number in (
        ("alpha", "Alpha Care Ltd", "00000001"),
        ("beta", "Beta Homecare Ltd", "00000002"),
        ("gamma", "Gamma Support CIC", "00000003"),
    ):
        profile = services.register_provider(
            SYSTEM, wigan, name=name, kind="company", identifiers={"GB-COH": number}, is_sme=True
        )
        made[key] = profile.organisation
    made["offers"] = {
        "alpha": services.set_offer(
            SYSTEM, wigan, made["alpha"], home_care, offer(60, 20, [WARD_A, WARD_B], 2019)
        ),
        "beta": services.set_offer(
            SYSTEM, wigan, made["beta"], home_care, offer(30, 25, [WARD_A], 2021, "requires_improvement")
        ),
        "gamma": services.set_offer(
            SYSTEM, wigan, made["gamma"], home_care, offer(10, 18, [WARD_B, WARD_S], 2021, "outstanding")
        ),
    }
    made["alpha_staff"] = make_user(Role.PROVIDER_STAFF, wigan, organisation=made["alpha"])
    made["beta_staff"] = make_user(Role.PROVIDER_STAFF, wigan, organisation=made["beta"])
    made["gamma_staff"] = make_user(Role.PROVIDER_STAFF, wigan, organisation=made["gamma"])
    made["commissioner"] = make_user(Role.COMMISSIONER, wigan)
    made["analyst"] = make_user(Role.ANALYST, wigan)
    made["councillor"] = make_user(Role.COUNCILLOR, wigan)
    made["sunderland_commissioner"] = make_user(Role.COMMISSIONER, sunderland)
    return made
