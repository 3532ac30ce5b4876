"""Checking an opportunity as it is typed, imported or posted: one function, so the form, the API and the
import refuse the same things with the same words. Fields carry the names of Find a Grant's adverts
(`grantName`, `grantFunder`…), with `themes` (need category codes) added."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from civichub.core.errors import FieldError
from civichub.core.text import clean_text
from civichub.funding.models import ApplicantType

FIELDS = (
    "grantName",
    "grantFunder",
    "grantShortDescription",
    "grantApplicantType",
    "grantLocation",
    "grantMinimumAward",
    "grantMaximumAward",
    "grantTotalAwardAmount",
    "grantApplicationOpenDate",
    "grantApplicationCloseDate",
    "grantWebpageUrl",
    "themes",
)
# Find a Grant's own applicant type labels, and ours, to our codes.
APPLICANT_WORDS = {
    "personal / individual": ApplicantType.INDIVIDUAL,
    "individual": ApplicantType.INDIVIDUAL,
    "public sector": ApplicantType.PUBLIC_BODY,
    "private sector": ApplicantType.BUSINESS,
    "non-profit": ApplicantType.NON_PROFIT,
    "local authority": ApplicantType.LOCAL_AUTHORITY,
    **{label.lower(): ApplicantType(value) for value, label in ApplicantType.choices},
    **{value: ApplicantType(value) for value in ApplicantType.values},
}
GSS = re.compile(r"^[EWSN]\d{8}$")
SPLIT = re.compile(r"[;,|\n]+")


@dataclass(frozen=True)
class Details:
    programme: str
    funder: str
    summary: str
    applicant_types: list[str]
    area_codes: list[str]
    locations: str
    minimum_award: Decimal | None
    maximum_award: Decimal | None
    total_pot: Decimal | None
    opens_on: date | None
    closes_on: date | None
    url: str
    themes: list[str]

    def as_fields(self) -> dict[str, Any]:
        from civichub.funding.models import padded

        return {
            "programme": self.programme,
            "funder": self.funder,
            "summary": self.summary,
            "applicant_types": padded(self.applicant_types),
            "area_codes": padded(self.area_codes),
            "locations": self.locations,
            "minimum_award": self.minimum_award,
            "maximum_award": self.maximum_award,
            "total_pot": self.total_pot,
            "opens_on": self.opens_on,
            "closes_on": self.closes_on,
            "url": self.url,
            "themes": padded(self.themes),
        }


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [clean_text(str(v)) for v in value if clean_text(str(v))]
    return [clean_text(v) for v in SPLIT.split(str(value or "")) if clean_text(v)]


def _money(raw: Mapping[str, Any], name: str, problems: list[FieldError]) -> Decimal | None:
    text = clean_text(str(raw.get(name) or "")).replace(",", "").removeprefix("£")
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or value >= 10**13:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(FieldError(name, f"'{text[:20]}' is not an amount in pounds, like 25000"))
        return None
    return value.quantize(Decimal("0.01"))


def _date(raw: Mapping[str, Any], name: str, problems: list[FieldError]) -> date | None:
    text = clean_text(str(raw.get(name) or ""))
    if not text:
        return None
    try:
        # Find a Grant gives date-times (2024-05-01T00:00:00Z); the day is what matters here.
        return date.fromisoformat(text[:10])
    except ValueError:
        problems.append(FieldError(name, f"'{text[:30]}' is not a date, like 2025-04-01"))
        return None


def check_opportunity(
    raw: Mapping[str, Any], themes_known: set[str]
) -> tuple[Details | None, list[FieldError]]:
    """The opportunity in `raw`, checked, and every problem found (then no details)."""
    problems: list[FieldError] = []
    text = {
        name: clean_text(str(raw.get(name) or "")) for name in ("grantName", "grantFunder", "grantWebpageUrl")
    }
    for name, limit, what in (("grantName", 300, "the grant's name"), ("grantFunder", 200, "the funder")):
        if not text[name] or len(text[name]) > limit:
            problems.append(FieldError(name, f"Give {what}, up to {limit} characters"))
    summary = str(raw.get("grantShortDescription") or "").strip()
    if len(summary) > 2000:
        problems.append(FieldError("grantShortDescription", "Keep the summary to 2,000 characters"))
    url = text["grantWebpageUrl"]
    if url and (not re.match(r"^https?://[^\s/]+\.[^\s]+$", url) or len(url) > 500):
        problems.append(FieldError("grantWebpageUrl", "Give the grant's web page as an http(s) address"))
    applicants = []
    for word in _items(raw.get("grantApplicantType")):
        found = APPLICANT_WORDS.get(word.lower())
        if found is None:
            problems.append(
                FieldError(
                    "grantApplicantType",
                    f"'{word[:40]}' is not an applicant type: use {', '.join(ApplicantType.values)}",
                )
            )
        elif found.value not in applicants:
            applicants.append(found.value)
    codes: list[str] = []
    words: list[str] = []
    for item in _items(raw.get("grantLocation")):
        if GSS.match(item.upper()):
            codes.append(item.upper())
        else:
            words.append(item)
    themes: list[str] = []
    for theme in _items(raw.get("themes")):
        if theme.lower() not in themes_known:
            problems.append(FieldError("themes", f"'{theme[:40]}' is not a need category's code"))
        elif theme.lower() not in themes:
            themes.append(theme.lower())
    low = _money(raw, "grantMinimumAward", problems)
    high = _money(raw, "grantMaximumAward", problems)
    pot = _money(raw, "grantTotalAwardAmount", problems)
    if low is not None and high is not None and low > high:
        problems.append(
            FieldError("grantMinimumAward", f"The minimum award (£{low}) is above the maximum (£{high})")
        )
    opens = _date(raw, "grantApplicationOpenDate", problems)
    closes = _date(raw, "grantApplicationCloseDate", problems)
    if opens and closes and closes < opens:
        problems.append(
            FieldError("grantApplicationCloseDate", f"It closes ({closes}) before it opens ({opens})")
        )
    if problems or len(" ".join(codes)) > 3900 or len("; ".join(words)) > 300:
        if not problems:
            problems.append(FieldError("grantLocation", "Name fewer places (up to 400 codes)"))
        return None, problems
    return (
        Details(
            programme=text["grantName"],
            funder=text["grantFunder"],
            summary=summary,
            applicant_types=applicants,
            area_codes=sorted(set(codes)),
            locations="; ".join(words),
            minimum_award=low,
            maximum_award=high,
            total_pot=pot,
            opens_on=opens,
            closes_on=closes,
            url=url,
            themes=themes,
        ),
        [],
    )
