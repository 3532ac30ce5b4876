"""Needs selectors: the taxonomy a council sees (the platform's and its own), its indicators, which of
its places an area code names, a person's assessed needs and counts of unmet need. Needs profiles are in
`needs.profiles`.

The taxonomy, the indicators and the counts are not personal data, so those reads are not audited; a
person's needs are, and each read of them is audited with its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.core.text import clean_text
from civichub.needs.models import AssessedNeed, Indicator, IndicatorValue, NeedCategory
from civichub.places import selectors as places

# Counts below this are not shown outside the council's officers (small numbers could name someone).
SUPPRESS_BELOW = 10


def categories(council: Council) -> QuerySet[NeedCategory]:
    return NeedCategory.objects.for_council_and_platform(council).order_by("name")


def category_names(council: Council) -> dict[str, str]:
    """{code: name} of every need the council sees."""
    return dict(categories(council).values_list("code", "name"))


def indicators(council: Council) -> QuerySet[Indicator]:
    return Indicator.objects.for_council(council).annotate(value_count=Count("values")).order_by("name")


def period_formats(council: Council) -> dict[str, str]:
    """{indicator code: its period shape}: a new file must keep a series' shape."""
    return dict(Indicator.objects.for_council(council).values_list("code", "period_format"))


def values_of(council: Council, indicator_ids: list[object]) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.for_council(council).filter(indicator_id__in=indicator_ids)


@dataclass(frozen=True)
class Area:
    """A ward or an LSOA of the council, by its GSS code."""

    kind: str  # "ward" or "lsoa"
    code: str
    name: str
    ward_code: str  # the ward itself, or an LSOA's best-fit ward
    ward_name: str


def area_of(council: Council, code: str) -> Area:
    """The council's ward or LSOA with this code (404 for anyone else's, or none)."""
    code = code.strip().upper()[:9]
    try:
        ward = places.ward(code, in_area=council.gss_code)
        return Area(
            "ward", ward.gss_code, ward.name or ward.gss_code, ward.gss_code, ward.name or ward.gss_code
        )
    except Http404:
        pass
    try:
        lsoa = places.lsoa(code)
    except Http404:
        lsoa = None
    if lsoa is None or lsoa.local_authority_id != council.gss_code:
        raise NotFound.on("code", f"'{code}' is not a ward or LSOA of {council.short_name}")
    best = lsoa.best_fit_ward
    return Area(
        "lsoa",
        lsoa.code,
        lsoa.name,
        best.gss_code if best else "",
        (best.name or best.gss_code) if best else "",
    )


def theme_codes(council: Council | None) -> list[str]:
    """The need codes the council sees (the platform's alone, for no council): funding's themes."""
    found = categories(council) if council is not None else NeedCategory.objects.for_platform()
    return list(found.values_list("code", flat=True))


def person_needs(actor: Actor, council: Council, person_reference: str, purpose: str) -> list[AssessedNeed]:
    """A person's assessed needs, newest first: personal data, so the read is audited with its purpose."""
    policy.require(actor, "needs.people.view", council)
    purpose = clean_text(purpose)[:500]
    if len(purpose) < 5:
        raise Refused.on(
            "purpose", "Say why you need this person's needs, at least 5 characters: the read is audited"
        )
    reference = clean_text(person_reference)[:64]
    found = list(
        AssessedNeed.objects.for_council(council)
        .filter(person_reference=reference)
        .select_related("met_by", "assessor")
        .order_by("-assessed_on", "category")
    )
    if not found:
        raise NotFound.on("person_reference", "No assessed needs for that person here")
    audit.record(
        actor,
        "needs.person.read",
        object_type="needs.person",
        object_id=reference,
        council=council,
        purpose=purpose,
        data={"needs": len(found)},
    )
    return found


@dataclass(frozen=True)
class UnmetCount:
    ward_code: str
    ward_name: str
    category: str
    people: int | None  # None: fewer than SUPPRESS_BELOW, not shown to this reader

    @property
    def shown(self) -> str:
        return f"fewer than {SUPPRESS_BELOW}" if self.people is None else str(self.people)


def unmet_counts(actor: Actor, council: Council) -> list[UnmetCount]:
    """People with an unmet need, by ward and category, counted on records (distinct person references,
    until the people context's golden records exist). Below 10 is suppressed for anyone but the council's
    officers (councillors, among others, see them suppressed)."""
    policy.require(actor, "needs.view", council)
    exact = actor.is_system or (
        actor.user is not None and policy.allows(actor.user, "needs.counts.exact", council)
    )
    rows = (
        AssessedNeed.objects.for_council(council)
        .filter(status=AssessedNeed.Status.UNMET)
        .values("ward_code", "category")
        .annotate(people=Count("person_reference", distinct=True))
        .order_by("ward_code", "category")
    )
    names = places.ward_names(r["ward_code"] for r in rows)
    return [
        UnmetCount(
            r["ward_code"],
            names.get(r["ward_code"], r["ward_code"] or "No ward known"),
            r["category"],
            r["people"] if exact or r["people"] >= SUPPRESS_BELOW else None,
        )
        for r in rows
    ]


def need_to_move_on(actor: Actor, council: Council, need_id: object) -> AssessedNeed:
    """One assessed need, for the caseworker moving it on (the page shows its need and status, not whose
    it is); another council's id, or none, is a 404."""
    policy.require(actor, "needs.people.record", council)
    try:
        found = (
            AssessedNeed.objects.for_council(council)
            .select_related("met_by")
            .prefetch_related("met_by__identifiers")
            .filter(pk=need_id)
            .first()
        )
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound.on("need_id", "No such assessed need here")
    return found
