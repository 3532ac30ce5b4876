"""The linkage engine on small frames: cleaning, keys, reasons, one-record scoring and clusters."""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

import pandas as pd
import pytest

from civichub.people import linkage, synthetic
from civichub.people.linkage import engine, twins
from civichub.people.linkage import settings as design


def frame_of(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).reindex(columns=linkage.COLUMNS)


def test_prepare_gives_each_record_a_unique_id_from_its_system_and_id():
    out = linkage.prepare(frame_of([{"record_id": " 17 ", "source_system": "housing", "first_name": "Ann"}]))
    assert out.loc[0, "unique_id"] == "housing:17"


def test_prepare_maps_nicknames_to_one_canonical_form():
    rows = [
        {"record_id": str(i), "source_system": "s", "first_name": n}
        for i, n in enumerate(["Bill", "WILLIAM", "Peggy", "Margaret", "Zebedee"])
    ]
    out = linkage.prepare(frame_of(rows))
    assert list(out["first_name_canonical"]) == ["william", "william", "margaret", "margaret", "zebedee"]
    assert list(out["first_name"]) == ["bill", "william", "peggy", "margaret", "zebedee"]


def test_prepare_names_sorted_is_the_same_whichever_field_each_name_was_typed_in():
    rows = [
        {"record_id": "1", "source_system": "s", "first_name": "Aisha", "surname": "Khan"},
        {"record_id": "2", "source_system": "s", "first_name": "KHAN", "surname": "aisha"},
    ]
    out = linkage.prepare(frame_of(rows))
    assert out.loc[0, "names_sorted"] == out.loc[1, "names_sorted"] == "aisha khan"


def test_prepare_keeps_the_parts_of_a_double_barrelled_surname():
    out = linkage.prepare(frame_of([{"record_id": "1", "source_system": "s", "surname": "Smith-Jones"}]))
    assert out.loc[0, "surname"] == "smithjones"
    assert list(out.loc[0, "surname_parts"]) == ["smith", "jones"]


def test_prepare_dates_of_birth_and_their_day_month_swap():
    rows = [
        {"record_id": "1", "source_system": "s", "date_of_birth": "1950-03-07"},
        {"record_id": "2", "source_system": "s", "date_of_birth": "19500703"},
        {"record_id": "3", "source_system": "s", "date_of_birth": "1950-02-30"},
    ]
    out = linkage.prepare(frame_of(rows))
    assert out.loc[0, "date_of_birth"] == "1950-03-07"
    assert out.loc[1, "date_of_birth"] == "1950-07-03"
    assert out.loc[0, "dob_swapped"] == out.loc[1, "date_of_birth"]
    assert out.loc[2, "date_of_birth"] is None


def test_prepare_postcodes_addresses_and_blanks():
    rows = [
        {
            "record_id": "1",
            "source_system": "s",
            "postcode": " wn11aa ",
            "address_line": "12 Mill Rd",
            "sex": "Female",
            "nhs_number": "943 476 5919",
        }
    ]
    out = linkage.prepare(frame_of(rows)).iloc[0]
    assert (out["postcode"], out["postcode_sector"], out["postcode_district"]) == ("WN1 1AA", "WN1 1", "WN1")
    assert (out["address_line"], out["house_number"]) == ("12 mill road", "12")
    assert (out["sex"], out["nhs_number"]) == ("f", "9434765919")
    assert out["first_name"] is None


def test_blocking_keys_are_shared_by_a_swapped_record_and_by_a_nickname():
    bill = {
        "record_id": "1",
        "source_system": "a",
        "first_name": "Bill",
        "surname": "Turner",
        "date_of_birth": "1982-11-30",
    }
    william = {**bill, "record_id": "2", "first_name": "William"}
    swapped = {**bill, "record_id": "3", "first_name": "Turner", "surname": "Bill"}
    assert "dob_first:1982-11-30|william" in set(linkage.blocking_keys(bill)) & set(
        linkage.blocking_keys(william)
    )
    assert "names_year:bill turner|1982" in set(linkage.blocking_keys(bill)) & set(
        linkage.blocking_keys(swapped)
    )
    assert linkage.blocking_keys({"record_id": "4", "source_system": "a"}) == []


@functools.cache
def trained() -> tuple[pd.DataFrame, dict]:
    """A model trained once on 3,000 synthetic records (fixed seed) for the tests that need one."""
    postcodes = [f"WN{d} {s}{a}{b}" for d in range(1, 9) for s in range(10) for a in "ABD" for b in "EFG"]
    frame = synthetic.generate(3000, seed=5, postcodes=postcodes)
    return frame, linkage.train(frame)


def test_train_returns_a_json_model_with_a_version_and_trained_parameters():
    _, model = trained()
    assert model["civichub_model_version"].startswith(f"{design.DESIGN_VERSION}-")
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert names == ["first_name", "surname", "date_of_birth", "address", "nhs_number", "sex"]
    nhs_exact = model["comparisons"][4]["comparison_levels"][1]
    assert nhs_exact["m_probability"] > 0.5 > nhs_exact["u_probability"]


