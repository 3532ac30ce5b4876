"""How long the platform keeps its machinery's own records: delivered events, webhook delivery attempts,
finished jobs and import runs. (The audit log is never pruned; see `audit_export`.)

Each kind of record has a period in days. A council may set its own (`RetentionPeriod`, one row per kind
it changed); otherwise, and for the platform's own rows (no council), the kind's default applies, which
settings may override (`CIVICHUB_RETENTION_DAYS`). The kernel declares the kinds it owns; a context
whose rows hang on the outbox (integration: webhook deliveries and their attempts) declares its kinds and
plugs in a `Keeper` when its app is ready, so that the kernel's `pruning.prune` can ask it what is still
owed and remove its rows first, while the kernel imports no context (ADR 0006, 0011).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from civichub.core.tenancy import TenantScopedModel
from civichub.core.timestamps import TimestampedModel

if TYPE_CHECKING:
    from civichub.core.models import Council

# A council may not keep records for less than a week (a prune could then remove what someone is still
# looking into) nor ask for more than ten years (past any statutory need for these operational logs).
MIN_DAYS = 7
MAX_DAYS = 3650


@dataclass(frozen=True)
class RetainedKind:
    """A kind of record that is pruned once older than its period."""

    name: str
    label: str
    hint: str
    default_days: int

    @property
    def days_by_default(self) -> int:
        """The platform's default: the declared one unless settings override it."""
        return int(getattr(settings, "CIVICHUB_RETENTION_DAYS", {}).get(self.name, self.default_days))


KINDS: dict[str, RetainedKind] = {}


def register_kind(kind: RetainedKind) -> RetainedKind:
    KINDS[kind.name] = kind
    return kind


EVENTS = register_kind(
    RetainedKind(
        "events",
        "Delivered events",
        "Events in the outbox that every webhook has received or given up on. An event still owed to "
        "an endpoint is kept however old it is.",
        730,
    )
)
JOBS = register_kind(
    RetainedKind(
        "jobs",
        "Finished background jobs",
        "Jobs that succeeded or failed. Queued and running jobs are never removed.",
        365,
    )
)
IMPORT_RUNS = register_kind(
    RetainedKind(
        "import_runs",
        "Finished imports",
        "The record of each finished import (file name, hash, counts, problems) and any file still "
        "stored for it. Once removed, the same file can be imported again.",
        365,
    )
)


# A context's rows of one kind that may go now, as a query scoped to one council: `{kind: rows}`.
Rows = dict[str, "models.QuerySet[Any]"]


@dataclass(frozen=True)
class Keeper:
    """A context (`name`) that keeps rows of its own that hang on the outbox's events.

    - `prunable(council, cutoffs)`: its own rows past their period (`cutoffs` maps each kind to the
      moment before which its rows may go), never a row still needed to deliver something;
    - `owed(council, seqs)`: of these events, the ones it still owes to someone (they must stay);
    - `hanging(council, seqs, cutoffs)`: its rows that refer to these (no longer owed) events, to be
      removed before them, in the order given; not those `prunable` takes (it runs first), so that a dry
      run counts each row once.
    """

    name: str
    prunable: Callable[[Council, Mapping[str, datetime]], Rows]
    owed: Callable[[Council, list[int]], set[int]]
    hanging: Callable[[Council, list[int], Mapping[str, datetime]], Rows]


KEEPERS: dict[str, Keeper] = {}


def use_keeper(keeper: Keeper) -> None:
    """Plug a context's keeper in when its app is ready (the port's adapter, as `use_council_register`)."""
    KEEPERS[keeper.name] = keeper


class RetentionPeriod(TenantScopedModel, TimestampedModel):
    """A council's own period for one kind of record (kinds it has not set use the platform default)."""

    kind = models.CharField(max_length=40)
    days = models.PositiveIntegerField()

    class Meta(TenantScopedModel.Meta):
        app_label = "core"
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["council", "kind"], name="one_period_per_council_kind")
        ]


def days_for(council: Council | None) -> dict[str, int]:
    """The period of every kind, in days, for a council (its own over the defaults), or for the platform."""
    days = {name: kind.days_by_default for name, kind in KINDS.items()}
    if council is not None:
        for kind, value in RetentionPeriod.objects.for_council(council).values_list("kind", "days"):
            if kind in days:
                days[kind] = value
    return days
