"""The market: the provider register's market facts, offers, officers' notes, open-book cost returns and
market position statements.

Providers are the kernel's `Organisation`s (one register, shared by every council); what the market
adds about them is platform data owned by the organisation (its profile and its offers). What a council
makes of a provider (its ratings, flags and comments), its cost exercises and the returns made to them,
and its statements are the council's own (tenant-scoped).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from civichub.core.models import Organisation, TimestampedModel
from civichub.core.tenancy import TenantOrPlatformModel, TenantScopedModel


class MarketCategory(TenantOrPlatformModel, TimestampedModel):
    """A market the council shapes (home care, care homes, transport…), with the unit its capacity is
    counted in. The platform's categories (no council) are shared; a council may add its own."""

    class NeedBasis(models.TextChoices):
        # What places holds per LSOA (IoD 2019 File 6, mid-2015): all people, aged 0-15, aged 60+.
        ADULTS = "adults", "people aged 16 and over"
        OLDER = "older", "people aged 60 and over"
        CHILDREN = "children", "children aged 0 to 15"
        EVERYONE = "everyone", "everyone"

    class Template(models.TextChoices):
        NONE = "", "No cost template"
        HOME_CARE = "home_care", "Home care (per contact hour)"
        CARE_HOME = "care_home", "Care homes (per resident per week)"

    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=50, help_text="What capacity is counted in, e.g. 'beds'")
    price_unit = models.CharField(max_length=50, help_text="What a price is per, e.g. 'per bed per week'")
    regulated = models.BooleanField(default=False, help_text="Regulated by the CQC: offers carry a rating")
    need_basis = models.CharField(max_length=10, choices=NeedBasis.choices, default=NeedBasis.EVERYONE)
    need_per_thousand = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        default=0,
        help_text="The capacity needed per 1,000 people of the need basis, until the needs context exists",
    )
    cost_template = models.CharField(max_length=10, choices=Template.choices, blank=True, default="")
    # Codes of the directory's service categories (its taxonomy terms) where this market meets them:
    # codes, not keys, so the market does not depend on the directory's tables.
    directory_codes = models.JSONField(default=list, blank=True)

    class Meta(TenantOrPlatformModel.Meta):
        ordering = ["name"]
        verbose_name_plural = "market categories"
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(council__isnull=True), name="one_platform_category_per_code"
            ),
            models.UniqueConstraint(fields=["council", "code"], name="one_council_category_per_code"),
        ]

    def __str__(self) -> str:
        return self.name


