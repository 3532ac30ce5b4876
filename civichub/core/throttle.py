"""Failed sign-ins are throttled, per account and per source address, and an account is locked after many.

The first few failures cost nothing (people mistype). After that each further attempt must wait twice as
long as the one before (1 s, 2 s, 4 s … up to 15 minutes), counted from the last failure, and an attempt
made during the wait is refused without the password being checked, so guessing slows to a crawl. Ten
failures in a row lock the account for 30 minutes, or until an administrator unlocks it. Failures are
counted by source address too, so one address cannot walk through many accounts. A success clears the
account's count. Locks and unlocks are audited. API tokens share the address count: a bad token is a
failure like a bad password.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import SignInFailures

FREE_FAILURES = 5
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=30)
LONGEST_WAIT = timedelta(minutes=15)
ACCOUNT, ADDRESS = "account", "address"
TOO_MANY = "Too many failed sign-ins"


class Throttled(Refused):
    """Too many failures: wait `retry_after` seconds (the API answers 429 with Retry-After)."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)


def address_of(request: HttpRequest | None) -> str:
    """The address an attempt came from: the socket's peer, or behind trusted proxies the client they name.

    X-Forwarded-For is believed only as far as it was written by a proxy in CIVICHUB_TRUSTED_PROXIES:
    it is read from the right (the hop nearest us), skipping trusted proxies, and the first address not
    ours is the client. Anything further left was written by the client and could be made up to dodge
    the throttle, so it is never read.
    """
    if request is None:
        return "unknown"
    peer = request.META.get("REMOTE_ADDR") or "unknown"
    if not _trusted(peer):
        return peer[:150]
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return _address_or_unknown(hop)
    return peer[:150]


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


def _trusted_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.CIVICHUB_TRUSTED_PROXIES]


def _address_or_unknown(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return (
            "unknown"  # a proxy that forwards garbage: count it as one bucket, not as a fresh key each time
        )


def _account(username: str, second_factor: bool = False) -> str:
    # Second-factor failures are counted apart, so the right password cannot wipe them out.
    return (("2fa:" if second_factor else "") + username.lower())[:150]


def _keys(username: str, address: str, second_factor: bool = False) -> list[tuple[str, str]]:
    """What an attempt counts against: its address, and its account if it named one."""
    if not username:
        return [(ADDRESS, address)]
    return [(ACCOUNT, _account(username, second_factor)), (ADDRESS, address)]


def _wait(row: SignInFailures, now: datetime) -> timedelta:
    if row.locked_until and row.locked_until > now:
        return row.locked_until - now
    if row.failures < FREE_FAILURES or row.last_failure_at is None:
        return timedelta(0)
    # The exponent is capped: 2**20 s is past the longest wait already, and an uncapped one overflows
    # timedelta once an address has failed a few dozen times.
    doublings = min(row.failures - FREE_FAILURES, 20)
    backoff = min(timedelta(seconds=2**doublings), LONGEST_WAIT)
    return max(timedelta(0), row.last_failure_at + backoff - now)


def check(username: str, address: str, *, second_factor: bool = False) -> None:
    """Refuse (Throttled) an attempt made while the account or the address must still wait."""
    now = timezone.now()
    for scope, key in _keys(username, address, second_factor):
        row = SignInFailures.objects.filter(scope=scope, key=key).first()
        wait = _wait(row, now) if row is not None else timedelta(0)
        if wait > timedelta(0):
            seconds = max(1, int(wait.total_seconds() + 0.999))
            locked = scope == ACCOUNT and row is not None and row.locked_until and row.locked_until > now
            why = (
                "This account is locked after too many failed sign-ins"
                if locked
                else "Too many failed sign-ins"
            )
            raise Throttled(f"{why}. Try again in {_in_words(seconds)}.", seconds)


@transaction.atomic
def record_failure(username: str, address: str, *, second_factor: bool = False) -> None:
    """Count a failed attempt; the tenth in a row for an account locks it (audited)."""
    now = timezone.now()
    for scope, key in _keys(username, address, second_factor):
        row, _ = SignInFailures.objects.select_for_update().get_or_create(scope=scope, key=key)
        row.failures += 1
        row.last_failure_at = now
        if (
            scope == ACCOUNT
            and row.failures >= LOCK_AFTER
            and not (row.locked_until and row.locked_until > now)
        ):
            row.locked_until = now + LOCK_FOR
            audit.record(
                Actor.system("sign-in"),
                "core.user.locked",
                object_type="core.user",
                object_id=key,
                data={"failures": row.failures, "until": row.locked_until.isoformat()},
            )
        row.save()


def record_success(username: str, *, second_factor: bool = False) -> None:
    """A correct password (or code) clears the account's count for it (the address keeps its own)."""
    SignInFailures.objects.filter(scope=ACCOUNT, key=_account(username, second_factor)).delete()


def locked_accounts() -> models.QuerySet[SignInFailures]:
    return SignInFailures.objects.filter(scope=ACCOUNT, locked_until__gt=timezone.now()).order_by("key")


@transaction.atomic
def unlock(actor: Actor, username: str) -> None:
    """An administrator unlocks an account before its lock runs out (audited)."""
    policy.require(actor, "platform.manage")
    keys = [_account(username), _account(username, second_factor=True)]
    cleared, _ = SignInFailures.objects.filter(scope=ACCOUNT, key__in=keys).delete()
    if not cleared:
        raise Refused.on("username", f"{username} is not locked")
    audit.record(actor, "core.user.unlocked", object_type="core.user", object_id=_account(username))


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{(seconds + 59) // 60} minutes"
