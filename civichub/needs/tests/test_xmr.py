"""The XmR chart's limits and signals, against values worked out by hand."""

from __future__ import annotations

import pytest

from civichub.needs.xmr import xmr


def test_limits_worked_by_hand() -> None:
    # 10, 12, 11, 13, 30: mean 76/5 = 15.2; moving ranges 2, 1, 2, 17, average 22/4 = 5.5;
    # limits 15.2 +/- 2.66 x 5.5 = 15.2 +/- 14.63: 29.83 and 0.57. Only 30 is outside.
    chart = xmr([(str(i), v) for i, v in enumerate([10, 12, 11, 13, 30])])
    assert chart is not None
    assert (chart.mean, chart.average_moving_range) == (15.2, 5.5)
    assert chart.upper == pytest.approx(29.83) and chart.lower == pytest.approx(0.57)
    assert [p.label for p in chart.signals] == ["4"] and chart.signals[0].signal == "above the upper limit"


def test_a_run_of_eight_on_one_side_is_a_signal_and_the_floor_holds() -> None:
    # 5, 6 four times then 7, 8 four times: mean 104/16 = 6.5; every moving range is 1, so the limits are
    # 6.5 +/- 2.66: 3.84 and 9.16. Nothing is outside, but both runs of 8 are signals.
    chart = xmr([(str(i), v) for i, v in enumerate([5.0, 6.0] * 4 + [7.0, 8.0] * 4)], floor=0)
    assert chart is not None and (chart.mean, chart.average_moving_range) == (6.5, 1)
    assert (chart.upper, chart.lower) == (pytest.approx(9.16), pytest.approx(3.84))
    assert [p.signal for p in chart.points] == ["run of 8 below the mean"] * 8 + [
        "run of 8 above the mean"
    ] * 8
    wide = xmr([("a", 0.0), ("b", 50.0)], floor=0)
    assert wide is not None and wide.lower == 0
    assert xmr([("only", 1.0)]) is None
