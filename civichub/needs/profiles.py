"""The needs profile of a ward or LSOA: its people by age, its deprivation (IMD 2019 and its seven
domains) and the council's imported indicators, each set against the council and England and ranked
among the council's wards (or LSOAs), with the trend of each indicator where there are several periods.

Deprivation and population are read from places (IoD 2019); nothing of them is copied into needs. A
ward's figures are over the LSOAs whose best-fit ward it is. A ward's decile on a domain is the
population-weighted mean of its LSOAs' deciles (England's is 5.5 by construction): a summary that ranks
wards, not an official statistic, and the page says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from civichub.core.models import Council
from civichub.needs import selectors
from civichub.needs.selectors import Area
from civichub.places import selectors as places

ENGLAND = "E92000001"
ENGLAND_MEAN_DECILE = 5.5
DOMAINS = (("imd_decile", "Index of Multiple Deprivation"), *places.DEPRIVATION_DOMAINS)


@dataclass(frozen=True)
class Row:
    """One measure of the area beside the council's and England's, with its rank among the council's
    areas of the same kind (1 = the most deprived, or the worst)."""

    section: str
    measure: str
    unit: str
    area: float | Decimal | None
    council: float | Decimal | None
    england: float | Decimal | None
    rank: int | None = None
    of: int | None = None
    period: str = ""
    note: str = ""


@dataclass(frozen=True)
class Trend:
    code: str
    name: str
    unit: str
    points: list[tuple[str, Decimal]]

    @property
    def bars(self) -> list[tuple[str, Decimal, str, None]]:
        """(label, value, text, reference) rows for the chart macro."""
        return [(period, value, f"{value} {self.unit}", None) for period, value in self.points]


@dataclass(frozen=True)
class Band:
    decile: int
    lsoas: int
    population: int


@dataclass
class NeedsProfile:
    area: Area
    council: Council
    population: list[Row] = field(default_factory=list)
    deprivation: list[Row] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)

    @property
    def domains(self) -> list[Row]:
        return [row for row in self.deprivation if row.measure.endswith(": decile")]

    @staticmethod
    def chart(rows: list[Row]) -> list[tuple[str, Any, str, Any]]:
        """(label, value, text, reference) rows for the chart macro: the area against the council."""
        return [(row.measure.removesuffix(": decile"), row.area, f"{row.area}", row.council) for row in rows]

    @property
    def rows(self) -> list[Row]:
        return [*self.population, *self.deprivation, *self.indicators]


def _mean_decile(lsoas: Iterable[Any], attribute: str) -> float | None:
    items = list(lsoas)
    people = sum(lsoa.population for lsoa in items)
    if not items:
        return None
    if not people:  # no population held: each LSOA counts once
        return round(sum(getattr(lsoa, attribute) for lsoa in items) / len(items), 2)
    return round(sum(getattr(lsoa, attribute) * lsoa.population for lsoa in items) / people, 2)


def _rank(values: dict[str, Any], key: str, *, worst_first_descending: bool) -> tuple[int | None, int]:
    """Where `key` stands among `values` (1 = the worst), and out of how many."""
    known = {k: v for k, v in values.items() if v is not None}
    if key not in known:
        return None, len(known)
    ordered = sorted(known.values(), reverse=worst_first_descending)
    return ordered.index(known[key]) + 1, len(known)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def profile(council: Council, code: str) -> NeedsProfile:
    area = selectors.area_of(council, code)
    result = NeedsProfile(area=area, council=council)
    council_lsoas = list(places.lsoas_in(council.gss_code))
    if area.kind == "lsoa":
        mine = [lsoa for lsoa in council_lsoas if lsoa.code == area.code]
        groups = {lsoa.code: [lsoa] for lsoa in council_lsoas}
    else:
        groups = defaultdict(list)
        for lsoa in council_lsoas:
            if lsoa.best_fit_ward_id:
                groups[lsoa.best_fit_ward_id].append(lsoa)
        mine = groups.get(area.code, [])
    _population(result, mine, council_lsoas)
    _deprivation(result, mine, council_lsoas, groups)
    _indicators(result)
    return result


def _population(result: NeedsProfile, mine: list[Any], council_lsoas: list[Any]) -> None:
    def bands(lsoas: list[Any]) -> dict[str, int]:
        everyone = sum(lsoa.population for lsoa in lsoas)
        children = sum(lsoa.children for lsoa in lsoas)
        older = sum(lsoa.older_people for lsoa in lsoas)
        return {"everyone": everyone, "0-15": children, "16-59": everyone - children - older, "60+": older}

    here, there = bands(mine), bands(council_lsoas)
    note = "IoD 2019 population, mid-2015"
    result.population.append(
        Row("Population", "People", "people", here["everyone"], there["everyone"], None, note=note)
    )
    for band in ("0-15", "16-59", "60+"):
        result.population.append(
            Row(
                "Population",
                f"People aged {band}",
                "% of people",
                _share(here[band], here["everyone"]),
                _share(there[band], there["everyone"]),
                None,
                note=f"{here[band]} people",
            )
        )


def _deprivation(
    result: NeedsProfile, mine: list[Any], council_lsoas: list[Any], groups: dict[str, list[Any]]
) -> None:
    for decile in range(1, 11):
        inside = [lsoa for lsoa in mine if lsoa.imd_decile == decile]
        result.bands.append(Band(decile, len(inside), sum(lsoa.population for lsoa in inside)))
    people = sum(lsoa.population for lsoa in mine)
    council_people = sum(lsoa.population for lsoa in council_lsoas)
    most = {
        key: sum(lsoa.population for lsoa in lsoas if lsoa.imd_decile == 1) for key, lsoas in groups.items()
    }
    shares = {key: _share(most[key], sum(lsoa.population for lsoa in lsoas)) for key, lsoas in groups.items()}
    rank, of = _rank(shares, result.area.code, worst_first_descending=True)
    result.deprivation.append(
        Row(
            "Deprivation",
            "People in England's most deprived 10% of LSOAs",
            "% of people",
            _share(sum(b.population for b in result.bands[:1]), people),
            _share(sum(lsoa.population for lsoa in council_lsoas if lsoa.imd_decile == 1), council_people),
            10.0,
            rank,
            of,
            "2019",
            "England: 10% of LSOAs by definition",
        )
    )
    if result.area.kind == "lsoa" and mine:
        ranks = {lsoa.code: lsoa.imd_rank for lsoa in council_lsoas}
        rank, of = _rank(ranks, result.area.code, worst_first_descending=False)
        result.deprivation.append(
            Row(
                "Deprivation",
                "IMD 2019 rank in England (1 = most deprived of 32,844)",
                "rank",
                mine[0].imd_rank,
                None,
                None,
                rank,
                of,
                "2019",
            )
        )
    for attribute, label in DOMAINS:
        means = {key: _mean_decile(lsoas, attribute) for key, lsoas in groups.items()}
        rank, of = _rank(means, result.area.code, worst_first_descending=False)
        result.deprivation.append(
            Row(
                "Deprivation",
                f"{label}: decile",
                "decile (1 = most deprived)",
                _mean_decile(mine, attribute),
                _mean_decile(council_lsoas, attribute),
                ENGLAND_MEAN_DECILE,
                rank,
                of,
                "2019",
                "population-weighted mean of LSOA deciles" if result.area.kind == "ward" else "",
            )
        )


def _indicators(result: NeedsProfile) -> None:
    council, area = result.council, result.area
    found = {indicator.pk: indicator for indicator in selectors.indicators(council)}
    if not found:
        return
    # (indicator, period) -> value for this area, the council and England; and every area of its kind.
    own: dict[Any, dict[str, Decimal]] = defaultdict(dict)
    whole: dict[tuple[Any, str], Decimal] = {}
    england: dict[tuple[Any, str], Decimal] = {}
    peers: dict[tuple[Any, str], dict[str, Decimal]] = defaultdict(dict)
    rows = selectors.values_of(council, list(found)).values_list(
        "indicator_id", "level", "area_code", "period", "value"
    )
    for indicator_id, level, code, period, value in rows:
        if level == "council":
            whole[(indicator_id, period)] = value
        elif level == "england":
            england[(indicator_id, period)] = value
        elif level == area.kind:
            peers[(indicator_id, period)][code] = value
            if code == area.code:
                own[indicator_id][period] = value
    for indicator in found.values():
        points = sorted(own.get(indicator.pk, {}).items())
        if not points:
            continue
        period, value = points[-1]
        others = peers[(indicator.pk, period)]
        council_value = whole.get((indicator.pk, period))
        notes = [f"source: {indicator.source} ({indicator.licence})"]
        if council_value is None:
            council_value = (sum(others.values(), Decimal(0)) / len(others)).quantize(Decimal("0.0001"))
            notes.insert(0, f"council: the mean of its {area.kind}s")
        rank, of = _rank(others, area.code, worst_first_descending=indicator.higher_is_worse)
        national = england.get((indicator.pk, period))
        result.indicators.append(
            Row(
                "Indicators",
                indicator.name,
                indicator.unit,
                value.normalize(),
                council_value.normalize(),
                national.normalize() if national is not None else None,
                rank,
                of,
                period,
                "; ".join(notes),
            )
        )
        if len(points) > 1:
            result.trends.append(
                Trend(indicator.code, indicator.name, indicator.unit, [(p, v.normalize()) for p, v in points])
            )
