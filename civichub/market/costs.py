"""The Fair Cost of Care templates (the lines a cost return is made of) and how their figures are read:
quartiles by one documented method, and suppression of small counts.

Quartiles use the "inclusive" method (Excel's QUARTILE.INC, R's type 7, and Python's
`statistics.quantiles(method="inclusive")`): for n sorted values x[0..n-1], the q-th quantile sits at
position h = (n - 1) x q and is x[⌊h⌋] + (h - ⌊h⌋) x (x[⌊h⌋+1] - x[⌊h⌋]). The values come from the
database already sorted (one ordered query per exercise); only the interpolation is done here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Aggregates of fewer returns than this are not shown to providers or the public: with so few, a
# provider's own costs could be worked out from them.
SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    unit: str = "£"
    # Travel minutes are a quantity, not money: shown with their quartiles, left out of the total.
    in_total: bool = True


# Per contact hour (the Fair Cost of Care exercise for 18+ domiciliary care, 2022).
HOME_CARE = (
    Line("care_worker_pay", "Care-worker basic pay"),
    Line("travel_minutes", "Travel time (minutes per contact hour)", unit="minutes", in_total=False),
    Line("travel_time_pay", "Travel time pay"),
    Line("mileage", "Mileage"),
    Line("on_costs", "On-costs (NI, pension, holiday)"),
    Line("training", "Training"),
    Line("supervision", "Supervision"),
    Line("back_office", "Back office"),
    Line("fees", "CQC and other fees"),
    Line("return_on_operations", "Return on operations"),
)
# Per resident per week (the Fair Cost of Care exercise for 65+ care homes, 2022).
CARE_HOME = (
    Line("care_staff", "Care staff"),
    Line("nursing_staff", "Nursing staff"),
    Line("premises", "Premises"),
    Line("supplies", "Supplies"),
    Line("food", "Food"),
    Line("utilities", "Utilities"),
    Line("return_on_operations", "Return on operations"),
    Line("return_on_capital", "Return on capital"),
)
TEMPLATES: dict[str, tuple[Line, ...]] = {"home_care": HOME_CARE, "care_home": CARE_HOME}
TEMPLATE_UNITS = {"home_care": "per contact hour", "care_home": "per resident per week"}
TOTAL = "total"


def lines_of(template: str) -> tuple[Line, ...]:
    return TEMPLATES.get(template, ())


def line_labels(template: str) -> dict[str, str]:
    return {line.code: line.label for line in lines_of(template)} | {TOTAL: "Total (£)"}


def quartiles(ordered: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(lower quartile, median, upper quartile) of values already in ascending order, by the inclusive
    method; None for no values. One value is its own quartiles."""
    n = len(ordered)
    if n == 0:
        return None

    def at(q: Decimal) -> Decimal:
        h = (n - 1) * q
        low = int(h)
        if low + 1 >= n:
            return ordered[-1]
        return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])

    return tuple(
        at(q).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for q in (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"))
    )  # type: ignore[return-value]


@dataclass(frozen=True)
class LineFigures:
    """A line's (or the total's) count and quartiles; the quartiles are None when suppressed."""

    code: str
    label: str
    unit: str
    count: int
    lower_quartile: Decimal | None
    median: Decimal | None
    upper_quartile: Decimal | None
    suppressed: bool


def figures_of(
    template: str, ordered_by_line: dict[str, list[Decimal]], *, suppress: bool
) -> list[LineFigures]:
    """Each line's figures and the total's, in the template's order. With `suppress`, a line of fewer than
    SUPPRESS_BELOW returns shows its count only."""
    rows = []
    units = {line.code: line.unit for line in lines_of(template)} | {TOTAL: "£"}
    for code, label in line_labels(template).items():
        values = ordered_by_line.get(code, [])
        hidden = suppress and len(values) < SUPPRESS_BELOW
        found = None if hidden else quartiles(values)
        rows.append(
            LineFigures(
                code,
                label,
                units[code],
                len(values),
                found[0] if found else None,
                found[1] if found else None,
                found[2] if found else None,
                hidden,
            )
        )
    return rows
