"""Matching a need in a place to the open opportunities, with reasons: a read (GET never writes).

A need in a place is: need category codes, the places (wards and LSOAs of the council, or its N most
deprived wards, or the whole council), who is asking (an applicant type) and how much. Each open
opportunity gets a transparent additive score out of 100, five parts each with its reason in words:

    need      40  it funds one of the needs (10 if it names no need; 0 if only others)
    applicant 20  the asker's kind may apply (10 if it does not say who may)
    area      20  it covers the places: named (20), the council (18), England (15), no area named (12);
                  in part, in proportion
    amount    10  the sum sought is within its minimum and maximum and its pot (6 with no limits given)
    deadline  10  enough days left to apply (21 or more, or open-ended); fewer days, fewer points

Closed opportunities are left out; so are those themed only for other needs. A part that rules an
opportunity out (the asker may not apply, the places are not covered, the amount is outside its limits)
marks it `blocked`: blocked ones rank below every other, whatever their score. Why it is designed so:
docs/adr/0017-bids-matching-and-giving.md.

The database scores, ranks and pages (the same points in SQL: match_scores.py, ADR 0026); the reasons in
words are written here only for the opportunities read, a page at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, overload

from django.db.models import Q
from django.utils import timezone

from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.funding import checks, match_scores
from civichub.funding.match_scores import ENGLAND, ENOUGH_DAYS
from civichub.funding.models import ApplicantType, Opportunity
from civichub.needs import selectors as needs
from civichub.places import selectors as places

MATCH_AT = 60  # a saved need records an opportunity that scores this or more and is not blocked
MOST_DEPRIVED_LIMIT = 30
PLURALS = {
    "local-authority": "Local authorities",
    "public-body": "Other public bodies",
    "charity": "Charities",
    "cic": "Community interest companies",
    "social-enterprise": "Social enterprises",
    "community-group": "Community groups",
    "non-profit": "Other non-profits",
    "business": "Businesses",
    "school": "Schools and colleges",
    "individual": "Individuals",
}


def pounds(amount: Decimal) -> str:
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


@dataclass(frozen=True)
class Ask:
    """A need in a place, as asked."""

    needs: tuple[str, ...]
    areas: tuple[str, ...] = ()
    most_deprived: int | None = None
    applicant_type: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    # The codes an opportunity may name to cover it: itself, its ward, its council, England.
    covers: frozenset[str]


@dataclass(frozen=True)
class Reason:
    part: str
    points: int
    of: int
    text: str
    ok: bool = True  # False: this rules the opportunity out for the asker

    def as_dict(self) -> dict[str, Any]:
        return {"part": self.part, "points": self.points, "of": self.of, "text": self.text, "ok": self.ok}


@dataclass(frozen=True)
class Fit:
    opportunity: Opportunity
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> int:
        return sum(r.points for r in self.reasons)

    @property
    def blocked(self) -> bool:
        return any(not r.ok for r in self.reasons)

    @property
    def is_match(self) -> bool:
        """Good enough to record against a saved need."""
        return not self.blocked and self.score >= MATCH_AT


def ask_of(council: Council, raw: Mapping[str, Any]) -> Ask:
    """The ask from a form or the API, checked: codes the council knows, places of the council."""
    codes = checks.need_codes(raw.get("needs"), set(needs.theme_codes(council)), "needs", required=True)
    areas = [code.upper()[:9] for code in checks.items(raw.get("areas"), limit=60)]
    if len(areas) > 50:
        raise Refused.on("areas", "Name up to 50 wards or LSOAs")
    for code in areas:
        try:
            needs.area_of(council, code)
        except NotFound:
            raise Refused.on("areas", f"'{code}' is not a ward or LSOA of {council.short_name}") from None
    most = clean_number(raw.get("most_deprived"))
    if most is not None and not 1 <= most <= MOST_DEPRIVED_LIMIT:
        raise Refused.on("most_deprived", f"Give a number of wards from 1 to {MOST_DEPRIVED_LIMIT}")
    if most is not None and areas:
        raise Refused.on("most_deprived", "Name the places, or ask for the most deprived wards: not both")
    kind = str(raw.get("applicant_type") or "").strip().lower()[:30]
    if kind and kind not in ApplicantType.values:
        raise Refused.on("applicant_type", f"Use one of {', '.join(ApplicantType.values)}")
    amount = checks.money(raw.get("amount"), "amount")
    return Ask(tuple(codes), tuple(areas), most, kind, amount)


def clean_number(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise Refused.on("most_deprived", "Give a whole number of wards, like 3")
    return int(text)


def most_deprived_wards(council: Council, n: int) -> list[str]:
    """The council's n most deprived wards: by the population-weighted mean IMD 2019 rank of the LSOAs
    whose best-fit ward each is (rank 1 is England's most deprived LSOA)."""
    weighted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lsoa in places.lsoas_in(council.gss_code):
        if lsoa.best_fit_ward_id:
            people = lsoa.population or 1
            weighted[lsoa.best_fit_ward_id][0] += lsoa.imd_rank * people
            weighted[lsoa.best_fit_ward_id][1] += people
    ordered = sorted(weighted, key=lambda ward: (weighted[ward][0] / weighted[ward][1], ward))
    return ordered[:n]


def places_of(council: Council, ask: Ask) -> list[Place]:
    """The places asked about; the whole council if none were named."""
    codes = list(ask.areas) or (most_deprived_wards(council, ask.most_deprived) if ask.most_deprived else [])
    if not codes:
        return [Place(council.gss_code, council.short_name, frozenset({council.gss_code, ENGLAND}))]
    found = []
    for code in codes:
        area = needs.area_of(council, code)
        name = f"{area.name} ward" if area.kind == "ward" else area.name
        covers = {area.code, area.ward_code, council.gss_code, ENGLAND} - {""}
        found.append(Place(area.code, name, frozenset(covers)))
    return found


def _names(items: list[str]) -> str:
    shown = items[:3] + ([f"{len(items) - 3} more"] if len(items) > 3 else [])
    return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]


