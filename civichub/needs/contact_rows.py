"""One contact's fields checked (the API's batches and the `contacts` import share it), the org-ids of
providers resolved against the shared register, and checked rows made into contacts to write. Pure
checks and reads: the writing is `needs.demand`'s."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils import timezone

from civichub.core.models import Council, Organisation, OrganisationIdentifier
from civichub.core.text import clean_text
from civichub.needs import selectors
from civichub.needs.models import FAILURE_CAUSES, Contact

# Report a problem with one field of one contact: (field, message).
Report = Callable[[str, str], None]
# A file of contacts repeats the same few channels, services, causes and dates on every row: cleaning
# each value once, not once a row, is most of the checking's time on a large file.
_clean = lru_cache(maxsize=8192)(clean_text)
CHANNELS = frozenset(Contact.Channel.values)
KINDS = frozenset(Contact.Kind.values)
CAUSES = frozenset(FAILURE_CAUSES)
# A checked contact, kept small until it is written: (date, channel, need code, service, kind, cause,
# provider id or None).
Row = tuple[date, str, str, str, str, str, Any]


@lru_cache(maxsize=4096)
def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def organisations_by_org_id(org_ids: Iterable[str]) -> dict[str, Organisation]:
    """{org-id as given, upper-cased: organisation} for the org-ids the shared register holds, in one
    query. A scheme holds one hyphen (GB-COH, GB-CHC); the identifier is the rest."""
    wanted: dict[tuple[str, str], str] = {}
    for org_id in {clean_text(o).upper() for o in org_ids if clean_text(o)}:
        parts = org_id.split("-", 2)
        if len(parts) == 3:
            wanted[("-".join(parts[:2]), parts[2])] = org_id
    found: dict[str, Organisation] = {}
    schemes = {scheme for scheme, _ in wanted}
    identifiers = [identifier for _, identifier in wanted]
    for start in range(0, len(identifiers), 500):
        for held in OrganisationIdentifier.objects.filter(
            scheme__in=schemes, identifier__in=identifiers[start : start + 500]
        ).select_related("organisation"):
            key = wanted.get((held.scheme, held.identifier))
            if key:
                found[key] = held.organisation
    return found


@dataclass(frozen=True)
class Known:
    """What a contact is checked against: the council's need codes and the providers its rows name."""

    codes: frozenset[str]
    providers: dict[str, Organisation]
    today: date


def known_for(council: Council, org_ids: Iterable[str]) -> Known:
    return Known(
        frozenset(selectors.theme_codes(council)), organisations_by_org_id(org_ids), timezone.localdate()
    )


def check_contact(raw: dict[str, Any], known: Known, report: Report) -> Row | None:
    """One contact's row from its fields (occurred_on, channel, category, service, kind, cause,
    provider), or None having reported each problem by field."""
    problems = 0

    def problem(field: str, message: str) -> None:
        nonlocal problems
        problems += 1
        report(field, message)

    given = raw.get("occurred_on")
    day = given if isinstance(given, date) else _day(str(given or ""))
    if day is None:
        problem("occurred_on", f"'{str(given or '')[:20]}' is not a date: give it like 2025-04-01")
    if isinstance(day, date) and day > known.today:
        problem("occurred_on", "A contact cannot be in the future")
    values = {k: _clean(str(raw.get(k) or "")) for k in ("channel", "category", "service", "kind", "cause")}
    channel, category, kind = (values[k].lower() for k in ("channel", "category", "kind"))
    if channel not in CHANNELS:
        problem("channel", f"'{channel[:20]}' is not a channel: use {', '.join(Contact.Channel.values)}")
    if category not in known.codes:
        problem("category", f"'{category[:50]}' is not a need category's code")
    if not values["service"] or len(values["service"]) > 200:
        problem("service", "Name the service, up to 200 characters")
    if kind not in KINDS:
        problem("kind", f"'{kind[:20]}' is neither: use value or failure")
    cause = values["cause"].lower()
    if kind == Contact.Kind.FAILURE and not cause:
        problem("cause", "Say what caused the failure demand, e.g. 'chasing progress'")
    elif kind == Contact.Kind.FAILURE and cause not in CAUSES:
        problem("cause", f"'{cause[:40]}' is not a cause: use one of {', '.join(FAILURE_CAUSES)}")
    org_id = _clean(str(raw.get("provider") or "")).upper()
    provider = known.providers.get(org_id) if org_id else None
    if org_id and provider is None:
        problem("provider", f"'{org_id[:40]}' is no organisation's org-id here (like GB-CHC-1099999)")
    if problems or not isinstance(day, date):
        return None
    cause = cause if kind == Contact.Kind.FAILURE else ""
    return (day, channel, category, values["service"], kind, cause, provider.pk if provider else None)


def contacts_of(council: Council, rows: Iterable[Row]) -> Iterator[Contact]:
    """The contacts to write, made one at a time (by ids: setting related objects is slow at scale)."""
    for day, channel, category, service, kind, cause, provider_id in rows:
        yield Contact(
            council_id=council.pk,
            occurred_on=day,
            channel=channel,
            category=category,
            service=service,
            kind=kind,
            cause=cause,
            provider_id=provider_id,
        )
