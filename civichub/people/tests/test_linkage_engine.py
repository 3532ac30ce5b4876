"""The linkage engine end to end on a small frame: the same person across systems is one person."""

from __future__ import annotations

import pandas as pd

from civichub.people import linkage


def small_frame() -> pd.DataFrame:
    people = [
        ("Margaret", "Hughes", "F", "1950-03-07", "12 Mill Lane", "WN1 1AA", "9434765919"),
        ("William", "Turner", "M", "1982-11-30", "4 Church Road", "WN2 3BD", "9434765870"),
        ("Aisha", "Khan", "F", "1999-01-15", "77 Station Road", "WN5 0QE", ""),
        ("Oliver", "Price", "M", "2012-06-01", "3 Elm Close", "WN6 7TU", "9434765889"),
        ("Amelia", "Price", "F", "2012-06-01", "3 Elm Close", "WN6 7TU", "9434765897"),
    ]
    rows = []
    for i, (first, surname, sex, dob, address, postcode, nhs) in enumerate(people):
        rows.append((f"ct{i}", "council_tax", first, surname, sex, dob, address, postcode, nhs))
    rows += [
        ("h1", "housing", "Peggy", "Hughes", "F", "1950-07-03", "12 Mill Ln", "wn11aa", ""),
        ("h2", "housing", "Bill", "Turner", "M", "1982-11-30", "4 Church Rd", "WN2 3BD", "9434765870"),
        ("h3", "housing", "Khan", "Aisha", "F", "1999-01-15", "77 Station Road", "WN5 0QE", ""),
    ]
    return pd.DataFrame(rows, columns=linkage.COLUMNS)


def test_link_returns_one_person_id_per_record():
    frame = small_frame()
    out = linkage.link(frame)
    assert list(out.columns) == ["record_id", "source_system", "unique_id", "person_id"]
    assert len(out) == len(frame)
    assert out["person_id"].notna().all()