def test_link_finds_most_of_the_synthetic_people_and_keeps_precision():
    frame, model = trained()
    out = linkage.link(frame, model=model)  # the same training as trained()'s, done once
    assert list(out.columns) == ["record_id", "source_system", "unique_id", "person_id"]
    assert len(out) == len(frame) and out["person_id"].notna().all()
    both = pd.DataFrame({"truth": frame["true_person"].to_numpy(), "person": out["person_id"].to_numpy()})
    # Records of one true person mostly land in one cluster, and clusters rarely mix people.
    purity = both.groupby("person")["truth"].nunique().eq(1).mean()
    completeness = both.groupby("truth")["person"].nunique().eq(1).mean()
    assert purity > 0.97 and completeness > 0.9


def person(record_id: str, system: str, first: str, **other: str) -> dict:
    base = {
        "record_id": record_id,
        "source_system": system,
        "first_name": first,
        "surname": "Price",
        "sex": "M",
        "date_of_birth": "2012-06-01",
        "address_line": "3 Elm Close",
        "postcode": "WN6 7TU",
        "nhs_number": "",
    }
    return {**base, **other}


def test_score_new_scores_a_duplicate_above_a_twin_and_gives_reasons():
    _, model = trained()
    stored = frame_of(
        [
            person("1", "council_tax", "Oliver"),
            person("2", "council_tax", "Jacob"),
        ]
    )
    new = person("9", "housing", "Olly", date_of_birth="2012-01-06", address_line="3 Elm Cl")
    scored = linkage.score_new(new, stored, model)
    assert list(scored["unique_id_r"]) == ["council_tax:1", "council_tax:2"]
    best, twin = scored.iloc[0], scored.iloc[1]
    assert best["match_weight"] > twin["match_weight"]
    why = {r.comparison: r for r in linkage.reasons(best, model)}
    assert why["first_name"].level == "Same name (nickname)"
    assert why["date_of_birth"].level == "Day and month swapped"
    assert why["nhs_number"].level == "nhs_number is NULL" and why["nhs_number"].match_weight == 0
    assert why["surname"].match_weight > 0 and why["surname"].bayes_factor == pytest.approx(
        2 ** why["surname"].match_weight
    )
    total = sum(r.match_weight for r in linkage.reasons(best, model))
    prior = best["match_weight"] - total
    assert prior < 0  # the rest is the prior: two random records rarely match


def test_score_new_uses_stored_term_frequencies():
    frame, model = trained()
    stored = frame_of([person("1", "council_tax", "Oliver")])
    new = person("9", "housing", "Oliver")
    common = linkage.score_new(new, stored, model, tf={"first_name": {"oliver": 0.5}})
    rare = linkage.score_new(new, stored, model, tf={"first_name": {"oliver": 0.0001}})
    assert rare.loc[0, "match_weight"] > common.loc[0, "match_weight"]
    assert set(linkage.term_frequencies(frame)) == {"first_name", "surname", "postcode"}


def test_a_twin_scores_below_the_review_threshold():
    _, model = trained()
    stored = frame_of([person("1", "council_tax", "Oliver")])
    scored = linkage.score_new(person("2", "housing", "Jacob"), stored, model)
    assert scored.loc[0, "match_probability"] < 0.5, linkage.reasons(scored.iloc[0], model)


def test_cluster_joins_duplicates_and_keeps_twins_apart():
    _, model = trained()
    records = frame_of(
        [
            person("1", "council_tax", "Oliver", nhs_number="9434765889"),
            person("2", "council_tax", "Jacob", nhs_number="9434765897"),
            person("3", "housing", "Olly", nhs_number="9434765889"),
            person(
                "4",
                "benefits",
                "Jacob",
                address_line="8 New Road",
                postcode="WN1 2AB",
                nhs_number="9434765897",
            ),
        ]
    )
    pairs = linkage.predict(records, model)
    clusters = linkage.cluster(records, pairs, threshold_match_probability=engine.DEFAULT_CLUSTER_PROBABILITY)
    of = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
    assert of["council_tax:1"] == of["housing:3"]
    assert of["council_tax:2"] == of["benefits:4"]
    assert of["council_tax:1"] != of["council_tax:2"]


def test_an_nhs_number_one_slip_away_is_a_mistyped_number_not_a_twin():
    _, model = trained()
    stored = frame_of(
        [
            person("1", "council_tax", "Oliver", nhs_number="9434765919"),
            person("2", "council_tax", "Oliver", nhs_number="4010232137"),
        ]
    )
    # Jacob's NHS number is record 1's with the last two digits exchanged; record 2's is unrelated.
    scored = linkage.score_new(person("9", "housing", "Jacob", nhs_number="9434765991"), stored, model)
    slipped, twin = (scored.set_index("unique_id_r").loc[f"council_tax:{n}"] for n in "12")
    first = {r.comparison: r for r in linkage.reasons(slipped, model)}["first_name"]
    assert first.level == "Different"
    assert slipped["match_weight"] > twin["match_weight"] + 20


