"""Core models: tenancy (Council), organisations and their identifiers, users, memberships, API tokens.

The kernel's other records live beside the code that owns them and are gathered here: the audit log
(`audit`), the outbox (`outbox`), background jobs and import runs (`jobs`), retention periods
(`retention`); the tenant-scoped base is in `tenancy`.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac

from civichub.core.audit import AuditEntry, AuditHead
from civichub.core.jobs import ImportRun, Job
from civichub.core.outbox import DomainEvent
from civichub.core.retention import RetentionPeriod
from civichub.core.secrets import SealedTextField
from civichub.core.tenancy import TenantScopedModel
from civichub.core.timestamps import TimestampedModel

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Council",
    "CouncilProvider",
    "DomainEvent",
    "ImportRun",
    "Job",
    "Membership",
    "Organisation",
    "OrganisationIdentifier",
    "RecoveryCode",
    "RetentionPeriod",
    "Role",
    "SecondFactor",
    "SignInFailures",
    "TimestampedModel",
    "User",
]


class Organisation(TimestampedModel):
    """Any body the platform knows: councils, companies, charities, NHS bodies, community groups.

    The register is shared by every council on the deployment: one provider organisation can work for
    several councils, and each council sees the same identifiers for it.
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        COMPANY = "company", "Company"
        CHARITY = "charity", "Charity"
        NHS = "nhs", "NHS body"
        PUBLIC_BODY = "public_body", "Other public body"
        COMMUNITY = "community", "Community or voluntary group"

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    website = models.URLField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class OrganisationIdentifier(TimestampedModel):
    """An identifier from a public register, in org-id.guide style: `GB-COH-01234567`."""

    class Scheme(models.TextChoices):
        LOCAL_AUTHORITY_ENGLAND = "GB-LAE", "Local authority in England (register code)"
        LOCAL_AUTHORITY_SCOTLAND = "GB-LAS", "Local authority in Scotland (register code)"
        LOCAL_AUTHORITY_WALES = "GB-PLA", "Principal local authority in Wales (register code)"
        LOCAL_AUTHORITY_NI = "GB-LANI", "Local authority in Northern Ireland (register code)"
        GSS = "GB-GSS", "ONS Government Statistical Service code"
        COMPANIES_HOUSE = "GB-COH", "Companies House"
        CHARITY_COMMISSION = "GB-CHC", "Charity Commission for England and Wales"
        SCOTTISH_CHARITY = "GB-SC", "Scottish Charity Regulator"
        NHS_ODS = "GB-NHS", "NHS Organisation Data Service"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    identifier = models.CharField(max_length=64)

    class Meta:
        ordering = ["scheme", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"], name="unique_identifier_per_scheme"),
        ]

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.identifier}"

    def __str__(self) -> str:
        return self.org_id


class Council(TimestampedModel):
    """A council that uses the platform: the tenant. Its residents' data never leaves it."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="council")
    name = models.CharField(
        max_length=255, help_text="Official name, e.g. Wigan Metropolitan Borough Council"
    )
    short_name = models.CharField(max_length=255, help_text="Everyday name, e.g. Wigan")
    slug = models.SlugField(max_length=80, unique=True)
    gss_code = models.CharField(max_length=9, unique=True)
    register_code = models.CharField(max_length=4, help_text="Three-letter local authority register code")
    authority_type = models.CharField(max_length=64)
    region = models.CharField(max_length=64)
    nation = models.CharField(max_length=32)
    staff_second_factor_required = models.BooleanField(
        default=False, help_text="Officers must sign in with a second factor (an authenticator app's code)"
    )

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Raised to end every session of the user at once: on signing out everywhere, on losing a role and
    # on a password change. Sessions carry a hash that includes it, so a raise makes each one stale.
    session_epoch = models.PositiveIntegerField(default=0)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "civichub.core.models.User.session"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "Platform administrator"
    COMMISSIONER = "commissioner", "Commissioning officer"
    ANALYST = "analyst", "Analyst"
    RECORDS_MANAGER = "records_manager", "Records manager"
    CASEWORKER = "caseworker", "Caseworker"
    COUNCILLOR = "councillor", "Councillor"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    RESIDENT = "resident", "Resident"


class Membership(TimestampedModel):
    """A role a user holds within a council (or, for platform administrators, on the whole platform).

    Provider staff hold their role within a council on behalf of their organisation; a councillor may
    represent a ward.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_memberships"
    )
    ward_code = models.CharField(
        max_length=9, blank=True, help_text="GSS code of the ward a councillor represents"
    )

    class Meta:
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="platform_admin", council__isnull=True)
                | (~models.Q(role="platform_admin") & models.Q(council__isnull=False)),
                name="membership_council_unless_platform_admin",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="provider_staff") | models.Q(organisation__isnull=False),
                name="provider_staff_have_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "council", "organisation"], name="unique_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.council or 'platform'})"


class SecondFactor(TimestampedModel):
    """A person's authenticator app. Until confirmed with a first code it is only being set up."""

    user = models.OneToOneField("User", on_delete=models.CASCADE, related_name="second_factor")
    secret = SealedTextField(help_text="The app's base32 key, sealed at rest")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0, help_text="The latest time step accepted (no replays)")


class RecoveryCode(models.Model):
    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)


class ApiToken(TimestampedModel):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CouncilProvider(TenantScopedModel, TimestampedModel):
    """An organisation that provides services to a council: the council's own provider list.

    Tenant data: a council sees only its own list, though the organisation itself is shared.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="councils_served")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    services_summary = models.CharField(max_length=255, blank=True)
    since = models.DateField()

    class Meta(TenantScopedModel.Meta):
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organisation"], name="one_provider_entry_per_council"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} for {self.council_id}"


class SignInFailures(models.Model):
    """How often sign-in has failed for an account (by username) or from an address, lately."""

    scope = models.CharField(max_length=10)
    key = models.CharField(max_length=150)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="one_count_per_scope_key")]
