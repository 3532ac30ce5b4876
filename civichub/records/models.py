"""Records: the council's documents and their versions, its decisions and forward plan, its retention
schedule, legal holds, disposal runs with their certificates of destruction, and the log of FOI and
subject access requests.

Everything here is council data. Content lives in Django's `default_storage`; a version row keeps its
SHA-256, and its content is only ever deleted by a certified disposal (the row stays, as the record that
the thing existed and was destroyed lawfully).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from civichub.core.tenancy import TenantScopedModel
from civichub.core.timestamps import TimestampedModel


class Marking(models.TextChoices):
    """Government Security Classifications: OFFICIAL, and its SENSITIVE handling caveat."""

    OFFICIAL = "official", "OFFICIAL"
    SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class LinkType(models.TextChoices):
    """What a record can concern. Other contexts own these things: only their type and id are stored."""

    COMMISSION = "commission", "Commission"
    CONTRACT = "contract", "Contract"
    PROVIDER = "provider", "Provider"
    SERVICE = "service", "Service"
    WARD = "ward", "Ward"
    DECISION = "decision", "Decision"
    PERSON = "person", "Person"
    BUDGET = "budget", "Budget"
    POLICY = "policy", "Policy"


class RecordClass(TenantScopedModel, TimestampedModel):
    """One line of the council's retention schedule: a class of record, when its clock starts (the
    trigger), how long it is kept, and what happens then."""

    class Trigger(models.TextChoices):
        CREATED = "created", "The record is made"
        DECISION = "decision", "The date of the decision"
        CONTRACT_END = "contract_end", "The contract ends"
        CASE_CLOSED = "case_closed", "The case is closed"
        SUPERSEDED = "superseded", "It is superseded"
        REQUEST_CLOSED = "request_closed", "The request is closed"

    class Action(models.TextChoices):
        DESTROY = "destroy", "Destroy"
        REVIEW = "review", "Review"
        TRANSFER = "transfer", "Transfer to the archive"
        PERMANENT = "permanent", "Keep permanently"

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.CREATED)
    retention_years = models.PositiveSmallIntegerField(default=6)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.DESTROY)
    source = models.CharField(max_length=255, blank=True, help_text="Where the rule comes from")

    class Meta(TenantScopedModel.Meta):
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["council", "code"], name="one_record_class_per_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Document(TenantScopedModel, TimestampedModel):
    """A record: a document with its versions, or a policy (a document with a review date), or a
    certificate of destruction (kept permanently)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        POLICY = "policy", "Policy"
        CERTIFICATE = "certificate", "Certificate of destruction"

    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DOCUMENT)
    description = models.TextField(blank=True)
    record_class = models.ForeignKey(RecordClass, on_delete=models.PROTECT, related_name="documents")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    dated = models.DateField(help_text="The date the record is of (a letter's date, a report's)")
    # When the class's retention clock started (the day it was made, a contract's end, a case's closure);
    # empty while that has not happened. `dispose_on` follows from it and the class, kept for the queries.
    trigger_date = models.DateField(null=True, blank=True)
    dispose_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True, help_text="Policies: when the next review is due")
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["council", "disposed_at", "dispose_on"]),
            models.Index(fields=["council", "kind", "review_on"]),
            models.Index(fields=["council", "record_class"]),
            # A page of search hits is fetched by id within the council: with this SQLite looks each up
            # by both, where otherwise it may walk the council's records.
            models.Index(fields=["council", "id"], name="records_document_council_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sensitive(self) -> bool:
        return self.marking == Marking.SENSITIVE


class DocumentVersion(TenantScopedModel, TimestampedModel):
    """One version of a document's content, as uploaded: its SHA-256, where it is stored, its type as
    read from the content itself. `stored_as` is emptied when a disposal destroys the content."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="Pages, image size: what was read")
    note = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_document_version_number")
        ]


class DocumentLink(TenantScopedModel, TimestampedModel):
    """What a document concerns (or is evidence for): a typed reference to another context's thing."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    target_type = models.CharField(max_length=20, choices=LinkType.choices)
    target_id = models.CharField(max_length=100)

    class Meta(TenantScopedModel.Meta):
        ordering = ["target_type", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "target_type", "target_id"], name="one_document_link")
        ]
        indexes = [models.Index(fields=["council", "target_type", "target_id"])]


class SearchEntry(TenantScopedModel):
    """A document's row in the full-text index: what search filters on, beside the text itself.

    The text lives in a table only the database's full-text engine reads (`records_searchtext`: an FTS5
    table on SQLite, a tsvector with a GIN index on PostgreSQL), keyed by this row's integer id, so one
    SQL statement can match, filter by council, marking, class, date and link, rank and page.
    """

    id = models.BigAutoField(primary_key=True)
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="search_entry")
    marking = models.CharField(max_length=20, choices=Marking.choices)
    record_class = models.ForeignKey(RecordClass, on_delete=models.PROTECT, related_name="+")
    dated = models.DateField()

    class Meta(TenantScopedModel.Meta):
        indexes = [models.Index(fields=["council", "marking", "dated"])]


