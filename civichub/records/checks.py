"""What the records services check before they write: each refusal names the field and says why."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from civichub.core.errors import Refused
from civichub.core.models import Council, Membership, User
from civichub.core.text import clean_name, clean_text
from civichub.records.models import LinkType, Marking, RecordClass

MAX_LINKS = 50


def record_class(council: Council, value: Any, field: str = "record_class") -> RecordClass:
    """A class of the council's retention schedule, by id or code."""
    text = str(value or "").strip()
    if not text:
        raise Refused.on(field, "Choose the record class (the line of the retention schedule it falls under)")
    found = RecordClass.objects.for_council(council).filter(code__iexact=text[:20]).first()
    if found is None:
        try:
            found = RecordClass.objects.for_council(council).filter(pk=uuid.UUID(text)).first()
        except ValueError:
            found = None
    if found is None:
        raise Refused.on(
            field, f"{council.short_name}'s retention schedule has no record class '{text[:40]}'"
        )
    return found


def marking(value: Any, field: str = "marking") -> str:
    text = str(value or Marking.OFFICIAL).strip().lower().replace("-", "_")
    if text not in Marking.values:
        raise Refused.on(field, "Choose OFFICIAL or OFFICIAL-SENSITIVE")
    return text


def title(value: Any, field: str = "title") -> str:
    return clean_name(str(value or ""), field=field, label="a title")


def text(value: Any, field: str, max_length: int = 20_000) -> str:
    cleaned = clean_text(str(value or ""), multiline=True)
    if len(cleaned) > max_length:
        raise Refused.on(field, f"Must be {max_length:,} characters or fewer")
    return cleaned


def day(value: Any, field: str, *, required: bool = False) -> date | None:
    if isinstance(value, date):
        found = value
    else:
        text = str(value or "").strip()
        if not text:
            if required:
                raise Refused.on(field, "Enter a date, like 2026-03-31")
            return None
        try:
            found = date.fromisoformat(text[:10])
        except ValueError:
            raise Refused.on(field, "Enter a real date, like 2026-03-31") from None
    if not 1900 <= found.year <= 2200:
        raise Refused.on(field, "Enter a date between 1900 and 2200")
    return found


def link(target_type: Any, target_id: Any, field: str = "links") -> tuple[str, str]:
    kind = str(target_type or "").strip().lower()
    if kind not in LinkType.values:
        raise Refused.on(f"{field}.target_type", f"Must be one of {', '.join(LinkType.values)}")
    ident = clean_text(str(target_id or ""))
    if not ident or len(ident) > 100:
        raise Refused.on(f"{field}.target_id", "Enter the id of what it concerns (up to 100 characters)")
    return kind, ident


def links(values: Any, field: str = "links") -> list[tuple[str, str]]:
    """Typed references, as (type, id) pairs or 'type:id' strings."""
    found: list[tuple[str, str]] = []
    for value in values or []:
        if isinstance(value, str):
            kind, _, ident = value.partition(":")
        elif isinstance(value, dict):
            kind, ident = value.get("target_type", ""), value.get("target_id", "")
        else:
            kind, ident = value
        pair = link(kind, ident, field)
        if pair not in found:
            found.append(pair)
    if len(found) > MAX_LINKS:
        raise Refused.on(field, f"A record can have up to {MAX_LINKS} links")
    return found


def member(council: Council, value: Any, field: str = "owner") -> User:
    """Someone who holds a role in the council (an owner must be someone the council can ask)."""
    text = str(value or "").strip()
    user = User.objects.filter(username=text[:150]).first()
    if user is None:
        try:
            user = User.objects.filter(pk=uuid.UUID(text)).first()
        except ValueError:
            user = None
    if user is None or not Membership.objects.filter(user=user, council=council).exists():
        raise Refused.on(field, f"No one with a role in {council.short_name} has that username")
    return user
