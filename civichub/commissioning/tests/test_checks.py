"""Whatever is typed, the checks answer with a value or a Refused naming the field: never another error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civichub.commissioning import checks
from civichub.core.errors import Refused

TYPED = st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(), st.decimals())


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_money_is_pounds_and_pence_or_a_refusal_naming_the_field(value) -> None:
    try:
        amount = checks.money(value, "price")
    except Refused as refused:
        assert refused.field == "price"
        return
    assert amount is not None and amount >= 0 and amount == amount.quantize(Decimal("0.01"))


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_scores_are_within_0_and_10_or_refused(value) -> None:
    try:
        score = checks.number(value, "score", low=Decimal(0), high=Decimal(10))
    except Refused as refused:
        assert refused.field == "score"
        return
    assert 0 <= score <= 10


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.none()))
def test_dates_times_and_places_are_read_or_refused(value) -> None:
    for check, field in (
        (lambda v: checks.day(v, "start_date"), "start_date"),
        (lambda v: checks.moment(v, "tender_deadline"), "tender_deadline"),
        (lambda v: checks.place_codes(v or ""), "place_codes"),
    ):
        try:
            check(value)
        except Refused as refused:
            assert (refused.field or "").startswith(field)


@pytest.mark.parametrize(
    ("typed", "amount"), [("£1,250.50", Decimal("1250.50")), ("0", Decimal(0)), (" 12 ", Decimal(12))]
)
def test_money_as_people_type_it(typed, amount) -> None:
    assert checks.money(typed, "value") == amount


@pytest.mark.parametrize("typed", ["-1", "1.005", "NaN", "Infinity", "1e30", "twelve"])
def test_money_that_is_not_refused_by_name(typed) -> None:
    with pytest.raises(Refused) as refused:
        checks.money(typed, "value")
    assert refused.value.field == "value"