class ForwardPlanEntry(TenantScopedModel, TimestampedModel):
    """A key decision the executive means to take, published at least 28 clear days before (2012
    Regulations, regulation 9)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        TAKEN = "taken", "Decision taken"
        WITHDRAWN = "withdrawn", "Withdrawn"

    reference = models.CharField(max_length=30)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    maker = models.CharField(max_length=200, help_text="Who will decide: cabinet, a member, an officer")
    expected_on = models.DateField()
    published_on = models.DateField(help_text="When the notice was published")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta(TenantScopedModel.Meta):
        ordering = ["expected_on", "reference"]


class Decision(TenantScopedModel, TimestampedModel):
    """A decision of the council: who took it, when, why, what else was considered, any conflicts of
    interest, the votes, the call-in, and (through document links) its evidence."""

    class Maker(models.TextChoices):
        CABINET = "cabinet", "Cabinet"
        CABINET_MEMBER = "cabinet_member", "Cabinet member"
        COMMITTEE = "committee", "Committee"
        OFFICER = "officer", "Officer under delegated powers"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class CallIn(models.TextChoices):
        OPEN = "open", "Open for call-in"
        CALLED_IN = "called_in", "Called in"
        IMPLEMENTABLE = "implementable", "Not called in: can be implemented"
        CONFIRMED = "confirmed", "Called in: decision confirmed"
        REFERRED_BACK = "referred_back", "Called in: referred back to the decision-maker"
        NOT_SUBJECT = "not_subject", "Not subject to call-in"

    reference = models.CharField(max_length=30)
    title = models.CharField(max_length=255)
    decision = models.TextField()
    maker_kind = models.CharField(max_length=20, choices=Maker.choices)
    maker_name = models.CharField(max_length=200)
    meeting = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField()
    is_key = models.BooleanField(default=False)
    forward_plan_entry = models.ForeignKey(
        ForwardPlanEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    # Clear days between the forward plan's notice and the decision (neither day counted); None when a
    # key decision had no notice at all. Under 28 is taken on short notice, and the register says so.
    notice_clear_days = models.IntegerField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    alternatives = models.TextField(blank=True)
    conflicts = models.TextField(blank=True, help_text="Conflicts of interest declared, and any dispensation")
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    call_in_deadline = models.DateField(null=True, blank=True)
    call_in_status = models.CharField(max_length=15, choices=CallIn.choices, default=CallIn.NOT_SUBJECT)
    call_in_note = models.CharField(max_length=500, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-decided_on", "-reference"]
        indexes = [models.Index(fields=["council", "status", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def short_notice(self) -> bool:
        """A key decision taken without 28 clear days' notice in the forward plan."""
        return self.is_key and (self.notice_clear_days is None or self.notice_clear_days < 28)


class DecisionVote(TenantScopedModel, TimestampedModel):
    class Vote(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAINED = "abstained", "Abstained"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    member = models.CharField(max_length=200)
    vote = models.CharField(max_length=10, choices=Vote.choices)

    class Meta(TenantScopedModel.Meta):
        ordering = ["member"]
        constraints = [models.UniqueConstraint(fields=["decision", "member"], name="one_vote_per_member")]


class DecisionLink(TenantScopedModel, TimestampedModel):
    """What a decision decides about (a commission, contract, budget, policy…): the golden thread's start."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links")
    target_type = models.CharField(max_length=20, choices=LinkType.choices)
    target_id = models.CharField(max_length=100)

    class Meta(TenantScopedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["decision", "target_type", "target_id"], name="one_decision_link")
        ]
        indexes = [models.Index(fields=["council", "target_type", "target_id"])]


class LegalHold(TenantScopedModel, TimestampedModel):
    """Stops the disposal of the records it covers until it is lifted, with a reason. It covers documents
    named one by one, a whole record class, and/or every document linked to one thing (a person, a
    contract)."""

    class Reason(models.TextChoices):
        LITIGATION = "litigation", "Litigation"
        INQUIRY = "inquiry", "Inquiry"
        FOI = "foi", "Freedom of Information request"
        SAR = "sar", "Subject access request"
        OTHER = "other", "Other"

    title = models.CharField(max_length=255)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    description = models.TextField(blank=True)
    record_class = models.ForeignKey(
        RecordClass, on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )
    link_type = models.CharField(max_length=20, choices=LinkType.choices, blank=True)
    link_id = models.CharField(max_length=100, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "lifted_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class HeldDocument(TenantScopedModel):
    hold = models.ForeignKey(LegalHold, on_delete=models.CASCADE, related_name="held")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="held_by")

    class Meta(TenantScopedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["hold", "document"], name="one_held_document")]


class DisposalRun(TenantScopedModel, TimestampedModel):
    """What is due for destruction by a date, proposed by one person and approved by another; once done,
    it names its certificate of destruction."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for approval"
        APPROVED = "approved", "Approved: waiting to run"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    reference = models.CharField(max_length=30)
    due_by = models.DateField(help_text="Records due for disposal on or before this date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    note = models.CharField(max_length=500, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    destroyed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    certificate = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="certifies"
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at"]


class DisposalItem(TenantScopedModel):
    """One record in a disposal run: why it is due, and what happened to it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Due"
        DESTROYED = "destroyed", "Destroyed"
        SKIPPED = "skipped", "Skipped"

    run = models.ForeignKey(DisposalRun, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=255)
    class_code = models.CharField(max_length=20)
    why_due = models.CharField(max_length=500)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    skip_reason = models.CharField(max_length=500, blank=True)
    hashes = models.JSONField(default=list, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["id"]


class InformationRequest(TenantScopedModel, TimestampedModel):
    """A Freedom of Information request or a subject access request: when it came, when it is due, the
    records found (held while it is open) and the response."""

    class Kind(models.TextChoices):
        FOI = "foi", "Freedom of Information request"
        SAR = "sar", "Subject access request"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        REFUSED = "refused", "Refused (exemption applied)"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=3, choices=Kind.choices)
    reference = models.CharField(max_length=30)
    received_on = models.DateField()
    due_on = models.DateField()
    requester = models.CharField(max_length=200, help_text="Personal data: reads are audited")
    summary = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    hold = models.OneToOneField(LegalHold, on_delete=models.PROTECT, related_name="request")

    class Meta(TenantScopedModel.Meta):
        ordering = ["-received_on", "-reference"]
