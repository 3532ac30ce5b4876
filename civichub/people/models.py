"""People: every source system's records about a person, resolved to one golden record per person.

Everything here is council data and personal data (tenant-scoped; every read of a person's records is
audited with its purpose, in `selectors`). A source record is keyed by (council, source system, the
system's own id), so loading it again updates it. The linkage engine (`civichub.people.linkage`) works on
frames; this module keeps what it needs between runs: the versioned model, the term frequencies and
each record's blocking keys (so one new record fetches its candidates by index), and the reviewers'
decisions, which every later run obeys.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from civichub.core.tenancy import TenantScopedModel
from civichub.core.timestamps import TimestampedModel
from civichub.people.linkage.columns import LEADING_KEY_COLUMNS


class Person(TenantScopedModel, TimestampedModel):
    """A golden record: one person, however many systems hold them. Its facts are the best of its
    records' (the most recent non-blank), and its place comes from the platform's postcodes."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        # Merged by hand into another golden record: kept (not deleted) so an unmerge restores it exactly.
        MERGED = "merged", "Merged into another"
        # Every record moved to other golden records (a later run, an unmerge): kept, counted nowhere.
        EMPTY = "empty", "No records any more"

    reference = models.CharField(max_length=12, help_text="The council's short reference, P-000001")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    # Records of other councils, shared under an agreement, that the linkage matched to this person:
    # their identifiers only ([{council, source_system, record_id, match_probability}]), never their data.
    shared_matches = models.JSONField(default=list, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="one_person_per_reference")
        ]
        indexes = [
            models.Index(fields=["council", "status", "ward_code"]),
            models.Index(fields=["council", "status", "lsoa_code"]),
        ]

    def __str__(self) -> str:
        return self.reference


class SourceRecord(TenantScopedModel, TimestampedModel):
    """One source system's record of a person, as loaded (blank where the system holds nothing)."""

    # Both indexes below start with the council (see RecordKeys.council).
    council = models.ForeignKey("core.Council", on_delete=models.PROTECT, related_name="+", db_index=False)

    source_system = models.SlugField(max_length=60, help_text="e.g. council-tax, adult-social-care")
    record_id = models.CharField(max_length=100, help_text="The source system's own id")
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address_line = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text="Normalised: 'WN1 1AA'")
    # A well-formed postcode the platform does not hold (a new build, another area, a typo that still
    # looks like a postcode): kept as given, flagged, and placed nowhere.
    postcode_not_held = models.BooleanField(default=False)
    nhs_number = models.CharField(max_length=10, blank=True)
    service = models.CharField(max_length=100, blank=True, help_text="The service the record belongs to")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["source_system", "record_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "source_system", "record_id"], name="one_record_per_source_id"
            )
        ]
        indexes = [models.Index(fields=["council", "person"])]

    @property
    def unique_id(self) -> str:
        return f"{self.source_system}:{self.record_id}"

    def __str__(self) -> str:
        return self.unique_id


class RecordKeys(TenantScopedModel):
    """A record's cleaned values of the columns the blocking rules read (`linkage.columns`), so a record
    arriving alone fetches the records that share a rule with it by index, without a full run.

    One row per record, indexed on each rule's first column (a birth date, a postcode, an NHS number
    each narrow a million records to a few dozen; the rule's other column is checked on those). One
    row of key columns, rather than one row per key, writes a million records' keys in seconds: the
    seven indexes hold seven million entries where ten million key rows held thirty million."""

    # Every index below starts with the council: an index of the council alone would be one more
    # structure to write per record that no query needs.
    council = models.ForeignKey("core.Council", on_delete=models.PROTECT, related_name="+", db_index=False)
    record = models.OneToOneField(
        SourceRecord, on_delete=models.CASCADE, primary_key=True, related_name="keys"
    )
    # Blank where the record has no value. A rule is only looked up with values the arriving record
    # has (`keys.candidate_ids`), so a blank never pairs two records missing the same field.
    nhs_number = models.CharField(max_length=20, blank=True)
    nhs_head = models.CharField(max_length=10, blank=True)
    nhs_tail = models.CharField(max_length=10, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True)
    birth_year = models.CharField(max_length=4, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    surname_initial = models.CharField(max_length=1, blank=True)
    first_name_canonical = models.CharField(max_length=100, blank=True)
    names_sorted = models.CharField(max_length=201, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    address_line = models.CharField(max_length=300, blank=True)

    class Meta(TenantScopedModel.Meta):
        indexes = [
            models.Index(fields=["council", column], name=f"people_keys_{column}"[:30])
            for column in LEADING_KEY_COLUMNS
        ]


class LinkageModel(TenantScopedModel, TimestampedModel):
    """A trained linkage model (Splink's settings and parameters as JSON), versioned; one is active."""

    version = models.PositiveIntegerField()
    model = models.JSONField()
    trained_at = models.DateTimeField()
    records_trained_on = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=False)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["council", "version"], name="one_linkage_model_version")
        ]


