"""Commissions and their procurements: lots, award criteria, sealed bids, scores and the UK notices.

Every row here is the council's own (tenant-scoped), children included: a lot or a bid carries its
council too, so each table is scoped by structure and a query of another council's ids finds nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from civichub.core.models import Organisation, TimestampedModel
from civichub.core.secrets import SealedTextField
from civichub.core.tenancy import TenantScopedModel


def padded(codes: list[str]) -> str:
    """Codes kept as space-padded text (" E05000841 E05000842 "), so a filter on one of them is a plain
    `contains` that SQLite and PostgreSQL both run (as funding keeps its themes)."""
    return f" {' '.join(codes)} " if codes else ""


def unpadded(text: str) -> list[str]:
    return text.split()


def ocid_for(council: Any, key: Any) -> str:
    """The platform's prefix, the council's GSS code and the record's id: stable, and naming the council."""
    return f"{settings.CIVICHUB_OCID_PREFIX}-{council.gss_code}-{key}"


class Commission(TenantScopedModel, TimestampedModel):
    """What a commissioner sets out to achieve, in plain words, for which needs and places.

    The commissioner is any organisation on the platform (the council, an NHS body, a charity) or a
    person (a resident with a personal budget, a councillor with a ward budget): exactly one of the two.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=300)
    purpose = models.TextField(max_length=4000, help_text="What the commission is for, in plain words")
    commissioner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="commissions"
    )
    commissioner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="commissions"
    )
    place_codes = models.CharField(
        max_length=4000, blank=True, help_text="GSS codes of the wards or LSOAs served, space-padded"
    )
    need_codes = models.CharField(max_length=1000, blank=True, help_text="Need category codes, space-padded")
    market_category_code = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commissioner_organisation__isnull=False, commissioner_user__isnull=True)
                | Q(commissioner_organisation__isnull=True, commissioner_user__isnull=False),
                name="commission_has_one_commissioner",
            ),
        ]
        indexes = [models.Index(fields=["council", "status"])]

    @property
    def places(self) -> list[str]:
        return unpadded(self.place_codes)

    @property
    def needs(self) -> list[str]:
        return unpadded(self.need_codes)

    def __str__(self) -> str:
        return self.title


class Stage(models.TextChoices):
    """The stages of a procurement under the Procurement Act 2023, in their order."""

    PIPELINE = "pipeline", "Pipeline"
    PRELIMINARY_ENGAGEMENT = "preliminary_engagement", "Preliminary market engagement"
    PLANNED = "planned", "Planned procurement"
    TENDER = "tender", "Tender"
    EVALUATION = "evaluation", "Evaluation"
    AWARD = "award", "Award"
    STANDSTILL = "standstill", "Standstill"
    CONTRACT = "contract", "Contract"
    TERMINATED = "terminated", "Terminated"


class Procurement(TenantScopedModel, TimestampedModel):
    """One procurement of a commission, from pipeline to contract (or termination)."""

    class Procedure(models.TextChoices):
        OPEN = "open", "Open procedure"
        COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"
        DIRECT_AWARD = "direct_award", "Direct award"
        FRAMEWORK_CALL_OFF = "framework_call_off", "Call-off from a framework"

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="procurements")
    reference = models.CharField(max_length=100, help_text="The council's own reference")
    title = models.CharField(max_length=300)
    description = models.TextField(max_length=8000, blank=True)
    procedure = models.CharField(max_length=25, choices=Procedure.choices, default=Procedure.OPEN)
    direct_award_justification = models.TextField(max_length=4000, blank=True)
    framework_reference = models.CharField(max_length=200, blank=True)
    stage = models.CharField(max_length=25, choices=Stage.choices, default=Stage.PIPELINE)
    value_estimate = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    tender_deadline = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    standstill_ends = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(max_length=4000, blank=True)
    # The platform's prefix (settings.CIVICHUB_OCID_PREFIX), the council's GSS code and the id: stable
    # for the life of the procurement, and its contracts carry the same one.
    ocid = models.CharField(max_length=200, unique=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="one_procurement_per_reference"),
            models.CheckConstraint(
                condition=~Q(procedure="direct_award") | ~Q(direct_award_justification=""),
                name="direct_award_has_justification",
            ),
            models.CheckConstraint(
                condition=~Q(procedure="framework_call_off") | ~Q(framework_reference=""),
                name="call_off_names_its_framework",
            ),
            models.CheckConstraint(
                condition=Q(value_estimate__isnull=True) | Q(value_estimate__gte=0),
                name="procurement_value_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["council", "stage"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class Lot(TenantScopedModel, TimestampedModel):
    """A part of a procurement awarded on its own. Every procurement has at least one."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(max_length=4000, blank=True)
    value_estimate = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # Set at award: the winning bid (the award follows the scores), or for a direct award or a call-off
    # (no bids) only the supplier; the value is the bid's price or the agreed value.
    awarded_bid = models.ForeignKey("Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    awarded_provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="lots_awarded"
    )
    awarded_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "number"], name="one_lot_per_number"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class AwardCriterion(TenantScopedModel, TimestampedModel):
    """A criterion bids are scored against, with its weight. The criteria of a lot (its own, or the
    procurement's when it has none of its own) must weigh 100 in all."""

    class Kind(models.TextChoices):
        QUALITY = "quality", "Quality"
        PRICE = "price", "Price"
        SOCIAL_VALUE = "social_value", "Social value"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="criteria")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="criteria")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    weight = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta(TenantScopedModel.Meta):
        ordering = ["created_at"]
        verbose_name_plural = "award criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="criterion_weight_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Bid(TenantScopedModel, TimestampedModel):
    """A provider's bid for one lot. SEALED: the price and the response are encrypted at rest and are
    read only through `commissioning.selectors.opened_bids`, which refuses before the deadline."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="bids")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="bids")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    price = SealedTextField(help_text="The price bid, £ (a decimal, sealed)")
    response = SealedTextField(help_text="The bid's response (sealed)")
    submitted_at = models.DateTimeField()

    class Meta(TenantScopedModel.Meta):
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "bidder"], name="one_bid_per_bidder_per_lot"),
        ]

    def __str__(self) -> str:
        # Never the content: a bid may be printed in a log before the deadline.
        return f"Bid by {self.bidder_id} for lot {self.lot_id}"


class Score(TenantScopedModel, TimestampedModel):
    """An evaluator's score of one bid against one criterion (0 to 10), with the reason for it."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=2)
    reason = models.TextField(max_length=4000)

    class Meta(TenantScopedModel.Meta):
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "evaluator"], name="one_score_per_evaluator_per_criterion"
            ),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=10), name="score_0_to_10"),
        ]


