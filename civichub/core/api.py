"""Core API: councils, organisations, the signed-in user, API tokens, a council's providers and people."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from civichub.core import accounts, policy, second_factor, selectors, services, throttle
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council, Organisation
from civichub.core.pagination import LimitOffset

router = Router(tags=["core"])


def actor_for(request: HttpRequest, council_slug: str | None = None, permission: str | None = None) -> Actor:
    """The caller as an Actor; with a council, the council from the path checked against the caller."""
    council = selectors.council_by_slug(council_slug) if council_slug else None
    actor = Actor(user=request.user, council=council)  # type: ignore[arg-type]
    if permission:
        policy.require(actor, permission, council)
    return actor


def council_actor(request: HttpRequest, council_slug: str, permission: str) -> tuple[Actor, Council]:
    """The council named in the path and the caller acting for it, once the policy allows `permission`."""
    actor = actor_for(request, council_slug, permission)
    assert actor.council is not None
    return actor, actor.council


class IdentifierOut(Schema):
    scheme: str
    identifier: str
    org_id: str


class OrganisationOut(Schema):
    id: UUID
    name: str
    kind: str
    website: str
    identifiers: list[IdentifierOut]

    @staticmethod
    def resolve_identifiers(obj: Organisation) -> list[IdentifierOut]:
        return [
            IdentifierOut(scheme=i.scheme, identifier=i.identifier, org_id=i.org_id)
            for i in obj.identifiers.all()
        ]


class CouncilOut(Schema):
    id: UUID
    name: str
    short_name: str
    slug: str
    gss_code: str
    register_code: str
    authority_type: str
    region: str
    nation: str
    organisation_id: UUID


class AddCouncilIn(Schema):
    gss_code: str = Field(..., min_length=9, max_length=9, examples=["E07000087"])


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """The one error shape (see civichub.core.errors): what went wrong, and each field at fault."""

    detail: str
    errors: list[FieldErrorOut] = []


@router.get("/councils", response=list[CouncilOut], auth=None, summary="Councils on the platform")
@paginate(LimitOffset)
def list_councils(request: HttpRequest) -> object:
    return selectors.councils()


@router.post("/councils", response={201: CouncilOut, 400: ErrorOut}, summary="Add a council by GSS code")
def add_council(request: HttpRequest, payload: AddCouncilIn) -> tuple[int, object]:
    return 201, services.add_council(actor_for(request), payload.gss_code)


@router.get("/councils/{council_slug}", response=CouncilOut, auth=None, summary="One council")
def get_council(request: HttpRequest, council_slug: str) -> Council:
    return selectors.council_by_slug(council_slug)


@router.get("/organisations", response=list[OrganisationOut], auth=None, summary="The organisation register")
@paginate(LimitOffset)
def list_organisations(request: HttpRequest, q: str = "", kind: str = "") -> object:
    if kind and kind not in Organisation.Kind.values:
        raise Refused.on("kind", f"Must be one of {', '.join(Organisation.Kind.values)}")
    return selectors.organisations(q[:100], kind)


@router.get(
    "/organisations/{organisation_id}", response=OrganisationOut, auth=None, summary="One organisation"
)
def get_organisation(request: HttpRequest, organisation_id: UUID) -> Organisation:
    return selectors.organisation(organisation_id)


class MembershipOut(Schema):
    role: str
    council: str | None
    organisation: str | None
    ward_code: str


class MeOut(Schema):
    id: UUID
    username: str
    name: str
    memberships: list[MembershipOut]
    second_factor: bool = Field(..., description="Whether you sign in with an authenticator app")
    second_factor_required: bool = Field(..., description="Whether a role of yours requires one")


@router.get("/me", response=MeOut, summary="Who you are signed in as, and your roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,  # type: ignore[union-attr]
        "memberships": [
            {
                "role": m.role,
                "council": m.council.slug if m.council else None,
                "organisation": str(m.organisation_id) if m.organisation_id else None,
                "ward_code": m.ward_code,
            }
            for m in selectors.memberships_of(user)  # type: ignore[arg-type]
        ],
        "second_factor": selectors.second_factor(user) is not None,  # type: ignore[arg-type]
        "second_factor_required": selectors.second_factor_required(user),  # type: ignore[arg-type]
    }


class PasswordChangeIn(Schema):
    current_password: str = Field(..., max_length=4096)
    new_password: str = Field(..., max_length=4096)


@router.post(
    "/me/password",
    response={204: None},
    summary="Change your password (every session of yours ends; API tokens keep working)",
)
def change_password(request: HttpRequest, payload: PasswordChangeIn) -> tuple[int, None]:
    accounts.change_password(actor_for(request), payload.current_password, payload.new_password)
    return 204, None


@router.post("/me/sign-out-everywhere", response={204: None}, summary="End every session of yours")
def sign_out_everywhere(request: HttpRequest) -> tuple[int, None]:
    accounts.sign_out_everywhere(actor_for(request))
    return 204, None


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Shown once: store it now, it cannot be shown again")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


@router.get("/me/tokens", response=list[TokenOut], summary="Your API tokens")
@paginate(LimitOffset)
def list_tokens(request: HttpRequest) -> object:
    return selectors.api_tokens(request.user)  # type: ignore[arg-type]


@router.post("/me/tokens", response={201: TokenCreatedOut, 400: ErrorOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, object]:
    token, text = services.create_api_token(actor_for(request), payload.name)
    token.token = text  # type: ignore[attr-defined]
    return 201, token


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of your API tokens")
def revoke_token(request: HttpRequest, token_id: UUID) -> tuple[int, None]:
    services.revoke_api_token(actor_for(request), selectors.api_token(request.user, token_id))  # type: ignore[arg-type]
    return 204, None


class ProviderOut(Schema):
    id: UUID
    organisation: OrganisationOut
    status: str
    services_summary: str
    since: date


@router.get("/c/{council_slug}/providers", response=list[ProviderOut], summary="A council's providers")
@paginate(LimitOffset)
def list_providers(request: HttpRequest, council_slug: str) -> object:
    actor = actor_for(request, council_slug, "council.providers.view")
    return selectors.council_providers(actor, actor.council)  # type: ignore[arg-type]


@router.get(
    "/c/{council_slug}/providers/{provider_id}", response=ProviderOut, summary="One of a council's providers"
)
def get_provider(request: HttpRequest, council_slug: str, provider_id: UUID) -> object:
    actor = actor_for(request, council_slug, "council.providers.view")
    return selectors.council_provider(actor, actor.council, provider_id)  # type: ignore[arg-type]


class PersonWithAccessOut(Schema):
    membership_id: UUID
    username: str
    name: str
    email: str
    role: str
    organisation_id: UUID | None
    ward_code: str


@router.get(
    "/c/{council_slug}/people-with-access",
    response=list[PersonWithAccessOut],
    summary="Who holds a role in a council (personal data: the read is audited)",
)
@paginate(LimitOffset)
def people_with_access(request: HttpRequest, council_slug: str, purpose: str) -> list[dict[str, object]]:
    actor = actor_for(request, council_slug, "council.people_with_access.view")
    return [
        {
            "membership_id": m.pk,
            "username": m.user.username,
            "name": m.user.display_name,
            "email": m.user.email,
            "role": m.role,
            "organisation_id": m.organisation_id,
            "ward_code": m.ward_code,
        }
        for m in selectors.people_with_access(actor, actor.council, purpose)  # type: ignore[arg-type]
    ]


@router.delete(
    "/c/{council_slug}/memberships/{membership_id}",
    response={204: None},
    summary="Take a role away (platform administrators); the person's sessions end at once",
)
def remove_membership(request: HttpRequest, council_slug: str, membership_id: UUID) -> tuple[int, None]:
    actor, council = council_actor(request, council_slug, "council.view")
    accounts.remove_membership(actor, selectors.membership(council, membership_id))
    return 204, None


class StaffSecondFactorIn(Schema):
    required: bool = Field(..., description="Whether officers must sign in with an authenticator app")


@router.put(
    "/c/{council_slug}/authenticator-policy",
    response={200: StaffSecondFactorIn},
    summary="Require (or not) an authenticator app of the council's officers at sign-in",
)
def staff_second_factor(request: HttpRequest, council_slug: str, payload: StaffSecondFactorIn) -> object:
    actor, council = council_actor(request, council_slug, "council.security.manage")
    council = accounts.set_staff_second_factor(actor, council, payload.required)
    return {"required": council.staff_second_factor_required}


@router.post(
    "/platform/users/{username}/reset-authenticator",
    response={204: None},
    summary="Remove someone's authenticator app after they lost it (platform administrators; audited)",
)
def reset_second_factor(request: HttpRequest, username: str) -> tuple[int, None]:
    second_factor.reset(actor_for(request), username)
    return 204, None


class LockedAccountOut(Schema):
    username: str = Field(..., alias="key")
    failures: int
    locked_until: datetime


@router.get(
    "/platform/locked-accounts",
    response=list[LockedAccountOut],
    summary="Accounts locked after failed sign-ins (platform administrators)",
)
@paginate(LimitOffset)
def locked_accounts(request: HttpRequest) -> object:
    policy.require(actor_for(request), "platform.manage")
    return throttle.locked_accounts()


@router.post(
    "/platform/locked-accounts/{username}/unlock",
    response={204: None},
    summary="Unlock an account before its lock runs out (audited)",
)
def unlock_account(request: HttpRequest, username: str) -> tuple[int, None]:
    throttle.unlock(actor_for(request), username)
    return 204, None
