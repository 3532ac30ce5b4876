"""Places: public geography shared by every council (open data, not tenant data).

Natural GSS codes are the keys other tables point at (`to_field`), so an import can link a postcode
to its ward and LSOA without looking anything up.
"""

from __future__ import annotations

import uuid

from django.db import models


class Place(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LocalAuthority(Place):
    """Every UK local authority, past and current (mySociety's register)."""

    gss_code = models.CharField(max_length=9, unique=True)
    register_code = models.CharField(max_length=4)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=255)
    authority_type = models.CharField(max_length=64)
    nation = models.CharField(max_length=32)
    region = models.CharField(max_length=64, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    replaced_by = models.CharField(max_length=255, blank=True)
    population_2020 = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Ward(Place):
    """An electoral ward. NSPL gives codes only: names come from the ONS ward lookup (the ward_names import)
    and stay blank for a ward it does not list, which then shows by its code."""

    gss_code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=255, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority, to_field="gss_code", on_delete=models.PROTECT, related_name="wards"
    )

    class Meta:
        ordering = ["name", "gss_code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or f"Ward {self.gss_code}"


class Lsoa(Place):
    """A 2011 Lower-layer Super Output Area with its Indices of Deprivation 2019 (rank 1 = most deprived)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=255)
    local_authority = models.ForeignKey(
        LocalAuthority, to_field="gss_code", on_delete=models.PROTECT, related_name="lsoas"
    )
    # The ward holding most of the LSOA's postcodes (ONS "best fit"), set by the postcode import.
    best_fit_ward = models.ForeignKey(
        Ward, to_field="gss_code", on_delete=models.SET_NULL, null=True, blank=True, related_name="lsoas"
    )
    imd_rank = models.PositiveIntegerField()
    imd_decile = models.PositiveSmallIntegerField()
    income_decile = models.PositiveSmallIntegerField()
    employment_decile = models.PositiveSmallIntegerField()
    education_decile = models.PositiveSmallIntegerField()
    health_decile = models.PositiveSmallIntegerField()
    crime_decile = models.PositiveSmallIntegerField()
    housing_decile = models.PositiveSmallIntegerField(help_text="Barriers to housing and services")
    living_environment_decile = models.PositiveSmallIntegerField()
    # Filled by the population import (IoD File 6), which runs after the deprivation import (File 2).
    population = models.PositiveIntegerField(default=0, help_text="Mid-2015, excluding prisoners")
    children = models.PositiveIntegerField(default=0, help_text="Aged 0-15")
    older_people = models.PositiveIntegerField(default=0, help_text="Aged 60 and over")

    class Meta:
        ordering = ["code"]
        verbose_name = "LSOA"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    DOMAINS = (
        ("income_decile", "Income"),
        ("employment_decile", "Employment"),
        ("education_decile", "Education, skills and training"),
        ("health_decile", "Health and disability"),
        ("crime_decile", "Crime"),
        ("housing_decile", "Barriers to housing and services"),
        ("living_environment_decile", "Living environment"),
    )


class Postcode(Place):
    """A postcode from the National Statistics Postcode Lookup. Non-geographic postcodes have no places."""

    postcode = models.CharField(max_length=8, unique=True, help_text="As written, e.g. 'WN1 1AA'")
    compact = models.CharField(max_length=7, unique=True, help_text="Upper case, no spaces: 'WN11AA'")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority,
        to_field="gss_code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postcodes",
    )
    ward = models.ForeignKey(
        Ward, to_field="gss_code", on_delete=models.PROTECT, null=True, blank=True, related_name="postcodes"
    )
    lsoa = models.ForeignKey(
        Lsoa, to_field="code", on_delete=models.PROTECT, null=True, blank=True, related_name="postcodes"
    )
    introduced = models.CharField(max_length=6, help_text="YYYYMM")
    terminated = models.CharField(max_length=6, blank=True, help_text="YYYYMM; blank while live")

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode

    @property
    def is_live(self) -> bool:
        return not self.terminated
