"""Funding: the catalogue of funding opportunities, shared by every council (council empty) or added by
one council for itself.

Themes, applicant types and area codes are kept as space-padded text (" housing food "), so that a
filter on one of them is a plain `contains` that SQLite and PostgreSQL both run and index alike; a JSON
`contains` lookup is not supported on SQLite.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from civichub.core.models import TimestampedModel
from civichub.core.tenancy import TenantOrPlatformModel, TenantScopedModel


class ApplicantType(models.TextChoices):
    LOCAL_AUTHORITY = "local-authority", "Local authority"
    PUBLIC_BODY = "public-body", "Other public body"
    CHARITY = "charity", "Charity"
    CIC = "cic", "Community interest company"
    SOCIAL_ENTERPRISE = "social-enterprise", "Social enterprise"
    COMMUNITY_GROUP = "community-group", "Community group"
    NON_PROFIT = "non-profit", "Other non-profit"
    BUSINESS = "business", "Business"
    SCHOOL = "school", "School or college"
    INDIVIDUAL = "individual", "Individual"


def padded(codes: list[str]) -> str:
    return f" {' '.join(codes)} " if codes else ""


class Opportunity(TenantOrPlatformModel, TimestampedModel):
    """A funding opportunity, with the field names of Find a Grant's adverts in the import and API."""

    funder = models.CharField(max_length=200)
    programme = models.CharField(max_length=300, help_text="The grant's name")
    summary = models.TextField(max_length=2000, blank=True)
    themes = models.CharField(max_length=600, blank=True, help_text="Need category codes, space-padded")
    applicant_types = models.CharField(max_length=300, blank=True, help_text="Applicant types, space-padded")
    area_codes = models.CharField(
        max_length=4000, blank=True, help_text="GSS codes covered, space-padded; empty: no area is named"
    )
    locations = models.CharField(max_length=300, blank=True, help_text="Where, in words (e.g. 'National')")
    minimum_award = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    maximum_award = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_pot = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True, help_text="Empty: open until further notice")
    url = models.URLField(max_length=500, blank=True)

    class Meta(TenantOrPlatformModel.Meta):
        ordering = ["closes_on", "programme"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "programme"],
                condition=Q(council__isnull=True),
                name="one_platform_opportunity",
            ),
            models.UniqueConstraint(
                fields=["council", "funder", "programme"], name="one_council_opportunity"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(opens_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="opportunity_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(minimum_award__isnull=True)
                | Q(maximum_award__isnull=True)
                | Q(maximum_award__gte=models.F("minimum_award")),
                name="opportunity_minimum_not_above_maximum",
            ),
        ]
        indexes = [models.Index(fields=["council", "closes_on"])]

    def __str__(self) -> str:
        return f"{self.programme} ({self.funder})"

    @property
    def theme_list(self) -> list[str]:
        return self.themes.split()

    @property
    def applicant_type_list(self) -> list[str]:
        return self.applicant_types.split()

    @property
    def area_list(self) -> list[str]:
        return self.area_codes.split()


class PastGrant(TimestampedModel):
    """A grant already made, as published in the 360Giving Data Standard: open data shared by the platform
    (no council). The beneficiary places are kept as space-padded GSS codes for the same reason as above."""

    identifier = models.CharField(max_length=200, unique=True, help_text="The 360Giving id, 360G-…")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    award_date = models.DateField()
    funder_id = models.CharField(max_length=100, blank=True)
    funder_name = models.CharField(max_length=300)
    recipient_id = models.CharField(max_length=100, blank=True)
    recipient_name = models.CharField(max_length=300, blank=True)
    place_codes = models.CharField(
        max_length=2000, blank=True, help_text="Beneficiary GSS codes, space-padded"
    )

    class Meta:
        ordering = ["-award_date", "title"]

    def __str__(self) -> str:
        return self.title


class SavedSearch(TenantScopedModel, TimestampedModel):
    """A search of the catalogue a person keeps, in one council's funding pages, to be emailed when a new
    opportunity matches it (civichub/funding/alerts.py). The fields are those of the search form."""

    owner = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    q = models.CharField(max_length=200, blank=True)
    open_now = models.BooleanField(default=False)
    theme = models.CharField(max_length=50, blank=True)
    applicant_type = models.CharField(max_length=30, blank=True)
    area = models.CharField(max_length=20, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["name", "created_at"]
        indexes = [models.Index(fields=["council", "owner"])]

    def __str__(self) -> str:
        return self.name


class SentAlert(TenantScopedModel, TimestampedModel):
    """One email sent to one person about one new opportunity: kept so nobody is told twice, however
    many of their saved searches match, and however often the alert job runs."""

    owner = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta(TenantScopedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["owner", "opportunity"], name="one_alert_per_opportunity")
        ]


