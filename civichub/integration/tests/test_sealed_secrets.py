"""Webhook signing secrets (and authenticator keys) are sealed at rest: a dump of every table shows none,
and rotating the key re-seals them all. Here, not in core's tests, because the kernel's tests may not
import a context."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from civichub.core import rotation, second_factor
from civichub.core.actors import Actor
from civichub.core.models import AuditEntry, Role
from civichub.core.secrets import PREFIX, SecretUnreadable
from civichub.integration.models import WebhookEndpoint
from civichub.integration.services import register_endpoint, rotate_secret


def _every_row_as_text() -> str:
    """What a database dump holds: every value of every table, as text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our tables
            parts.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(parts)


def test_a_dump_without_the_key_shows_no_secret(make_user, wigan) -> None:
    officer = make_user(Role.COMMISSIONER, wigan)
    actor = Actor(user=officer, council=wigan)
    endpoint = register_endpoint(actor, wigan, url="http://127.0.0.1:9/hook", event_types=[])
    endpoint = rotate_secret(actor, endpoint)  # a current and a previous secret
    factor = second_factor.begin(Actor(user=officer))
    dump = _every_row_as_text()
    for secret in (endpoint.secret, endpoint.previous_secret, factor.secret):
        assert len(secret) >= 16 and secret not in dump
    assert dump.count(PREFIX) >= 3


def test_rotation_reseals_every_secret_under_the_new_key(make_user, wigan, settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CIVICHUB_SECRETS_KEYS = [old]
    officer = make_user(Role.COMMISSIONER, wigan)
    endpoint = register_endpoint(
        Actor(user=officer, council=wigan), wigan, url="http://127.0.0.1:9/hook", event_types=[]
    )
    settings.CIVICHUB_SECRETS_KEYS = [new, old]
    assert not rotation.survey().only_newest_key
    call_command("secrets", "rotate")
    assert rotation.survey().only_newest_key
    settings.CIVICHUB_SECRETS_KEYS = [new]  # the old key can go now
    assert WebhookEndpoint.objects.for_council(wigan).get(pk=endpoint.pk).secret == endpoint.secret
    entry = AuditEntry.objects.get(action="core.secrets.rotated")
    assert entry.data["total"] >= 1 and entry.actor_id == "system:secrets-rotate"
    settings.CIVICHUB_SECRETS_KEYS = [old]  # a key that no longer opens anything
    with pytest.raises(SecretUnreadable):
        WebhookEndpoint.objects.for_council(wigan).get(pk=endpoint.pk)
