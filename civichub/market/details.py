"""What an offer says, checked the same way whichever door it came through (form, API, demo).

Each problem is refused naming its field, all at once, and nothing is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civichub.core.errors import FieldError, Refused
from civichub.market.costs import lines_of
from civichub.market.models import CqcRating, MarketCategory
from civichub.places import selectors as places

# At most £99,999,999.99: what the columns hold (a larger figure is a typing slip, not a price).
AMOUNT = re.compile(r"^£?\s*\d{1,8}(\.\d{1,2})?$")
QUANTITY = re.compile(r"^-?\d{1,9}(\.\d{1,2})?$")
MAX_STAFF = 1_000_000
WARD = re.compile(r"^[EWSN]05\d{6}$|^S13\d{6}$|^N08\d{6}$")
LSOA = re.compile(r"^E01\d{6}$|^W01\d{6}$")


def amount(value: Any, field_name: str, errors: list[FieldError], *, label: str = "an amount") -> Decimal:
    """A sum of money (or a rate) in pounds and pence, like 21.50 or £21.50; never negative."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        errors.append(FieldError(field_name, f"Enter {label}, like 21.50"))
        return Decimal(0)
    if text.startswith("-"):
        errors.append(FieldError(field_name, f"{label.capitalize()} cannot be negative"))
        return Decimal(0)
    if not AMOUNT.match(text):
        errors.append(FieldError(field_name, f"'{text[:30]}' is not {label} in pounds and pence, like 21.50"))
        return Decimal(0)
    return Decimal(text.lstrip("£").strip())


def quantity(value: Any, field_name: str, errors: list[FieldError], *, whole: bool = False) -> Decimal:
    """A count or capacity: a number (whole, if asked) that is not negative."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        errors.append(FieldError(field_name, "Enter a number"))
        return Decimal(0)
    if not QUANTITY.match(text) or (whole and "." in text):
        kind = "a whole number" if whole else "a number, like 120 or 37.5"
        errors.append(FieldError(field_name, f"'{text[:30]}' is not {kind}"))
        return Decimal(0)
    number = Decimal(text)
    if number < 0:
        errors.append(FieldError(field_name, "Cannot be negative"))
        return Decimal(0)
    return number


def a_date(value: Any, field_name: str, errors: list[FieldError], *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            errors.append(FieldError(field_name, "Enter a date, like 2025-04-01"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(field_name, f"'{text[:30]}' is not a date (YYYY-MM-DD)"))
        return None


@dataclass(frozen=True)
class Coverage:
    """One place an offer covers: a ward, or an LSOA (counted in its best-fit ward)."""

    local_authority_code: str
    ward_code: str
    lsoa_code: str = ""


@dataclass
class OfferDetails:
    capacity: Decimal
    price: Decimal
    coverage: list[Coverage]
    started_on: date
    staff_posts: int = 0
    staff_vacancies: int = 0
    cqc_rating: str = ""
    cqc_rated_on: date | None = None
    area_codes: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, str]:
        """Each field as the offer's history shows it."""
        return {
            "capacity": f"{self.capacity.normalize():f}",
            "price": f"{self.price:.2f}",
            "coverage": " ".join(sorted(self.area_codes)),
            "staff_posts": str(self.staff_posts),
            "staff_vacancies": str(self.staff_vacancies),
            "cqc_rating": self.cqc_rating,
            "cqc_rated_on": self.cqc_rated_on.isoformat() if self.cqc_rated_on else "",
            "started_on": self.started_on.isoformat(),
        }


