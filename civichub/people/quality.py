"""Linkage quality, for the page and the API: the cluster-size distribution, the share of records in
review, the last run's match-weight histogram, and the active model's parameters (m and u probabilities
of each comparison level), with the bars of the server-side SVG charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from civichub.core.models import Council
from civichub.people.models import LinkageModel, LinkageRun, Person, ReviewPair, SourceRecord


@dataclass(frozen=True)
class Level:
    comparison: str
    label: str
    m: float | None
    u: float | None


@dataclass
class Quality:
    records: int
    people: int
    records_in_review: int
    pending_pairs: int
    cluster_sizes: list[tuple[int, int]]  # (records per person, people)
    histogram: list[tuple[int, int]]  # (whole match weight, pairs)
    levels: list[Level] = field(default_factory=list)
    model_version: int | None = None

    @property
    def review_share(self) -> float:
        return round(100 * self.records_in_review / self.records, 1) if self.records else 0.0


def levels_of(model: dict[str, Any]) -> list[Level]:
    """The m and u probabilities of every comparison level of a Splink model (null levels have none)."""
    found = []
    for comparison in model.get("comparisons", []):
        name = comparison.get("output_column_name") or comparison.get("comparison_description", "")
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            label = level.get("label_for_charts") or level.get("comparison_vector_value") or ""
            found.append(Level(str(name), str(label), level.get("m_probability"), level.get("u_probability")))
    return found


def quality(council: Council) -> Quality:
    records = SourceRecord.objects.for_council(council)
    pending = ReviewPair.objects.for_council(council).filter(status=ReviewPair.Status.PENDING)
    in_review = set(pending.values_list("record_a_id", flat=True)) | set(
        pending.values_list("record_b_id", flat=True)
    )
    sizes = (
        Person.objects.for_council(council)
        .filter(status=Person.Status.ACTIVE)
        .annotate(n=Count("records"))
        .values("n")
        .annotate(people=Count("id"))
        .order_by("n")
    )
    last = (
        LinkageRun.objects.for_council(council)
        .filter(job__status="succeeded")
        .order_by("-created_at")
        .first()
    )
    histogram = sorted((int(k), int(v)) for k, v in (last.weight_histogram if last else {}).items())
    model = LinkageModel.objects.for_council(council).filter(active=True).order_by("-version").first()
    return Quality(
        records=records.count(),
        people=Person.objects.for_council(council).filter(Q(status=Person.Status.ACTIVE)).count(),
        records_in_review=len(in_review),
        pending_pairs=pending.count(),
        cluster_sizes=[(row["n"], row["people"]) for row in sizes],
        histogram=histogram,
        levels=levels_of(model.model) if model else [],
        model_version=model.version if model else None,
    )
