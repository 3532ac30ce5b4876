"""Twins, or one person whose record was wrong twice? How much a twin-looking pair weighs, from the data.

A twin-looking pair has the same birth date, surname and postcode, an unrelated first name and an
unrelated NHS number. Twins look like that; so does one person whose first name and NHS number were
both wrongly keyed. EM cannot tell them apart (it reads twins as one person), so the weight is counted
from the data itself, among pairs with the same birth date, surname and postcode and both NHS numbers:

    a: first name agrees, NHS number agrees (one person)
    b: first name agrees, NHS number unrelated (one person with a wrong number, mostly)
    c: first name unrelated, NHS number agrees (one person with a wrong first name)
    d: first name unrelated, NHS number unrelated (twins, or both faults at once)

If the two faults happen independently, b * c / a of the d pairs are one person. UK data, where twins
are about one birth in sixty and a wrong NHS number is rare, finds almost none: the twin level keeps a
weight far below anything the other fields can make up. Data whose d pairs are as many as the faults
explain has no twins to protect, and the level weighs what any different first name does. In between,
the level is set so that a typical twin-looking pair's match probability is the share counted.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import pandas as pd

from civichub.people.linkage import settings as design

# Fewer pairs than this with NHS numbers on both sides say too little: keep the fixed twin weight.
MIN_PAIRS = 50
# The smallest share counted: below it the twin level is already far beyond what other fields add.
MIN_SHARE = 1e-9

# The same conditions as the model's first-name levels above the twin level, and as its exception
# for an NHS number one slip away (settings.TwinLevel).
_CELLS_SQL = """
WITH pairs AS (
    SELECT
        (l.first_name = r.first_name OR l.first_name_canonical = r.first_name_canonical
         OR jaro_winkler_similarity(l.first_name, r.first_name) >= 0.92
         OR levenshtein(l.first_name, r.first_name) <= 2) AS first_agrees,
        (levenshtein(l.nhs_number, r.nhs_number) <= 2
         AND damerau_levenshtein(l.nhs_number, r.nhs_number) <= 1) AS nhs_agrees
    FROM records AS l JOIN records AS r
      ON l.date_of_birth = r.date_of_birth AND l.surname = r.surname AND l.postcode = r.postcode
     AND l.unique_id < r.unique_id
    WHERE l.nhs_number IS NOT NULL AND r.nhs_number IS NOT NULL
      AND l.first_name IS NOT NULL AND r.first_name IS NOT NULL
      AND l.first_name <> r.surname AND l.surname <> r.first_name
)
SELECT
    count(*) FILTER (WHERE first_agrees AND nhs_agrees) AS a,
    count(*) FILTER (WHERE first_agrees AND NOT nhs_agrees) AS b,
    count(*) FILTER (WHERE NOT first_agrees AND nhs_agrees) AS c,
    count(*) FILTER (WHERE NOT first_agrees AND NOT nhs_agrees) AS d
FROM pairs
"""


@dataclass(frozen=True)
class TwinCount:
    a: int
    b: int
    c: int
    d: int

    @property
    def one_person_expected(self) -> float:
        """How many of the d pairs independent faults explain (b * c / a)."""
        return self.b * self.c / self.a if self.a else 0.0

    @property
    def share_one_person(self) -> float | None:
        """The share of twin-looking pairs that are one person; None when the data cannot tell."""
        if self.a + self.b + self.c + self.d < MIN_PAIRS or self.d == 0:
            return None
        return min(self.one_person_expected / self.d, 1.0)


def count(records: pd.DataFrame) -> TwinCount:
    """The four counts over prepared records (prepare.PREPARED_COLUMNS)."""
    frame = records[["unique_id", "first_name", "first_name_canonical", "surname", "date_of_birth"]].assign(
        postcode=records["postcode"], nhs_number=records["nhs_number"]
    )
    with duckdb.connect() as con:
        con.register("records", frame)
        a, b, c, d = con.execute(_CELLS_SQL).fetchone() or (0, 0, 0, 0)
    return TwinCount(int(a), int(b), int(c), int(d))


class _Untrained(Exception):
    """A level the weighing needs has no m or u: on a handful of records EM leaves some unobserved."""


def _weight(level: dict[str, Any]) -> float:
    if not level.get("m_probability") or not level.get("u_probability"):
        raise _Untrained(level.get("label_for_charts"))
    return math.log2(float(level["m_probability"]) / float(level["u_probability"]))


def _level(model: dict[str, Any], comparison: str, label: str) -> dict[str, Any]:
    for each in model["comparisons"]:
        if each["output_column_name"] == comparison:
            for level in each["comparison_levels"]:
                if level.get("label_for_charts") == label:
                    return level
    raise ValueError(f"the model has no level {label!r} on {comparison}: retrain it")


def weigh(model: dict[str, Any], counted: TwinCount) -> None:
    """Set the twin levels' weights in a trained model (in place) from the counts, and keep them."""
    share = counted.share_one_person
    if share is not None:
        try:
            weights = _weights(model, share)
        except _Untrained:
            share = None  # the fixed twin weight stays
        else:
            for label, weight in weights.items():
                twin = _level(model, "first_name", label)
                twin["m_probability"] = float(twin["u_probability"]) * 2.0**weight
    model["civichub_twins"] = {**asdict(counted), "share_one_person": share}


def _weights(model: dict[str, Any], share: float) -> dict[str, float]:
    """Each twin level's weight (log2 of its Bayes factor) for the share of one-person pairs counted."""
    weights: dict[str, float] = {}
    prior = float(model["probability_two_random_records_match"])
    # What a twin-looking pair agrees on besides, with the prior: what a twin level offsets.
    shared = math.log2(prior / (1 - prior)) + sum(
        _weight(_level(model, comparison, label))
        for comparison, label in (
            ("date_of_birth", "Exact"),
            ("address", design.SAME_HOME_LABEL),
            ("nhs_number", "Different"),
        )
    )
    # Each twin level, the surname's weight on such a pair, and the level the pair falls to
    # when the data has no twins to protect.
    for label, surname, otherwise in (
        (design.TWIN_LABEL, "Exact", "Different"),
        (design.TWIN_SWAPPED_LABEL, "Different", design.NAME_IN_OTHER_LABEL),
    ):
        fallback = _weight(_level(model, "first_name", otherwise))
        if share >= 1.0:
            weights[label] = fallback
        else:
            rest = shared + _weight(_level(model, "surname", surname))
            odds = max(share, MIN_SHARE) / (1 - max(share, MIN_SHARE))
            weights[label] = min(fallback, math.log2(odds) - rest)
    return weights
