"""A Wigan commissioning world: a commissioner, two providers with a member of staff each, a commission
and a procurement; and ways to let the clock pass a deadline (moving the deadline, never sleeping)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from civichub.commissioning.models import Procurement
from civichub.commissioning.services import procurement as procuring
from civichub.core.actors import Actor
from civichub.core.models import Organisation, Role

CRITERIA = [
    {"name": "Quality of care", "kind": "quality", "weight": "60"},
    {"name": "Price", "kind": "price", "weight": "30"},
    {"name": "Social value", "kind": "social_value", "weight": "10"},
]


@pytest.fixture
def people(wigan, make_user) -> dict[str, Any]:
    north = Organisation.objects.create(name="North Care Ltd", kind="company")
    south = Organisation.objects.create(name="South Care CIC", kind="company")
    officer = make_user(Role.COMMISSIONER, wigan)
    return {
        "officer": Actor(user=officer, council=wigan),
        "north": Actor(user=make_user(Role.PROVIDER_STAFF, wigan, organisation=north), council=wigan),
        "south": Actor(user=make_user(Role.PROVIDER_STAFF, wigan, organisation=south), council=wigan),
        "north_org": north,
        "south_org": south,
        "analyst": Actor(user=make_user(Role.ANALYST, wigan), council=wigan),
    }


@pytest.fixture
def commission(wigan, people):
    return procuring.create_commission(
        people["officer"],
        wigan,
        {
            "title": "Home care in Wigan North",
            "purpose": "People live well at home for as long as they want to",
            "place_codes": "E05000841 E05000842",
            "need_codes": "personal-care",
            "market_category_code": "home-care-18",
        },
    )


def start(people, commission, reference: str = "WIG-001", **extra: Any) -> Procurement:
    return procuring.start_procurement(
        people["officer"],
        commission,
        {"reference": reference, "title": "Home care", "value_estimate": "1200000", **extra},
    )


@pytest.fixture
def tendering(people, commission) -> Procurement:
    """A procurement open for bids, with one lot and the usual criteria."""
    procurement = start(people, commission)
    procuring.set_lots(people["officer"], procurement, [{"title": "Home care"}], CRITERIA)
    return procuring.open_tender(people["officer"], procurement, timezone.now() + timedelta(days=14))


def pass_deadline(procurement: Procurement) -> Procurement:
    Procurement.objects.for_council(procurement.council).filter(pk=procurement.pk).update(
        tender_deadline=timezone.now() - timedelta(minutes=1)
    )
    return reread(procurement)


def pass_standstill(procurement: Procurement) -> Procurement:
    Procurement.objects.for_council(procurement.council).filter(pk=procurement.pk).update(
        standstill_ends=timezone.localdate() - timedelta(days=1)
    )
    return reread(procurement)


def reread(procurement: Procurement) -> Procurement:
    return Procurement.objects.for_council(procurement.council).get(pk=procurement.pk)
