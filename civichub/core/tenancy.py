"""Tenancy by structure.

Council data lives in models derived from `TenantScopedModel`. Their default manager returns a
queryset that refuses to run unless it was scoped on purpose: `for_council(council)` for one council,
or `for_councils([...])` for a list of councils passed explicitly. A filter on `council` written by
hand does not count, because `filter(council__in=Council.objects.all())` is a filter on council too,
and it reads every council's rows. So a forgotten or careless scope fails loudly instead of leaking.

Kernel records that may belong to the platform as a whole (events, jobs, import runs of the national
geography) derive from `TenantOrPlatformModel`: their council may be empty, and `for_platform()` is the
explicit scope for those rows. The escape hatch, `Model.unscoped`, is for platform jobs (migrations,
audit, the webhook dispatcher) and is easy to grep.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from civichub.core.models import Council

_M = TypeVar("_M", bound=models.Model)
PLATFORM = "platform"


class TenantScopeRequired(Exception):
    """A query of council data was about to run without being limited to a council."""


class TenantQuerySet(models.QuerySet[_M]):
    # What the query was scoped to on purpose: a tuple of council ids, or PLATFORM. None: not scoped.
    _scope: tuple[Any, ...] | str | None = None

    def _scoped(self, scope: tuple[Any, ...] | str, *where: Q, **lookup: Any) -> TenantQuerySet[_M]:
        clone = self.filter(*where, **lookup)
        clone._scope = scope
        return clone

    def for_council(self, council: Council) -> TenantQuerySet[_M]:
        """Only this council's rows."""
        if council is None or council.pk is None:
            raise TenantScopeRequired(f"{self.model.__name__}: for_council() needs a saved council")
        return self._scoped((council.pk,), council=council)

    def for_councils(self, councils: Collection[Council]) -> TenantQuerySet[_M]:
        """Only these councils' rows. The councils are passed explicitly, never as a query."""
        if isinstance(councils, models.QuerySet) or not isinstance(councils, list | tuple | set | frozenset):
            raise TenantScopeRequired(
                f"{self.model.__name__}: for_councils() takes a list of councils, not a query of them"
            )
        ids = tuple(council.pk for council in councils)
        return self._scoped(ids, council__in=ids)

    def for_platform(self) -> TenantQuerySet[_M]:
        """Only the platform's own rows (no council): for models whose council may be empty."""
        if not getattr(self.model._meta.get_field("council"), "null", False):
            raise TenantScopeRequired(f"{self.model.__name__} always belongs to a council")
        return self._scoped(PLATFORM, council__isnull=True)

    def for_council_and_platform(self, council: Council) -> TenantQuerySet[_M]:
        """This council's rows and the platform's own: shared defaults that a council may add to."""
        if council is None or council.pk is None:
            raise TenantScopeRequired(f"{self.model.__name__}: needs a saved council")
        self.for_platform()  # refuses models whose rows always belong to a council
        return self._scoped((council.pk, PLATFORM), Q(council__isnull=True) | Q(council=council))

    def _clone(self) -> TenantQuerySet[_M]:
        clone = super()._clone()  # type: ignore[misc]
        clone._scope = self._scope
        return clone

    def __or__(self, other: Any) -> TenantQuerySet[_M]:
        # A union is only as scoped as its least scoped side.
        combined = super().__or__(other)
        if self._scope is None or getattr(other, "_scope", None) is None:
            combined._scope = None
        elif PLATFORM in (self._scope, other._scope):
            combined._scope = self._scope if self._scope == other._scope else None
        else:
            combined._scope = tuple({*self._scope, *other._scope})
        return combined

    def _require_scope(self) -> None:
        if self._scope is None:
            raise TenantScopeRequired(
                f"{self.model.__name__} is council data: scope it with "
                f"{self.model.__name__}.objects.for_council(council) before reading or writing it."
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


class TenantOrPlatformModel(models.Model):
    """A kernel record that belongs to one council, or (council empty) to the platform as a whole."""

    council = models.ForeignKey(
        "core.Council", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TenantManager()
    unscoped = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
