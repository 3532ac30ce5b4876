"""Linking a record on arrival, without a full run: its blocking keys fetch its candidates by index, and
the engine scores it against them with the council's active model and stored term frequencies.

Called inside the transaction of the load that brought the records (`services.records.load_records`),
which audits and publishes; nothing here is a change of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from civichub.core.importing import Progress
from civichub.core.models import Council
from civichub.people import keys
from civichub.people.engine import engine
from civichub.people.frames import VALUES, engine_row
from civichub.people.linkage.columns import COLUMNS
from civichub.people.models import LinkageModel, Person, ReviewPair, SourceRecord, TermFrequency
from civichub.people.persons import new_people, refresh_facts
from civichub.people.thresholds import thresholds_of

if TYPE_CHECKING:  # pandas costs seconds to import: only the code that links pays it
    import pandas as pd

# A record sharing a key with more records than this is scored against the first this many (a blocking
# key as common as 'surname SMITH' says little; the other keys find the real candidates).
MAX_CANDIDATES = 400
# {(council id, model version): term frequencies}: read once per process and model, not per record.
_TF_CACHE: dict[tuple[Any, int], dict[str, dict[str, float]]] = {}
# {(council id, model version): the engine's Scorer}: Splink's score_pairs compiled once per process and
# model (building it costs about half a second; scoring one record with it, milliseconds).
_SCORERS: dict[tuple[Any, int], Any] = {}


def _values(record: SourceRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in VALUES}


def active_model(council: Council) -> LinkageModel | None:
    return LinkageModel.objects.for_council(council).filter(active=True).order_by("-version").first()


def term_frequencies(council: Council, model: LinkageModel) -> dict[str, dict[str, float]]:
    key = (council.pk, model.version)
    if key not in _TF_CACHE:
        found: dict[str, dict[str, float]] = {}
        rows = TermFrequency.objects.for_council(council).values_list("column", "value", "frequency")
        for column, value, frequency in rows.iterator(chunk_size=10000):
            found.setdefault(column, {})[value] = frequency
        _TF_CACHE.clear()  # one council's tables at a time: the cache is a speed-up, not a store
        _TF_CACHE[key] = found
    return _TF_CACHE[key]


def scorer(council: Council, model: LinkageModel) -> Any:
    key = (council.pk, model.version)
    if key not in _SCORERS:
        found = engine().Scorer(model.model, term_frequencies(council, model))
        _SCORERS.clear()  # one council's model at a time, like the term frequencies
        _SCORERS[key] = found
    return _SCORERS[key]


def forget_term_frequencies() -> None:
    _TF_CACHE.clear()
    _SCORERS.clear()


def candidates(council: Council, record: SourceRecord) -> pd.DataFrame:
    """The stored records sharing a blocking rule with this one: an engine frame, with `pk`, `person_id`."""
    import pandas as pd

    ids = keys.candidate_ids(council, record.pk, MAX_CANDIDATES)
    # No ORDER BY: the model's ordering (system, id) leads SQLite to walk the whole council's unique
    # index in that order instead of looking up these few ids (120 ms at 200,000 records, not 1).
    found = SourceRecord.objects.for_council(council).filter(pk__in=ids).order_by()
    rows = list(found.values(*VALUES, "person_id"))
    frame = pd.DataFrame([{**engine_row(r), "pk": r["pk"], "person_id": r["person_id"]} for r in rows])
    return frame


def _rejected_with(council: Council, record: SourceRecord) -> set[Any]:
    pairs = ReviewPair.objects.for_council(council).filter(status=ReviewPair.Status.REJECTED)
    left = pairs.filter(record_a=record).values_list("record_b_id", flat=True)
    right = pairs.filter(record_b=record).values_list("record_a_id", flat=True)
    return {*left, *right}


def link_arrivals(
    actor: Any, council: Council, records: Iterable[SourceRecord], *, progress: Progress | None = None
) -> int:
    """Link each record that has no golden record yet: to the best candidate at or above the council's
    link threshold, else to a new golden record; candidates between the thresholds go to review.
    Returns how many were linked (0, and nothing done, while the council has no trained model)."""
    model = active_model(council)
    waiting = [r for r in records if r.person_id is None]
    if model is None or not waiting:
        return 0
    review_from, link_from = thresholds_of(council)
    score = scorer(council, model)
    touched: set[Any] = set()
    for done, record in enumerate(waiting, start=1):
        found = candidates(council, record)
        person = None
        if not found.empty:
            scored = _score(score, record, found)
            person = _place(council, record, found, scored, review_from, link_from, model.model)
        if person is None:
            person = new_people(council, 1)[0]
        record.person = person
        SourceRecord.unscoped.filter(pk=record.pk).update(person=person)
        touched.add(person.pk)
        if progress and done % 100 == 0:
            progress("Linking on arrival", done, len(waiting))
    refresh_facts(council, touched)
    return len(waiting)


def _score(score: Any, record: SourceRecord, found: pd.DataFrame) -> pd.DataFrame:
    """The record against its candidates, all prepared in one pass (a query planned once)."""
    rows = [engine_row(_values(record)), *found[list(COLUMNS)].to_dict("records")]
    ready = engine().prepare_rows(rows)
    return score.score(ready[:1], ready[1:])


def _place(
    council: Council,
    record: SourceRecord,
    found: pd.DataFrame,
    scored: pd.DataFrame,
    review_from: float,
    link_from: float,
    model: dict[str, Any],
) -> Person | None:
    """The golden record this record joins (None: a new one), and the review pairs it raises."""
    by_uid = {
        f"{s}:{i}": (pk, person)
        for s, i, pk, person in found[["source_system", "record_id", "pk", "person_id"]].itertuples(
            index=False
        )
    }
    rejected = _rejected_with(council, record)
    best: tuple[float, Any] | None = None
    for row in scored.sort_values("match_weight", ascending=False).to_dict("records"):
        uid = row["unique_id_r"] if row["unique_id_l"] == record.unique_id else row["unique_id_l"]
        if uid not in by_uid:
            continue
        pk, person_id = by_uid[uid]
        weight = float(row["match_weight"])
        if pk in rejected or person_id is None or weight < review_from:
            continue
        if weight >= link_from and best is None:
            best = (weight, person_id)
            continue
        if best is not None and person_id == best[1]:
            continue  # a second record of the golden record it joins: nothing to ask
        _ask(council, record.pk, pk, row, model)
    if best is None:
        return None
    return Person.objects.for_council(council).get(pk=best[1])


def _ask(council: Council, a: Any, b: Any, row: dict[str, Any], model: dict[str, Any]) -> None:
    """Put a pair in the review queue (a decided pair stays decided)."""
    first, second = sorted((a, b), key=str)
    ReviewPair.objects.for_council(council).get_or_create(
        council=council,
        record_a_id=first,
        record_b_id=second,
        defaults={
            "match_weight": float(row["match_weight"]),
            "match_probability": float(row["match_probability"]),
            "reasons": reasons_of(row, model),
        },
    )


def reasons_of(row: dict[str, Any], model: dict[str, Any]) -> list[dict[str, Any]]:
    """The engine's reasons for a pair's score, as JSON: which fields agreed, and by how much."""
    found = []
    for reason in engine().reasons(row, model):
        item = reason._asdict() if hasattr(reason, "_asdict") else dict(vars(reason))
        found.append(
            {
                k: (v if isinstance(v, str | int | float | bool | type(None)) else str(v))
                for k, v in item.items()
            }
        )
    return found
