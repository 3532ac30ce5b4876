"""Sign-in in two steps when a second factor is needed: the password, then the code.

After a right password the person is *not* signed in: the session holds only who is half-way, for ten
minutes. Nothing reads that as being signed in (request.user stays anonymous), so no page or API call
can be reached with the password alone. The hold also carries the account's session hash, so a
password change or "sign out everywhere" in the meantime cancels it.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import auth
from django.http import HttpRequest

from civichub.core.models import User

HOLD = "civichub.sign_in_pending"
HOLD_SECONDS = 10 * 60


def hold(request: HttpRequest, user: User, next_url: str) -> None:
    # A new session key, so a key planted before the password was typed is worth nothing afterwards.
    request.session.cycle_key()
    request.session[HOLD] = {
        "user": str(user.pk),
        "hash": user.get_session_auth_hash(),
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "at": int(time.time()),
        "next": next_url,
    }


def pending(request: HttpRequest) -> User | None:
    """The person half-way through signing in, if the hold is still good."""
    held: dict[str, Any] | None = request.session.get(HOLD)
    if not held or time.time() - held.get("at", 0) > HOLD_SECONDS:
        return None
    user = User.objects.filter(pk=str(held.get("user")), is_active=True).first()
    if user is None or user.get_session_auth_hash() != held.get("hash"):
        return None
    return user


def next_url(request: HttpRequest) -> str:
    held = request.session.get(HOLD) or {}
    return str(held.get("next") or "")


def finish(request: HttpRequest, user: User) -> str:
    """Sign the person in (a fresh session) and return where they were going."""
    held = request.session.pop(HOLD, {})
    auth.login(request, user, backend=held.get("backend"))
    return str(held.get("next") or "")
