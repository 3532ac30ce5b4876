"""Market API: categories, the provider register and offers (with their history), officers' notes, cost
exercises and returns, market figures per category (`?ward=`), and market position statements.

Thin: every route asks a selector or a service, which decide, refuse (the kernel's `Refused`) and audit.
Every list pages with `LimitOffset`.
"""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names, so they must be real types, not strings.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.market import figures, health, returns, selectors, services, statements
from civichub.market.models import CostExercise, MarketStatement, Offer
from civichub.market.schemas import (
    CategoryIn,
    CategoryOut,
    ExerciseIn,
    ExerciseOut,
    MarketOut,
    MarketProviderOut,
    NoteIn,
    NoteOut,
    OfferChangeOut,
    OfferIn,
    OfferOut,
    ProfileIn,
    ProfileOut,
    ProviderIn,
    ReturnIn,
    ReturnOut,
    SettingsIn,
    SettingsOut,
    StatementIn,
    StatementOut,
)

router = Router(tags=["market"])
C = "/c/{council_slug}"


# --- Categories and settings --------------------------------------------------------------------


@router.get(
    f"{C}/market/categories",
    response=list[CategoryOut],
    summary="The platform's market categories and the council's own",
)
@paginate(LimitOffset)
def list_categories(request: HttpRequest, council_slug: str) -> Any:
    _, council = council_actor(request, council_slug, "market.view")
    return selectors.categories(council)


@router.post(
    f"{C}/market/categories", response={201: CategoryOut}, summary="Add a category of the council's own"
)
def add_category(request: HttpRequest, council_slug: str, payload: CategoryIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "market.manage")
    return 201, services.add_category(actor, council, **payload.dict())


@router.put(
    f"{C}/market/settings",
    response=SettingsOut,
    summary="Set the ward share above which a provider is a failure risk",
)
def set_settings(request: HttpRequest, council_slug: str, payload: SettingsIn) -> Any:
    actor, council = council_actor(request, council_slug, "market.manage")
    return services.set_ward_share_threshold(actor, council, payload.ward_share_threshold)


# --- The register ---------------------------------------------------------------------------------


@router.get(
    f"{C}/market/providers",
    response=list[MarketProviderOut],
    summary="Providers in the council's market (provider staff: their own)",
)
@paginate(LimitOffset)
def list_providers(request: HttpRequest, council_slug: str, q: str = "") -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return selectors.providers(actor, council, q)


@router.post(
    f"{C}/market/providers",
    response={201: MarketProviderOut},
    summary="Register a provider (once, for every council)",
)
def register_provider(request: HttpRequest, council_slug: str, payload: ProviderIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "market.providers.register")
    profile = services.register_provider(actor, council, **payload.dict())
    return 201, selectors.organisations_with_profile().get(pk=profile.organisation_id)


