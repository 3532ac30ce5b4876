"""The service directory (HSDS / Open Referral UK): services, where and when they run, what they cost,
who they are for, and the taxonomy that classifies them.

Services and locations are council data (a council's directory); the organisations that run them and
the taxonomies are shared by every council.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models

from civichub.core.models import Organisation, TimestampedModel
from civichub.core.tenancy import TenantScopedModel


class Taxonomy(TimestampedModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(TimestampedModel):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(TenantScopedModel, TimestampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    fees_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.CharField(max_length=255, blank=True)
    commissioned_under = models.CharField(
        max_length=255,
        blank=True,
        help_text="The council's contract or grant that pays for it; blank if it does not commission it",
    )
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    # Whether residents see it: a service is published when it is added (a provider's draft waits as a
    # change request, not a service) and stops being when the council withdraws it (history: `delete`).
    is_published = models.BooleanField(default=False)
    # The service's ORUK document, rendered in the transaction that adds or changes the service:
    # /openreferral/services/{id} is the busiest read of the directory, and serving stored JSON keeps it
    # to one indexed lookup. Blank for a service stored before documents existed until a reindex.
    # Withdrawn services (not published) keep theirs, but no public read serves it.
    oruk_document = models.TextField(blank=True, editable=False)

    class Meta(TenantScopedModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["council", "is_published", "name"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name


class Location(TenantScopedModel, TimestampedModel):
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    address_1 = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["name"]
        # Proximity search selects a latitude band first.
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(TenantScopedModel, TimestampedModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")

    class Meta(TenantScopedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="one_service_at_location")
        ]


class Schedule(TenantScopedModel, TimestampedModel):
    """When a service runs: weekly opening on given days (iCal BYDAY codes), HSDS style."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(max_length=30, help_text="Comma-separated MO,TU,WE,TH,FR,SA,SU")
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    description = models.CharField(max_length=255, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["opens_at"]


class CostOption(TenantScopedModel, TimestampedModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)


class ServiceArea(TenantScopedModel, TimestampedModel):
    """Where a service is offered: a ward, an LSOA, or (neither) the whole council."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255)
    ward_code = models.CharField(max_length=9, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)


class Contact(TenantScopedModel, TimestampedModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)


class ChangeRequest(TenantScopedModel, TimestampedModel):
    """A provider's proposed new service or edit, waiting for the council: nothing is public until a
    commissioner approves it. The proposal is kept whole (`ServiceDetails.as_json`) so the council sees
    exactly what it approves, as a diff against what the service says when it decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the council"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The service to change; blank for a new service (filled in when it is approved)",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="change_requests")
    is_new_service = models.BooleanField(default=False)
    proposed = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "status", "created_at"])]

    @property
    def name(self) -> str:
        return str(self.proposed.get("name", ""))


class ChangeRecord(TenantScopedModel, TimestampedModel):
    """One change to one field of a service: the HSDS `metadata` record (who, when, previous and new
    value). Written by the directory's services whenever a service is added, changed or withdrawn."""

    class Action(models.TextChoices):
        CREATE = "create", "Added"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Withdrawn"

    resource_type = models.CharField(max_length=30, default="service")
    resource_id = models.UUIDField()
    last_action_type = models.CharField(max_length=10, choices=Action.choices)
    field_name = models.CharField(max_length=50)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=255)
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at", "field_name"]
        indexes = [models.Index(fields=["council", "resource_id", "created_at"])]

    @property
    def last_action_date(self) -> datetime:
        return self.created_at


class SearchEntry(TenantScopedModel):
    """Where a published service is offered and the words it can be found by: what a search near a
    postcode reads, kept apart from the service so the search never touches the (large) service rows.

    Derived data: the directory's services rewrite a service's entries in the transaction that changes
    it, and `civichub directory reindex` rebuilds them all (entries from before `location` was kept
    have none until then).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_entries")
    # The place this entry is for: /service_at_locations near a postcode pages by location, not service.
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, related_name="search_entries")
    latitude = models.FloatField()
    longitude = models.FloatField()
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    # The distinct lower-case words of the name and description, at most WORDS_MAX_BYTES.
    words = models.TextField()

    WORDS_MAX_BYTES = 2000

    class Meta(TenantScopedModel.Meta):
        # Covering: a search near a postcode reads a latitude band of this index and nothing else.
        # (The cap on `words` keeps each entry inside PostgreSQL's B-tree row limit.)
        indexes = [
            models.Index(
                fields=[
                    "latitude",
                    "longitude",
                    "minimum_age",
                    "maximum_age",
                    "service",
                    "location",
                    "words",
                ],
                name="search_entry_near",
            )
        ]


class ReportCategory(TimestampedModel):
    """Something a resident can report: a pothole, a missed bin, a noisy neighbour."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "report categories"

    def __str__(self) -> str:
        return self.name


class Responsibility(TenantScopedModel, TimestampedModel):
    """Who deals with a category of report in (part of) a council's area: the council itself or a provider.

    A ward-specific entry wins over a council-wide one. Until contracts live on the platform,
    commissioners record these; later they follow from the contract that covers the category and place.
    """

    category = models.ForeignKey(ReportCategory, on_delete=models.PROTECT, related_name="responsibilities")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibilities",
        help_text="The provider responsible; blank when the council deals with it itself",
    )
    ward_code = models.CharField(max_length=9, blank=True, help_text="Blank for the whole council")
    arrangement = models.CharField(max_length=255, blank=True, help_text="e.g. the contract it comes under")

    class Meta(TenantScopedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["council", "category", "ward_code"], name="one_responsibility_per_area"
            )
        ]


class Report(TenantScopedModel, TimestampedModel):
    """A resident's report, routed to whoever is responsible, followed by its reference number."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_PROGRESS = "in_progress", "Being dealt with"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed without action"

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)

    reference = models.CharField(max_length=12, unique=True)
    category = models.ForeignKey(ReportCategory, on_delete=models.PROTECT, related_name="reports")
    postcode = models.CharField(max_length=8)
    ward_code = models.CharField(max_length=9, blank=True)
    description = models.TextField()
    reporter_email = models.EmailField(blank=True, help_text="Personal data: reads are audited")
    routed_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The provider whose queue it is in; blank when it is the council's own",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    status_note = models.CharField(max_length=255, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
