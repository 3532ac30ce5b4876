"""What a good source record looks like, field by field: shared by the CSV import and the one-record API
so both refuse the same things with the same words.

Each check returns the cleaned value or raises ValueError with the message a person reads.
"""

from __future__ import annotations

import re
from datetime import date

from civichub.core.text import clean_text
from civichub.places.postcodes import normalise_postcode

LIMITS = {"first_name": 100, "surname": 100, "sex": 20, "address_line": 300, "service": 100}
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
SOURCE_SYSTEM = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 down to 2 on the first nine digits; 11 minus the
    remainder is the check digit (11 counts as 0, and 10 means the number can never be valid)."""
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def nhs_number(text: str) -> str:
    digits = re.sub(r"[\s-]", "", text or "")
    if not digits:
        return ""
    if not nhs_number_valid(digits):
        raise ValueError(
            f"'{text.strip()[:20]}' is not a valid NHS number (10 digits passing the modulus 11 check)"
        )
    return digits


def date_of_birth(text: str, *, today: date | None = None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        if not ISO_DATE.match(text):
            raise ValueError
        born = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text[:20]}' is not a date: write it YYYY-MM-DD, like 1980-03-02") from None
    if born > (today or date.today()):
        raise ValueError(f"{text} is in the future")
    if born.year < 1880:
        raise ValueError(f"{text} is too long ago to be a living person's date of birth")
    return born


def postcode(text: str) -> str:
    """The normalised postcode ('WN1 1AA'), blank if none given; ValueError if it cannot be a postcode.
    Whether the platform holds it is a separate question (a well-formed one we do not hold is kept)."""
    if not (text or "").strip():
        return ""
    normal = normalise_postcode(text)
    if normal is None:
        raise ValueError(f"'{text.strip()[:20]}' is not a UK postcode, like WN1 1AA")
    return normal


def source_system(text: str) -> str:
    system = clean_text(text or "").lower()
    if not SOURCE_SYSTEM.match(system):
        raise ValueError(
            "Give the source system as lower-case letters, digits and hyphens, up to 60, like council-tax"
        )
    return system


def record_id(text: str) -> str:
    ident = clean_text(text or "")
    if not ident or len(ident) > 100:
        raise ValueError("Give the record's id in its source system, up to 100 characters")
    return ident


def clean_row(row: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """(cleaned values, {field: problem}) of one record: every field checked, every problem kept."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name, limit in LIMITS.items():
        text = clean_text(row.get(name) or "")
        if len(text) > limit:
            problems[name] = f"is longer than {limit} characters"
        values[name] = text
    checks = (
        ("source_system", source_system),
        ("record_id", record_id),
        ("date_of_birth", date_of_birth),
        ("nhs_number", nhs_number),
        ("postcode", postcode),
    )
    for name, check in checks:
        try:
            values[name] = check(row.get(name) or "")
        except ValueError as exc:
            problems[name] = str(exc)
    return values, problems
