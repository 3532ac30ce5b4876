"""Key rotation: every sealed secret re-sealed under the newest key, in one audited transaction.

See `core.secrets` for the steps an operator follows; `civichub secrets rotate` runs this.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.secrets import PREFIX, SealedTextField, configured_keys, fingerprint, opens, reset_keyring


@dataclass(frozen=True)
class Rotation:
    counts: dict[str, int]  # "app_label.model.field" -> secrets re-sealed
    key: str  # fingerprint of the key that seals now

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def sealed_fields() -> list[tuple[type[models.Model], str]]:
    """Every sealed column of every installed app, found from the models so none can be forgotten."""
    found = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, SealedTextField):
                found.append((model, model_field.attname))
    return found


@transaction.atomic
def rotate(actor: Actor) -> Rotation:
    """Re-seal every secret under the first configured key, in one transaction, and audit that it ran.

    Rows are read with the plain base manager because rotation is platform upkeep that must reach every
    council's rows; nothing read here leaves this function.
    """
    reset_keyring()
    counts: dict[str, int] = {}
    for model, attname in sealed_fields():
        label = f"{model._meta.label_lower}.{attname}"
        rows = model._base_manager.exclude(**{attname: ""}).exclude(**{f"{attname}__isnull": True})
        done = 0
        # Read whole before writing: these are a few secrets per endpoint or person, and SQLite must not
        # update a table under an open cursor over it.
        for pk, plain in list(rows.values_list("pk", attname)):
            # update() seals afresh with the first key; a value no key opens has already raised, naming
            # nothing secret, before any row was changed for good (the transaction rolls back).
            model._base_manager.filter(pk=pk).update(**{attname: plain})
            done += 1
        counts[label] = done
    result = Rotation(counts=counts, key=fingerprint(configured_keys()[0]))
    audit.record(
        actor,
        "core.secrets.rotated",
        object_type="core.secrets",
        object_id=result.key,
        data={"counts": counts, "total": result.total, "keys_configured": len(configured_keys())},
    )
    return result


@dataclass(frozen=True)
class Survey:
    """How the sealed secrets stand: per key, how many it opens; and any that none opens or in clear."""

    by_key: dict[str, int]  # key fingerprint -> secrets sealed under it
    unreadable: int
    in_clear: int

    @property
    def only_newest_key(self) -> bool:
        newest = fingerprint(configured_keys()[0])
        return (
            not self.unreadable
            and not self.in_clear
            and all(count == 0 for key, count in self.by_key.items() if key != newest)
        )


def survey() -> Survey:
    """Which key seals each secret, read from the stored text: tells an operator when an old key can go."""
    keys = configured_keys()
    by_key = {fingerprint(key): 0 for key in keys}
    unreadable = in_clear = 0
    for model, attname in sealed_fields():
        # Cast to plain text so the sealed field does not open the value on the way out.
        raw = model._base_manager.annotate(raw=Cast(attname, models.TextField())).values_list(
            "raw", flat=True
        )
        for stored in raw:
            if not stored:
                continue
            if not stored.startswith(PREFIX):
                in_clear += 1
                continue
            opener = next((key for key in keys if opens(key, stored)), None)
            if opener is None:
                unreadable += 1
            else:
                by_key[fingerprint(opener)] += 1
    return Survey(by_key=by_key, unreadable=unreadable, in_clear=in_clear)
