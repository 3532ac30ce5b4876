"""Market selectors: categories, the register as a council sees it, offers and their history, officers'
notes, cost exercises, returns and their figures (with suppression for providers and the public).

Offers and profiles are platform data; a council's view of them is the providers in its market: on its
list of providers, or offering to any of its wards. Notes, exercises and returns are the council's own.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council, CouncilProvider, Organisation
from civichub.core.selectors import acting_provider, one_or_404
from civichub.core.text import clean_text
from civichub.market.costs import TOTAL, LineFigures, figures_of
from civichub.market.models import (
    CostExercise,
    CostReturn,
    CostReturnLine,
    MarketCategory,
    MarketSettings,
    MarketStatement,
    Offer,
    OfferArea,
    OfferChange,
    ProviderNote,
)


def _uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404(f"No {what} has that id") from None


def require_own_organisation(
    actor: Actor, council: Council, organisation: Organisation, permission: str
) -> None:
    """Only the organisation's own staff may act for it (officers never do, whatever else they hold)."""
    if actor.is_system:
        return
    policy.require(actor, permission, council)
    own = acting_provider(actor, council)
    if own is None or own.pk != organisation.pk:
        raise PermissionDenied("Only staff of the provider itself can change what it says")


def exercise_is_open(exercise: CostExercise, today: date | None = None) -> bool:
    return (
        exercise.status == CostExercise.Status.OPEN and (today or timezone.localdate()) <= exercise.closes_on
    )


# --- Categories ----------------------------------------------------------------------------------


def categories(council: Council) -> QuerySet[MarketCategory]:
    """The platform's categories and the council's own."""
    return MarketCategory.objects.for_council_and_platform(council).order_by("name", "code")


def category(council: Council, code: str) -> MarketCategory:
    return one_or_404(
        categories(council), f"{council.short_name} has no market category '{code[:50]}'", code=code
    )


def category_or_refuse(council: Council, code: str) -> MarketCategory:
    """A category named in a body: an unknown one is a 400 naming the field, not a missing page."""
    found = categories(council).filter(code=clean_text(code).lower()[:50]).first()
    if found is None:
        raise Refused.on("category", f"'{code[:50]}' is not a market category in {council.short_name}")
    return found


def organisations_with_profile() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("market_profile").prefetch_related("identifiers")


# --- The register as a council sees it ------------------------------------------------------------


def in_market(council: Council) -> Q:
    """Organisations in a council's market: on its list of providers, or offering to one of its places."""
    listed = CouncilProvider.objects.for_council(council).filter(organisation=OuterRef("pk"))
    offering = OfferArea.objects.filter(organisation=OuterRef("pk"), local_authority_code=council.gss_code)
    return Q(Exists(listed.values("pk"))) | Q(Exists(offering.values("pk")))


def providers(actor: Actor, council: Council, search: str = "") -> QuerySet[Organisation]:
    """The providers in a council's market, with their market profile and identifiers."""
    policy.require(actor, "market.view", council)
    own = acting_provider(actor, council)
    found = (
        Organisation.objects.filter(in_market(council))
        .exclude(kind=Organisation.Kind.COUNCIL)
        .select_related("market_profile")
        .prefetch_related("identifiers")
        .order_by("name", "id")
    )
    if own is not None:  # provider staff see their own organisation, not their competitors'
        found = found.filter(pk=own.pk)
    search = clean_text(search)[:100]
    return found.filter(name__icontains=search) if search else found


def provider(actor: Actor, council: Council, organisation_id: Any) -> Organisation:
    return one_or_404(
        providers(actor, council),
        f"There is no provider with that id in {council.short_name}'s market",
        pk=_uuid(organisation_id, "provider"),
    )


def own_organisation(actor: Actor, council: Council) -> Organisation:
    """The organisation provider staff act for (404 for anyone else: officers have no offers of their own)."""
    policy.require(actor, "market.view", council)
    own = acting_provider(actor, council)
    if own is None:
        raise Http404("Only a provider's own staff have offers to change here")
    return own


def offers_of(organisation: Organisation) -> QuerySet[Offer]:
    """A provider's offers in every category (platform data: the register is shared)."""
    return (
        Offer.objects.filter(organisation=organisation).select_related("category").order_by("category__name")
    )


