"""Saved funding needs and their recorded matches.

A council saves a need in a place (`matching.Ask` with a name); from then on every opportunity that fits
it (not blocked, scoring `matching.MATCH_AT` or more) is recorded once, with its score and reasons as
they were then, and each new match publishes `funding.match.found`. Matches are looked for when the need
is saved (against the whole open catalogue) and whenever an opportunity is added or changed (the
catalogue's service calls `record_matches_for_opportunity` in the transaction that saves it). Recording
is idempotent: a need and an opportunity make one match at most.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.selectors import councils
from civichub.core.text import clean_text
from civichub.funding import matching
from civichub.funding.models import FundingMatch, FundingNeed, Opportunity, padded


def _ask_of(need: FundingNeed) -> matching.Ask:
    return matching.Ask(
        tuple(need.need_list), tuple(need.area_list), need.most_deprived, need.applicant_type, need.amount
    )


@transaction.atomic
def save_need(actor: Actor, council: Council, raw: Mapping[str, Any]) -> FundingNeed:
    """Save a funding need (a need in a place) and record the opportunities that already fit it."""
    policy.require(actor, "funding.needs.manage", council)
    name = clean_text(str(raw.get("name") or ""))
    if not name or len(name) > 200:
        raise Refused.on("name", "Give the need a name, up to 200 characters")
    ask = matching.ask_of(council, raw)
    if not ask.applicant_type:
        raise Refused.on("applicant_type", "Say who would apply, so eligibility can be checked")
    need = FundingNeed.objects.create(
        council=council,
        name=name,
        need_codes=padded(list(ask.needs)),
        area_codes=padded(list(ask.areas)),
        most_deprived=ask.most_deprived,
        applicant_type=ask.applicant_type,
        amount=ask.amount,
        saved_by=actor.user,
    )
    audit.record(actor, "funding.need.saved", obj=need, council=council, data={"name": name})
    publish(
        "funding.need.saved",
        council=council,
        subject=need,
        data={"need_id": str(need.pk), "name": name, "need_codes": list(ask.needs)},
    )
    record_matches(actor, council, need)
    return need


@transaction.atomic
def record_matches(
    actor: Actor, council: Council, need: FundingNeed, only: list[Any] | None = None
) -> list[FundingMatch]:
    """Record the opportunities that fit the need and were not yet recorded (of `only`, if given)."""
    held = set(
        FundingMatch.objects.for_council(council).filter(need=need).values_list("opportunity_id", flat=True)
    )
    made = []
    now = timezone.now()
    for fit in matching.rank(council, _ask_of(need), only=only).matches():
        if not fit.is_match or fit.opportunity.pk in held:
            continue
        match = FundingMatch.objects.create(
            council=council,
            need=need,
            opportunity=fit.opportunity,
            score=fit.score,
            reasons=[r.as_dict() for r in fit.reasons],
            found_at=now,
        )
        audit.record(
            actor,
            "funding.match.found",
            obj=match,
            council=council,
            data={"need": str(need.pk), "opportunity": str(fit.opportunity.pk), "score": fit.score},
        )
        publish(
            "funding.match.found",
            council=council,
            subject=match,
            data={
                "match_id": str(match.pk),
                "need_id": str(need.pk),
                "opportunity_id": str(fit.opportunity.pk),
                "score": fit.score,
            },
        )
        made.append(match)
    return made


@transaction.atomic
def record_matches_for_opportunity(opportunity: Opportunity) -> int:
    """An opportunity was added or changed: record it against every saved need it now fits (the
    council's own needs for a council's opportunity; every council's for the platform's). Platform
    work, so it acts as a system job in each council."""
    found = 0
    for council in councils():
        if opportunity.council_id not in (None, council.pk):
            continue
        actor = Actor.system("funding matches", council)
        for need in FundingNeed.objects.for_council(council):
            found += len(record_matches(actor, council, need, only=[opportunity.pk]))
    return found
