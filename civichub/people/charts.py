"""The geometry of the quality page's server-side SVG charts (no script): a column chart of counts,
and the m and u probabilities of each comparison level as paired bars on a log scale."""

from __future__ import annotations

import math
from dataclasses import dataclass

from civichub.people.quality import Level

WIDTH, HEIGHT, LEFT, BOTTOM = 640, 220, 40, 30


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def columns(rows: list[tuple[str, int]]) -> list[Column]:
    if not rows:
        return []
    top = max(v for _, v in rows) or 1
    step = (WIDTH - LEFT - 10) / len(rows)
    plot = HEIGHT - BOTTOM - 10
    found = []
    for n, (label, value) in enumerate(rows):
        height = plot * value / top
        found.append(Column(label, value, LEFT + n * step + 1, 10 + plot - height, max(step - 2, 1), height))
    return found


@dataclass(frozen=True)
class LevelBars:
    comparison: str
    label: str
    m: float | None
    u: float | None
    y: float
    m_width: float
    u_width: float


# Probabilities from 1e-6 to 1 on a log scale, so a u of 0.0001 and an m of 0.95 both show.
FLOOR = 1e-6
BAR_LEFT, BAR_WIDTH, ROW = 260, 340, 30


def _width(p: float | None) -> float:
    if not p or p <= 0:
        return 0.0
    return BAR_WIDTH * (math.log10(max(p, FLOOR)) - math.log10(FLOOR)) / -math.log10(FLOOR)


def levels(found: list[Level]) -> list[LevelBars]:
    return [
        LevelBars(
            level.comparison, level.label, level.m, level.u, 10 + n * ROW, _width(level.m), _width(level.u)
        )
        for n, level in enumerate(found)
    ]
