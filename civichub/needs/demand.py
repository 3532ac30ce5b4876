"""Demand: contacts recorded or imported in batches, each classed as value or failure demand (with the
failure's cause). A contact names no one. Each batch is decided here, audited and published in one
transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import FieldError, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.text import clean_text
from civichub.needs import selectors
from civichub.needs.models import Contact

MAX_BATCH = 50_000


def _contact(
    council: Council, n: int, raw: dict[str, Any], codes: set[str], problems: list[FieldError]
) -> Contact | None:
    where = f"batch[{n}]"
    before = len(problems)
    try:
        day = (
            raw["occurred_on"]
            if isinstance(raw.get("occurred_on"), date)
            else date.fromisoformat(str(raw.get("occurred_on", ""))[:10])
        )
        if day > timezone.localdate():
            problems.append(FieldError(f"{where}.occurred_on", "A contact cannot be in the future"))
    except ValueError:
        problems.append(FieldError(f"{where}.occurred_on", "Give the date, like 2025-04-01"))
    values = {
        k: clean_text(str(raw.get(k) or "")) for k in ("channel", "category", "service", "kind", "cause")
    }
    if values["channel"] not in Contact.Channel.values:
        problems.append(FieldError(f"{where}.channel", f"Use one of {', '.join(Contact.Channel.values)}"))
    if values["category"] not in codes:
        problems.append(
            FieldError(f"{where}.category", f"'{values['category'][:50]}' is not a need category's code")
        )
    if not values["service"] or len(values["service"]) > 200:
        problems.append(FieldError(f"{where}.service", "Name the service, up to 200 characters"))
    if values["kind"] not in Contact.Kind.values:
        problems.append(FieldError(f"{where}.kind", "Use value or failure"))
    if values["kind"] == Contact.Kind.FAILURE and not values["cause"]:
        problems.append(
            FieldError(f"{where}.cause", "Say what caused the failure demand, e.g. 'chasing progress'")
        )
    if len(values["cause"]) > 100:
        problems.append(FieldError(f"{where}.cause", "Keep the cause to 100 characters"))
    if len(problems) > before:
        return None
    cause = values["cause"].lower() if values["kind"] == Contact.Kind.FAILURE else ""
    return Contact(
        council=council,
        occurred_on=day,
        channel=values["channel"],
        category=values["category"],
        service=values["service"],
        kind=values["kind"],
        cause=cause,
    )


@transaction.atomic
def record_contacts(actor: Actor, council: Council, rows: list[dict[str, Any]]) -> int:
    """Record a batch of contacts (all or none); returns how many."""
    policy.require(actor, "needs.contacts.record", council)
    if not rows or len(rows) > MAX_BATCH:
        raise Refused.on("batch", f"Send 1 to {MAX_BATCH:,} contacts")
    codes = set(selectors.theme_codes(council))
    problems: list[FieldError] = []
    made = [_contact(council, n, raw, codes, problems) for n, raw in enumerate(rows)]
    if problems:
        raise Refused("; ".join(str(p) for p in problems[:5]), problems[:100])
    contacts = [c for c in made if c is not None]
    Contact.objects.bulk_create(contacts, batch_size=1000)
    failure = sum(c.kind == Contact.Kind.FAILURE for c in contacts)
    audit.record(
        actor,
        "needs.contacts.recorded",
        object_type="needs.contact",
        council=council,
        data={"contacts": len(contacts), "failure": failure},
    )
    publish(
        "needs.contacts.recorded",
        council=council,
        subject_type="needs.contact",
        data={"contacts": len(contacts), "failure": failure},
    )
    return len(contacts)