class TermFrequency(TenantScopedModel):
    """How often a value occurs in a column (a common surname agrees by less than a rare one)."""

    column = models.CharField(max_length=40)
    value = models.CharField(max_length=300)
    frequency = models.FloatField()

    class Meta(TenantScopedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["council", "column", "value"], name="one_term_frequency")
        ]


class LinkageSettings(TenantScopedModel, TimestampedModel):
    """The council's two thresholds, as match weights: at or above `link_from` two records are linked;
    from `review_from` up to `link_from` the pair goes to a reviewer; below, they are left apart."""

    review_from = models.FloatField(default=2.0)
    link_from = models.FloatField(default=8.0)

    class Meta(TenantScopedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["council"], name="one_linkage_settings_per_council")]


class LinkageRun(TenantScopedModel, TimestampedModel):
    """A full linkage run (a background job with progress) and what it found."""

    job = models.OneToOneField("core.Job", on_delete=models.PROTECT, related_name="+")
    linkage_model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, null=True, related_name="+")
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    in_review = models.PositiveIntegerField(default=0)
    # {match weight bin (whole number): pairs}: the quality page's histogram.
    weight_histogram = models.JSONField(default=dict, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]


class ReviewPair(TenantScopedModel, TimestampedModel):
    """Two records scored between the thresholds, for a person to decide. A decision binds every later
    run: accepted, the two are always one person; rejected, never."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "The same person"
        REJECTED = "rejected", "Not the same person"

    # record_a has the smaller id, so a pair is one row whichever way round it was found.
    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-match_weight"]
        constraints = [
            models.UniqueConstraint(fields=["council", "record_a", "record_b"], name="one_review_per_pair")
        ]
        indexes = [models.Index(fields=["council", "status"])]


class Merge(TenantScopedModel, TimestampedModel):
    """A merge of golden records by hand, with the exact state before it, so an unmerge restores it."""

    into = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.JSONField(help_text="The ids of the golden records merged into `into`")
    # {"people": {id: {field: value}}, "records": {record id: person id}}: every row the merge changed.
    prior = models.JSONField()
    # The state just after the merge: an unmerge refuses if anything has moved since.
    after = models.JSONField()
    reason = models.CharField(max_length=500)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]


class Purpose(models.TextChoices):
    LINKAGE = "linkage", "Record linkage: resolving people across both councils' systems"
    CARE = "care", "Joined-up care across the councils' boundary"


# The fields an agreement can share: the linkage columns, never the record's links or flags.
SHAREABLE_FIELDS = ("first_name", "surname", "sex", "date_of_birth", "address_line", "postcode", "nhs_number")


class DataSharingAgreement(TenantScopedModel, TimestampedModel):
    """The council (`council`, which holds the records) shares some fields of its people records with
    `partner`, for one purpose, until an end date. Without one, a council's records are its own alone."""

    partner = models.ForeignKey("core.Council", on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(help_text="The agreed fields, of SHAREABLE_FIELDS")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    reference = models.CharField(max_length=100, help_text="The signed agreement's reference")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-ends_on"]
