"""The public contracts register of a council: open data, no sign-in. Each contract with its provider,
value, dates and status, and its open-book TOTAL; never a cost line (the commissioner sees those)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from civichub.commissioning.models import Contract, CostLine
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council

ZERO = Decimal("0.00")
SORTS = {
    "newest": ("-start_date", "reference"),
    "value": ("-value", "reference"),
    "ending": ("end_date", "reference"),
}
# Personal budgets' call-offs are a resident's own care: the register leaves them out, as a council's
# spending data leaves out payments to individuals.
PUBLIC_ORIGINS = (Contract.Origin.PROCUREMENT, Contract.Origin.WARD_BUDGET, Contract.Origin.IMPORTED)


def _open_book_total() -> Any:
    lines = (
        CostLine.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=DecimalField()), ZERO)


def public_contracts(
    council: Council,
    *,
    q: str = "",
    status: str = "",
    provider: str = "",
    ending_before: date | None = None,
    sort: str = "newest",
) -> QuerySet[Contract]:
    """A council's contracts for the public, filtered and sorted, with the open-book total."""
    if status and status not in Contract.Status.values:
        raise Refused.on("status", "Choose active, terminated or expired")
    if sort not in SORTS:
        raise Refused.on("sort", "Sort by newest, value or ending")
    found = (
        Contract.objects.for_council(council)
        .filter(origin__in=PUBLIC_ORIGINS)
        .select_related("provider")
        .annotate(open_book_total=_open_book_total())
        .only(
            "id",
            "council_id",
            "reference",
            "title",
            "value",
            "start_date",
            "end_date",
            "status",
            "origin",
            "version",
            "ocid",
            "provider__id",
            "provider__name",
            "provider__kind",
        )
    )
    q = (q or "").strip()[:100]
    if q:
        found = found.filter(
            Q(title__icontains=q) | Q(reference__icontains=q) | Q(provider__name__icontains=q)
        )
    if status:
        found = found.filter(status=status)
    if provider:
        found = found.filter(provider__name__icontains=provider.strip()[:100])
    if ending_before is not None:
        found = found.filter(end_date__lte=ending_before)
    return found.order_by(*SORTS[sort])


def public_contract(council: Council, contract_id: Any) -> Contract:
    try:
        key = uuid.UUID(str(contract_id))
    except ValueError:
        raise NotFound("There is no such contract in the register") from None
    found = public_contracts(council).filter(pk=key).first()
    if found is None:
        raise NotFound("There is no such contract in the register")
    return found


CSV_HEADER = [
    "reference",
    "title",
    "provider",
    "value",
    "open_book_total",
    "start_date",
    "end_date",
    "status",
    "kind",
    "ocid",
]


def csv_row(c: Contract) -> list[Any]:
    return [
        c.reference,
        c.title,
        c.provider.name,
        c.value,
        c.open_book_total,  # type: ignore[attr-defined]
        c.start_date,
        c.end_date,
        c.status,
        kind_of(c),
        c.ocid,
    ]


def kind_of(c: Contract) -> str:
    if c.origin == Contract.Origin.WARD_BUDGET:
        return "grant" if c.reference.startswith("WG-") else "ward contract"
    return "imported" if c.origin == Contract.Origin.IMPORTED else "contract"
