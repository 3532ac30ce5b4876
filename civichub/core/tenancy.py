"""Tenancy by structure.

Council data lives in models derived from `TenantScopedModel`. Their default manager returns a
queryset that refuses to run unless it is filtered to one council (or a list of councils), so a
forgotten filter fails loudly instead of leaking another council's data. The explicit escape hatch,
`Model.unscoped`, is for platform jobs (migrations, audit, platform-wide reports) and is easy to grep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND, WhereNode

if TYPE_CHECKING:
    from civichub.core.models import Council

_M = TypeVar("_M", bound=models.Model)


class TenantScopeRequired(Exception):
    """A query of council data was about to run without being limited to a council."""


def _is_scoped(where: WhereNode) -> bool:
    if where.connector != AND or where.negated:
        return False
    for child in where.children:
        if isinstance(child, Exact | In):
            target = getattr(child.lhs, "target", None)
            if target is not None and target.name == "council" and target.is_relation:
                return True
        elif isinstance(child, WhereNode) and _is_scoped(child):
            return True
    return False


class TenantQuerySet(models.QuerySet[_M]):
    def for_council(self, council: Council) -> TenantQuerySet[_M]:
        return self.filter(council=council)

    def _require_scope(self) -> None:
        if not _is_scoped(self.query.where):
            raise TenantScopeRequired(
                f"{self.model.__name__} is council data: filter it by council "
                f"(Model.objects.for_council(council)) before reading or writing it."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._require_scope()
        return super().iterator(chunk_size=chunk_size)

    def in_bulk(self, *args: Any, **kwargs: Any) -> Any:
        self._require_scope()
        return super().in_bulk(*args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """The default manager of council data. Use `.for_council(council)`."""


class TenantScopedModel(models.Model):
    council = models.ForeignKey("core.Council", on_delete=models.PROTECT, related_name="+")

    objects = TenantManager()
    # Platform jobs only (migrations, the audit verifier, platform-wide statistics): never in a view.
    unscoped = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
