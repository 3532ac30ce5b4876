"""The commissioner's dashboard: a council's contracts by status, spend against budget per commissioner,
outcomes against targets, variations, KPI ratings and contracts nearing renewal.

Every figure is one aggregate query (grouped in the database, never a loop over contracts), so the
page stays fast over 10,000 contracts (benchmarks/commissioning_dashboard.py). Personal budgets are
summed as one row: who holds a direct payment is not the dashboard's business.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from civichub.commissioning.models import (
    Budget,
    Commission,
    Contract,
    KpiAssessment,
    LedgerEntry,
    Outcome,
    OutcomeResult,
    Rating,
    Variation,
)
from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council, Organisation, Role, User

ZERO = Decimal("0.00")
RENEWAL_MONTHS = 6
Kind = LedgerEntry.Kind


@dataclass(frozen=True)
class Commissioner:
    """A commissioner as the filter names it: `org:<uuid>` or `user:<uuid>`."""

    key: str
    name: str

    @staticmethod
    def parse(text: str) -> tuple[str, uuid.UUID] | None:
        if not text:
            return None
        kind, _, rest = text.partition(":")
        try:
            if kind in ("org", "user"):
                return kind, uuid.UUID(rest)
        except ValueError:
            pass
        raise Refused.on("commissioner", "Choose a commissioner from the list")


@dataclass
class Dashboard:
    commissioner: str
    commissioners: list[Commissioner]
    by_status: list[dict[str, Any]]
    spend: list[dict[str, Any]]
    outcomes: dict[str, int]
    outcomes_behind: list[dict[str, Any]]
    variations: dict[str, Any]
    recent_variations: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    renewals: list[dict[str, Any]]
    renewals_count: int
    today: date = field(default_factory=date.today)


def _contract_filter(who: tuple[str, uuid.UUID] | None, prefix: str = "") -> Q:
    if who is None:
        return Q()
    kind, key = who
    name = "commissioner_organisation" if kind == "org" else "commissioner_user"
    return Q(**{f"{prefix}commission__{name}": key})


def commissioners(council: Council) -> list[Commissioner]:
    """Everyone who commissions in the council: organisations by name, councillors by name; residents
    with personal budgets are not listed one by one. Read from the commissions (hundreds), not the
    contracts (thousands)."""
    commissions = Commission.objects.for_council(council)
    orgs = commissions.exclude(commissioner_organisation=None).values("commissioner_organisation")
    found = [
        Commissioner(f"org:{o.pk}", o.name) for o in Organisation.objects.filter(pk__in=orgs).order_by("name")
    ]
    councillors = User.objects.filter(
        pk__in=commissions.exclude(commissioner_user=None).values("commissioner_user"),
        memberships__council=council,
        memberships__role=Role.COUNCILLOR,
    ).distinct()
    found += [
        Commissioner(f"user:{u.pk}", f"Cllr {u.get_full_name() or u.username}")
        for u in councillors.order_by("last_name", "username")
    ]
    return found


def by_status(contracts: QuerySet[Contract]) -> list[dict[str, Any]]:
    labels = dict(Contract.Status.choices)
    rows = (
        contracts.values("status")
        .annotate(count=Count("pk"), value=Coalesce(Sum("value"), ZERO))
        .order_by("status")
    )
    return [{**r, "label": labels.get(r["status"], r["status"])} for r in rows]


def spend(council: Council, who: tuple[str, uuid.UUID] | None) -> list[dict[str, Any]]:
    """Per budget owner: allocated, committed (net of releases) and paid, from the ledger alone. Summed
    per budget in the database (no joins), then per owner here over the few budgets."""
    owned = Budget.objects.for_council(council)
    if who is not None:
        owned = (
            owned.filter(owner_organisation=who[1]) if who[0] == "org" else owned.filter(owner_user=who[1])
        )
    sums = {
        row["budget"]: row
        for row in LedgerEntry.objects.for_council(council)
        .filter(budget__in=owned.values("pk"))
        .values("budget")
        .annotate(
            allocated=Coalesce(Sum("amount", filter=Q(kind=Kind.ALLOCATION)), ZERO),
            committed=Coalesce(Sum("amount", filter=Q(kind=Kind.COMMITMENT)), ZERO),
            released=Coalesce(Sum("amount", filter=Q(kind=Kind.RELEASE)), ZERO),
            paid=Coalesce(Sum("amount", filter=Q(kind=Kind.PAYMENT)), ZERO),
        )
        .order_by()
    }
    owners: dict[str, dict[str, Any]] = {}
    for budget in owned.select_related("owner_organisation", "owner_user"):
        if budget.kind == Budget.Kind.PERSONAL:
            name = "Personal budgets (all residents)"
        elif budget.owner_organisation is not None:
            name = budget.owner_organisation.name
        else:
            assert budget.owner_user is not None
            name = f"Cllr {budget.owner_user.get_full_name() or budget.owner_user.username}"
        zero = {"name": name, "allocated": ZERO, "committed": ZERO, "paid": ZERO, "budgets": 0}
        row = owners.setdefault(name, zero)
        got = sums.get(budget.pk)
        row["budgets"] += 1
        if got:
            row["allocated"] += got["allocated"]
            row["committed"] += got["committed"] - got["released"]
            row["paid"] += got["paid"]
    out = sorted(owners.values(), key=lambda r: (-r["allocated"], r["name"]))
    for r in out:
        share = r["committed"] / r["allocated"] * 100 if r["allocated"] else Decimal(0)
        r["share"] = share.quantize(Decimal("1"))
    return out


def outcomes(
    council: Council, who: tuple[str, uuid.UUID] | None
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Each outcome's latest result against its target: met, on the way (at least half way from the
    baseline), behind, or not yet reported. Read from the latest result rows, so the state compares
    plain columns (a subquery in each branch of a CASE would run once per branch)."""
    latest_day = (
        OutcomeResult.objects.filter(outcome=OuterRef("outcome"))
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    target, baseline = F("outcome__target"), F("outcome__baseline")
    halfway = ExpressionWrapper((baseline + target) / 2, output_field=DecimalField())
    rising, falling = Q(outcome__target__gt=baseline), Q(outcome__target__lt=baseline)
    latest = (
        OutcomeResult.objects.for_council(council)
        .filter(_contract_filter(who, "outcome__contract__"), period_end=Subquery(latest_day))
        .annotate(
            state=Case(
                When(rising & Q(value__gte=target), then=Value("met")),
                When(falling & Q(value__lte=target), then=Value("met")),
                When(outcome__target=baseline, then=Value("met")),
                When(rising & Q(value__gte=halfway), then=Value("on_the_way")),
                When(falling & Q(value__lte=halfway), then=Value("on_the_way")),
                default=Value("behind"),
                output_field=CharField(),
            )
        )
    )
    counts = {"met": 0, "on_the_way": 0, "behind": 0, "none": 0}
    for row in latest.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    every = Outcome.objects.for_council(council).filter(_contract_filter(who, "contract__")).count()
    counts["none"] = every - sum(counts.values())
    fields = ("measure", "baseline", "target", "unit", "contract__reference", "contract__title")
    behind = [
        {"latest": r["value"], **{f: r[f"outcome__{f}"] for f in fields}}
        for r in latest.filter(state="behind")
        .values("value", *(f"outcome__{f}" for f in fields))
        .order_by("outcome__contract__reference")[:10]
    ]
    return counts, behind


def variations(
    council: Council, who: tuple[str, uuid.UUID] | None, today: date
) -> tuple[dict[str, Any], list]:
    found = Variation.objects.for_council(council).filter(_contract_filter(who, "contract__"))
    year = found.filter(agreed_on__gt=today - timedelta(days=365))
    totals = year.aggregate(
        count=Count("pk"),
        added=Coalesce(Sum("cost_change", filter=Q(cost_change__gt=0)), ZERO),
        saved=Coalesce(Sum("cost_change", filter=Q(cost_change__lt=0)), ZERO),
    )
    recent = list(
        found.values(
            "contract__reference", "contract__title", "reason", "cost_change", "agreed_on", "new_version"
        ).order_by("-agreed_on", "-new_version")[:10]
    )
    return totals, recent


def ratings(council: Council, who: tuple[str, uuid.UUID] | None, today: date) -> list[dict[str, Any]]:
    """KPI ratings given in the last 12 months, by rating, in the Regulations' order."""
    rows = dict(
        KpiAssessment.objects.for_council(council)
        .filter(_contract_filter(who, "kpi__contract__"), period_end__gt=today - timedelta(days=365))
        .values("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
        .order_by()
    )
    return [{"rating": value, "label": label, "count": rows.get(value, 0)} for value, label in Rating.choices]


def renewals(contracts: QuerySet[Contract], today: date) -> tuple[list[Any], int]:
    """Active contracts that end within six months (the time a re-procurement needs)."""
    soon = contracts.filter(
        status=Contract.Status.ACTIVE, end_date__gte=today, end_date__lte=today + timedelta(days=183)
    )
    rows = list(
        soon.values("pk", "reference", "title", "provider__name", "value", "end_date").order_by(
            "end_date", "reference"
        )[:25]
    )
    return rows, soon.count()


def dashboard(actor: Actor, council: Council, commissioner: str = "") -> Dashboard:
    policy.require(actor, "commissioning.dashboard.view", council)
    who = Commissioner.parse(commissioner)
    today = timezone.localdate()
    contracts = Contract.objects.for_council(council).filter(_contract_filter(who))
    outcome_counts, behind = outcomes(council, who)
    variation_totals, recent = variations(council, who, today)
    renewal_rows, renewal_count = renewals(contracts, today)
    return Dashboard(
        commissioner=commissioner,
        commissioners=commissioners(council),
        by_status=by_status(contracts),
        spend=spend(council, who),
        outcomes=outcome_counts,
        outcomes_behind=behind,
        variations=variation_totals,
        recent_variations=recent,
        ratings=ratings(council, who, today),
        renewals=renewal_rows,
        renewals_count=renewal_count,
        today=today,
    )


def csv_rows(board: Dashboard) -> tuple[list[str], list[list[Any]]]:
    """The dashboard's figures as one CSV: a section column, then name and values."""
    header = ["section", "name", "count", "allocated", "committed", "paid", "value"]
    rows: list[list[Any]] = []
    rows += [["contracts by status", r["label"], r["count"], "", "", "", r["value"]] for r in board.by_status]
    rows += [
        ["spend against budget", r["name"], r["budgets"], r["allocated"], r["committed"], r["paid"], ""]
        for r in board.spend
    ]
    rows += [["outcomes", k, v, "", "", "", ""] for k, v in board.outcomes.items()]
    rows += [["KPI ratings (12 months)", r["label"], r["count"], "", "", "", ""] for r in board.ratings]
    rows += [
        [
            "variations (12 months)",
            "cost added",
            board.variations["count"],
            "",
            "",
            "",
            board.variations["added"],
        ],
        ["variations (12 months)", "cost saved", "", "", "", "", board.variations["saved"]],
    ]
    rows += [
        ["nearing renewal", f"{r['reference']}: {r['title']}", "", "", "", "", r["value"]]
        for r in board.renewals
    ]
    return header, rows
