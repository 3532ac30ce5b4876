"""The market view a council reads (page, API, statement): the figures of `market.figures` with what only
the council knows (its flags on providers, its risk threshold, the fair cost from its cost exercises)
and the gap between that fair cost and the rates it pays (offers' standard prices, until contracts exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404

from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.market import figures, selectors
from civichub.market.models import CostExercise, MarketCategory, Offer
from civichub.places import selectors as places


@dataclass(frozen=True)
class Flagged:
    organisation_id: str
    name: str
    flags: dict[str, str]
    capacity_share: float | None


@dataclass
class MarketView:
    figures: figures.MarketFigures
    exercise: CostExercise | None
    fair_cost: Decimal | None
    fair_cost_suppressed: bool
    prices_paid: dict[str, Decimal]
    flagged: list[Flagged]
    ward_name: str

    @property
    def price_gap(self) -> Decimal | None:
        """The median rate paid less the fair cost: negative when the council pays below the true cost."""
        median = self.figures.prices.median
        return median - self.fair_cost if median is not None and self.fair_cost is not None else None

    def gap_of(self, organisation_id: str) -> Decimal | None:
        price = self.prices_paid.get(organisation_id)
        return price - self.fair_cost if price is not None and self.fair_cost is not None else None

    @property
    def below_fair_cost(self) -> int:
        if self.fair_cost is None:
            return 0
        return sum(1 for price in self.prices_paid.values() if price < self.fair_cost)


def checked_ward(council: Council, ward: str) -> tuple[str, str]:
    """(code, name) of a ward of this council, or ("", "") for the whole council; a 400 naming `ward`."""
    ward = (ward or "").strip().upper()
    if not ward:
        return "", ""
    try:
        found = places.ward(ward, in_area=council.gss_code)
    except Http404:
        raise Refused.on("ward", f"'{ward[:20]}' is not a ward of {council.short_name}") from None
    return found.gss_code, found.label


def market_view(
    actor: Actor, council: Council, code: str, ward: str = "", *, limit: int | None = figures.SHOWN_PROVIDERS
) -> MarketView:
    """A council's market for one category (or one ward of it), as its officers and councillors read it."""
    policy.require(actor, "market.figures.view", council)
    market = selectors.category(council, code)
    ward_code, ward_name = checked_ward(council, ward)
    others = [c for c in selectors_councils() if c.pk != council.pk]
    found = figures.market_figures(
        council,
        market,
        ward=ward_code,
        threshold=selectors.ward_share_threshold(council),
        others=others,
        limit=limit,
    )
    exercise = selectors.latest_exercise(council, market)
    lines = selectors.exercise_figures(actor, exercise) if exercise else []
    fair = selectors.fair_cost(lines) if lines else None
    suppressed = bool(lines) and fair is None
    ids = [s.organisation_id for s in found.shares]
    paid = {
        str(org): price
        for org, price in Offer.objects.filter(category=market, organisation_id__in=ids).values_list(
            "organisation_id", "price"
        )
    }
    raised = selectors.flagged(council)
    share_of = {s.organisation_id: s.capacity_share for s in found.shares}
    names = dict(
        Offer.objects.filter(category=market, organisation_id__in=list(raised)).values_list(
            "organisation_id", "organisation__name"
        )
    )
    flagged = [
        Flagged(str(org), names[org], flags, share_of.get(str(org)))
        for org, flags in raised.items()
        if org in names
    ]
    return MarketView(
        found, exercise, fair, suppressed, paid, sorted(flagged, key=lambda f: f.name), ward_name
    )


def selectors_councils() -> list[Council]:
    # Every council on the platform: the comparison is of aggregates only, which any council may see.
    return list(Council.objects.order_by("short_name"))


def snapshot(view: MarketView) -> dict[str, Any]:
    """The figures a statement freezes, as plain JSON."""
    f = view.figures

    def money(value: Decimal | None) -> str | None:
        return f"{value:.2f}" if value is not None else None

    return {
        "category": f.category.name,
        "unit": f.category.unit,
        "price_unit": f.category.price_unit,
        "providers": f.capacity.providers,
        "capacity": round(f.capacity.total, 1),
        "need": round(f.need, 1),
        "need_basis": f.basis,
        "assumption": f.assumption,
        "hhi": round(f.capacity.hhi) if f.capacity.hhi is not None else None,
        "largest_share": round(f.capacity.largest_share, 1) if f.capacity.largest_share is not None else None,
        "reading": f.capacity.reading,
        "spend": round(f.spend.total, 2),
        "price_lower_quartile": money(f.prices.lower_quartile),
        "price_median": money(f.prices.median),
        "price_upper_quartile": money(f.prices.upper_quartile),
        "fair_cost": money(view.fair_cost),
        "price_gap": money(view.price_gap),
        "below_fair_cost": view.below_fair_cost,
        "quality_share": round(f.quality_share, 1) if f.quality_share is not None else None,
        "under_supplied_wards": [w.name for w in f.wards if w.under_supplied],
        "wards": len(f.wards),
        "ward_risks": len(f.risks),
        "flagged": [v.name for v in view.flagged],
        "threshold": str(f.threshold),
        "thresholds_source": figures.THRESHOLDS_SOURCE,
    }


def category_for(council: Council, code: str) -> MarketCategory:
    return selectors.category(council, code)