def _need(o: Opportunity, ask: Ask, names: dict[str, str]) -> Reason:
    funded = [code for code in ask.needs if code in o.theme_list]
    if funded:
        return Reason("need", 40, 40, f"Funds {_names([names.get(c, c) for c in funded])}")
    if not o.theme_list:
        return Reason("need", 10, 40, "Names no particular need: read what it funds")
    others = _names([names.get(c, c) for c in o.theme_list])
    return Reason("need", 0, 40, f"Funds {others}, not {_names([names.get(c, c) for c in ask.needs])}")


def _applicant(o: Opportunity, ask: Ask) -> Reason:
    if not ask.applicant_type:
        return Reason("applicant", 10, 20, "No applicant type given to check")
    who = PLURALS[ask.applicant_type]
    if not o.applicant_type_list:
        return Reason("applicant", 10, 20, "Does not say who may apply: check with the funder")
    if ask.applicant_type in o.applicant_type_list:
        return Reason("applicant", 20, 20, f"{who} may apply")
    allowed = _names([PLURALS.get(k, k).lower() for k in o.applicant_type_list])
    return Reason("applicant", 0, 20, f"{who} may not apply (it is for {allowed})", ok=False)


def _area(o: Opportunity, spots: list[Place], council: Council) -> Reason:
    named = set(o.area_list)
    if not named:
        return Reason("area", 12, 20, "Names no area, so open anywhere")
    covered = [p for p in spots if p.covers & named]
    missing = [p for p in spots if not p.covers & named]
    if not covered:
        return Reason("area", 0, 20, f"Does not cover {_names([p.name for p in missing])}", ok=False)
    if missing:
        points = round(20 * len(covered) / len(spots))
        text = f"Covers {_names([p.name for p in covered])} but not {_names([p.name for p in missing])}"
        return Reason("area", points, 20, text)
    if all(p.covers & (named - {council.gss_code, ENGLAND}) for p in spots):
        return Reason("area", 20, 20, f"Covers {_names([p.name for p in spots])}")
    if council.gss_code in named:
        return Reason("area", 18, 20, f"Covers all of {council.short_name}")
    return Reason("area", 15, 20, "Open across England")


