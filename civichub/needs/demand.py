"""Demand: contacts recorded in batches (the API) or imported from CSV (the `contacts` import), each
classed as value or failure demand (with the failure's cause from one list), optionally naming the
provider organisation it was about. A contact names no one. Each batch is decided here, counted by
month for the demand pages, audited and published in one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import FieldError, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.needs.contact_rows import check_contact, contacts_of, known_for
from civichub.needs.models import Contact, ContactCount

MAX_BATCH = 50_000
WRITE_BATCH = 5_000


def _count(council: Council, counts: Counter[tuple[Any, ...]]) -> None:
    """Add a batch's counts to the monthly counts: a key already held for these months is added to
    (locked while we do, on PostgreSQL), a new one is a new row."""
    months = {key[0] for key in counts}
    held = {
        (c.month, c.service, c.provider_id, c.category, c.kind, c.cause): c
        for c in ContactCount.objects.for_council(council).filter(month__in=months).select_for_update()
    }
    changed, added = [], []
    for key, n in counts.items():
        row = held.get(key)
        if row is None:
            month, service, provider_id, category, kind, cause = key
            added.append(
                ContactCount(
                    council=council,
                    month=month,
                    service=service,
                    provider_id=provider_id,
                    category=category,
                    kind=kind,
                    cause=cause,
                    contacts=n,
                )
            )
        else:
            row.contacts += n
            changed.append(row)
    ContactCount.objects.bulk_create(added, batch_size=1000)
    ContactCount.unscoped.bulk_update(changed, ["contacts"], batch_size=1000)


@transaction.atomic
def save_contacts(
    actor: Actor,
    council: Council,
    contacts: Iterable[Contact],
    *,
    source: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write checked contacts in batches, count them by month, audit and publish once; call inside a
    transaction. Returns (contacts, failure demand among them)."""
    counts: Counter[tuple[Any, ...]] = Counter()
    batch: list[Contact] = []
    written = 0

    def flush() -> None:
        nonlocal written
        Contact.objects.bulk_create(batch, batch_size=1000)
        written += len(batch)
        batch.clear()
        if progress:
            progress(written)

    for contact in contacts:
        month = contact.occurred_on.replace(day=1)
        counts[
            (month, contact.service, contact.provider_id, contact.category, contact.kind, contact.cause)
        ] += 1
        batch.append(contact)
        if len(batch) >= WRITE_BATCH:
            flush()
    flush()
    _count(council, counts)
    failure = sum(n for key, n in counts.items() if key[4] == Contact.Kind.FAILURE)
    data = {"contacts": written, "failure": failure, "source": source}
    audit.record(actor, "needs.contacts.recorded", object_type="needs.contact", council=council, data=data)
    publish("needs.contacts.recorded", council=council, subject_type="needs.contact", data=data)
    return written, failure


@transaction.atomic
def record_contacts(actor: Actor, council: Council, rows: list[dict[str, Any]]) -> int:
    """Record a batch of contacts (all or none); returns how many."""
    policy.require(actor, "needs.contacts.record", council)
    if not rows or len(rows) > MAX_BATCH:
        raise Refused.on("batch", f"Send 1 to {MAX_BATCH:,} contacts")
    known = known_for(council, (str(raw.get("provider") or "") for raw in rows))
    problems: list[FieldError] = []
    made = []
    for n, raw in enumerate(rows):

        def report(field: str, message: str, n: int = n) -> None:
            problems.append(FieldError(f"batch[{n}].{field}", message))

        made.append(check_contact(raw, known, report))
    if problems:
        raise Refused("; ".join(str(p) for p in problems[:5]), problems[:100])
    checked = [row for row in made if row is not None]
    written, _ = save_contacts(actor, council, contacts_of(council, checked), source="api")
    return written


@transaction.atomic
def recount_contacts(council: Council) -> int:
    """Count a council's contacts by month again from the contacts themselves (after contacts were
    loaded in bulk outside `save_contacts`, as a benchmark does). Derived figures only: no contact
    changes. Returns the rows of counts."""
    ContactCount.objects.for_council(council).delete()
    groups = (
        Contact.objects.for_council(council)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "service", "provider_id", "category", "kind", "cause")
        .annotate(n=Count("id"))
        .order_by()
    )
    made = ContactCount.objects.bulk_create(
        [
            ContactCount(
                council=council,
                month=g["month"],
                service=g["service"],
                provider_id=g["provider_id"],
                category=g["category"],
                kind=g["kind"],
                cause=g["cause"],
                contacts=g["n"],
            )
            for g in groups
        ],
        batch_size=1000,
    )
    return len(made)
