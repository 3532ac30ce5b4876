"""The matching score and its blocking parts as SQL, so the database ranks and pages the catalogue.

`matching.py` says the rule, part by part, with a reason in words for each; this module computes the same
points in SQL (portable expressions: LIKE on the space-padded code lists, CASE, date and number
comparisons), so that only the page shown is read into Python to be given its reasons. The two must
agree: tests/test_matching checks every part's points and the order on a hand-built catalogue, and that
the SQL score and blocking equal those summed from the reasons for many asks.

Python's `round` halves to even where SQL's ROUND halves away from zero, so the few rounded figures (an
area covered in part, a deadline under 21 days) are worked out here in Python for each possible input
and looked up in SQL by CASE, never rounded by the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Case, F, IntegerField, Q, Value, When

ENGLAND = "E92000001"
ENOUGH_DAYS = 21
INT: IntegerField[int, int] = IntegerField()


def _has(field: str, codes: Iterable[str]) -> Q | None:
    """The field's space-padded list holds one of the codes (None if no codes: nothing can match)."""
    found = [Q(**{f"{field}__contains": f" {code} "}) for code in sorted(codes)]
    return reduce(or_, found) if found else None


def _points(cases: list[tuple[Q | None, int]], default: int) -> Any:
    """CASE WHEN ... THEN points ... ELSE default, skipping conditions that can never hold."""
    whens = [When(condition, then=Value(points)) for condition, points in cases if condition is not None]
    return Case(*whens, default=Value(default), output_field=INT) if whens else Value(default, INT)


def _flag(condition: Q | None) -> Any:
    """1 where the condition holds, else 0 (0 everywhere if it can never hold)."""
    return _points([(condition, 1)], 0)


def need(needs: Iterable[str]) -> Any:
    return _points([(_has("themes", needs), 40), (Q(themes=""), 10)], 0)


def applicant(kind: str) -> tuple[Any, Any]:
    """Points and blocked (1/0): an asker of a kind the opportunity does not list may not apply."""
    if not kind:
        return Value(10, INT), Value(0, INT)
    listed = _has("applicant_types", [kind])
    points = _points([(Q(applicant_types=""), 10), (listed, 20)], 0)
    return points, _flag(~Q(applicant_types="") & ~listed)  # type: ignore[operator]


def area(spots: list[frozenset[str]], council_code: str) -> tuple[Any, Any]:
    """Points and blocked (1/0) for the places asked about, each given by the codes that cover it."""
    covered = [_has("area_codes", covers) for covers in spots]
    # How many of the places are covered: the points in part are looked up by that count.
    count = reduce(lambda a, b: a + b, [_flag(c) for c in covered])
    # Covered by a code finer than the council or England: every place must be, for the full 20.
    specific = [_has("area_codes", covers - {council_code, ENGLAND}) for covers in spots]
    every_specific: Q | None = None
    if all(s is not None for s in specific):
        every_specific = reduce(lambda a, b: a & b, [s for s in specific if s is not None])
    n = len(spots)
    in_part = Case(
        *[When(Q(covered_places=k), then=Value(round(20 * k / n))) for k in range(1, n)],
        default=Value(None),
        output_field=INT,
    )
    points = Case(
        When(area_codes="", then=Value(12)),
        When(Q(covered_places=0), then=Value(0)),
        When(Q(covered_places__lt=n), then=in_part),
        *([When(every_specific, then=Value(20))] if every_specific is not None else []),
        When(area_codes__contains=f" {council_code} ", then=Value(18)),
        default=Value(15),
        output_field=INT,
    )
    return (count, points), _flag(~Q(area_codes="") & Q(covered_places=0))


def amount(sought: Decimal | None) -> tuple[Any, Any]:
    """Points and blocked (1/0): the sum sought is above the maximum or the pot, or below the minimum."""
    if sought is None:
        return Value(5, INT), Value(0, INT)
    outside = Q(maximum_award__lt=sought) | Q(minimum_award__gt=sought) | Q(total_pot__lt=sought)
    no_limits = Q(minimum_award__isnull=True, maximum_award__isnull=True)
    return _points([(outside, 0), (no_limits, 6)], 10), _flag(outside)


def deadline(today: date) -> Any:
    """10 if open-ended or ENOUGH_DAYS or more left; fewer days, fewer points (closed ones are not asked)."""
    cases: list[tuple[Q | None, int]] = [
        (Q(closes_on__isnull=True), 10),
        (Q(closes_on__gte=today + timedelta(days=ENOUGH_DAYS)), 10),
    ]
    # Points rise with the days left, so each day's points need only the latest date they hold to.
    last: dict[int, int] = {}
    for days in range(ENOUGH_DAYS):
        last[round(10 * days / ENOUGH_DAYS)] = days
    for points, days in sorted(last.items()):
        cases.append((Q(closes_on__lte=today + timedelta(days=days)), points))
    return _points(cases, 0)


def scored(
    found: Any,
    *,
    needs: Iterable[str],
    kind: str,
    spots: list[frozenset[str]],
    council_code: str,
    sought: Decimal | None,
    today: date,
) -> Any:
    """The opportunities with `match_score` (0-100) and `match_blocked` (0/1), in ranking order: unblocked
    first, then by score, then closing soonest (open-ended last), then by name."""
    applicant_points, applicant_blocked = applicant(kind)
    (count, area_points), area_blocked = area(spots, council_code)
    amount_points, amount_blocked = amount(sought)
    return (
        found.alias(covered_places=count)
        .alias(blocking=applicant_blocked + area_blocked + amount_blocked)
        .annotate(
            match_score=need(needs) + applicant_points + area_points + amount_points + deadline(today),
            match_blocked=_flag(Q(blocking__gt=0)),
        )
        .order_by(
            "match_blocked",
            "-match_score",
            F("closes_on").asc(nulls_last=True),
            "programme",
            "funder",
            "pk",
        )
    )