@router.get(
    f"{C}/market/providers/{{organisation_id}}",
    response=MarketProviderOut,
    summary="One provider in the council's market",
)
def get_provider(request: HttpRequest, council_slug: str, organisation_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return selectors.provider(actor, council, organisation_id)


@router.put(
    f"{C}/market/providers/{{organisation_id}}/profile",
    response=ProfileOut,
    summary="Your organisation's VCSE, SME and mutual flags (its own staff only)",
)
def set_profile(request: HttpRequest, council_slug: str, organisation_id: UUID, payload: ProfileIn) -> Any:
    actor, council = council_actor(request, council_slug, "market.offers.edit")
    return services.update_profile(
        actor, council, selectors.provider(actor, council, organisation_id), **payload.dict()
    )


@router.get(
    f"{C}/market/providers/{{organisation_id}}/notes",
    response=list[NoteOut],
    summary="What this council's officers noted about a provider: ratings, flags, comments",
)
@paginate(LimitOffset)
def list_notes(request: HttpRequest, council_slug: str, organisation_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.providers.assess")
    return selectors.notes(actor, council, selectors.provider(actor, council, organisation_id))


@router.post(
    f"{C}/market/providers/{{organisation_id}}/notes",
    response={201: NoteOut},
    summary="Rate a provider, raise or clear a flag (with a reason), or comment; never changes its offer",
)
def add_note(
    request: HttpRequest, council_slug: str, organisation_id: UUID, payload: NoteIn
) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "market.providers.assess")
    organisation = selectors.provider(actor, council, organisation_id)
    return 201, services.add_note(actor, council, organisation, **payload.dict())


# --- Offers -----------------------------------------------------------------------------------------


def _offer_out(offer: Offer) -> Offer:
    offer.coverage = selectors.coverage_of(offer)  # type: ignore[attr-defined]
    return offer


@router.get(
    f"{C}/market/offers",
    response=list[OfferOut],
    summary="Offers covering the council's places (provider staff: their own)",
)
@paginate(LimitOffset)
def list_offers(request: HttpRequest, council_slug: str, category: str = "") -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return selectors.offers(actor, council, category[:50])


@router.put(
    f"{C}/market/offers", response=OfferOut, summary="Add or change your organisation's offer in a category"
)
def set_offer(request: HttpRequest, council_slug: str, payload: OfferIn) -> Any:
    actor, council = council_actor(request, council_slug, "market.offers.edit")
    own = selectors.own_organisation(actor, council)
    market = selectors.category_or_refuse(council, payload.category)
    return _offer_out(services.set_offer(actor, council, own, market, payload.dict(exclude={"category"})))


@router.get(
    f"{C}/market/offers/{{offer_id}}", response=OfferOut, summary="One offer, with the places it covers"
)
def get_offer(request: HttpRequest, council_slug: str, offer_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return _offer_out(selectors.offer(actor, council, offer_id))


@router.get(
    f"{C}/market/offers/{{offer_id}}/history",
    response=list[OfferChangeOut],
    summary="Every change to an offer: who, when, before, after",
)
@paginate(LimitOffset)
def offer_history(request: HttpRequest, council_slug: str, offer_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return selectors.offer_history(selectors.offer(actor, council, offer_id))


@router.post(
    f"{C}/market/offers/{{offer_id}}/end",
    response=OfferOut,
    summary="Your organisation leaves this market (the offer is kept)",
)
def end_offer(request: HttpRequest, council_slug: str, offer_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.offers.edit")
    return _offer_out(services.end_offer(actor, council, selectors.offer(actor, council, offer_id)))


# --- Cost exercises and returns ---------------------------------------------------------------------


def _exercise_out(actor: Any, exercise: CostExercise) -> CostExercise:
    lines = selectors.exercise_figures(actor, exercise)
    exercise.figures = lines  # type: ignore[attr-defined]
    exercise.fair_cost = selectors.fair_cost(lines)  # type: ignore[attr-defined]
    exercise.is_open = selectors.exercise_is_open(exercise)  # type: ignore[attr-defined]
    return exercise


@router.get(
    f"{C}/cost-exercises", response=list[ExerciseOut], summary="The council's open-book cost exercises"
)
@paginate(LimitOffset)
def list_exercises(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return selectors.exercises(actor, council)


@router.post(
    f"{C}/cost-exercises",
    response={201: ExerciseOut},
    summary="Ask a category's providers for their actual costs",
)
def open_exercise(request: HttpRequest, council_slug: str, payload: ExerciseIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "market.manage")
    market = selectors.category_or_refuse(council, payload.category)
    made = returns.open_exercise(actor, council, market, title=payload.title, closes_on=payload.closes_on)
    return 201, _exercise_out(actor, made)


@router.get(
    f"{C}/cost-exercises/{{exercise_id}}",
    response=ExerciseOut,
    summary="An exercise with each line's count and quartiles (below 5 returns: suppressed for providers)",
)
def get_exercise(request: HttpRequest, council_slug: str, exercise_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    return _exercise_out(actor, selectors.exercise(actor, council, exercise_id))


@router.post(f"{C}/cost-exercises/{{exercise_id}}/close", response=ExerciseOut, summary="Stop taking returns")
def close_exercise(request: HttpRequest, council_slug: str, exercise_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.manage")
    return _exercise_out(
        actor, returns.close_exercise(actor, selectors.exercise(actor, council, exercise_id))
    )


@router.get(
    f"{C}/cost-exercises/{{exercise_id}}/returns",
    response=list[ReturnOut],
    summary="Returns to an exercise: each one for the council's officers, your own for a provider",
)
@paginate(LimitOffset)
def list_returns(request: HttpRequest, council_slug: str, exercise_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "market.view")
    found = list(selectors.returns(actor, selectors.exercise(actor, council, exercise_id))[:500])
    for item in found:
        item.amounts = selectors.return_lines(item)  # type: ignore[attr-defined]
    return found


@router.put(
    f"{C}/cost-exercises/{{exercise_id}}/return",
    response=ReturnOut,
    summary="Submit (or replace) your organisation's return",
)
def submit_return(request: HttpRequest, council_slug: str, exercise_id: UUID, payload: ReturnIn) -> Any:
    actor, council = council_actor(request, council_slug, "market.returns.submit")
    exercise = selectors.exercise(actor, council, exercise_id)
    made = returns.submit_return(actor, exercise, selectors.own_organisation(actor, council), payload.lines)
    made.amounts = selectors.return_lines(made)  # type: ignore[attr-defined]
    return made


# --- Market figures ---------------------------------------------------------------------------------


def market_out(view: health.MarketView) -> dict[str, Any]:
    f = view.figures
    return {
        "council": f.council.slug,
        "category": f.category,
        "ward": f.ward,
        "capacity": f.capacity.__dict__ | {"reading": f.capacity.reading},
        "spend": f.spend.__dict__ | {"reading": f.spend.reading},
        "thresholds_source": figures.THRESHOLDS_SOURCE,
        "need": f.need,
        "need_basis": f.basis,
        "assumption": f.assumption,
        "shares": [
            s.__dict__
            | {
                "price": view.prices_paid.get(s.organisation_id),
                "gap_to_fair_cost": view.gap_of(s.organisation_id),
            }
            for s in f.shares
        ],
        "years": [{"year": y, "entries": e, "exits": x} for y, e, x in f.years],
        "wards": [w.__dict__ | {"ratio": w.ratio, "under_supplied": w.under_supplied} for w in f.wards],
        "prices": f.prices.__dict__
        | {
            "fair_cost": view.fair_cost,
            "fair_cost_suppressed": view.fair_cost_suppressed,
            "gap": view.price_gap,
            "providers_below_fair_cost": view.below_fair_cost,
        },
        "quality_share": f.quality_share,
        "ward_share_threshold": f.threshold,
        "ward_risks": [r.__dict__ for r in f.risks],
        "flagged": [v.__dict__ for v in view.flagged],
        "neighbours": [n.__dict__ for n in f.neighbours],
    }


@router.get(
    f"{C}/markets/{{category}}",
    response=MarketOut,
    summary="Market health for a category, council-wide or one ward (?ward=); other councils in aggregate",
)
def market(request: HttpRequest, council_slug: str, category: str, ward: str = "") -> dict[str, Any]:
    actor, council = council_actor(request, council_slug, "market.figures.view")
    return market_out(health.market_view(actor, council, category, ward))


# --- Position statements ----------------------------------------------------------------------------


@router.get(
    f"{C}/markets/{{category}}/statements",
    response=list[StatementOut],
    summary="Every version of a category's statement",
)
@paginate(LimitOffset)
def list_statements(request: HttpRequest, council_slug: str, category: str) -> Any:
    actor, council = council_actor(request, council_slug, "market.figures.view")
    return selectors.statements(actor, council, selectors.category(council, category)).select_related(
        "council", "category"
    )


@router.post(
    f"{C}/markets/{{category}}/statements",
    response={201: StatementOut},
    summary="Draft the next version of the statement from the live figures",
)
def draft_statement(request: HttpRequest, council_slug: str, category: str) -> tuple[int, MarketStatement]:
    actor, council = council_actor(request, council_slug, "market.manage")
    return 201, statements.draft_statement(actor, council, selectors.category(council, category))


@router.get(
    f"{C}/market-statements/{{statement_id}}",
    response=StatementOut,
    summary="One version of a statement, draft or published",
)
def get_statement(request: HttpRequest, council_slug: str, statement_id: UUID) -> MarketStatement:
    actor, council = council_actor(request, council_slug, "market.figures.view")
    return selectors.statement(actor, council, statement_id)


@router.put(f"{C}/market-statements/{{statement_id}}", response=StatementOut, summary="Reword a draft")
def edit_statement(
    request: HttpRequest, council_slug: str, statement_id: UUID, payload: StatementIn
) -> MarketStatement:
    actor, council = council_actor(request, council_slug, "market.manage")
    found = selectors.statement(actor, council, statement_id)
    return statements.edit_statement(actor, found, title=payload.title, sections=payload.sections)


@router.post(
    f"{C}/market-statements/{{statement_id}}/publish",
    response=StatementOut,
    summary="Publish a draft, freezing its figures",
)
def publish_statement(request: HttpRequest, council_slug: str, statement_id: UUID) -> MarketStatement:
    actor, council = council_actor(request, council_slug, "market.manage")
    return statements.publish_statement(actor, selectors.statement(actor, council, statement_id))


@router.get(
    "/market-statements/{statement_id}",
    response=StatementOut,
    auth=None,
    summary="A published statement (open data)",
)
def public_statement(request: HttpRequest, statement_id: UUID) -> MarketStatement:
    return selectors.published_statement(statement_id)
