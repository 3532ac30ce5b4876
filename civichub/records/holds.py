"""Which records a legal hold covers, as queries: named documents, a whole class, or everything linked
to one thing. Disposal asks this at the moment it runs, so a hold placed after approval still stops it."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.db.models import Q

from civichub.core.models import Council
from civichub.records.models import DocumentLink, HeldDocument, LegalHold


def active_holds(council: Council) -> list[LegalHold]:
    return list(LegalHold.objects.for_council(council).filter(lifted_at__isnull=True).order_by("created_at"))


def held(council: Council, holds: list[LegalHold] | None = None) -> Q:
    """A filter on Document for the records under any active hold of the council (an empty filter that
    matches nothing when there is none)."""
    holds = active_holds(council) if holds is None else holds
    if not holds:
        return Q(pk__in=[])
    condition = Q(
        pk__in=HeldDocument.objects.for_council(council)
        .filter(hold__lifted_at__isnull=True)
        .values("document_id")
    )
    classes = [h.record_class_id for h in holds if h.record_class_id]
    if classes:
        condition |= Q(record_class_id__in=classes)
    linked = Q()
    for hold in holds:
        if hold.link_type and hold.link_id:
            linked |= Q(target_type=hold.link_type, target_id=hold.link_id)
    if linked:
        condition |= Q(pk__in=DocumentLink.objects.for_council(council).filter(linked).values("document_id"))
    return condition


def holding(
    council: Council, documents: dict[uuid.UUID, tuple[uuid.UUID, list[tuple[str, str]]]]
) -> dict[uuid.UUID, list[LegalHold]]:
    """For each document ({id: (class id, its links)}), the active holds that cover it."""
    holds = active_holds(council)
    found: dict[uuid.UUID, list[LegalHold]] = defaultdict(list)
    if not holds:
        return found
    named: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for hold_id, document_id in (
        HeldDocument.objects.for_council(council)
        .filter(hold__lifted_at__isnull=True, document_id__in=list(documents))
        .values_list("hold_id", "document_id")
    ):
        named[document_id].add(hold_id)
    for document_id, (class_id, links) in documents.items():
        for hold in holds:
            if (
                hold.pk in named[document_id]
                or hold.record_class_id == class_id
                or (hold.link_type, hold.link_id) in links
            ):
                found[document_id].append(hold)
    return found
