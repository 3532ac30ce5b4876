"""The one way an API list pages: `items`, `count`, `limit`, `offset`.

Every list operation of /api/v1 uses `@paginate(LimitOffset)`; the event feed's cursor (`after`) is the
one documented exception, because a feed that is being written while it is read needs a stable position.
The bounds are part of the contract: an out-of-range `limit` or `offset` is a 400 naming the parameter,
never a database error.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_LIMIT = 500
# No list on the platform comes near this; past it, an offset is a mistake (or a fuzzer), not a page.
MAX_OFFSET = 10_000_000


class LimitOffset(PaginationBase):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"How many items, 1 to {MAX_LIMIT}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip")

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="How many items there are in all")
        limit: int
        offset: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        return page(queryset, limit=pagination.limit, offset=pagination.offset)


def page(items: QuerySet[Any] | list[Any], *, limit: int, offset: int) -> dict[str, Any]:
    """One page of a queryset or list in the house shape (for operations that page by hand)."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    return {"items": list(items[offset : offset + limit]), "count": count, "limit": limit, "offset": offset}
