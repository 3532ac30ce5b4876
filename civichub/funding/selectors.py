"""Funding selectors: the catalogue a council sees (the platform's opportunities and its own), searched
and filtered. Opportunities are open data, so these reads are not audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.funding.models import ApplicantType, Opportunity, PastGrant, SavedSearch
from civichub.needs import selectors as needs
from civichub.places import selectors as places

ENGLAND = "E92000001"


def theme_codes(council: Council | None) -> set[str]:
    """The need codes an opportunity may be themed with: the platform's, and the council's own."""
    return set(needs.theme_codes(council))


@dataclass(frozen=True)
class Search:
    q: str = ""
    open_now: bool = False
    theme: str = ""
    applicant_type: str = ""
    area: str = ""


def _areas_of(council: Council, code: str) -> list[str]:
    """The codes an opportunity may name to cover `code`: itself, its council and England."""
    code = code.strip().upper()[:9]
    if code in (council.gss_code, ENGLAND):
        return [code, ENGLAND] if code != ENGLAND else [ENGLAND]
    try:
        ward = places.ward(code)
        return [code, ward.local_authority_id, ENGLAND]
    except Http404:
        pass
    try:
        lsoa = places.lsoa(code)
    except Http404:
        raise Refused.on("area", f"'{code}' is not a ward, LSOA or council code we hold") from None
    return [
        code,
        lsoa.local_authority_id,
        *([lsoa.best_fit_ward_id] if lsoa.best_fit_ward_id else []),
        ENGLAND,
    ]


def search(council: Council, found: Search, *, today: date | None = None) -> QuerySet[Opportunity]:
    """Opportunities the council sees that match, closing soonest first (open-ended ones last)."""
    result = Opportunity.objects.for_council_and_platform(council)
    if found.open_now:
        today = today or timezone.localdate()
        result = result.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today)).filter(
            Q(closes_on__isnull=True) | Q(closes_on__gte=today)
        )
    if found.theme:
        theme = found.theme.strip().lower()[:50]
        if theme not in theme_codes(council):
            raise Refused.on("theme", f"'{theme}' is not a need category's code")
        result = result.filter(themes__contains=f" {theme} ")
    if found.applicant_type:
        kind = found.applicant_type.strip().lower()[:30]
        if kind not in ApplicantType.values:
            raise Refused.on("applicant_type", f"Use one of {', '.join(ApplicantType.values)}")
        result = result.filter(applicant_types__contains=f" {kind} ")
    if found.area:
        covers = Q(area_codes="")
        for code in _areas_of(council, found.area):
            covers |= Q(area_codes__contains=f" {code} ")
        result = result.filter(covers)
    if found.q.strip():
        for word in found.q.split()[:8]:
            word = word[:50]
            result = result.filter(
                Q(programme__icontains=word) | Q(funder__icontains=word) | Q(summary__icontains=word)
            )
    return result.order_by(F("closes_on").asc(nulls_last=True), "programme")


def opportunity(council: Council, opportunity_id: object) -> Opportunity:
    found = Opportunity.objects.for_council_and_platform(council).filter(pk=opportunity_id).first()
    if found is None:
        raise NotFound.on("opportunity_id", "No such funding opportunity here")
    return found


@dataclass(frozen=True)
class FunderTotal:
    funder_name: str
    grants: int
    amount: Decimal


def past_grants(council: Council, code: str) -> tuple[str, QuerySet[PastGrant], list[FunderTotal]]:
    """360Giving grants whose beneficiaries are in the area (the council, a ward or an LSOA of it), newest
    first, and the totals by funder: who has funded things here before. A grant's LSOAs were stored with
    their ward and council, so one `contains` finds it."""
    code = code.strip().upper()[:9]
    name = council.short_name if code == council.gss_code else needs.area_of(council, code).name
    found = PastGrant.objects.filter(place_codes__contains=f" {code} ").order_by("-award_date", "title")
    totals = [
        FunderTotal(row["funder_name"], row["grants"], row["amount"])
        for row in found.order_by()
        .values("funder_name")
        .annotate(grants=Count("id"), amount=Sum("amount"))
        .order_by("-amount", "funder_name")
    ]
    return name, found, totals


def saved_searches(council: Council, owner: object) -> QuerySet[SavedSearch]:
    """A person's own saved searches in a council, by name. Nobody sees anyone else's."""
    return SavedSearch.objects.for_council(council).filter(owner=owner).order_by("name", "created_at")