class NoticeType(models.TextChoices):
    """The UK notices of the Procurement Act 2023, by number and name (UK8 is a payments notice the
    platform does not publish)."""

    UK1 = "UK1", "UK1 Pipeline notice"
    UK2 = "UK2", "UK2 Preliminary market engagement notice"
    UK3 = "UK3", "UK3 Planned procurement notice"
    UK4 = "UK4", "UK4 Tender notice"
    UK5 = "UK5", "UK5 Transparency notice"
    UK6 = "UK6", "UK6 Contract award notice"
    UK7 = "UK7", "UK7 Contract details notice"
    UK9 = "UK9", "UK9 Contract performance notice"
    UK10 = "UK10", "UK10 Contract change notice"
    UK11 = "UK11", "UK11 Contract termination notice"
    UK12 = "UK12", "UK12 Procurement termination notice"


class Notice(TenantScopedModel, TimestampedModel):
    """A UK notice as published: `facts` is what the notice states at publication (a snapshot, so a
    later change never rewrites a published notice); `release` is its OCDS release, built at publication
    by `commissioning.ocds`."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    contract = models.ForeignKey(
        "Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    notice_type = models.CharField(max_length=4, choices=NoticeType.choices)
    tags = models.JSONField(default=list, help_text="OCDS release tags")
    published_at = models.DateTimeField()
    facts = models.JSONField(default=dict)
    release = models.JSONField(default=dict, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["published_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(procurement__isnull=False) | Q(contract__isnull=False),
                name="notice_of_a_procurement_or_contract",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "published_at", "id"], name="notice_cursor"),
            models.Index(fields=["published_at", "id"], name="notice_platform_cursor"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_type} at {self.published_at:%Y-%m-%d %H:%M}"