def test_a_swap_counts_once_and_one_name_in_the_other_field_is_a_level():
    _, model = trained()
    stored = frame_of(
        [
            person("1", "council_tax", "Oliver"),
            # Swapped, then the other name changed, with another birth date: not a twin.
            person("2", "council_tax", "Hale", date_of_birth="1990-02-03"),
        ]
    )
    scored = linkage.score_new(person("9", "housing", "Price", surname="Oliver"), stored, model)
    swapped, partly = (scored.set_index("unique_id_r").loc[f"council_tax:{n}"] for n in "12")
    why = {r.comparison: r for r in linkage.reasons(swapped, model)}
    assert why["first_name"].match_weight == 0 and why["surname"].match_weight > 0
    first = {r.comparison: r for r in linkage.reasons(partly, model)}["first_name"]
    assert first.level == design.NAME_IN_OTHER_LABEL


def test_u_of_the_nhs_number_is_net_of_the_true_matches_in_the_random_sample():
    def level(m: float, u: float) -> dict:
        return {"m_probability": m, "u_probability": u}

    model: dict[str, Any] = {
        "probability_two_random_records_match": 0.001,
        "comparisons": [
            {
                "output_column_name": "nhs_number",
                "comparison_levels": [level(0.9, 0.0011), level(0.1, 0.9989)],
            },
            {"output_column_name": "surname", "comparison_levels": [level(0.9, 0.0011)]},
        ],
    }
    engine.without_matches_in_u(model, sampled_pairs=1e6)
    exact, different = model["comparisons"][0]["comparison_levels"]
    assert exact["u_probability"] == pytest.approx((0.0011 - 0.0009) / 0.999)
    assert different["u_probability"] == pytest.approx((0.9989 - 0.0001) / 0.999)
    assert model["comparisons"][1]["comparison_levels"][0]["u_probability"] == 0.0011
    engine.without_matches_in_u(model, sampled_pairs=1e6)
    assert exact["u_probability"] == 1e-6  # never below one pair in the sample


def test_twin_counts_sort_pairs_by_first_name_and_nhs_number():
    rows = []
    for surname, (first, nhs) in {
        "Price": ("Oliver", "9434765919"),  # a: both agree
        "Hale": ("Oliver", "4010232137"),  # b: the NHS number does not
        "Moss": ("Jacob", "9434765919"),  # c: the first name does not
        "Lund": ("Jacob", "4010232137"),  # d: neither (a twin, or two faults)
    }.items():
        rows.append(person(f"{surname}1", "council_tax", "Oliver", surname=surname, nhs_number="9434765919"))
        rows.append(person(f"{surname}2", "housing", first, surname=surname, nhs_number=nhs))
    rows.append(person("X", "benefits", "Jacob", surname="Lund"))  # no NHS number: not counted
    assert twins.count(linkage.prepare(frame_of(rows))) == twins.TwinCount(a=1, b=1, c=1, d=1)


def test_the_twin_weight_comes_from_the_data():
    _, model = trained()
    weight = engine_weight(model, design.TWIN_LABEL)
    # UK records, twins and all: twin-looking pairs far outnumber what independent faults explain.
    assert model["civichub_twins"]["share_one_person"] < 0.01 and weight < -30
    # Data whose twin-looking pairs are all explained by faults has no twins: a different name, no more.
    no_twins = copy.deepcopy(model)
    twins.weigh(no_twins, twins.TwinCount(a=1000, b=50, c=60, d=3))
    assert engine_weight(no_twins, design.TWIN_LABEL) == pytest.approx(engine_weight(model, "Different"))
    assert engine_weight(no_twins, design.TWIN_SWAPPED_LABEL) == pytest.approx(
        engine_weight(model, design.NAME_IN_OTHER_LABEL)
    )
    # Too few pairs to tell: the weight it had stays (after EM, the fixed one).
    few = copy.deepcopy(no_twins)
    twins.weigh(few, twins.TwinCount(a=10, b=1, c=1, d=1))
    assert engine_weight(few, design.TWIN_LABEL) == engine_weight(no_twins, design.TWIN_LABEL)
    assert few["civichub_twins"]["share_one_person"] is None
    # A level EM never saw (a handful of records) has no m: nothing to weigh from, the weight stays.
    unseen = copy.deepcopy(model)
    first = next(c for c in unseen["comparisons"] if c["output_column_name"] == "first_name")
    next(lv for lv in first["comparison_levels"] if lv.get("label_for_charts") == "Different").pop(
        "m_probability"
    )
    twins.weigh(unseen, twins.TwinCount(a=1000, b=50, c=60, d=3))
    assert engine_weight(unseen, design.TWIN_LABEL) == engine_weight(model, design.TWIN_LABEL)


def engine_weight(model: dict, label: str) -> float:
    first = next(c for c in model["comparisons"] if c["output_column_name"] == "first_name")
    level = next(lv for lv in first["comparison_levels"] if lv.get("label_for_charts") == label)
    return math.log2(level["m_probability"] / level["u_probability"])
