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

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, FloatField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, ExtractYear

from civichub.core.models import Council
from civichub.market.costs import quartiles
from civichub.market.models import MarketCategory, Offer, OfferArea
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


def concentration(rows: Any, measure: str) -> Concentration:
    """HHI and the largest share of `measure` (capacity or spend) among providers, in one SQL query over
    the per-provider sums (the database wraps the grouped query in a subquery)."""
    per_provider = rows.values("organisation_id").annotate(
        amount=Sum(measure), square=Sum(measure) * Sum(measure)
    )
    found = per_provider.aggregate(
        n=Count("*"), total=Sum("amount"), squares=Sum("square"), largest=Max("amount")
    )
    total = float(found["total"] or 0)
    if not total:
        return Concentration(found["n"] or 0, 0.0, None, None, "")
    leader = (
        per_provider.order_by("-amount", "organisation__name")
        .values_list("organisation__name", flat=True)
        .first()
    )
    return Concentration(
        providers=found["n"],
        total=total,
        hhi=10000 * float(found["squares"]) / (total * total),
        largest_share=100 * float(found["largest"]) / total,
        largest_name=leader or "",
    )


def shares(
    market: MarketCategory, rows: Any, capacity: Concentration, spend: Concentration, limit: int | None
) -> list[ProviderShare]:
    """Each provider's capacity and spend here and its share of each, largest first; with its dependency:
    the part of its capacity in this category (in every council) that is here."""
    everywhere = (
        OfferArea.objects.filter(category=market, organisation=OuterRef("organisation_id"), is_active=True)
        .values("organisation_id")
        .annotate(total=Sum("capacity"))
        .values("total")
    )
    found = (
        rows.values("organisation_id", "organisation__name")
        .annotate(amount=Sum("capacity"), money=Sum("spend"), everywhere=Subquery(everywhere))
        .order_by("-amount", "organisation__name")
    )
    return [
        ProviderShare(
            organisation_id=str(row["organisation_id"]),
            name=row["organisation__name"],
            capacity=float(row["amount"] or 0),
            spend=float(row["money"] or 0),
            capacity_share=100 * float(row["amount"] or 0) / capacity.total if capacity.total else 0.0,
            spend_share=100 * float(row["money"] or 0) / spend.total if spend.total else 0.0,
            dependency=100 * float(row["amount"]) / float(row["everywhere"]) if row["everywhere"] else None,
        )
        for row in (found[:limit] if limit else found)
    ]


def entries_and_exits(market: MarketCategory, area_gss: str, ward: str = "") -> list[tuple[int, int, int]]:
    """(year, providers entering, providers leaving) of offers that ever covered the place."""
    covering = OfferArea.objects.filter(offer=OuterRef("pk"), local_authority_code=area_gss)
    if ward:
        covering = covering.filter(ward_code=ward)
    offers = Offer.objects.filter(category=market).filter(Exists(covering.values("pk")))
    entered = dict(
        offers.annotate(year=ExtractYear("started_on"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    left = dict(
        offers.filter(ended_on__isnull=False)
        .annotate(year=ExtractYear("ended_on"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
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
    """Providers holding more than `threshold` percent of a ward's capacity: each ward's per-provider
    sums against the ward's total (a correlated subquery), filtered in the database (HAVING)."""
    rows = in_place(market, area_gss, ward).exclude(ward_code="")
    ward_total = (
        in_place(market, area_gss)
        .filter(ward_code=OuterRef("ward_code"))
        .values("ward_code")
        .annotate(total=Sum("capacity"))
        .values("total")
    )
    per_ward = (
        rows.values("ward_code", "organisation_id", "organisation__name")
        .annotate(amount=Sum("capacity"), ward_total=Subquery(ward_total))
        .annotate(share=Cast(F("amount") * 100, FloatField()) / Cast(F("ward_total"), FloatField()))
        .filter(amount__gt=0, share__gt=float(threshold))
        .order_by("-share", "ward_code")
    )
    found = list(per_ward.values_list("ward_code", "organisation_id", "organisation__name", "share"))
    names = places.ward_names(code for code, *_ in found)
    return [
        WardRisk(code, names.get(code, code), str(org), name, float(share))
        for code, org, name, share in found
    ]


def price_figures(market: MarketCategory, area_gss: str, ward: str = "") -> Prices:
    """Quartiles of the standard prices of the offers active here (ordered by the database)."""
    covering = OfferArea.objects.filter(offer=OuterRef("pk"), local_authority_code=area_gss, is_active=True)
    if ward:
        covering = covering.filter(ward_code=ward)
    ordered = list(
        Offer.objects.filter(category=market)
        .filter(Exists(covering.values("pk")))
        .order_by("price")
        .values_list("price", flat=True)
    )
    found = quartiles(ordered)
    return Prices(len(ordered), *(found or (None, None, None)))


def quality(rows: Any) -> tuple[float, float]:
    """(capacity rated Good or Outstanding, all capacity)."""
    found = rows.aggregate(good=Sum("capacity", filter=Q(is_good=True)), total=Sum("capacity"))
    return float(found["good"] or 0), float(found["total"] or 0)


def neighbours(market: MarketCategory, councils: list[Council]) -> list[Neighbour]:
    """The same category in other councils on the platform: aggregates only, never their rows."""
    result = []
    for other in councils:
        rows = in_place(market, other.gss_code)
        capacity = concentration(rows, "capacity")
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
    capacity, spend = concentration(rows, "capacity"), concentration(rows, "spend")
    wards, unplaced = ward_supply(market, council.gss_code, ward)
    people = places.area_population(council.gss_code)
    basis, need = (sum(w.basis for w in wards), sum(w.need for w in wards)) if ward else _need(market, people)
    good, rated = quality(rows)
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
        rated_capacity=rated,
        risks=ward_risks(market, council.gss_code, threshold, ward),
        threshold=threshold,
        neighbours=neighbours(market, others) if others and market.council_id is None else [],
    )