def _amount(o: Opportunity, ask: Ask) -> Reason:
    sought = ask.amount
    if sought is None:
        return Reason("amount", 5, 10, "No amount sought to compare")
    wanted = pounds(sought)
    if o.maximum_award is not None and o.maximum_award < sought:
        return Reason(
            "amount", 0, 10, f"Maximum {pounds(o.maximum_award)} is below the {wanted} sought", ok=False
        )
    if o.minimum_award is not None and o.minimum_award > sought:
        return Reason(
            "amount", 0, 10, f"Minimum {pounds(o.minimum_award)} is above the {wanted} sought", ok=False
        )
    if o.total_pot is not None and o.total_pot < sought:
        pot = pounds(o.total_pot)
        return Reason("amount", 0, 10, f"The whole pot, {pot}, is less than the {wanted} sought", ok=False)
    if o.minimum_award is None and o.maximum_award is None:
        return Reason("amount", 6, 10, "Gives no award limits: check with the funder")
    low = pounds(o.minimum_award) if o.minimum_award is not None else "£0"
    high = f" to {pounds(o.maximum_award)}" if o.maximum_award is not None else " or more"
    return Reason("amount", 10, 10, f"{wanted} is within its awards of {low}{high}")


def _deadline(o: Opportunity, today: date) -> Reason:
    opens = f"; opens on {o.opens_on:%-d %B %Y}" if o.opens_on and o.opens_on > today else ""
    if o.closes_on is None:
        return Reason("deadline", 10, 10, f"Open until further notice{opens}")
    days = (o.closes_on - today).days
    when = "Closes today" if days == 0 else "Closes tomorrow" if days == 1 else f"Closes in {days} days"
    if days >= ENOUGH_DAYS:
        return Reason("deadline", 10, 10, f"{when}{opens}")
    return Reason("deadline", round(10 * days / ENOUGH_DAYS), 10, f"{when}: little time to apply{opens}")


def fit(
    o: Opportunity, ask: Ask, spots: list[Place], council: Council, names: dict[str, str], today: date
) -> Fit:
    """How well one opportunity fits the ask, part by part."""
    return Fit(
        o,
        (
            _need(o, ask, names),
            _applicant(o, ask),
            _area(o, spots, council),
            _amount(o, ask),
            _deadline(o, today),
        ),
    )


def candidates(council: Council, ask: Ask, today: date) -> Any:
    """Open (not closed) opportunities the council sees, themed for one of the needs or for none."""
    themed = Q(themes="")
    for code in ask.needs:
        themed |= Q(themes__contains=f" {code} ")
    return (
        Opportunity.objects.for_council_and_platform(council)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .filter(themed)
    )


class Ranking:
    """The open opportunities ranked by fit, scored and ordered by the database: its length is a COUNT,
    a slice reads only that page and writes the reasons of its opportunities."""

    def __init__(self, scored: Any, ask: Ask, spots: list[Place], council: Council, today: date) -> None:
        self.scored = scored
        self._names: dict[str, str] | None = None
        self._ask, self._spots, self._council, self._today = ask, spots, council, today
        self._count: int | None = None

    def _fits(self, found: Any) -> list[Fit]:
        if self._names is None:
            self._names = needs.category_names(self._council)
        return [fit(o, self._ask, self._spots, self._council, self._names, self._today) for o in found]

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.scored.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> Fit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Fit]: ...
    def __getitem__(self, index: int | slice) -> Fit | list[Fit]:
        if isinstance(index, slice):
            return self._fits(self.scored[index])
        return self._fits([self.scored[index]])[0]

    def __iter__(self) -> Iterator[Fit]:
        for start in range(0, len(self), 500):
            yield from self[start : start + 500]

    def unblocked(self) -> int:
        return int(self.scored.filter(match_blocked=0).count())

    def matches(self) -> list[Fit]:
        """Those good enough to record against a saved need (not blocked, MATCH_AT or more)."""
        return self._fits(self.scored.filter(match_blocked=0, match_score__gte=MATCH_AT))


def rank(council: Council, ask: Ask, *, today: date | None = None, only: Any = None) -> Ranking:
    """The open opportunities ranked by fit: unblocked first, then by score, then closing soonest (open
    until further notice last), then by name. `only` narrows to some opportunities (the ones just added,
    when recording matches)."""
    today = today or timezone.localdate()
    spots = places_of(council, ask)
    found = candidates(council, ask, today)
    if only is not None:
        found = found.filter(pk__in=only)
    scored = match_scores.scored(
        found,
        needs=ask.needs,
        kind=ask.applicant_type,
        spots=[spot.covers for spot in spots],
        council_code=council.gss_code,
        sought=ask.amount,
        today=today,
    )
    return Ranking(scored, ask, spots, council, today)
