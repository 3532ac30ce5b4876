"""The people import through the kernel's pipeline: every bad input named by line and field, all or
nothing; a postcode we do not hold is kept and flagged; loading a record again updates it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from civichub.core.errors import Refused
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.people import checks, samples
from civichub.people.frames import engine_row
from civichub.people.linkage.columns import COLUMNS, KEY_COLUMNS
from civichub.people.models import RecordKeys, SourceRecord
from civichub.people.services import records

HEADER = "record_id,source_system,first_name,surname,sex,date_of_birth,address_line,postcode,nhs_number\n"
GOOD_NHS = "9434765919"


def load(actor, council, body: str | bytes, name: str = "people.csv"):
    content = body if isinstance(body, bytes) else (HEADER + body).encode()
    return run_now(actor, council, "people", file_name=name, content=content)


def problems(exc: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int | None, str | None]]:
    return [(e.line, e.field) for e in exc.value.rows]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (
            f"A1,council-tax,Ann,Lowe,F,07/03/1950,1 Mill Lane,WN1 1AA,{GOOD_NHS}",
            "date_of_birth",
            "YYYY-MM-DD",
        ),
        (
            f"A1,council-tax,Ann,Lowe,F,1950-02-30,1 Mill Lane,WN1 1AA,{GOOD_NHS}",
            "date_of_birth",
            "not a date",
        ),
        (f"A1,council-tax,Ann,Lowe,F,2999-01-01,1 Mill Lane,WN1 1AA,{GOOD_NHS}", "date_of_birth", "future"),
        ("A1,council-tax,Ann,Lowe,F,1950-03-07,1 Mill Lane,WN1 1AA,9434765918", "nhs_number", "modulus 11"),
        ("A1,council-tax,Ann,Lowe,F,1950-03-07,1 Mill Lane,WN1 1AA,94347659", "nhs_number", "modulus 11"),
        (
            f"A1,council-tax,Ann,Lowe,F,1950-03-07,1 Mill Lane,NOT A CODE,{GOOD_NHS}",
            "postcode",
            "not a UK postcode",
        ),
        (
            f"A1,Council Tax!,Ann,Lowe,F,1950-03-07,1 Mill Lane,WN1 1AA,{GOOD_NHS}",
            "source_system",
            "source system",
        ),
        (f",council-tax,Ann,Lowe,F,1950-03-07,1 Mill Lane,WN1 1AA,{GOOD_NHS}", "record_id", "record's id"),
    ],
)
def test_each_bad_field_is_named_by_line_and_field_and_nothing_is_loaded(
    wigan, actor, row, field, words
) -> None:
    good = "B1,housing,Bob,Lowe,M,1951-01-02,2 Mill Lane,WN1 1AA,\n"
    with pytest.raises(ImportRejected) as exc:
        load(actor, wigan, good + row + "\n")
    assert problems(exc) == [(3, field)]
    assert words in exc.value.rows[0].message
    assert not SourceRecord.objects.for_council(wigan).exists()


def test_a_record_id_twice_for_one_source_is_refused_but_the_same_id_in_two_sources_is_not(
    wigan, actor
) -> None:
    body = "A1,housing,Ann,Lowe,F,,,,\nA1,council-tax,Ann,Lowe,F,,,,\nA1,housing,Ann,Low,F,,,,\n"
    with pytest.raises(ImportRejected) as exc:
        load(actor, wigan, body)
    assert problems(exc) == [(4, "record_id")]
    assert "first on line 2" in exc.value.rows[0].message
    load(actor, wigan, body.rsplit("A1,housing", 1)[0])
    assert SourceRecord.objects.for_council(wigan).count() == 2


def test_a_file_not_in_utf8_is_refused_naming_the_line(wigan, actor) -> None:
    content = (HEADER + "A1,housing,Ann,Lowe,F,,,,\nA2,housing,Zoë,Lowe,F,,,,\n").encode("latin-1")
    with pytest.raises(ImportRejected) as exc:
        load(actor, wigan, content)
    assert problems(exc) == [(3, None)]
    assert "not valid utf-8" in exc.value.rows[0].message
    assert not SourceRecord.objects.for_council(wigan).exists()


def test_every_problem_of_a_file_is_reported_at_once(wigan, actor) -> None:
    body = "A1,housing,Ann,Lowe,F,1950-13-01,,WN1 1AA,123\nA2,housing,Bo,Lowe,M,,,ZZ,\n"
    with pytest.raises(ImportRejected) as exc:
        load(actor, wigan, body)
    assert sorted(problems(exc), key=str) == sorted(
        [(2, "date_of_birth"), (2, "nhs_number"), (3, "postcode")], key=str
    )


def test_a_well_formed_postcode_we_do_not_hold_is_kept_and_flagged(wigan, actor, postcodes) -> None:
    run, _ = load(
        actor, wigan, f"A1,housing,Ann,Lowe,F,,,ZZ9 9ZZ,\nA2,housing,Bo,Lowe,M,,,{postcodes[0].lower()},\n"
    )
    kept = {r.record_id: r for r in SourceRecord.objects.for_council(wigan)}
    assert kept["A1"].postcode == "ZZ9 9ZZ" and kept["A1"].postcode_not_held
    assert kept["A2"].postcode == postcodes[0] and not kept["A2"].postcode_not_held
    assert any("do not hold" in note for note in run.notes)


def test_loading_the_same_source_id_again_updates_the_record(wigan, actor) -> None:
    load(actor, wigan, "A1,housing,Ann,Lowe,F,1950-03-07,,,\n")
    first = SourceRecord.objects.for_council(wigan).get()
    run, _ = load(actor, wigan, "A1,housing,Anne,Lowe,F,1950-07-03,,,\n", name="again.csv")
    again = SourceRecord.objects.for_council(wigan).get()
    assert again.pk == first.pk and again.first_name == "Anne"
    assert (run.created, run.updated) == (0, 1)
    # The blocking keys follow the record's new values.
    stored = RecordKeys.objects.for_council(wigan).filter(record=again).values(*KEY_COLUMNS).get()
    assert stored["date_of_birth"] == "1950-07-03" and stored["birth_year"] == "1950"


def test_one_record_through_the_api_is_checked_the_same_way(wigan, actor) -> None:
    with pytest.raises(Refused) as exc:
        records.load_one(
            actor,
            wigan,
            {
                "record_id": "A1",
                "source_system": "housing",
                "nhs_number": "1234567890",
                "date_of_birth": "1/2/1950",
            },
        )
    assert {e.field for e in exc.value.errors} == {"nhs_number", "date_of_birth"}
    made = records.load_one(
        actor, wigan, {"record_id": "A1", "source_system": "housing", "first_name": "Ann"}
    )
    assert made.first_name == "Ann" and made.person_id is None  # no model yet: waits for a full run


def test_stored_keys_find_exactly_the_records_a_blocking_rule_pairs(wigan, actor, sample) -> None:
    """The database's candidates for each record are the records sharing one of the engine's blocking
    keys with it (the pairs the full run's Splink blocking makes), no more and no fewer."""
    from civichub.people.keys import candidate_ids, cleaned
    from civichub.people.linkage import blocking_keys

    rows, _ = sample
    records.load_records(actor, wigan, [checks.clean_row(r)[0] for r in rows])
    stored = list(SourceRecord.objects.for_council(wigan).values("pk", *COLUMNS))
    keys_of = {r["pk"]: set(blocking_keys(engine_row(r))) for r in stored}
    # A file's keys (cleaned as one frame) are the keys of each record cleaned alone.
    assert cleaned(stored) == [cleaned([r])[0] for r in stored]
    shared_any = 0
    for record in stored:
        mine = keys_of[record["pk"]]
        expected = {pk for pk, found in keys_of.items() if pk != record["pk"] and found & mine}
        assert set(candidate_ids(wigan, record["pk"], limit=10_000)) == expected
        shared_any += bool(expected)
    assert shared_any > len(stored) // 2  # the sample's people have several records each


def test_the_nhs_check_digit() -> None:
    assert checks.nhs_number_valid("9434765919")
    assert not checks.nhs_number_valid("9434765918")
    # A check digit of 10 can never be valid, whatever the tenth digit.
    assert not any(checks.nhs_number_valid("000000300" + str(d)) for d in range(10))  # 12: remainder 1
    assert checks.nhs_number_valid(samples.nhs_number(__import__("random").Random(1)))


def test_the_record_checks_and_columns_load_without_the_linkage_engine():
    # Every page and command imports the checks; DuckDB, pandas and Splink cost seconds to import.
    code = (
        "import sys, civichub.people.checks, civichub.people.linkage.columns;"
        "print(sorted(m for m in ('duckdb', 'pandas', 'splink') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_runs_frame_holds_each_record_as_the_engine_takes_it(wigan, actor, sample) -> None:
    """The full run reads records as the driver gives them, column by column: the same text (None where
    blank, dates as YYYY-MM-DD) as `engine_row` makes of each record read through the ORM."""
    from civichub.people.frames import own_records

    rows, _ = sample
    records.load_records(actor, wigan, [checks.clean_row(r)[0] for r in rows])
    frame = own_records(wigan)
    read = {r["pk"]: r for r in frame.to_dict("records")}
    stored = SourceRecord.objects.for_council(wigan).values("pk", *COLUMNS)
    assert len(read) == len(stored) == len(rows)
    for record in stored:
        assert {c: read[record["pk"]][c] for c in COLUMNS} == engine_row(record)
    assert any(r["date_of_birth"] for r in read.values()) and any(not r["nhs_number"] for r in read.values())
