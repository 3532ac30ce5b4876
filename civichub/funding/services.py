"""Funding services: adding and changing opportunities in the catalogue, by hand (a form or the API) or
many at once (the import). Platform opportunities (for every council) are the platform administrators';
a council's commissioners and analysts add the council's own. Each change is audited and published in
the transaction that makes it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.funding import alerts, search
from civichub.funding.details import Details, check_opportunity
from civichub.funding.funding_needs import record_matches_for_opportunity
from civichub.funding.models import Opportunity, PastGrant
from civichub.funding.selectors import theme_codes


def _may_add(actor: Actor, council: Council | None) -> None:
    if council is None:
        policy.require(actor, "platform.manage", None)
    else:
        policy.require(actor, "funding.manage", council)


def _catalogue(council: Council | None) -> Any:
    return Opportunity.objects.for_platform() if council is None else Opportunity.objects.for_council(council)


def _save(actor: Actor, council: Council | None, details: Details) -> tuple[Opportunity, bool]:
    found = _catalogue(council).filter(funder=details.funder, programme=details.programme).first()
    fields = details.as_fields()
    if found is not None and all(getattr(found, k) == v for k, v in fields.items()):
        return found, False
    opportunity = found or Opportunity(council=council)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.save()
    search.write(opportunity)
    change = "changed" if found is not None else "added"
    if change == "added":
        alerts.queue_alerts(opportunity)
    audit.record(
        actor,
        f"funding.opportunity.{change}",
        obj=opportunity,
        council=council,
        data={"funder": details.funder, "programme": details.programme},
    )
    publish(
        "funding.opportunity.added",
        council=council,
        subject=opportunity,
        data={
            "opportunity_id": str(opportunity.pk),
            "funder": details.funder,
            "programme": details.programme,
            "change": change,
        },
    )
    # Saved funding needs it now fits get it recorded as a match (issue 12: matches as they appear).
    record_matches_for_opportunity(opportunity)
    return opportunity, True


@transaction.atomic
def add_opportunity(actor: Actor, council: Council | None, raw: Mapping[str, Any]) -> Opportunity:
    """Add an opportunity (or change the one of the same funder and name) from Find a Grant's fields."""
    _may_add(actor, council)
    details, problems = check_opportunity(raw, theme_codes(council))
    if details is None:
        raise Refused("; ".join(str(p) for p in problems[:5]), problems)
    return _save(actor, council, details)[0]


@transaction.atomic
def save_opportunities(actor: Actor, council: Council | None, checked: list[Details]) -> tuple[int, int]:
    """Save checked opportunities (the import's); returns (added, changed)."""
    _may_add(actor, council)
    added = changed = 0
    for details in checked:
        existed = _catalogue(council).filter(funder=details.funder, programme=details.programme).exists()
        _, saved = _save(actor, council, details)
        added += saved and not existed
        changed += saved and existed
    return added, changed


@transaction.atomic
def save_grants(actor: Actor, grants: list[dict[str, Any]]) -> tuple[int, int]:
    """Add or replace past grants by their 360Giving id; returns (added, updated)."""
    policy.require(actor, "platform.manage", None)
    held = set(
        PastGrant.objects.filter(identifier__in=[g["identifier"] for g in grants]).values_list(
            "identifier", flat=True
        )
    )
    for grant in grants:
        PastGrant.objects.update_or_create(identifier=grant["identifier"], defaults=grant)
    added, updated = len(grants) - len(held), len(held)
    audit.record(
        actor,
        "funding.grants.imported",
        object_type="funding.pastgrant",
        data={"added": added, "updated": updated},
    )
    publish(
        "funding.grants.imported",
        council=None,
        subject_type="funding.pastgrant",
        data={"added": added, "updated": updated},
    )
    return added, updated