# --- Bids, funding needs and matches, the council's own grants (issue 12, second part) -------------------
# Tenant data (each council's own), kept below the catalogue so the catalogue's models read first.


class Bid(TenantScopedModel, TimestampedModel):
    """A bid for funding in a pipeline: the council's own (bidding organisation: the council's) or a VCSE
    organisation's, kept in the council it works in. Need codes and commission references are text: the
    commissioning context keeps its own keys, and needs its codes, so no foreign key crosses a context."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Drafting"
        SUBMITTED = "submitted", "Submitted"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="bids"
    )
    # Given for an opportunity not in the catalogue; copied from the catalogue's otherwise, so a list of
    # bids reads the same either way.
    funder = models.CharField(max_length=200)
    programme = models.CharField(max_length=300)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFTING)
    amount_sought = models.DecimalField(max_digits=14, decimal_places=2)
    amount_won = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    need_codes = models.CharField(max_length=600, blank=True, help_text="Need category codes, space-padded")
    commission_refs = models.CharField(
        max_length=600, blank=True, help_text="Commission references (text ids), space-padded"
    )
    notes = models.TextField(max_length=5000, blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="When the bid must be in")
    submitted_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "organisation", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_sought__gte=0), name="bid_amount_sought_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_won__isnull=True) | Q(status="won"), name="bid_amount_won_only_when_won"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.funder})"

    @property
    def need_list(self) -> list[str]:
        return self.need_codes.split()

    @property
    def commission_list(self) -> list[str]:
        return self.commission_refs.split()


class FundingNeed(TenantScopedModel, TimestampedModel):
    """A need in a place the council saved, so that opportunities that fit it are recorded as they appear.
    The places are its wards and LSOAs, or `most_deprived` (the N most deprived wards, resolved when
    matched, so a new deprivation release moves it)."""

    name = models.CharField(max_length=200)
    need_codes = models.CharField(max_length=600, help_text="Need category codes, space-padded")
    area_codes = models.CharField(max_length=4000, blank=True, help_text="Ward and LSOA codes, space-padded")
    most_deprived = models.PositiveSmallIntegerField(null=True, blank=True)
    applicant_type = models.CharField(max_length=30, choices=ApplicantType.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    saved_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(TenantScopedModel.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def need_list(self) -> list[str]:
        return self.need_codes.split()

    @property
    def area_list(self) -> list[str]:
        return self.area_codes.split()


class FundingMatch(TenantScopedModel):
    """An opportunity found to fit a saved need, recorded once (when first found), with its score and
    reasons as they were then."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need = models.ForeignKey(FundingNeed, on_delete=models.CASCADE, related_name="matches")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    found_at = models.DateTimeField()

    class Meta(TenantScopedModel.Meta):
        ordering = ["-score", "found_at"]
        constraints = [models.UniqueConstraint(fields=["need", "opportunity"], name="one_match_per_need")]


class GivingSettings(TenantScopedModel, TimestampedModel):
    """How the council publishes its grants in 360Giving: its registered identifier prefix (grants are
    `360G-<prefix>-<number>`) and its own org-id as the funder."""

    prefix = models.CharField(max_length=60)
    org_id = models.CharField(max_length=100)

    class Meta(TenantScopedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["council"], name="one_giving_settings")]


class Grant(TenantScopedModel, TimestampedModel):
    """A grant the council made (by hand, the API, and later its ward budgets), published as 360Giving
    open data. The beneficiary is one ward or LSOA of the council, kept with its 360Giving geoCodeType."""

    class Place(models.TextChoices):
        WARD = "WD", "Ward"
        LSOA = "LSOA", "Lower layer super output area"

    number = models.PositiveIntegerField(help_text="The council's own grant number")
    title = models.CharField(max_length=300)
    description = models.TextField(max_length=5000)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    award_date = models.DateField()
    recipient_name = models.CharField(max_length=255)
    recipient_org_id = models.CharField(max_length=100, help_text="Like GB-CHC-1234567 or GB-COH-01234567")
    beneficiary_code = models.CharField(max_length=9)
    beneficiary_kind = models.CharField(max_length=4, choices=Place.choices)
    beneficiary_name = models.CharField(max_length=255, blank=True)
    programme = models.CharField(max_length=300, blank=True)
    # A grant made in error is withdrawn with a reason, never deleted: it leaves the 360Giving package and
    # the figures, but its number is never given again and the record of why stays.
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(max_length=2000, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-award_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_grant_number_per_council"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.title
