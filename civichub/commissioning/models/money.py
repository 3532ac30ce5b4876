"""The money: budgets of every kind of commissioner, what funds each commission, and one ledger.

The ledger has one row per movement of money (an allocation, a commitment, a payment, a release), so a
total by provider, category or ward is a plain sum over it and counts each pound once, whoever paid it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from civichub.commissioning.models.contracts import Contract
from civichub.commissioning.models.procurement import Commission
from civichub.core.models import Organisation, TimestampedModel
from civichub.core.tenancy import TenantScopedModel


class Budget(TenantScopedModel, TimestampedModel):
    """A budget held by an organisation (a council budget line, external funding) or a person (a
    councillor's ward budget, a resident's personal budget): exactly one owner."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council budget line"
        WARD = "ward", "Ward budget"
        PERSONAL = "personal", "Personal budget"
        EXTERNAL = "external", "External funding"

    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=300)
    ward_code = models.CharField(max_length=9, blank=True, help_text="GSS code of the ward (ward budgets)")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personal_budgets",
        help_text="The resident who holds a personal budget",
    )
    amount_allocated = models.DecimalField(max_digits=16, decimal_places=2)
    financial_year = models.CharField(max_length=7, help_text="e.g. 2026-27")
    source_reference = models.CharField(
        max_length=200, blank=True, help_text="Where the money comes from, e.g. a funding bid's id"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=False, owner_user__isnull=True)
                | Q(owner_organisation__isnull=True, owner_user__isnull=False),
                name="budget_has_one_owner",
            ),
            models.CheckConstraint(condition=~Q(kind="ward") | ~Q(ward_code=""), name="ward_budget_has_ward"),
            models.CheckConstraint(
                condition=~Q(kind="personal") | Q(holder__isnull=False), name="personal_budget_has_holder"
            ),
            models.CheckConstraint(
                condition=Q(amount_allocated__gte=0), name="budget_allocation_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["council", "kind", "financial_year"])]

    def __str__(self) -> str:
        return self.name


class PersonalBudgetAppointee(TenantScopedModel, TimestampedModel):
    """Someone recorded as able to spend a personal budget for its holder."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="appointees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantScopedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["budget", "user"], name="one_appointment_per_person")]


class CommissionFunding(TenantScopedModel, TimestampedModel):
    """How much of a budget goes to a commission."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="funding")
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="commissions_funded")
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta(TenantScopedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["commission", "budget"], name="one_funding_per_budget"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_positive"),
        ]


class LedgerEntry(TenantScopedModel, TimestampedModel):
    """One movement of money against a budget. Amounts are positive; the kind says which way it goes.

    An entry that takes a budget below zero must carry an override: the flag, the reason and who made it.
    """

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "Allocation"
        COMMITMENT = "commitment", "Commitment"
        PAYMENT = "payment", "Payment"
        RELEASE = "release", "Release of a commitment"

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    commission = models.ForeignKey(
        Commission, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    category_code = models.CharField(max_length=50, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    description = models.CharField(max_length=300, blank=True)
    is_override = models.BooleanField(default=False)
    override_reason = models.TextField(max_length=2000, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["created_at"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(is_override=False) | (~Q(override_reason="") & Q(override_by__isnull=False)),
                name="override_has_reason_and_author",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "budget", "kind"]),
            models.Index(fields=["council", "provider", "kind"]),
            models.Index(fields=["council", "category_code", "kind"]),
            models.Index(fields=["council", "ward_code", "kind"]),
            models.Index(fields=["council", "contract", "kind"]),
        ]
