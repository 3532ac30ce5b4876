"""Reading what was typed or posted for bids, funding needs and grants: one amount, one date, a list of
codes. Each refuses with the field's name and what to write instead, so a form and the API say the same."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from civichub.core.errors import Refused
from civichub.core.text import clean_text

SPLIT = re.compile(r"[;,\s]+")


def money(value: Any, field: str, *, required: bool = False, positive: bool = False) -> Decimal | None:
    """An amount in pounds ('£20,000', '20000.50'), or None when empty and not required."""
    text = clean_text(str(value if value is not None else "")).replace(",", "").removeprefix("£")
    if not text:
        if required:
            raise Refused.on(field, "Give an amount in pounds, like 20000")
        return None
    try:
        amount = Decimal(text)
        if not amount.is_finite() or amount < 0 or amount >= 10**12:
            raise InvalidOperation
    except InvalidOperation:
        raise Refused.on(field, f"'{text[:20]}' is not an amount in pounds, like 20000") from None
    amount = amount.quantize(Decimal("0.01"))
    if positive and amount == 0:
        raise Refused.on(field, "Give an amount of at least £0.01")
    return amount


def day(value: Any, field: str, *, required: bool = False) -> date | None:
    if isinstance(value, date):
        return value
    text = clean_text(str(value if value is not None else ""))
    if not text:
        if required:
            raise Refused.on(field, "Give a date, like 2026-04-01")
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise Refused.on(field, f"'{text[:30]}' is not a date, like 2026-04-01") from None


def items(value: Any, *, limit: int = 40) -> list[str]:
    """A list given as a list, or as text separated by spaces, commas or semicolons; each item once."""
    raw = value if isinstance(value, list | tuple) else SPLIT.split(str(value or ""))
    found: list[str] = []
    for item in raw:
        text = clean_text(str(item))
        if text and text not in found:
            found.append(text)
    return found[:limit]


def need_codes(value: Any, known: set[str], field: str, *, required: bool = False) -> list[str]:
    codes = [code.lower() for code in items(value, limit=20)]
    for code in codes:
        if code not in known:
            raise Refused.on(field, f"'{code[:40]}' is not a need category's code")
    if required and not codes:
        raise Refused.on(field, "Choose at least one need")
    return codes
