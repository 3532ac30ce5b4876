"""Area indicators as CSV, through the kernel's one import pipeline: one row per value of a series for
an area and a period. A file may hold several series.

The whole file is checked before anything is written, and every problem names its line and column: an
unknown level, an area code that is not one of this council's LSOAs or wards (nor the council, nor
England), a period of no known shape or of another shape than the rest of its series, a value that is not
a number, a need code the taxonomy does not hold. All or nothing, as every import.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from civichub.core.actors import Actor
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.core.models import Council
from civichub.needs import selectors
from civichub.needs.models import Level
from civichub.needs.services import Series, save_indicator
from civichub.places import selectors as places

ENGLAND = "E92000001"
# The period shapes a series may use; one shape per series, so its periods sort as text.
PERIODS = {
    "YYYY": re.compile(r"^(19|20)\d\d$"),
    # A financial year is written 2023/24, as UK public bodies do: 2023-12 would be December.
    "YYYY/YY": re.compile(r"^(19|20)\d\d/\d\d$"),
    "YYYY-Qn": re.compile(r"^(19|20)\d\d-Q[1-4]$"),
    "YYYY-MM": re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$"),
}
COLUMNS = (
    Column("indicator", True, "The series' code, like rough-sleepers or fuel-poverty-pct"),
    Column("name", True, "What is measured, like 'Households in fuel poverty'"),
    Column("level", True, "lsoa, ward, council or england"),
    Column(
        "area_code", True, "The area's GSS code: an LSOA or ward of the council, the council, or E92000001"
    ),
    Column(
        "period", True, "2024 (a year), 2023/24 (a financial year), 2024-Q1 (a quarter) or 2024-03 (a month)"
    ),
    Column("value", True, "A number, like 12.5 (no units or commas)"),
    Column("unit", True, "What the value counts, like '%' or 'people'"),
    Column("source", True, "Where the figures come from"),
    Column("licence", True, "Their licence, like 'OGL v3.0'"),
    Column("need", False, "The need category's code, like housing (see the needs page)"),
    Column("higher_is_worse", False, "yes (the default) or no: whether a larger value is the worse one"),
)


def period_shape(text: str) -> str | None:
    shape = next((shape for shape, pattern in PERIODS.items() if pattern.match(text)), None)
    if shape == "YYYY/YY" and (int(text[:4]) + 1) % 100 != int(text[5:]):
        return None  # 2023/25 is no financial year
    return shape


def _areas(council: Council) -> dict[str, set[str]]:
    return {
        Level.LSOA: set(places.lsoas_in(council.gss_code).values_list("code", flat=True)),
        Level.WARD: set(places.wards_in(council.gss_code).values_list("gss_code", flat=True)),
        Level.COUNCIL: {council.gss_code},
        Level.ENGLAND: {ENGLAND},
    }


def check(council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector) -> list[Series]:
    areas = _areas(council)
    needs = set(selectors.categories(council).values_list("code", flat=True))
    held = selectors.period_formats(council)
    series: dict[str, dict[str, Any]] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, row in rows:
        code = (row.get("indicator") or "").strip().lower()
        if not code or len(code) > 60 or not re.fullmatch(r"[a-z0-9-]+", code):
            errors.add(
                line, "indicator", "Give the series' code: lower-case letters, digits and hyphens, up to 60"
            )
            continue
        first = series.setdefault(code, {"line": line, "row": row, "shape": held.get(code), "values": {}})
        level = (row.get("level") or "").strip().lower()
        area = (row.get("area_code") or "").strip().upper()
        period = (row.get("period") or "").strip()
        if level not in Level.values:
            errors.add(line, "level", f"'{level[:20]}' is not a level: use lsoa, ward, council or england")
        elif area not in areas[level]:
            where = {"lsoa": "an LSOA of", "ward": "a ward of", "council": "the code of"}.get(level, "")
            expected = f"{where} {council.short_name}" if where else f"England's code, {ENGLAND}"
            errors.add(line, "area_code", f"'{area[:20]}' is not {expected}")
        shape = period_shape(period)
        if shape is None:
            errors.add(
                line, "period", f"'{period[:20]}' is not a period: use 2024, 2023/24, 2024-Q1 or 2024-03"
            )
        elif first["shape"] is None:
            first["shape"], first["shape_line"] = shape, line
        elif first["shape"] != shape:
            since = f"line {first['shape_line']}" if "shape_line" in first else "the series already held"
            errors.add(
                line,
                "period",
                f"'{period}' is {shape}, but this series' periods are {first['shape']} ({since})",
            )
        try:
            value = Decimal((row.get("value") or "").strip())
            if not value.is_finite() or abs(value) >= 10**13:
                raise InvalidOperation
        except InvalidOperation:
            errors.add(line, "value", f"'{(row.get('value') or '')[:20]}' is not a number")
            continue
        key = (code, level, area, period)
        if key in seen:
            errors.add(
                line, "period", f"{area} {period} is given twice for {code} (first on line {seen[key]})"
            )
        seen[key] = line
        first["values"][(level, area, period)] = value.quantize(Decimal("0.0001"))
    checked = []
    for code, found in series.items():
        line, row = found["line"], found["row"]
        facts = {
            name: (row.get(name) or "").strip() for name in ("name", "unit", "source", "licence", "need")
        }
        for name, limit in (("name", 200), ("unit", 50), ("source", 300), ("licence", 100)):
            if not facts[name] or len(facts[name]) > limit:
                errors.add(line, name, f"Give the series' {name}, up to {limit} characters")
        if facts["need"] and facts["need"].lower() not in needs:
            errors.add(line, "need", f"'{facts['need'][:50]}' is not a need category's code")
        worse = (row.get("higher_is_worse") or "yes").strip().lower()
        if worse not in ("yes", "no"):
            errors.add(line, "higher_is_worse", "Use yes or no")
        checked.append(
            Series(
                code=code,
                name=facts["name"],
                unit=facts["unit"],
                source=facts["source"],
                licence=facts["licence"],
                need=facts["need"].lower(),
                period_format=found["shape"] or "",
                higher_is_worse=worse != "no",
                values=found["values"],
            )
        )
    return checked


def apply(actor: Actor, council: Council, checked: list[Series], progress: Progress) -> ImportResult:
    result = ImportResult()
    for done, series in enumerate(checked, start=1):
        added, updated = save_indicator(actor, council, series)
        result.created += added
        result.updated += updated
        result.unchanged += len(series.values) - added - updated
        progress("Saving indicators", done, len(checked))
    return result


AREA_INDICATORS = register(
    ImportType(
        name="area_indicators",
        label="Area indicators (CSV)",
        description="Values of any indicator by LSOA, ward, council or England, for one or more periods.",
        permission="needs.indicators.import",
        columns=COLUMNS,
        check=check,
        apply=apply,
    )
)
