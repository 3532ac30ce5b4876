"""A person's account: their password, their sessions, their roles, and whether they need a second factor.

Sessions end together when something about the person's trust changes: a new password, signing out
everywhere, losing a role, or their council starting to require a second factor they have not set up.
Each raises `User.session_epoch`, which every session's hash includes (see `User`), so all of them
go stale at once without a list of sessions to walk.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import FieldError, Refused
from civichub.core.models import Council, Membership, SecondFactor, User
from civichub.core.outbox import publish


def _end_sessions(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def change_password(actor: Actor, current: str, new: str) -> None:
    """Change one's own password; every other session ends (the view keeps the one that asked)."""
    user = actor.user
    assert user is not None
    if not user.check_password(current):
        raise Refused.on("current_password", "Your current password is not right")
    if new == current:
        raise Refused.on("new_password", "Your new password must be different from your current one")
    try:
        password_validation.validate_password(new, user)
    except ValidationError as exc:
        errors = [FieldError("new_password", message) for message in exc.messages]
        raise Refused(" ".join(exc.messages), errors) from exc
    user.set_password(new)
    user.save(update_fields=["password"])
    _end_sessions(user)
    audit.record(actor, "core.user.password_changed", obj=user)


@transaction.atomic
def sign_out_everywhere(actor: Actor) -> None:
    """End every session of one's own, on every device (this one too)."""
    assert actor.user is not None
    _end_sessions(actor.user)
    audit.record(actor, "core.user.signed_out_everywhere", obj=actor.user)


@transaction.atomic
def remove_membership(actor: Actor, membership: Membership) -> None:
    """Take a role away. The person's sessions end at once, so the role stops working now, not at their
    next sign-in."""
    policy.require(actor, "platform.manage", membership.council)
    user, council = membership.user, membership.council
    data = {"membership_id": str(membership.pk), "user_id": str(user.pk), "role": membership.role}
    membership.delete()
    _end_sessions(user)
    audit.record(
        actor,
        "core.membership.removed",
        object_type="core.membership",
        object_id=data["membership_id"],
        council=council,
        data=data,
    )
    if council is not None:
        publish(
            "core.membership.removed",
            council=council,
            subject_type="core.membership",
            subject_id=data["membership_id"],
            data=data,
        )


@transaction.atomic
def set_staff_second_factor(actor: Actor, council: Council, required: bool) -> Council:
    """Require (or stop requiring) a second factor of the council's officers.

    Officers who have none yet are signed out when it is switched on, so each sets one up at their next
    sign-in rather than carrying on for the rest of a session.
    """
    policy.require(actor, "council.security.manage", council)
    # Read afresh under a lock: two administrators switching it at once must not both sign staff out.
    council = Council.objects.select_for_update().get(pk=council.pk)
    if council.staff_second_factor_required == required:
        return council
    council.staff_second_factor_required = required
    council.save(update_fields=["staff_second_factor_required", "updated_at"])
    signed_out = 0
    if required:
        with_factor = SecondFactor.objects.filter(confirmed_at__isnull=False).values("user_id")
        officers = Membership.objects.filter(
            council=council, role__in=[role.value for role in policy.OFFICERS]
        ).exclude(user_id__in=with_factor)
        signed_out = User.objects.filter(pk__in=officers.values("user_id")).update(
            session_epoch=F("session_epoch") + 1
        )
    data = {"required": required, "officers_signed_out": signed_out}
    audit.record(actor, "core.council.second_factor_policy_changed", obj=council, council=council, data=data)
    publish(
        "core.council.second_factor_policy_changed",
        council=council,
        subject=council,
        data={"council_id": str(council.pk), "required": required},
    )
    return council
