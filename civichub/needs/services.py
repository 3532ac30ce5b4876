"""Needs services: a council's own need categories, and saving the values of an area indicator (the
`area_indicators` import calls this). Each change is decided here (policy), audited and published in one
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.needs.models import Indicator, IndicatorValue, NeedCategory

CODE_SHAPE = "Use lower-case letters, digits and hyphens, up to 50 characters"


def _code(text: str, field: str = "code") -> str:
    code = clean_text(text).lower()
    if not code or len(code) > 50 or not all(c.isascii() and (c.isalnum() or c == "-") for c in code):
        raise Refused.on(field, CODE_SHAPE)
    return code


@transaction.atomic
def add_category(
    actor: Actor,
    council: Council,
    *,
    code: str,
    name: str,
    description: str = "",
    directory_codes: list[str] | None = None,
    market_codes: list[str] | None = None,
) -> NeedCategory:
    """Add a need category of the council's own to the platform's taxonomy."""
    policy.require(actor, "needs.manage", council)
    code = _code(code)
    name = clean_text(name)
    if not name or len(name) > 100:
        raise Refused.on("name", "Give the need a name of up to 100 characters")
    if NeedCategory.objects.for_council_and_platform(council).filter(code=code).exists():
        raise Conflict.on("code", f"There is already a need with the code '{code}'")
    category = NeedCategory.objects.create(
        council=council,
        code=code,
        name=name,
        description=clean_text(description)[:300],
        directory_codes=[clean_text(c)[:20] for c in directory_codes or [] if clean_text(c)][:20],
        market_codes=[clean_text(c)[:50] for c in market_codes or [] if clean_text(c)][:20],
    )
    audit.record(actor, "needs.category.added", obj=category, data={"code": code, "name": name})
    publish(
        "needs.category.added",
        council=council,
        subject=category,
        data={"category_id": str(category.pk), "code": code, "name": name},
    )
    return category


@dataclass(frozen=True)
class Series:
    """A checked indicator series, as the import hands it over: its facts and its values."""

    code: str
    name: str
    unit: str
    source: str
    licence: str
    need: str
    period_format: str
    higher_is_worse: bool
    # (level, area code, period) -> value
    values: dict[tuple[str, str, str], Decimal]


@transaction.atomic
def save_indicator(actor: Actor, council: Council, series: Series) -> tuple[int, int]:
    """Add or update a council's indicator and its values (a value for an area and period already held is
    replaced). Returns (values added, values updated)."""
    policy.require(actor, "needs.indicators.import", council)
    indicator = Indicator.objects.for_council(council).filter(code=series.code).first()
    facts = {
        "name": series.name,
        "unit": series.unit,
        "source": series.source,
        "licence": series.licence,
        "need": series.need,
        "period_format": series.period_format,
        "higher_is_worse": series.higher_is_worse,
    }
    if indicator is None:
        indicator = Indicator.objects.create(council=council, code=series.code, **facts)
    else:
        for name, value in facts.items():
            setattr(indicator, name, value)
        indicator.save()
    held = {
        (v.level, v.area_code, v.period): v
        for v in IndicatorValue.objects.for_council(council).filter(indicator=indicator)
    }
    added, changed = [], []
    for (level, area, period), value in series.values.items():
        row = held.get((level, area, period))
        if row is None:
            added.append(
                IndicatorValue(
                    council=council,
                    indicator=indicator,
                    level=level,
                    area_code=area,
                    period=period,
                    value=value,
                )
            )
        elif row.value != value:
            row.value = value
            changed.append(row)
    IndicatorValue.objects.bulk_create(added, batch_size=500)
    IndicatorValue.unscoped.bulk_update(changed, ["value"], batch_size=500)
    periods = sorted({period for _, _, period in series.values})
    audit.record(
        actor,
        "needs.indicator.imported",
        obj=indicator,
        data={"code": series.code, "added": len(added), "updated": len(changed), "periods": periods},
    )
    publish(
        "needs.indicator.imported",
        council=council,
        subject=indicator,
        data={
            "indicator_id": str(indicator.pk),
            "code": series.code,
            "values": len(series.values),
            "periods": periods[:50],
        },
    )
    return len(added), len(changed)
