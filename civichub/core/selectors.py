"""Core selectors: reads of councils, organisations, memberships and tokens.

Reads of personal data (who has access to a council) are audited here, with the reader's purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import (
    ApiToken,
    Council,
    CouncilProvider,
    ImportRun,
    Membership,
    Organisation,
    OrganisationIdentifier,
    RecoveryCode,
    RetentionPeriod,
    Role,
    SecondFactor,
    User,
)
from civichub.core.retention import KINDS, days_for
from civichub.core.text import clean_text

M = TypeVar("M", bound=Model)


def one_or_404(queryset: QuerySet[M], message: str, **lookup: object) -> M:
    """The one row of `queryset` matching `lookup`, or a 404 saying `message`.

    Selectors look objects up within what the caller may see (a council's rows, a user's tokens), so
    an id from elsewhere is simply not found.
    """
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(message)
    return found


def councils() -> QuerySet[Council]:
    return Council.objects.select_related("organisation").order_by("short_name")


def council_by_slug(slug: str) -> Council:
    return one_or_404(Council.objects.all(), "No council on this platform has that address", slug=slug)


def organisations(search: str = "", kind: str = "") -> QuerySet[Organisation]:
    """The shared register of organisations, with their identifiers, optionally filtered."""
    queryset = Organisation.objects.prefetch_related(
        Prefetch("identifiers", queryset=OrganisationIdentifier.objects.order_by("scheme"))
    )
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(identifiers__identifier__iexact=search.split("-")[-1])
        ).distinct()
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name")


def organisation(organisation_id: UUID | str) -> Organisation:
    return one_or_404(organisations(), "No organisation has that id", pk=organisation_id)


def councils_served_by(org: Organisation) -> list[Council]:
    """The councils an organisation provides for. The council list is public; the entries are not read."""
    ids = CouncilProvider.unscoped.filter(organisation=org, status="active").values_list(
        "council_id", flat=True
    )
    return list(Council.objects.filter(pk__in=ids).order_by("short_name"))


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("council", "organisation").order_by("role")


def council_providers(actor: Actor, council: Council) -> QuerySet[CouncilProvider]:
    policy.require(actor, "council.providers.view", council)
    return (
        CouncilProvider.objects.for_council(council)
        .select_related("organisation")
        .prefetch_related("organisation__identifiers")
    )


def council_provider(actor: Actor, council: Council, provider_id: UUID | str) -> CouncilProvider:
    return one_or_404(
        council_providers(actor, council), "This council has no provider with that id", pk=provider_id
    )


def people_with_access(actor: Actor, council: Council, purpose: str) -> list[Membership]:
    """Everyone who holds a role in the council: personal data, so the read is audited with its purpose."""
    policy.require(actor, "council.people_with_access.view", council)
    purpose = clean_text(purpose)[:500]
    if len(purpose) < 5:
        raise Refused.on(
            "purpose", "Say why you need this list, in at least 5 characters: the read is audited"
        )
    members = list(
        Membership.objects.filter(council=council)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "role")
    )
    audit.record(
        actor,
        "core.people_with_access.read",
        object_type="core.council",
        object_id=str(council.pk),
        council=council,
        purpose=purpose,
        data={"people": len({m.user_id for m in members})},
    )
    return members


def platform_imports(actor: Actor) -> QuerySet[ImportRun]:
    """The platform's own imports (the national geography), newest first: for platform administrators."""
    policy.require(actor, "platform.manage")
    return ImportRun.objects.for_platform().select_related("job").order_by("-created_at")


def api_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token(user: User, token_id: UUID | str) -> ApiToken:
    return one_or_404(api_tokens(user), "You have no token with that id", pk=token_id)


def acting_provider(actor: Actor, council: Council) -> Organisation | None:
    """For provider staff who are not also council officers, the organisation they act for in the council.

    Pages and services use it to narrow what a provider sees to its own: its webhook endpoints, its
    queue of residents' reports. Officers and platform administrators act for the council (None).
    """
    roles = policy.roles_in(actor.user, council) if actor.user else set()
    if roles & (policy.OFFICERS | {Role.PLATFORM_ADMIN}):
        return None
    membership = (
        Membership.objects.filter(user=actor.user, council=council, role=Role.PROVIDER_STAFF)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


# Where each role starts: the first matching membership decides, in this order.
HOME_ORDER = [
    Role.PLATFORM_ADMIN,
    Role.COMMISSIONER,
    Role.ANALYST,
    Role.RECORDS_MANAGER,
    Role.CASEWORKER,
    Role.COUNCILLOR,
    Role.PROVIDER_STAFF,
    Role.RESIDENT,
]


def primary_membership(user: User) -> Membership | None:
    memberships = list(memberships_of(user))
    memberships.sort(key=lambda m: HOME_ORDER.index(Role(m.role)))
    return memberships[0] if memberships else None


def membership(council: Council, membership_id: UUID | str) -> Membership:
    """One role held in the council (an id from another council is not found)."""
    return one_or_404(
        Membership.objects.filter(council=council).select_related("user"),
        "There is no such role in this council",
        pk=membership_id,
    )


# --- Second factor ----------------------------------------------------------------------------


def second_factor_required(user: User) -> bool:
    """Must this person sign in with a second factor? Platform administrators (by setting), and officers
    of any council that requires it of its staff."""
    memberships = Membership.objects.filter(user=user)
    if (
        settings.CIVICHUB_SECOND_FACTOR_FOR_PLATFORM_ADMINS
        and memberships.filter(role=Role.PLATFORM_ADMIN).exists()
    ):
        return True
    return memberships.filter(
        role__in=[role.value for role in policy.OFFICERS], council__staff_second_factor_required=True
    ).exists()


def second_factor(user: User) -> SecondFactor | None:
    """The person's authenticator app, once set up."""
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).first()


def second_factor_being_set_up(user: User) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=True).first()


def unused_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@dataclass(frozen=True)
class Period:
    """How long a council keeps one kind of record, and whether that is the platform's default."""

    kind: str
    label: str
    hint: str
    days: int
    default_days: int
    is_default: bool


def retention_periods(actor: Actor, council: Council) -> list[Period]:
    """Every kind of record the platform prunes, with the council's period for it (see core/retention)."""
    policy.require(actor, "council.retention.manage", council)
    own = dict(RetentionPeriod.objects.for_council(council).values_list("kind", "days"))
    return [
        Period(
            kind.name,
            kind.label,
            kind.hint,
            days,
            kind.days_by_default,
            kind.name not in own,
        )
        for kind, days in ((KINDS[name], days) for name, days in days_for(council).items())
    ]
