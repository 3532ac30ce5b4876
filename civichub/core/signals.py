"""Sign-ins, sign-outs and failed sign-ins go into the audit log: who reached the platform, and who tried."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from civichub.core import audit, throttle
from civichub.core.actors import Actor


@receiver(user_logged_in)
def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(Actor(user=user), "core.user.signed_in", obj=user)
    throttle.record_success(user.username)


@receiver(user_logged_out)
def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(Actor(user=user), "core.user.signed_out", obj=user)


@receiver(user_login_failed)
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The username tried, never the password (Django has already masked it).
    username = str(credentials.get("username", ""))[:150]
    throttle.record_failure(username, throttle.address_of(request))
    audit.record(
        Actor.system("sign-in"),
        "core.user.sign_in_failed",
        object_type="core.user",
        data={"username": username},
    )
