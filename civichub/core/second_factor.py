"""A second factor at sign-in: a code from an authenticator app (TOTP, RFC 6238), or a one-use recovery code.

The app's key is a secret the platform must read back to check codes, so it is sealed at rest
(`core.secrets`). A code is accepted once only: the time step it belongs to is kept, and a code of that
step or an earlier one is refused, so a code seen over a shoulder or in a log cannot be replayed.
Recovery codes are 120 random bits each and stored only as SHA-256 digests; each works once.

Wrong codes count against the account and address like wrong passwords (`core.throttle`), under their
own count, so a correct password does not wipe out the second factor's failures.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
from django.db import models, transaction
from django.utils import timezone

from civichub.core import audit, policy, selectors, throttle
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import RecoveryCode, SecondFactor, User

ISSUER = "civichub"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a phone's clock may be a step either way
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
# 24 characters of 32 = 120 bits: above ASVS 2.6.2's 112, so an unsalted digest resists offline guessing.
RECOVERY_LENGTH = 24


@transaction.atomic
def begin(actor: Actor) -> SecondFactor:
    """Start setting up an authenticator app: a new key, shown once as a QR code until confirmed."""
    user = _person(actor)
    if selectors.second_factor(user) is not None:
        raise Refused("You already have an authenticator app. Remove it first to set up another.")
    SecondFactor.objects.filter(user=user).delete()
    factor = SecondFactor.objects.create(user=user, secret=pyotp.random_base32())
    audit.record(actor, "core.second_factor.setup_started", object_type="core.user", object_id=str(user.pk))
    return factor


@transaction.atomic
def confirm(actor: Actor, code: str, *, now: float | None = None) -> list[str]:
    """Finish setting up with the app's first code; returns the recovery codes (shown once only)."""
    user = _person(actor)
    factor = SecondFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if factor is None:
        raise Refused("Start setting up your authenticator app first.")
    step = _matching_step(factor.secret, _digits(code), now)
    if step is None:
        raise Refused.on(
            "code", "The code does not match. Check your app's time is right and try the newest code"
        )
    factor.confirmed_at = timezone.now()
    factor.last_step = step
    factor.save(update_fields=["confirmed_at", "last_step", "updated_at"])
    codes = _new_recovery_codes(user)
    audit.record(actor, "core.second_factor.added", object_type="core.user", object_id=str(user.pk))
    return codes


@transaction.atomic
def renew_recovery_codes(actor: Actor) -> list[str]:
    """Replace every recovery code (the old ones stop working) and return the new ones, shown once."""
    user = _person(actor)
    if selectors.second_factor(user) is None:
        raise Refused("Set up an authenticator app before asking for recovery codes.")
    codes = _new_recovery_codes(user)
    audit.record(
        actor, "core.second_factor.recovery_codes_renewed", object_type="core.user", object_id=str(user.pk)
    )
    return codes


@transaction.atomic
def remove(actor: Actor, user: User) -> None:
    """Remove someone's second factor: their own, or anyone's by a platform administrator (a lost phone).

    Every session of theirs ends, so the next sign-in asks for a new factor where one is required.
    """
    if actor.user != user:
        policy.require(actor, "platform.manage")
    elif selectors.second_factor_required(user):
        raise Refused("Your council requires an authenticator app, so it cannot be turned off.")
    deleted, _ = SecondFactor.objects.filter(user=user).delete()
    if not deleted:
        raise Refused(f"{user} has no second factor.")
    RecoveryCode.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    audit.record(actor, "core.second_factor.removed", object_type="core.user", object_id=str(user.pk))


@transaction.atomic
def reset(actor: Actor, username: str) -> None:
    """A platform administrator removes someone's second factor by username (they lost their phone)."""
    policy.require(actor, "platform.manage")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise Refused.on("username", f"There is no account called {username}")
    remove(actor, user)


def verify(user: User, code: str, address: str, *, now: float | None = None) -> str:
    """Check a sign-in's second factor; returns how ("app" or "recovery code") or refuses.

    Not one transaction on purpose: a wrong code must be counted even though the attempt is refused.
    """
    username = user.get_username()
    throttle.check(username, address, second_factor=True)
    how = _accept(user, code, now)
    if how is None:
        throttle.record_failure(username, address, second_factor=True)
        raise Refused.on("code", "The code is not right, or it has been used already")
    throttle.record_success(username, second_factor=True)
    return how


@transaction.atomic
def _accept(user: User, code: str, now: float | None) -> str | None:
    factor = SecondFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if factor is None:
        return None
    step = _matching_step(factor.secret, _digits(code), now)
    if step is not None:
        if step <= factor.last_step:
            return None  # replayed: this code, or a later one, was accepted already
        factor.last_step = step
        factor.save(update_fields=["last_step", "updated_at"])
        how = "app"
    else:
        used = RecoveryCode.objects.filter(
            user=user, digest=_recovery_digest(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            return None
        how = "recovery code"
    audit.record(
        Actor.system("sign-in"),
        "core.second_factor.used",
        object_type="core.user",
        object_id=str(user.pk),
        data={"how": how},
    )
    return how


def _person(actor: Actor) -> User:
    # Only a person has an authenticator; a system actor reaching here is a programming error.
    assert actor.user is not None
    return actor.user


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def _matching_step(secret: str, code: str, now: float | None) -> int | None:
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_recovery_digest(c)) for c in codes)
    # Shown in groups of four, as people copy them onto paper.
    return ["-".join(code[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for code in codes]