def offers(actor: Actor, council: Council, category_code: str = "") -> QuerySet[Offer]:
    """Offers covering any of a council's places, in one category or all."""
    policy.require(actor, "market.view", council)
    covering = OfferArea.objects.filter(offer=OuterRef("pk"), local_authority_code=council.gss_code)
    found = Offer.objects.filter(Exists(covering.values("pk"))).select_related("organisation", "category")
    if category_code:
        found = found.filter(category=category(council, category_code))
    own = acting_provider(actor, council)
    if own is not None:  # a provider's staff see their own offers, not their competitors' prices
        found = found.filter(organisation=own)
    return found.order_by("organisation__name", "category__name", "id")


def offer(actor: Actor, council: Council, offer_id: Any) -> Offer:
    """One offer the council can see: in its market, or the provider's own."""
    policy.require(actor, "market.view", council)
    key = _uuid(offer_id, "offer")
    own = acting_provider(actor, council)
    if own is not None:
        found = (
            Offer.objects.filter(pk=key, organisation=own).select_related("organisation", "category").first()
        )
        if found is not None:
            return found
    return one_or_404(
        offers(actor, council), f"There is no offer with that id in {council.short_name}'s market", pk=key
    )


def offer_fields(offer: Offer) -> dict[str, str]:
    """What an offer says now, field by field, as its history records it."""
    codes = OfferArea.objects.filter(offer=offer).values_list("lsoa_code", "ward_code")
    return {
        "capacity": f"{offer.capacity.normalize():f}",
        "price": f"{offer.price:.2f}",
        "coverage": " ".join(sorted(lsoa or ward for lsoa, ward in codes)),
        "staff_posts": str(offer.staff_posts),
        "staff_vacancies": str(offer.staff_vacancies),
        "cqc_rating": offer.cqc_rating,
        "cqc_rated_on": offer.cqc_rated_on.isoformat() if offer.cqc_rated_on else "",
        "started_on": offer.started_on.isoformat(),
        "ended_on": offer.ended_on.isoformat() if offer.ended_on else "",
    }


def offer_history(offer: Offer) -> QuerySet[OfferChange]:
    return OfferChange.objects.filter(offer=offer).order_by("-created_at", "field_name")


def coverage_of(offer: Offer) -> list[str]:
    return sorted(
        lsoa or ward
        for lsoa, ward in OfferArea.objects.filter(offer=offer).values_list("lsoa_code", "ward_code")
    )


# --- Officers' notes ----------------------------------------------------------------------------------


def notes(actor: Actor, council: Council, organisation: Organisation) -> QuerySet[ProviderNote]:
    """What this council's officers have noted about a provider (never another council's notes)."""
    policy.require(actor, "market.providers.assess", council)
    return (
        ProviderNote.objects.for_council(council)
        .filter(organisation=organisation)
        .order_by("-created_at", "id")
    )


@dataclass(frozen=True)
class Standing:
    """What stands now from a council's notes: its latest rating and the flags still raised."""

    rating: str
    flags: dict[str, str]


def standing(council: Council, organisation: Organisation) -> Standing:
    rating = (
        ProviderNote.objects.for_council(council)
        .filter(organisation=organisation, kind=ProviderNote.Kind.RATING)
        .order_by("-created_at")
        .values_list("rating", flat=True)
        .first()
    )
    flags: dict[str, str] = {}
    for kind, flag, text in (
        ProviderNote.objects.for_council(council)
        .filter(organisation=organisation, kind__in=[ProviderNote.Kind.FLAG, ProviderNote.Kind.CLEAR])
        .order_by("created_at")
        .values_list("kind", "flag", "text")
    ):
        if kind == ProviderNote.Kind.FLAG:
            flags[flag] = text
        else:
            flags.pop(flag, None)
    return Standing(rating or "", flags)


def flagged(council: Council) -> dict[uuid.UUID, dict[str, str]]:
    """Every provider with a flag still raised by this council: {organisation id: {flag: reason}}."""
    raised: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
    for org, kind, flag, text in (
        ProviderNote.objects.for_council(council)
        .filter(kind__in=[ProviderNote.Kind.FLAG, ProviderNote.Kind.CLEAR])
        .order_by("created_at")
        .values_list("organisation_id", "kind", "flag", "text")
    ):
        if kind == ProviderNote.Kind.FLAG:
            raised[org][flag] = text
        else:
            raised[org].pop(flag, None)
    return {org: flags for org, flags in raised.items() if flags}


def ward_share_threshold(council: Council) -> Decimal:
    found = MarketSettings.objects.for_council(council).values_list("ward_share_threshold", flat=True).first()
    return found if found is not None else Decimal(40)


# --- Cost exercises and returns ---------------------------------------------------------------------


