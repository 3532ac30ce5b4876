"""Needs: the needs taxonomy, and the indicators a council holds about its places.

The taxonomy is shared: the platform's categories (no council) are seeded by a data migration, and a
council may add its own. Indicators are the council's own (tenant-scoped): what it imports from CSV, by
LSOA, ward, council or England. The deprivation and population already held by places are read through
places' selectors, never copied here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from civichub.core.models import TimestampedModel
from civichub.core.tenancy import TenantOrPlatformModel, TenantScopedModel


class NeedCategory(TenantOrPlatformModel, TimestampedModel):
    """A kind of need (housing, money and debt…), with where it meets the directory's service categories
    and the market's categories: codes, not keys, so needs depends on neither context's tables."""

    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    directory_codes = models.JSONField(default=list, blank=True)
    market_codes = models.JSONField(default=list, blank=True)

    class Meta(TenantOrPlatformModel.Meta):
        ordering = ["name"]
        verbose_name_plural = "need categories"
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(council__isnull=True), name="one_platform_need_per_code"
            ),
            models.UniqueConstraint(fields=["council", "code"], name="one_council_need_per_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    LSOA = "lsoa", "LSOA"
    WARD = "ward", "Ward"
    COUNCIL = "council", "Council"
    # England's own figure (E92000001), so an area can be set against the national value.
    ENGLAND = "england", "England"


class Indicator(TenantScopedModel, TimestampedModel):
    """A series the council imported: what is measured, in what unit, from where, under what licence."""

    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=50)
    source = models.CharField(max_length=300)
    licence = models.CharField(max_length=100)
    need = models.CharField(max_length=50, blank=True, help_text="The need category's code, if any")
    # YYYY, YYYY/YY, YYYY-Qn or YYYY-MM: one shape per series, so its periods sort and compare.
    period_format = models.CharField(max_length=10)
    # The larger the better (e.g. employment rate), or the smaller (e.g. rough sleepers): ranks read so.
    higher_is_worse = models.BooleanField(default=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "code"], name="one_indicator_per_code")]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(TenantScopedModel):
    """One value of a series for one area and period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(max_length=9)
    period = models.CharField(max_length=7)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta(TenantScopedModel.Meta):
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "area_code", "period"], name="one_value_per_area_and_period"
            )
        ]
        indexes = [models.Index(fields=["council", "area_code", "indicator", "period"])]


class AssessedNeed(TenantScopedModel, TimestampedModel):
    """A need a caseworker assessed for a person: personal data, the council's own, read with an audit.

    Until the people context holds golden records, a person is the council's record reference (no name
    is kept here); the ward and LSOA come from the postcode at the time, so unmet need can be counted by
    area without reading anyone's address again.
    """

    class Status(models.TextChoices):
        IDENTIFIED = "identified", "Identified"
        BEING_MET = "being_met", "Being met"
        MET = "met", "Met"
        UNMET = "unmet", "Unmet"

    person_reference = models.CharField(max_length=64, help_text="The council's record of the person")
    category = models.CharField(max_length=50, help_text="The need category's code")
    assessed_on = models.DateField()
    assessor = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IDENTIFIED)
    met_by = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    met_by_service = models.CharField(
        max_length=200, blank=True, help_text="The service meeting it, in words"
    )
    ward_code = models.CharField(max_length=9, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-assessed_on"]
        indexes = [
            models.Index(fields=["council", "person_reference"]),
            models.Index(fields=["council", "status", "ward_code", "category"]),
        ]


class Contact(TenantScopedModel):
    """One contact with the council or a provider (a call, an email, a web form, a visit, a resident's
    report), classed as value demand (what the service exists to do) or failure demand (caused by a
    failure to do something, or to do it right), with the failure's cause. Names no one."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        WEB = "web", "Web form"
        VISIT = "visit", "Visit"
        REPORT = "report", "Resident's report"

    class Kind(models.TextChoices):
        VALUE = "value", "Value demand"
        FAILURE = "failure", "Failure demand"

    occurred_on = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    category = models.CharField(max_length=50, help_text="The need category's code")
    service = models.CharField(max_length=200, help_text="The service (or provider) the contact was for")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    cause = models.CharField(
        max_length=100, blank=True, help_text="Failure demand's cause, one of FAILURE_CAUSES"
    )
    # The provider organisation the contact was about (blank: the council's own service).
    provider = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["occurred_on"]
        indexes = [
            models.Index(fields=["council", "service", "occurred_on", "kind"]),
            models.Index(fields=["council", "provider", "occurred_on"]),
        ]


# The causes of failure demand a contact may give: one list, so shares add up across services and
# files. In the words front-line staff use when they class a contact (after Seddon's studies).
FAILURE_CAUSES = (
    "chasing progress",
    "not understood",
    "wrong information",
    "passed around",
    "repeat visit",
    "missed appointment",
    "not done right first time",
    "no reply",
    "other",
)


class ContactCount(TenantScopedModel):
    """Contacts counted by month, service, provider, need, kind and cause: what the demand pages read,
    kept in the same transaction as the contacts they count, so a page over a million contacts sums a
    few thousand rows instead of scanning them all. Two batches may each add a row for the same key;
    readers always sum, so that is only a little more to add up."""

    month = models.DateField(help_text="The first day of the month")
    service = models.CharField(max_length=200)
    provider = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=50)
    kind = models.CharField(max_length=10, choices=Contact.Kind.choices)
    cause = models.CharField(max_length=100, blank=True)
    contacts = models.PositiveIntegerField()

    class Meta(TenantScopedModel.Meta):
        ordering = ["month"]
        indexes = [models.Index(fields=["council", "month"])]
