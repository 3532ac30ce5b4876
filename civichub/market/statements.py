"""Market position statements: drafted from the live figures, worded by the council, published as a
public page with the figures frozen at that date. Each publication is a version that is never changed;
the next draft is a new version, so every version is kept."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_name, clean_text
from civichub.market import health
from civichub.market.models import MarketCategory, MarketStatement

SECTIONS = {
    "demand": "Demand and need",
    "supply": "Supply",
    "prices": "Prices against the fair cost",
    "quality": "Quality",
    "risks": "Risks",
    "intentions": "The council's intentions",
}


def _generated_sections(view: health.MarketView) -> dict[str, str]:
    """First wording of each section, from the figures; the council rewrites what it wants."""
    f, c = view.figures, view.figures.category
    short = [w.name for w in f.wards if w.under_supplied]
    supply = f"{f.capacity.providers} providers offer {f.capacity.total:,.0f} {c.unit}"
    if f.need:
        supply += f", {100 * f.capacity.total / f.need:,.0f}% of the need"
    supply += f". The market is {f.capacity.reading}."
    if short:
        supply += f" {len(short)} ward(s) have less than they need: {', '.join(short[:10])}."
    prices = "No prices are recorded yet."
    if f.prices.median is not None:
        prices = f"The median standard price is £{f.prices.median:,.2f} {c.price_unit}"
        gap = view.price_gap
        if view.fair_cost is not None and gap is not None:
            side = "below" if gap < 0 else "above"
            prices += f", against a fair cost of £{view.fair_cost:,.2f} (£{abs(gap):,.2f} {side} it)"
        prices += "."
    quality = "The CQC does not rate this market."
    if c.regulated:
        quality = (
            f"{f.quality_share:.0f}% of capacity is rated Good or Outstanding by the CQC."
            if f.quality_share is not None
            else "No capacity is rated yet."
        )
    return {
        "demand": (
            f"On the council's working assumption, {f.council.short_name} needs about {f.need:,.0f} "
            f"{c.unit} of {c.name.lower()} for {f.basis:,} {c.get_need_basis_display()}. {f.assumption}"
        ),
        "supply": supply,
        "prices": prices,
        "quality": quality,
        "risks": (
            f"{len(f.risks)} provider(s) hold more than {f.threshold.normalize():f}% of a ward's capacity; "
            f"{len(view.flagged)} provider(s) are flagged by the council."
        ),
        "intentions": "",
    }


@transaction.atomic
def draft_statement(actor: Actor, council: Council, market: MarketCategory) -> MarketStatement:
    """Start the next version of a category's statement from the live figures (the last version's
    intentions carried over). One draft at a time."""
    policy.require(actor, "market.manage", council)
    versions = MarketStatement.objects.for_council(council).filter(category=market)
    if versions.filter(status=MarketStatement.Status.DRAFT).exists():
        raise Conflict.on(None, "There is already a draft of this statement: change that one")
    view = health.market_view(actor, council, market.code, limit=None)
    sections = _generated_sections(view)
    last = versions.filter(status=MarketStatement.Status.PUBLISHED).order_by("-version").first()
    if last is not None:
        sections["intentions"] = last.sections.get("intentions", "")
    number = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
    statement = MarketStatement.objects.create(
        council=council,
        category=market,
        version=number,
        title=f"{market.name}: market position statement",
        sections=sections,
        figures=health.snapshot(view),
    )
    _drafted(actor, statement)
    return statement


@transaction.atomic
def edit_statement(
    actor: Actor, statement: MarketStatement, *, title: str, sections: dict[str, Any]
) -> MarketStatement:
    """The council's own wording of a draft (a published version is never changed)."""
    policy.require(actor, "market.manage", statement.council)
    if statement.status != MarketStatement.Status.DRAFT:
        raise Conflict.on(None, "A published statement is never changed: start a new draft")
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise Refused.on(f"sections.{unknown[0]}", f"Not a section; the sections are {', '.join(SECTIONS)}")
    statement.title = clean_name(title, field="title", max_length=200, label="a title")
    for key, text in sections.items():
        cleaned = clean_text(str(text or ""), multiline=True)
        if len(cleaned) > 10_000:
            raise Refused.on(f"sections.{key}", "Must be 10,000 characters or fewer")
        statement.sections[key] = cleaned
    statement.save(update_fields=["title", "sections", "updated_at"])
    _drafted(actor, statement)
    return statement


@transaction.atomic
def publish_statement(actor: Actor, statement: MarketStatement) -> MarketStatement:
    """Publish a draft: its figures are taken from the live market now and frozen with it."""
    council = statement.council
    policy.require(actor, "market.manage", council)
    if statement.status != MarketStatement.Status.DRAFT:
        raise Conflict.on(None, "This version is already published")
    if not statement.sections.get("intentions"):
        raise Refused.on("sections.intentions", "Say what the council intends before publishing")
    view = health.market_view(actor, council, statement.category.code, limit=None)
    statement.figures = health.snapshot(view) | {"as_at": timezone.localdate().isoformat()}
    statement.status = MarketStatement.Status.PUBLISHED
    statement.published_at = timezone.now()
    statement.published_by = actor.label
    statement.save()
    audit.record(
        actor,
        "market.statement.published",
        obj=statement,
        council=council,
        data={"version": statement.version},
    )
    publish(
        "market.statement.published",
        council=council,
        subject=statement,
        data={
            "statement_id": str(statement.pk),
            "category": statement.category.code,
            "version": statement.version,
            "url": reverse("market:public-statement", kwargs={"statement_id": statement.pk}),
        },
    )
    return statement


def _drafted(actor: Actor, statement: MarketStatement) -> None:
    audit.record(
        actor,
        "market.statement.drafted",
        obj=statement,
        council=statement.council,
        data={"version": statement.version},
    )
    publish(
        "market.statement.drafted",
        council=statement.council,
        subject=statement,
        data={
            "statement_id": str(statement.pk),
            "category": statement.category.code,
            "version": statement.version,
        },
    )