class ProviderProfile(TimestampedModel):
    """What the market register adds to an organisation: the kernel keeps no market concepts."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="market_profile")
    is_vcse = models.BooleanField(
        "VCSE", default=False, help_text="Voluntary, community or social enterprise"
    )
    is_sme = models.BooleanField("SME", default=False, help_text="Small or medium-sized enterprise")
    is_public_service_mutual = models.BooleanField("public service mutual", default=False)

    def __str__(self) -> str:
        return str(self.organisation)


class CqcRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_RATED = "not_rated", "Not rated"


class Offer(TimestampedModel):
    """What one provider offers in one market category: capacity, where, at what price, with what staff.

    Platform data owned by the provider organisation; only its staff change it (`market.services`).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="market_offers")
    category = models.ForeignKey(MarketCategory, on_delete=models.PROTECT, related_name="offers")
    capacity = models.DecimalField(max_digits=12, decimal_places=2)
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="Standard price per unit, £")
    staff_posts = models.PositiveIntegerField(default=0)
    staff_vacancies = models.PositiveIntegerField(default=0)
    cqc_rating = models.CharField(max_length=25, choices=CqcRating.choices, blank=True)
    cqc_rated_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(help_text="When the provider entered this market")
    ended_on = models.DateField(
        null=True, blank=True, help_text="When it left the market; empty while active"
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "category"], name="one_offer_per_category"),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="offer_capacity_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="offer_price_not_negative"),
        ]
        indexes = [models.Index(fields=["category", "ended_on"])]

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class OfferArea(models.Model):
    """One place an offer covers (a ward, or an LSOA within its best-fit ward), with the part of the
    offer's capacity counted there.

    Derived rows, rewritten by the market's services in the transaction that changes the offer: an offer's
    capacity is spread evenly over the places it covers (the stated assumption until contracts say where
    care is bought), so the market figures of a council or a ward are SQL sums over these rows.
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="areas")
    # Copied from the offer so the market view is one indexed scan of this table.
    category = models.ForeignKey(MarketCategory, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    local_authority_code = models.CharField(max_length=9)
    ward_code = models.CharField(max_length=9, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    capacity = models.DecimalField(max_digits=14, decimal_places=4)
    spend = models.DecimalField(max_digits=24, decimal_places=4, help_text="capacity x the offer's price")
    is_active = models.BooleanField(default=True)
    is_good = models.BooleanField(default=False, help_text="Rated Good or Outstanding by the CQC")
    # Copied from the offer too, so prices and entries and exits are read from the same index.
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    started_year = models.PositiveSmallIntegerField(default=0)
    ended_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                # Covering: every figure of a council's market reads this index and not the table.
                fields=[
                    "category",
                    "local_authority_code",
                    "is_active",
                    "organisation",
                    "ward_code",
                    "is_good",
                    "capacity",
                    "spend",
                    "price",
                    "offer",
                    "started_year",
                    "ended_year",
                ],
                name="market_area_council",
            ),
            # Covering, for the figures of each ward of a council (supply against need, ward risks).
            models.Index(
                fields=[
                    "category",
                    "local_authority_code",
                    "ward_code",
                    "is_active",
                    "organisation",
                    "capacity",
                ],
                name="market_area_ward",
            ),
        ]


class OfferChange(TimestampedModel):
    """One change to one field of an offer: who, when, before and after. Written by the services only."""

    class Action(models.TextChoices):
        CREATE = "create", "Added"
        UPDATE = "update", "Changed"
        END = "end", "Left the market"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="changes")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    field_name = models.CharField(max_length=50)
    previous_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_by = models.CharField(max_length=255)

    class Meta:
        ordering = ["-created_at", "field_name"]
        indexes = [models.Index(fields=["offer", "created_at"])]


class ProviderNote(TenantScopedModel, TimestampedModel):
    """What a council's officer records about a provider: a rating, a flag (such as "at risk") raised or
    cleared, or a comment. Notes are never changed: the latest of each kind is what stands."""

    class Kind(models.TextChoices):
        RATING = "rating", "Rating"
        FLAG = "flag", "Flag raised"
        CLEAR = "clear", "Flag cleared"
        COMMENT = "comment", "Comment"

    class Rating(models.TextChoices):
        GOOD = "good", "Good"
        ADEQUATE = "adequate", "Adequate"
        CONCERNS = "concerns", "Concerns"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="market_notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    flag = models.CharField(max_length=50, blank=True, help_text="e.g. 'at risk'")
    text = models.TextField(blank=True, help_text="The reason for a flag, or the comment")
    written_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    written_by_label = models.CharField(max_length=150)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "organisation", "kind", "created_at"])]


class MarketSettings(TenantScopedModel, TimestampedModel):
    """A council's settings for reading its markets."""

    ward_share_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=40,
        help_text="A provider holding more than this percentage of a ward's capacity is a failure risk",
    )

    class Meta(TenantScopedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["council"], name="one_market_settings_per_council")]


class CostExercise(TenantScopedModel, TimestampedModel):
    """A council's request to providers of a category for their actual costs, line by line (open book)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for returns"
        CLOSED = "closed", "Closed"

    category = models.ForeignKey(MarketCategory, on_delete=models.PROTECT, related_name="exercises")
    title = models.CharField(max_length=200)
    template = models.CharField(max_length=10, choices=MarketCategory.Template.choices)
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]


class CostReturn(TenantScopedModel, TimestampedModel):
    """One provider's return to one exercise: seen only by that provider and the council that asked."""

    exercise = models.ForeignKey(CostExercise, on_delete=models.CASCADE, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cost_returns")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    submitted_by = models.CharField(max_length=150)

    class Meta(TenantScopedModel.Meta):
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "organisation"], name="one_return_per_provider")
        ]


class CostReturnLine(TenantScopedModel):
    cost_return = models.ForeignKey(CostReturn, on_delete=models.CASCADE, related_name="lines")
    exercise = models.ForeignKey(CostExercise, on_delete=models.CASCADE, related_name="+")
    line = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta(TenantScopedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["cost_return", "line"], name="one_amount_per_line")]
        indexes = [models.Index(fields=["exercise", "line", "amount"])]


class MarketStatement(TenantScopedModel, TimestampedModel):
    """A version of a council's market position statement for a category. A draft is edited; publishing
    freezes its figures and wording; a later edit starts a new version, so every version is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    category = models.ForeignKey(MarketCategory, on_delete=models.PROTECT, related_name="statements")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=200)
    sections = models.JSONField(default=dict, help_text="Section key -> the council's wording")
    figures = models.JSONField(default=dict, help_text="The figures as they stood when it was drafted")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=150, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["council", "category", "version"], name="one_statement_version")
        ]
