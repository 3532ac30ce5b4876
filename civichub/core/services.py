"""Core services: councils, organisations, memberships and API tokens. Every write is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict
from civichub.core.models import (
    ApiToken,
    Council,
    CouncilProvider,
    Membership,
    Organisation,
    OrganisationIdentifier,
    Role,
    User,
)
from civichub.core.outbox import publish
from civichub.core.text import clean_name, clean_text

# The org-id.guide register for each nation's local authorities (their three-letter codes).
REGISTER_SCHEME_BY_NATION = {
    "England": OrganisationIdentifier.Scheme.LOCAL_AUTHORITY_ENGLAND,
    "Scotland": OrganisationIdentifier.Scheme.LOCAL_AUTHORITY_SCOTLAND,
    "Wales": OrganisationIdentifier.Scheme.LOCAL_AUTHORITY_WALES,
    "Northern Ireland": OrganisationIdentifier.Scheme.LOCAL_AUTHORITY_NI,
}


@dataclass(frozen=True)
class CouncilFacts:
    """What the UK's local authority register says of a council: all the kernel needs to make a tenant."""

    gss_code: str
    name: str
    short_name: str
    register_code: str
    authority_type: str
    region: str
    nation: str


# The kernel does not know the UK's local authorities; the places context does. It plugs its register
# in when the app is ready (a port and its adapter), so the facts come from places while the kernel
# imports no context. The register refuses (Refused, naming gss_code) a code it does not hold, or a
# council that has ceased.
CouncilRegister = Callable[[Actor, str], CouncilFacts]
_council_register: list[CouncilRegister] = []


def use_council_register(register: CouncilRegister) -> None:
    _council_register[:] = [register]


@transaction.atomic
def add_council(actor: Actor, gss_code: str) -> Council:
    """Bring a UK council onto the platform by its GSS code, with the facts of the council register."""
    policy.require(actor, "platform.manage")
    if not _council_register:
        raise RuntimeError("No council register is plugged in: is the places app installed?")
    authority = _council_register[0](actor, gss_code.strip().upper())
    gss_code = authority.gss_code
    if Council.objects.filter(gss_code=gss_code).exists():
        raise Conflict.on("gss_code", f"{authority.name} ({gss_code}) is already on the platform.")
    organisation = Organisation.objects.create(name=authority.name, kind=Organisation.Kind.COUNCIL)
    OrganisationIdentifier.objects.create(
        organisation=organisation, scheme=OrganisationIdentifier.Scheme.GSS, identifier=gss_code
    )
    scheme = REGISTER_SCHEME_BY_NATION.get(authority.nation)
    if scheme and authority.register_code:
        OrganisationIdentifier.objects.create(
            organisation=organisation, scheme=scheme, identifier=authority.register_code
        )
    slug = slugify(authority.short_name)
    if Council.objects.filter(slug=slug).exists():
        slug = f"{slug}-{gss_code.lower()}"
    council = Council.objects.create(
        organisation=organisation,
        name=authority.name,
        short_name=authority.short_name,
        slug=slug,
        gss_code=gss_code,
        register_code=authority.register_code,
        authority_type=authority.authority_type,
        region=authority.region,
        nation=authority.nation,
    )
    audit.record(actor, "core.council.added", obj=council, council=council, data={"gss_code": gss_code})
    publish(
        "core.council.added",
        council=council,
        subject=council,
        data={"council_id": str(council.pk), "gss_code": gss_code, "name": council.name},
    )
    return council


@transaction.atomic
def register_organisation(
    actor: Actor,
    *,
    name: str,
    kind: str,
    identifiers: dict[str, str] | None = None,
    website: str = "",
    postcode: str = "",
) -> Organisation:
    """Add an organisation to the shared register, or return the one that already holds an identifier.

    Anyone signed in may add to the shared register (a commissioner importing providers does); the
    register holds public facts about organisations, and every addition is audited.
    """
    identifiers = identifiers or {}
    for scheme, identifier in identifiers.items():
        existing = OrganisationIdentifier.objects.filter(scheme=scheme, identifier=identifier).first()
        if existing is not None:
            return existing.organisation
    name = clean_name(name, label="the organisation's name")
    organisation = Organisation.objects.create(name=name, kind=kind, website=website, postcode=postcode)
    for scheme, identifier in identifiers.items():
        OrganisationIdentifier.objects.create(organisation=organisation, scheme=scheme, identifier=identifier)
    audit.record(actor, "core.organisation.registered", obj=organisation, data={"identifiers": identifiers})
    publish(
        "core.organisation.registered",
        council=None,
        subject=organisation,
        data={
            "organisation_id": str(organisation.pk),
            "name": name,
            "kind": kind,
            "identifiers": [f"{s}-{i}" for s, i in identifiers.items()],
        },
    )
    return organisation


