"""What commissioning's services accept of what people type: money, scores, dates, codes and text, each
refused with the field it came from, before anything is written."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from civichub.core.errors import Refused
from civichub.core.text import clean_text

GSS_PLACE = re.compile(r"^E0[15]\d{6}$")  # an English LSOA (E01) or ward (E05)
MAX_MONEY = Decimal("99999999999999.99")


def text(value: Any, field: str, *, label: str, max_length: int = 300, required: bool = True) -> str:
    cleaned = clean_text(str(value or ""), multiline=max_length > 300)
    if required and not cleaned:
        raise Refused.on(field, f"Enter {label}")
    if len(cleaned) > max_length:
        raise Refused.on(field, f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer")
    return cleaned


def money(value: Any, field: str, *, negative: bool = False, required: bool = True) -> Decimal | None:
    """Pounds and pence, as a Decimal; never negative unless asked (a variation may save money)."""
    if value is None or str(value).strip() == "":
        if required:
            raise Refused.on(field, "Enter an amount in pounds, like 1250.00")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise Refused.on(field, f"{str(value)[:40]!r} is not an amount in pounds, like 1250.00") from None
    if not amount.is_finite() or abs(amount) > MAX_MONEY:
        raise Refused.on(field, "Enter an amount in pounds, like 1250.00")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Refused.on(field, "Enter pounds and pence: no more than 2 decimal places")
    if amount < 0 and not negative:
        raise Refused.on(field, "The amount cannot be negative")
    return amount


def number(value: Any, field: str, *, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refused.on(field, f"{str(value)[:40]!r} is not a number") from None
    if not found.is_finite() or abs(found) >= Decimal("1e12"):
        raise Refused.on(field, "Enter a number")
    if (low is not None and found < low) or (high is not None and found > high):
        raise Refused.on(field, f"Enter a number from {low} to {high}")
    return found.quantize(Decimal("0.0001"))


def day(value: Any, field: str, *, required: bool = True) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if value is None or str(value).strip() == "":
        if required:
            raise Refused.on(field, "Enter a date, like 2026-04-01")
        return None
    try:
        found = parse_date(str(value).strip())
    except ValueError:
        found = None
    if found is None:
        raise Refused.on(field, f"{str(value)[:40]!r} is not a date, like 2026-04-01")
    return found


def moment(value: Any, field: str) -> datetime:
    """A date and time; one without a zone is taken as UK time."""
    if isinstance(value, datetime):
        found: datetime | None = value
    else:
        try:
            found = parse_datetime(str(value or "").strip())
        except ValueError:
            found = None
    if found is None:
        raise Refused.on(field, "Enter a date and time, like 2026-05-01T12:00")
    return found if timezone.is_aware(found) else timezone.make_aware(found)


def place_codes(values: Any, field: str = "place_codes") -> list[str]:
    codes = values.replace(",", " ").split() if isinstance(values, str) else list(values or [])
    found = []
    for index, code in enumerate(codes):
        code = str(code).strip().upper()
        if not GSS_PLACE.match(code):
            raise Refused.on(f"{field}[{index}]", f"{code[:20]!r} is not the GSS code of a ward or LSOA")
        if code not in found:
            found.append(code)
    return found


def codes(values: Any, field: str) -> list[str]:
    items = values.replace(",", " ").split() if isinstance(values, str) else list(values or [])
    found = []
    for index, code in enumerate(items):
        code = str(code).strip()
        if not re.match(r"^[a-z0-9][a-z0-9-]{0,49}$", code):
            raise Refused.on(f"{field}[{index}]", f"{code[:20]!r} is not a category code like home-care")
        found.append(code)
    return found
