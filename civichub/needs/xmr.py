"""The XmR (individuals and moving range) process behaviour chart: the mean, the natural process limits
and the signals, after Wheeler (Understanding Variation, 1993). A chart to understand a process, not a
target: a point outside the limits, or eight in a row on one side of the mean, is a signal worth asking
about; anything else is the routine variation of the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

# 2.66 = 3 / d2 for moving ranges of two points (d2 = 1.128); 3.268 = D4 for the moving range chart.
SCALING = 2.66
RUN = 8


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    signal: str  # "" or why: "above the upper limit", "below the lower limit", "run of 8 above the mean"…


@dataclass(frozen=True)
class XmR:
    mean: float
    average_moving_range: float
    upper: float
    lower: float
    points: list[Point]

    @property
    def signals(self) -> list[Point]:
        return [p for p in self.points if p.signal]


def xmr(points: list[tuple[str, float]], *, floor: float | None = None) -> XmR | None:
    """The chart of `points` (label, value), or None below two points. `floor` bounds the lower limit
    (a share cannot be below 0)."""
    if len(points) < 2:
        return None
    values = [v for _, v in points]
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in pairwise(values)]
    mr = sum(ranges) / len(ranges)
    upper, lower = mean + SCALING * mr, mean - SCALING * mr
    if floor is not None:
        lower = max(lower, floor)
    signals = [""] * len(values)
    for i, v in enumerate(values):
        if v > upper:
            signals[i] = "above the upper limit"
        elif v < lower:
            signals[i] = "below the lower limit"
    # Runs: eight or more in a row on one side of the mean; every point of the run is marked.
    start = 0
    for i in range(1, len(values) + 1):
        side = lambda x: (x > mean) - (x < mean)  # noqa: E731 - a one-line sign
        if i == len(values) or side(values[i]) != side(values[start]) or side(values[i]) == 0:
            if i - start >= RUN and side(values[start]) != 0:
                where = "above" if side(values[start]) > 0 else "below"
                for j in range(start, i):
                    signals[j] = signals[j] or f"run of {i - start} {where} the mean"
            start = i
    return XmR(
        round(mean, 4),
        round(mr, 4),
        round(upper, 4),
        round(lower, 4),
        [Point(label, value, signal) for (label, value), signal in zip(points, signals, strict=True)],
    )