def check_offer(category: MarketCategory, raw: dict[str, Any]) -> OfferDetails:
    """An offer from what was sent (strings from a form, numbers from the API), or every problem at once.

    `coverage` is a list (or a space- or comma-separated text) of ward and LSOA GSS codes, in any council.
    """
    errors: list[FieldError] = []
    capacity = quantity(raw.get("capacity"), "capacity", errors)
    price = amount(raw.get("price"), "price", errors, label="a price")
    posts = int(quantity(raw.get("staff_posts") or 0, "staff_posts", errors, whole=True))
    vacancies = int(quantity(raw.get("staff_vacancies") or 0, "staff_vacancies", errors, whole=True))
    for name, count in (("staff_posts", posts), ("staff_vacancies", vacancies)):
        if count > MAX_STAFF:
            errors.append(FieldError(name, f"Must be {MAX_STAFF:,} or fewer"))
    started = a_date(raw.get("started_on"), "started_on", errors)
    if started and started > timezone.localdate():
        errors.append(FieldError("started_on", "Cannot be in the future"))
    rating = str(raw.get("cqc_rating") or "").strip()
    rated_on = a_date(raw.get("cqc_rated_on"), "cqc_rated_on", errors, required=False)
    if category.regulated:
        if rating not in CqcRating.values:
            errors.append(FieldError("cqc_rating", f"Choose the CQC rating: {', '.join(CqcRating.labels)}"))
        elif rating != CqcRating.NOT_RATED and rated_on is None:
            errors.append(FieldError("cqc_rated_on", "Enter the date of the CQC rating"))
        if rated_on and rated_on > timezone.localdate():
            errors.append(FieldError("cqc_rated_on", "Cannot be in the future"))
    elif rating or rated_on:
        errors.append(FieldError("cqc_rating", f"{category.name} is not regulated by the CQC"))
    coverage, codes = _coverage(raw.get("coverage"), errors)
    if errors:
        raise Refused("; ".join(str(e) for e in errors[:5]), errors)
    assert started is not None
    return OfferDetails(
        capacity=capacity,
        price=price,
        coverage=coverage,
        started_on=started,
        staff_posts=posts,
        staff_vacancies=vacancies,
        cqc_rating=rating if category.regulated else "",
        cqc_rated_on=rated_on if category.regulated and rating != CqcRating.NOT_RATED else None,
        area_codes=codes,
    )


def _coverage(value: Any, errors: list[FieldError]) -> tuple[list[Coverage], list[str]]:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    codes = sorted({str(code).strip().upper() for code in value or [] if str(code).strip()})
    if not codes:
        errors.append(FieldError("coverage", "Name at least one ward or LSOA the offer covers (GSS codes)"))
        return [], []
    if len(codes) > 500:
        errors.append(FieldError("coverage", "An offer can cover at most 500 wards and LSOAs"))
        return [], []
    bad = [code for code in codes if not (WARD.match(code) or LSOA.match(code))]
    if bad:
        errors.append(FieldError("coverage", f"Not a ward or LSOA GSS code: {', '.join(bad[:5])}"))
        return [], []
    wards = {w.gss_code: w for w in places.wards(c for c in codes if not LSOA.match(c))}
    lsoas = {lsoa.code: lsoa for lsoa in places.lsoas(c for c in codes if LSOA.match(c))}
    unknown = [code for code in codes if code not in wards and code not in lsoas]
    if unknown:
        errors.append(FieldError("coverage", f"We do not hold these places: {', '.join(unknown[:5])}"))
        return [], []
    coverage = [Coverage(w.local_authority_id, w.gss_code) for w in wards.values()] + [
        Coverage(lsoa.local_authority_id, lsoa.best_fit_ward_id or "", lsoa.code) for lsoa in lsoas.values()
    ]
    return coverage, codes


def check_lines(template: str, raw: dict[str, Any], prefix: str = "") -> dict[str, Decimal]:
    """Every line of the template from what was sent, each problem named by its line, all at once."""
    errors: list[FieldError] = []
    amounts: dict[str, Decimal] = {}
    for line in lines_of(template):
        name = f"{prefix}{line.code}"
        if line.unit == "£":
            amounts[line.code] = amount(
                raw.get(line.code), name, errors, label=f"a rate for {line.label.lower()}"
            )
        else:
            amounts[line.code] = quantity(raw.get(line.code), name, errors)
    unknown = sorted(set(raw) - {line.code for line in lines_of(template)})
    if unknown:
        errors.append(FieldError(f"{prefix}{unknown[0]}", f"'{unknown[0]}' is not a line of this template"))
    if errors:
        raise Refused("; ".join(str(e) for e in errors[:5]), errors)
    return amounts
