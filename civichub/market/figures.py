"""Market health for one category in one council (or one of its wards), computed in SQL.

Every figure is a sum, count or window over `OfferArea` (each offer's capacity spread evenly over the
places it covers, with its spend = capacity x price) or over offers' prices, so the work is the
database's whatever the number of providers. Python only shapes the rows the database returns.

Concentration uses the Herfindahl-Hirschman index on shares in percent (0 to 10,000) with the
thresholds of the 2010 UK merger assessment guidelines (CC2 / OFT1254, para 5.3.5): above 1,000 a
market is concentrated, above 2,000 highly concentrated. The CMA's current guidelines (CMA129, 2021) set
no threshold, so these are a reading aid, not a test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, Sum

from civichub.core.models import Council, Organisation
from civichub.market.costs import quartiles
from civichub.market.models import MarketCategory, OfferArea
from civichub.places import selectors as places

CONCENTRATED, HIGHLY_CONCENTRATED = 1000, 2000
THRESHOLDS_SOURCE = (
    "HHI thresholds from the 2010 UK Merger Assessment Guidelines (Competition Commission and Office of "
    "Fair Trading, CC2/OFT1254, para 5.3.5): above 1,000 concentrated, above 2,000 highly concentrated. "
    "The CMA's current guidelines (CMA129, 2021) set no threshold."
)
SHOWN_PROVIDERS = 25


@dataclass(frozen=True)
class Concentration:
    providers: int
    total: float
    hhi: float | None
    largest_share: float | None
    largest_name: str

    @property
    def reading(self) -> str:
        if self.hhi is None:
            return "no capacity is recorded, so there is nothing to measure"
        level = (
            "highly concentrated"
            if self.hhi > HIGHLY_CONCENTRATED
            else "concentrated"
            if self.hhi > CONCENTRATED
            else "not concentrated"
        )
        return (
            f"{level} (HHI {self.hhi:,.0f} across {self.providers} "
            f"provider{'s' if self.providers != 1 else ''}): "
            f"the largest, {self.largest_name}, holds {self.largest_share:.1f}%"
        )


@dataclass(frozen=True)
class ProviderShare:
    organisation_id: str
    name: str
    capacity: float
    spend: float
    capacity_share: float
    spend_share: float
    dependency: float | None  # the share of the provider's capacity in this category that is here


@dataclass(frozen=True)
class WardSupply:
    code: str
    name: str
    basis: int
    need: float
    capacity: float

    @property
    def ratio(self) -> float | None:
        """Capacity as a share of need; None where there is no population to need anything."""
        return self.capacity / self.need if self.need else None

    @property
    def under_supplied(self) -> bool:
        return self.need > 0 and self.capacity < self.need


@dataclass(frozen=True)
class WardRisk:
    ward_code: str
    ward_name: str
    organisation_id: str
    name: str
    share: float


@dataclass(frozen=True)
class Prices:
    count: int
    lower_quartile: Decimal | None
    median: Decimal | None
    upper_quartile: Decimal | None


@dataclass(frozen=True)
class Neighbour:
    council: str
    slug: str
    providers: int
    capacity: float
    need: float
    hhi: float | None
    median_price: Decimal | None


@dataclass
class MarketFigures:
    council: Council
    category: MarketCategory
    ward: str
    capacity: Concentration
    spend: Concentration
    shares: list[ProviderShare]
    years: list[tuple[int, int, int]]
    wards: list[WardSupply]
    unplaced_capacity: float
    need: float
    basis: int
    prices: Prices
    good_capacity: float
    rated_capacity: float
    risks: list[WardRisk]
    threshold: Decimal
    neighbours: list[Neighbour] = field(default_factory=list)

    @property
    def assumption(self) -> str:
        c = self.category
        return (
            f"Until the needs context exists, need is {c.need_per_thousand.normalize():f} {c.unit} per "
            f"1,000 {c.get_need_basis_display()} (mid-2015 populations by LSOA, English Indices of "
            "Deprivation 2019, File 6, summed over each ward's best-fit LSOAs). Each offer's capacity is "
            "spread evenly over the wards and LSOAs it covers; spend is capacity times the offer's "
            "standard price until contracts exist."
        )

    @property
    def quality_share(self) -> float | None:
        return 100 * self.good_capacity / self.capacity.total if self.capacity.total else None


def in_place(market: MarketCategory, area_gss: str, ward: str = "") -> Any:
    """The active rows of a category in a local authority (and a ward of it)."""
    rows = OfferArea.objects.filter(category=market, local_authority_code=area_gss, is_active=True)
    return rows.filter(ward_code=ward) if ward else rows


def totals(rows: Any, *, leaders: bool = True) -> tuple[Concentration, Concentration, float]:
    """(capacity concentration, spend concentration, capacity rated Good or better) in one SQL query over
    the per-provider sums: the database wraps the grouped query in a subquery and aggregates it (sums,
    sums of squares for the HHI, the largest)."""
    per_provider = rows.values("organisation_id").annotate(
        c=Sum("capacity"),
        s=Sum("spend"),
        cc=Sum("capacity") * Sum("capacity"),
        ss=Sum("spend") * Sum("spend"),
        g=Sum("capacity", filter=Q(is_good=True)),
    )
    # The aggregates' names must differ from the annotations': they resolve against each other.
    found = per_provider.aggregate(
        n=Count("*"),
        c_total=Sum("c"),
        s_total=Sum("s"),
        c_squares=Sum("cc"),
        s_squares=Sum("ss"),
        c_largest=Max("c"),
        s_largest=Max("s"),
        good=Sum("g"),
    )

    def read(total: Any, squares: Any, largest: Any, order: str) -> Concentration:
        total = float(total or 0)
        if not total:
            return Concentration(found["n"] or 0, 0.0, None, None, "")
        leader = per_provider.order_by(order, "organisation__name").values_list(
            "organisation__name", flat=True
        )
        return Concentration(
            providers=found["n"],
            total=total,
            hhi=10000 * float(squares) / (total * total),
            largest_share=100 * float(largest) / total,
            # The councils across the boundary are compared by their HHI only: no name to look up.
            largest_name=(leader.first() or "") if leaders else "",
        )

    return (
        read(found["c_total"], found["c_squares"], found["c_largest"], "-c"),
        read(found["s_total"], found["s_squares"], found["s_largest"], "-s"),
        float(found["good"] or 0),
    )


def concentration(rows: Any, measure: str) -> Concentration:
    """HHI and the largest share of capacity or spend among providers."""
    capacity, spend, _ = totals(rows)
    return capacity if measure == "capacity" else spend


def shares(
    market: MarketCategory, rows: Any, capacity: Concentration, spend: Concentration, limit: int | None
) -> list[ProviderShare]:
    """Each provider's capacity and spend here and its share of each, largest first; with its dependency:
    the part of its capacity in this category (in every council) that is here (a second grouped query,
    over the providers shown)."""
    # Grouped by provider alone (no join over every row); the names of the providers shown are looked up.
    found = (
        rows.values("organisation_id")
        .annotate(amount=Sum("capacity"), money=Sum("spend"))
        .order_by("-amount", "organisation_id")
    )
    chosen = list(found[:limit] if limit else found)
    shown = [row["organisation_id"] for row in chosen] if limit else rows.values("organisation_id")
    names = dict(Organisation.objects.filter(pk__in=shown).values_list("pk", "name"))
    everywhere = dict(
        OfferArea.objects.filter(category=market, is_active=True, organisation_id__in=shown)
        .values("organisation_id")
        .annotate(total=Sum("capacity"))
        .values_list("organisation_id", "total")
    )
    return [
        ProviderShare(
            organisation_id=str(row["organisation_id"]),
            name=names[row["organisation_id"]],
            capacity=float(row["amount"] or 0),
            spend=float(row["money"] or 0),
            capacity_share=100 * float(row["amount"] or 0) / capacity.total if capacity.total else 0.0,
            spend_share=100 * float(row["money"] or 0) / spend.total if spend.total else 0.0,
            dependency=(
                100 * float(row["amount"]) / float(everywhere[row["organisation_id"]])
                if everywhere.get(row["organisation_id"])
                else None
            ),
        )
        for row in chosen
    ]


def entries_and_exits(market: MarketCategory, area_gss: str, ward: str = "") -> list[tuple[int, int, int]]:
    """(year, providers entering, providers leaving) of offers that ever covered the place, counted from
    the coverage rows (each offer once)."""
    rows = OfferArea.objects.filter(category=market, local_authority_code=area_gss)
    if ward:
        rows = rows.filter(ward_code=ward)
    entered: dict[int, int] = dict(
        rows.values("started_year")
        .annotate(n=Count("offer_id", distinct=True))
        .values_list("started_year", "n")
    )
    ended = rows.filter(ended_year__isnull=False).values("ended_year")
    left: dict[int, int] = {
        year: n
        for year, n in ended.annotate(n=Count("offer_id", distinct=True)).values_list("ended_year", "n")
        if year
    }
    return [(year, entered.get(year, 0), left.get(year, 0)) for year in sorted(set(entered) | set(left))]


def _need(market: MarketCategory, people: places.WardPopulation) -> tuple[int, float]:
    basis = {
        MarketCategory.NeedBasis.ADULTS: people.adults,
        MarketCategory.NeedBasis.OLDER: people.older_people,
        MarketCategory.NeedBasis.CHILDREN: people.children,
    }.get(market.need_basis, people.population)  # type: ignore[call-overload]
    return basis, basis * float(market.need_per_thousand) / 1000


def ward_supply(market: MarketCategory, area_gss: str, ward: str = "") -> tuple[list[WardSupply], float]:
    """Capacity against population-based need in each ward; and the capacity in LSOAs with no ward."""
    rows = in_place(market, area_gss)
    capacity = {
        code: float(total or 0)
        for code, total in rows.values("ward_code")
        .annotate(total=Sum("capacity"))
        .values_list("ward_code", "total")
    }
    wards = []
    for people in places.ward_populations(area_gss):
        if ward and people.gss_code != ward:
            continue
        basis, need = _need(market, people)
        wards.append(
            WardSupply(people.gss_code, people.name, basis, need, capacity.get(people.gss_code, 0.0))
        )
    return wards, capacity.get("", 0.0)


def ward_risks(market: MarketCategory, area_gss: str, threshold: Decimal, ward: str = "") -> list[WardRisk]:
    """Providers holding more than `threshold` percent of a ward's capacity. The ORM groups the rows by
    ward and provider; a window over those sums (SUM … OVER (PARTITION BY ward), which SQLite and
    PostgreSQL both have) gives each ward's total; the filter runs in the database."""
    per_provider = (
        in_place(market, area_gss, ward)
        .exclude(ward_code="")
        .values("ward_code", "organisation_id")
        .annotate(amount=Sum("capacity"))
        .order_by()
    )
    grouped, params = per_provider.query.sql_with_params()
    # The inner SQL is the ORM's own compiled query and every value is a parameter: nothing typed is joined.
    window = "SUM(amount) OVER (PARTITION BY ward_code)"
    sql = (
        f"SELECT ward_code, organisation_id, share FROM (SELECT ward_code, organisation_id, "  # noqa: S608
        f"amount * 100.0 / {window} AS share, {window} AS ward_total FROM ({grouped}) per_provider) shares "
        "WHERE ward_total > 0 AND share > %s ORDER BY share DESC, ward_code, organisation_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, float(threshold)])
        found = [(code, uuid.UUID(str(org)), float(share)) for code, org, share in cursor.fetchall()]
    names = dict(Organisation.objects.filter(pk__in={org for _, org, _ in found}).values_list("pk", "name"))
    wards = places.ward_names(code for code, _, _ in found)
    return [WardRisk(code, wards.get(code, code), str(org), names[org], share) for code, org, share in found]


def price_figures(market: MarketCategory, area_gss: str, ward: str = "") -> Prices:
    """Quartiles of the standard prices of the offers active here, each offer once, ordered by the
    database (from the coverage rows' copy of the price)."""
    found = (
        in_place(market, area_gss, ward)
        .values_list("offer_id", "price")
        .distinct()
        .order_by("price", "offer_id")
    )
    ordered = [price for _, price in found]
    quartered = quartiles(ordered)
    return Prices(len(ordered), *(quartered or (None, None, None)))


def neighbours(market: MarketCategory, councils: list[Council]) -> list[Neighbour]:
    """The same category in other councils on the platform: aggregates only, never their rows."""
    result = []
    for other in councils:
        rows = in_place(market, other.gss_code)
        capacity, _, _ = totals(rows, leaders=False)
        _, need = _need(market, places.area_population(other.gss_code))
        result.append(
            Neighbour(
                council=other.short_name,
                slug=other.slug,
                providers=capacity.providers,
                capacity=capacity.total,
                need=need,
                hhi=capacity.hhi,
                median_price=price_figures(market, other.gss_code).median,
            )
        )
    return result


def market_figures(
    council: Council,
    market: MarketCategory,
    *,
    ward: str = "",
    threshold: Decimal = Decimal(40),
    others: list[Council] | None = None,
    limit: int | None = SHOWN_PROVIDERS,
) -> MarketFigures:
    """Everything the market page, its API and its statement show, for a council or one of its wards."""
    rows = in_place(market, council.gss_code, ward)
    capacity, spend, good = totals(rows)
    wards, unplaced = ward_supply(market, council.gss_code, ward)
    people = places.area_population(council.gss_code)
    basis, need = (sum(w.basis for w in wards), sum(w.need for w in wards)) if ward else _need(market, people)
    return MarketFigures(
        council=council,
        category=market,
        ward=ward,
        capacity=capacity,
        spend=spend,
        shares=shares(market, rows, capacity, spend, limit),
        years=entries_and_exits(market, council.gss_code, ward),
        wards=wards,
        unplaced_capacity=unplaced if not ward else 0.0,
        need=need,
        basis=basis,
        prices=price_figures(market, council.gss_code, ward),
        good_capacity=good,
        rated_capacity=capacity.total,
        risks=ward_risks(market, council.gss_code, threshold, ward),
        threshold=threshold,
        neighbours=neighbours(market, others) if others and market.council_id is None else [],
    )