@transaction.atomic
def add_provider(
    actor: Actor, council: Council, organisation: Organisation, *, services_summary: str, since: date
) -> CouncilProvider:
    """Put an organisation on a council's list of providers."""
    policy.require(actor, "council.providers.manage", council)
    entry, created = CouncilProvider.objects.for_council(council).get_or_create(
        organisation=organisation,
        defaults={"council": council, "services_summary": services_summary, "since": since},
    )
    if created:
        audit.record(actor, "core.provider.added", obj=entry, council=council)
        publish(
            "core.provider.added",
            council=council,
            subject=entry,
            data={
                "provider_id": str(entry.pk),
                "organisation_id": str(organisation.pk),
                "organisation_name": organisation.name,
                "since": since.isoformat(),
            },
        )
    return entry


@transaction.atomic
def update_provider(
    actor: Actor, entry: CouncilProvider, *, services_summary: str, since: date
) -> CouncilProvider:
    """Change what a provider does for a council, or since when."""
    policy.require(actor, "council.providers.manage", entry.council)
    entry.services_summary, entry.since = clean_text(services_summary)[:255], since
    entry.save(update_fields=["services_summary", "since", "updated_at"])
    audit.record(actor, "core.provider.updated", obj=entry, council=entry.council)
    publish(
        "core.provider.updated",
        council=entry.council,
        subject=entry,
        data={
            "provider_id": str(entry.pk),
            "organisation_id": str(entry.organisation_id),
            "services_summary": entry.services_summary,
            "since": since.isoformat(),
        },
    )
    return entry


@transaction.atomic
def grant_membership(
    actor: Actor,
    user: User,
    role: Role,
    council: Council | None = None,
    *,
    organisation: Organisation | None = None,
    ward_code: str = "",
) -> Membership:
    policy.require(actor, "platform.manage", council)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, council=council, organisation=organisation, defaults={"ward_code": ward_code}
    )
    if created:
        audit.record(
            actor,
            "core.membership.granted",
            obj=membership,
            council=council,
            data={"user": str(user.pk), "role": role.value},
        )
        if council is not None:
            publish(
                "core.membership.granted",
                council=council,
                subject=membership,
                data={"membership_id": str(membership.pk), "user_id": str(user.pk), "role": role.value},
            )
    return membership


@transaction.atomic
def register_user(
    actor: Actor, *, username: str, first_name: str, last_name: str, email: str, password: str
) -> User:
    """Create a person's account (the password is hashed by Django, never stored)."""
    policy.require(actor, "platform.manage")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.save()
    audit.record(actor, "core.user.registered", obj=user, data={"username": username})
    return user


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "chub"  # noqa: S105 - a label, not a secret


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the stored record and the token text, which is never stored."""
    assert actor.user is not None, "API tokens belong to a person"
    name = clean_name(name, max_length=100, label="a name for the token, so you can tell it apart later")
    prefix = secrets.token_hex(4)
    text = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=actor.user, name=name, prefix=prefix, digest=_digest(text))
    audit.record(actor, "core.api_token.created", obj=token, data={"name": name, "prefix": prefix})
    return token, text


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken) -> None:
    if actor.user is None or token.user_id != actor.user.pk:
        raise PermissionError("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor, "core.api_token.revoked", obj=token)


def user_for_api_token(text: str) -> User | None:
    """The active user a presented token belongs to, or None. Compares digests in constant time."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if token is None or not secrets.compare_digest(token.digest, _digest(text)) or not token.user.is_active:
        return None
    # Updating last use on every call would turn reads into writes; once a minute is enough to show it.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
