"""Where webhooks may be sent: public addresses only, so a webhook cannot be aimed at the platform's own
network (SSRF). Checked when an endpoint is registered and again before every attempt, since DNS can
change in between. Loopback can be allowed for tests and local receivers (CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(ValueError):
    pass


def check(url: str) -> list[str]:
    """The addresses `url` resolves to, if every one may be reached; else TargetRefused saying why.

    A sender should connect to one of these addresses, not resolve the name again: a second lookup
    could answer differently (DNS rebinding).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise TargetRefused("The URL must start with https://")
    if not parts.hostname:
        raise TargetRefused("The URL has no host name")
    if parts.username or parts.password:
        raise TargetRefused("The URL must not contain a user name or password")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"The host name {parts.hostname} cannot be found") from None
    allow_loopback = getattr(settings, "CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK", False)
    # In the resolver's order of preference (the order a connection should try them), without repeats.
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if address.is_loopback and allow_loopback:
            continue
        if not address.is_global or address.is_multicast:
            raise TargetRefused(
                f"{parts.hostname} is a private, loopback or link-local address ({address}): "
                "webhooks go to public addresses only"
            )
    if parts.scheme == "http" and not (
        allow_loopback and all(ipaddress.ip_address(a).is_loopback for a in addresses)
    ):
        raise TargetRefused("The URL must start with https://")
    return addresses
