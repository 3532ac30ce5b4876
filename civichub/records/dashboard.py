"""The records manager's dashboard: records by class and age, what falls due in the next 90 days, the
holds in force and the history of disposal runs. Reads only; the counting is done by the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.models import Council
from civichub.records.models import DisposalRun, Document, LegalHold, RecordClass

DUE_WITHIN_DAYS = 90
# Age bands by the date a record is of: (label, youngest in years, oldest in years).
AGE_BANDS = [("Under 1 year", 0, 1), ("1 to 3 years", 1, 3), ("3 to 6 years", 3, 6), ("6 to 10 years", 6, 10)]
OLDEST = "Over 10 years"


@dataclass
class ClassRow:
    code: str
    name: str
    action: str
    retention_years: int
    total: int
    ages: list[int]
    due: int


@dataclass
class Summary:
    today: date
    classes: list[ClassRow]
    age_labels: list[str]
    age_totals: list[int]
    due_soon: list[Document]
    due_count: int
    overdue_count: int
    holds: list[LegalHold]
    runs: list[DisposalRun]
    waiting_approval: int = 0
    by_class: list[tuple[str, int]] = field(default_factory=list)

    @property
    def by_age(self) -> list[tuple[str, int]]:
        return list(zip(self.age_labels, self.age_totals, strict=True))

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "classes": [row.__dict__ for row in self.classes],
            "ages": dict(zip(self.age_labels, self.age_totals, strict=True)),
            "due_within_90_days": self.due_count,
            "overdue": self.overdue_count,
            "holds_in_force": len(self.holds),
            "disposal_runs": [
                {
                    "reference": r.reference,
                    "status": r.status,
                    "destroyed": r.destroyed,
                    "skipped": r.skipped,
                    "completed_at": r.completed_at.isoformat() if r.completed_at else None,
                }
                for r in self.runs
            ],
        }


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def summary(actor: Actor, council: Council, today: date | None = None) -> Summary:
    policy.require(actor, "records.retention.view", council)
    today = today or timezone.localdate()
    live = Q(documents__disposed_at__isnull=True)
    bands = {
        f"age{i}": Count(
            "documents",
            filter=live
            & Q(documents__dated__lte=_years_ago(today, young), documents__dated__gt=_years_ago(today, old)),
        )
        for i, (_, young, old) in enumerate(AGE_BANDS)
    }
    horizon = today + timedelta(days=DUE_WITHIN_DAYS)
    rows = (
        RecordClass.objects.for_council(council)
        .annotate(
            total=Count("documents", filter=live),
            oldest=Count("documents", filter=live & Q(documents__dated__lte=_years_ago(today, 10))),
            due=Count("documents", filter=live & Q(documents__dispose_on__lte=horizon)),
            **bands,
        )
        .order_by("code")
    )
    classes = [
        ClassRow(
            r.code,
            r.name,
            r.get_action_display(),
            r.retention_years,
            r.total,
            [getattr(r, f"age{i}") for i in range(len(AGE_BANDS))] + [r.oldest],
            r.due,
        )
        for r in rows
    ]
    due = (
        Document.objects.for_council(council)
        .filter(disposed_at__isnull=True, dispose_on__lte=horizon)
        .select_related("record_class")
        .order_by("dispose_on", "title")
    )
    holds = list(
        LegalHold.objects.for_council(council)
        .filter(lifted_at__isnull=True)
        .annotate(named=Count("held"))
        .select_related("record_class")
        .order_by("-created_at")
    )
    runs = list(
        DisposalRun.objects.for_council(council)
        .select_related("proposed_by", "approved_by", "certificate")
        .order_by("-created_at")[:20]
    )
    return Summary(
        today=today,
        classes=classes,
        age_labels=[label for label, _, _ in AGE_BANDS] + [OLDEST],
        age_totals=[sum(row.ages[i] for row in classes) for i in range(len(AGE_BANDS) + 1)],
        due_soon=list(due[:100]),
        due_count=due.count(),
        overdue_count=due.filter(dispose_on__lt=today).count(),
        holds=holds,
        runs=runs,
        waiting_approval=sum(1 for r in runs if r.status == DisposalRun.Status.PROPOSED),
        by_class=[(row.code, row.total) for row in classes if row.total],
    )
