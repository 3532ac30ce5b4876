"""Secrets the platform must read back (webhook signing keys, second-factor keys) are encrypted at rest.

They are sealed with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`) under keys that come
from settings (`CIVICHUB_SECRETS_KEYS`), never from the database, so a copy of the database alone (a
dump, a backup, a stolen disk) shows no secret. Several keys may be set: the first seals, any of them
opens, which is how a key is rotated without a moment when old rows cannot be read:

1. put a new key first in `CIVICHUB_SECRETS_KEYS` and restart;
2. run `civichub secrets rotate` (audited), which re-seals every secret under the new key;
3. take the old key out.

Secrets that need only be checked, never read back (passwords, API tokens, recovery codes), are
hashed instead and do not belong here.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models

# Sealed values carry a prefix, so a column can be checked for anything stored in clear.
PREFIX = "fernet:"


class SecretUnreadable(Exception):
    """A sealed value that none of the configured keys opens (a key was removed too soon)."""


@cache
def _keyring() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in configured_keys()])


def configured_keys() -> list[str]:
    """The keys from settings, the sealing one first. Production refuses to start without one (see
    settings.production); elsewhere a key derived from SECRET_KEY stands in, so the demo needs no set-up.
    """
    keys = [key for key in settings.CIVICHUB_SECRETS_KEYS if key]
    return keys or [key_from_secret_key(settings.SECRET_KEY)]


def fingerprint(key: str) -> str:
    """A short name for a key, safe to show and to audit (it reveals nothing of the key)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def seal(plain: str) -> str:
    return PREFIX + _keyring().encrypt(plain.encode()).decode()


def open_sealed(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise SecretUnreadable("The value is not sealed.")
    try:
        return _keyring().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("None of the configured keys opens this secret.") from exc


def opens(key: str, stored: str) -> bool:
    """Whether this one key opens a sealed value (to tell which key sealed it)."""
    try:
        Fernet(key.encode()).decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def key_from_secret_key(secret_key: str) -> str:
    """A development key derived from Django's SECRET_KEY, for machines that set no key of their own."""
    digest = hashlib.sha256(b"civichub-secrets:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def reset_keyring(**kwargs: Any) -> None:
    """Forget the cached keys (after settings change, as in a rotation or a test)."""
    _keyring.cache_clear()


setting_changed.connect(reset_keyring)


class SealedTextField(models.TextField):
    """A text column whose value is sealed in the database and plain in Python.

    An empty string stays empty (there is nothing to hide, and blank means "none"). Sealing is random,
    so a sealed column cannot be searched or compared in SQL: none of these secrets is ever looked up.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return open_sealed(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return seal(str(value))
