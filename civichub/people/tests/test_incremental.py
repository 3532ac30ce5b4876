"""One record at a time, fast: the compiled Scorer gives Splink's score_pairs scores, and prepare_rows
gives prepare()'s values, so the shortcuts the arrival path takes cannot drift from the batch run."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from civichub.people import linkage
from civichub.people.linkage.incremental import engine_text
from civichub.people.tests.test_linkage_engine import trained


def text_rows(frame: pd.DataFrame) -> list[dict[str, str | None]]:
    return [engine_text(r) for r in frame[list(linkage.COLUMNS)].to_dict("records")]


def test_prepare_rows_gives_what_prepare_gives():
    frame, _ = trained()
    rows = text_rows(frame.iloc[:300])
    # The awkward inputs too: blanks everywhere, a name of punctuation, a date that is no date.
    rows += [
        {"record_id": "x1", "source_system": "s"},
        {"record_id": "x2", "source_system": "s", "first_name": "--", "surname": "O'Neil-Smith"},
        {"record_id": "x3", "source_system": "s", "date_of_birth": "1950-02-30", "postcode": "wn11aa"},
    ]
    expected = linkage.prepare(pd.DataFrame(rows).reindex(columns=linkage.COLUMNS)).to_dict("records")
    for row in expected:
        parts = row["surname_parts"]
        row["surname_parts"] = None if parts is None else list(parts)
    assert linkage.prepare_rows(rows) == expected
    with pytest.raises(ValueError, match="record_id"):
        linkage.prepare_rows([{"source_system": "s"}])


def test_the_compiled_scorer_gives_splink_score_pairs_scores():
    frame, model = trained()
    tf = linkage.term_frequencies(frame)
    scorer = linkage.Scorer(model, tf)
    rows = text_rows(frame)
    # Records of people with several records, so the sample holds true matches, near misses and twins.
    for new_at, stored in ((0, slice(1, 60)), (700, slice(650, 760)), (2999, slice(2900, 2999))):
        candidates = pd.DataFrame(rows[stored])
        splink = linkage.score_new(rows[new_at], candidates, model, tf)
        ready = linkage.prepare_rows([rows[new_at], *rows[stored]])
        ours = scorer.score(ready[:1], ready[1:])
        assert len(ours) == len(splink) == len(candidates)
        assert list(ours.columns) == list(splink.columns)
        both = ours.merge(splink, on=["unique_id_l", "unique_id_r"], suffixes=("", "_splink"))
        assert len(both) == len(ours)
        assert (both["match_weight"] - both["match_weight_splink"]).abs().max() <= 1e-6
        gammas = [c for c in ours.columns if c.startswith("gamma_")]
        for column in gammas:
            assert (both[column] == both[f"{column}_splink"]).all(), column
        assert math.isclose(ours["match_weight"].max(), splink["match_weight"].max(), abs_tol=1e-6)
    # Called again with fewer candidates, it scores only those (it never keeps an earlier call's rows).
    ready = linkage.prepare_rows(rows[:3])
    assert len(scorer.score(ready[:1], ready[1:])) == 2
    assert scorer.score(ready[:1], []).empty


def test_the_scorer_weighs_agreement_by_the_stored_term_frequencies():
    frame, model = trained()
    rows = text_rows(frame.iloc[:2])
    rows[1] = {**rows[0], "record_id": "other", "source_system": "housing"}
    ready = linkage.prepare_rows(rows)
    first = ready[0]["first_name"]
    common = linkage.Scorer(model, {"first_name": {first: 0.5}}).score(ready[:1], ready[1:])
    rare = linkage.Scorer(model, {"first_name": {first: 0.0001}}).score(ready[:1], ready[1:])
    assert rare.loc[0, "match_weight"] > common.loc[0, "match_weight"]
