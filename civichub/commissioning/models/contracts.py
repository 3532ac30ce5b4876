"""Contracts: open-book cost lines, outcomes tied to the commission's purpose, KPIs and their ratings,
breaches, variations (each a new version, kept in the history) and termination."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from civichub.commissioning.models.procurement import Bid, Commission, Lot, Procurement
from civichub.core.models import Organisation, TimestampedModel
from civichub.core.tenancy import TenantScopedModel


class Contract(TenantScopedModel, TimestampedModel):
    """A contract between a commissioner and a provider.

    Most follow a procurement; a call-off from a personal budget, a ward budget's small contract or grant
    and a contract imported from another system have none (`origin` says which).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        TERMINATED = "terminated", "Terminated"
        EXPIRED = "expired", "Expired"

    class Origin(models.TextChoices):
        PROCUREMENT = "procurement", "Awarded after a procurement"
        CALL_OFF = "call_off", "Call-off (personal budget)"
        WARD_BUDGET = "ward_budget", "Ward budget contract or grant"
        IMPORTED = "imported", "Imported from another register"

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    commission = models.ForeignKey(
        Commission, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.PROCUREMENT)
    reference = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    description = models.TextField(max_length=8000, blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    # The procurement's ocid; a contract without one has its own (or keeps an imported contract's).
    ocid = models.CharField(max_length=200)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-start_date", "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="one_contract_per_reference"),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_ends_after_it_starts"
            ),
        ]
        indexes = [
            models.Index(fields=["council", "status", "end_date"]),
            models.Index(fields=["council", "provider"]),
            models.Index(fields=["ocid"]),
        ]

    @property
    def provider_name(self) -> str:
        return self.provider.name

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class ContractVersion(TenantScopedModel, TimestampedModel):
    """Every version of a contract, as it stood: the history shows them all."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="one_contract_version_per_number"),
        ]


class CostLine(TenantScopedModel, TimestampedModel):
    """One open-book cost line: agreed at award, updated by the provider. The commissioner sees each
    line; the public sees only the totals."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        MATERIALS = "materials", "Materials"
        OVERHEADS = "overheads", "Overheads"
        MARGIN = "margin", "Margin"
        FAIR_COST = "fair_cost", "Fair cost line"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="cost_lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="The line's name (the market's fair-cost line name)")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind", "name"], name="one_cost_line_per_name"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_line_not_negative"),
        ]


class Outcome(TenantScopedModel, TimestampedModel):
    """An outcome the contract is for, derived from the commission's purpose: a measure, its baseline and
    its target (not an activity count)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.CharField(max_length=300)
    baseline = models.DecimalField(max_digits=16, decimal_places=4)
    target = models.DecimalField(max_digits=16, decimal_places=4)
    unit = models.CharField(max_length=50)

    class Meta(TenantScopedModel.Meta):
        ordering = ["created_at"]


class OutcomeResult(TenantScopedModel, TimestampedModel):
    """A result reported for one period (named by the day it ends)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="results")
    period_end = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["period_end"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "period_end"], name="one_result_per_period"),
        ]


class Kpi(TenantScopedModel, TimestampedModel):
    """A key performance indicator (Procurement Act 2023 s.52): contracts of £5m or more need three."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=300)
    target = models.CharField(max_length=300)

    class Meta(TenantScopedModel.Meta):
        ordering = ["created_at"]
        verbose_name = "KPI"


class Rating(models.TextChoices):
    """The performance ratings of the Procurement Regulations 2024 (regulation 39)."""

    GOOD = "good", "Good"
    APPROACHING = "approaching_target", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


class KpiAssessment(TenantScopedModel, TimestampedModel):
    """A KPI's rating for a period: at least every 12 months and at termination (published as UK9)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="assessments")
    period_end = models.DateField()
    rating = models.CharField(max_length=25, choices=Rating.choices)
    note = models.TextField(max_length=4000, blank=True)
    at_termination = models.BooleanField(default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["period_end"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_end"], name="one_assessment_per_period"),
        ]


class Breach(TenantScopedModel, TimestampedModel):
    """A breach of the contract (of one KPI, or of the contract as a whole), with its penalty."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="breaches")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, null=True, blank=True, related_name="breaches")
    description = models.TextField(max_length=4000)
    penalty = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-occurred_on"]
        verbose_name_plural = "breaches"
        constraints = [models.CheckConstraint(condition=Q(penalty__gte=0), name="penalty_not_negative")]


class Variation(TenantScopedModel, TimestampedModel):
    """An agreed change to a contract: its reason, what it costs (or saves) and who agreed it. Each makes
    a new version, so change is expected rather than penalised."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="variations")
    reason = models.TextField(max_length=4000)
    cost_change = models.DecimalField(max_digits=16, decimal_places=2)
    agreed_by = models.CharField(max_length=300, help_text="Who agreed it, for both sides")
    agreed_on = models.DateField()
    new_version = models.PositiveIntegerField()
    new_end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["new_version"]


class Termination(TenantScopedModel, TimestampedModel):
    """Why and when a contract ended early (UK11)."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="termination")
    reason = models.TextField(max_length=4000)
    terminated_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