def exercises(actor: Actor, council: Council) -> QuerySet[CostExercise]:
    policy.require(actor, "market.view", council)
    return CostExercise.objects.for_council(council).select_related("category").order_by("-created_at", "id")


def exercise(actor: Actor, council: Council, exercise_id: Any) -> CostExercise:
    return one_or_404(
        exercises(actor, council).select_related("council"),
        "There is no cost exercise with that id here",
        pk=_uuid(exercise_id, "cost exercise"),
    )


def returns(actor: Actor, exercise: CostExercise) -> QuerySet[CostReturn]:
    """Each return to an exercise for the council's officers; a provider's staff see their own only."""
    council = exercise.council
    found = CostReturn.objects.for_council(council).filter(exercise=exercise).select_related("organisation")
    if sees_every_return(actor, council):
        return found.order_by("organisation__name", "id")
    policy.require(actor, "market.returns.submit", council)
    own = acting_provider(actor, council)
    return found.filter(organisation=own).order_by("id") if own else found.none()


def cost_return(actor: Actor, exercise: CostExercise, return_id: Any) -> CostReturn:
    return one_or_404(
        returns(actor, exercise),
        "There is no return with that id that you can see",
        pk=_uuid(return_id, "return"),
    )


def return_lines(found: CostReturn) -> dict[str, Decimal]:
    return dict(
        CostReturnLine.objects.for_council(found.council)
        .filter(cost_return=found)
        .values_list("line", "amount")
    )


def ordered_amounts(exercise: CostExercise) -> dict[str, list[Decimal]]:
    """Each line's amounts across the returns, and the totals, in ascending order (sorted by the database)."""
    by_line: dict[str, list[Decimal]] = defaultdict(list)
    lines = CostReturnLine.objects.for_council(exercise.council).filter(exercise=exercise)
    for line, value in lines.order_by("line", "amount").values_list("line", "amount"):
        by_line[line].append(value)
    totals = CostReturn.objects.for_council(exercise.council).filter(exercise=exercise)
    by_line[TOTAL] = list(totals.order_by("total").values_list("total", flat=True))
    return by_line


def sees_every_return(actor: Actor, council: Council) -> bool:
    return actor.is_system or policy.allows(actor.user, "market.returns.view", council)  # type: ignore[arg-type]


def exercise_figures(actor: Actor | None, exercise: CostExercise) -> list[LineFigures]:
    """Count and quartiles of each line and the total (its median is the fair cost). The asking council's
    officers see them all; providers and the public (actor None) only where there are 5 returns or more."""
    suppress = actor is None or not sees_every_return(actor, exercise.council)
    return figures_of(exercise.template, ordered_amounts(exercise), suppress=suppress)


def fair_cost(figures: list[LineFigures]) -> Decimal | None:
    return next((f.median for f in figures if f.code == TOTAL), None)


def latest_exercise(council: Council, market: MarketCategory) -> CostExercise | None:
    """The council's latest exercise in a category that has returns: where its fair cost comes from."""
    with_returns = CostReturn.objects.for_council(council).filter(exercise=OuterRef("pk"))
    return (
        CostExercise.objects.for_council(council)
        .filter(category=market)
        .filter(Exists(with_returns.values("pk")))
        .order_by("-created_at")
        .first()
    )


# --- Statements ---------------------------------------------------------------------------------------


def statements(actor: Actor, council: Council, market: MarketCategory) -> QuerySet[MarketStatement]:
    policy.require(actor, "market.figures.view", council)
    return MarketStatement.objects.for_council(council).filter(category=market).order_by("-version")


def statement(actor: Actor, council: Council, statement_id: Any) -> MarketStatement:
    policy.require(actor, "market.figures.view", council)
    return one_or_404(
        MarketStatement.objects.for_council(council).select_related("category", "council"),
        "There is no market position statement with that id here",
        pk=_uuid(statement_id, "statement"),
    )


def published_statement(statement_id: Any) -> MarketStatement:
    """A published statement, for anyone: public by design once the council publishes it."""
    found = (
        MarketStatement.unscoped.filter(
            pk=_uuid(statement_id, "statement"), status=MarketStatement.Status.PUBLISHED
        )
        .select_related("category", "council")
        .first()
    )
    if found is None:
        raise Http404("No published market position statement has that id")
    return found


def published_statements(council: Council) -> QuerySet[MarketStatement]:
    return (
        MarketStatement.objects.for_council(council)
        .filter(status=MarketStatement.Status.PUBLISHED)
        .select_related("category")
        .order_by("category__name", "-version")
    )
