"""Cleaning source records before they are compared: one function, vectorised over a frame.

Every derived column is computed here and nowhere else, so the batch run, the incremental score
of one new record and the blocking keys the database indexes all see the same values.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from civichub.people.linkage.columns import COLUMNS
from civichub.people.linkage.nicknames import CANONICAL

# The columns the model reads, in the order prepare() returns them.
PREPARED_COLUMNS = [
    "unique_id",
    "record_id",
    "source_system",
    "first_name",
    "first_name_canonical",
    "surname",
    "surname_parts",
    "names_sorted",
    "sex",
    "date_of_birth",
    "dob_swapped",
    "birth_year",
    "address_line",
    "house_number",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "nhs_number",
    "nhs_head",
    "nhs_tail",
    "surname_initial",
]

# Words a clerk abbreviates in an address, and the word they stand for.
_ADDRESS_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "flt": "flat",
}


def _address_sql(column: str) -> str:
    text = f"regexp_replace(trim(regexp_replace(lower({column}), '[^a-z0-9 ]+', ' ', 'g')), '\\s+', ' ', 'g')"
    for short, word in _ADDRESS_WORDS.items():
        text = f"regexp_replace({text}, '\\b{short}\\b', '{word}', 'g')"
    return f"nullif({text}, '')"


def _name_sql(column: str) -> str:
    """Lower-case letters, with any run of other characters between parts as one hyphen."""
    dropped = f"regexp_replace(lower({column}), '[\u2019''`.]', '', 'g')"
    return f"nullif(trim(regexp_replace({dropped}, '[^a-z]+', '-', 'g'), '-'), '')"


_NICKNAMES = pd.DataFrame({"nickname": list(CANONICAL), "canonical": list(CANONICAL.values())})

# One pass in DuckDB: vectorised, so a million records take seconds rather than minutes in pandas.
# The SQL is built from constants in this module only (column names, the abbreviation table).
_SQL = f"""
WITH cleaned AS (
    SELECT
        trim(record_id) AS record_id,
        trim(source_system) AS source_system,
        {_name_sql("first_name")} AS first_full,
        {_name_sql("surname")} AS surname_full,
        nullif(trim(lower(sex)), '') AS sex_text,
        nullif(regexp_replace(date_of_birth, '\\D', '', 'g'), '') AS dob_digits,
        nullif(regexp_replace(upper(postcode), '\\s+', '', 'g'), '') AS pc,
        {_address_sql("address_line")} AS address,
        nullif(regexp_replace(nhs_number, '\\D', '', 'g'), '') AS nhs,
        row_number() OVER () AS position
    FROM raw
), named AS (
    SELECT *,
        -- Only the first given name is compared: middle names come and go between systems.
        string_split(first_full, '-')[1] AS first,
        replace(surname_full, '-', '') AS surname,
        CASE WHEN length(dob_digits) = 8 AND try_strptime(dob_digits, '%Y%m%d') IS NOT NULL
             THEN substr(dob_digits, 1, 4) || '-' || substr(dob_digits, 5, 2)
                  || '-' || substr(dob_digits, 7, 2)
        END AS dob,
        regexp_matches(pc, '^[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}$') AS uk
    FROM cleaned
)
SELECT
    source_system || ':' || record_id AS unique_id,
    record_id,
    source_system,
    first AS first_name,
    coalesce(n.canonical, first) AS first_name_canonical,
    surname,
    -- The parts of a double-barrelled name, so Smith matches Smith-Jones after a marriage.
    string_split(surname_full, '-') AS surname_parts,
    -- The two names in alphabetical order: the same key whichever field each was typed in.
    CASE WHEN first IS NOT NULL AND surname IS NOT NULL
         THEN least(first, surname) || ' ' || greatest(first, surname) END AS names_sorted,
    CASE WHEN sex_text IN ('m', 'male', 'man', '1') THEN 'm'
         WHEN sex_text IN ('f', 'female', 'woman', '2') THEN 'f' END AS sex,
    dob AS date_of_birth,
    -- Day and month exchanged (US order, or a slip): compared against the other record's date.
    substr(dob, 1, 4) || '-' || substr(dob, 9, 2) || '-' || substr(dob, 6, 2) AS dob_swapped,
    substr(dob, 1, 4) AS birth_year,
    address AS address_line,
    nullif(regexp_extract(address, '([0-9]+[a-z]?)', 1), '') AS house_number,
    CASE WHEN uk THEN left(pc, length(pc) - 3) || ' ' || right(pc, 3) ELSE pc END AS postcode,
    CASE WHEN uk THEN left(pc, length(pc) - 3) || ' ' || substr(pc, length(pc) - 2, 1) END AS postcode_sector,
    CASE WHEN uk THEN left(pc, length(pc) - 3) END AS postcode_district,
    nhs AS nhs_number,
    -- Each half of the NHS number: one mistyped digit leaves the other half as it was.
    CASE WHEN length(nhs) >= 6 THEN left(nhs, length(nhs) // 2) END AS nhs_head,
    CASE WHEN length(nhs) >= 6 THEN right(nhs, length(nhs) - length(nhs) // 2) END AS nhs_tail,
    left(surname, 1) AS surname_initial
FROM named LEFT JOIN nicknames AS n ON n.nickname = named.first
ORDER BY position
"""  # noqa: S608


def _as_text(series: pd.Series) -> pd.Series:
    """Any column as text; whole numbers read as floats (a blank among them) lose their '.0'."""
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if (whole == whole.round()).all():
            series = series.astype("Int64")
    text = series.astype("string")
    return text.astype(object).where(text.notna(), None)


# A record arriving alone is prepared twice (its keys, then with its candidates): opening a DuckDB
# connection costs about as much as the query, so small frames reuse one connection per thread.
_SMALL = 1000
_LOCAL = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = _LOCAL.con = duckdb.connect()
        con.register("nicknames", _NICKNAMES)
    return con


def _query(raw: pd.DataFrame) -> pd.DataFrame:
    if len(raw) > _SMALL:
        with duckdb.connect() as con:
            con.register("raw", raw)
            con.register("nicknames", _NICKNAMES)
            return con.execute(_SQL).df()
    con = _connection()
    con.register("raw", raw)
    try:
        return con.execute(_SQL).df()
    finally:
        con.unregister("raw")


def _planned() -> duckdb.DuckDBPyConnection:
    """This thread's connection with _SQL planned once over a table `raw` (a plan is bound to a
    registered frame, but reads a table's rows as they are when it runs)."""
    con = getattr(_LOCAL, "planned", None)
    if con is None:
        con = duckdb.connect()
        con.register("nicknames_frame", _NICKNAMES)
        con.execute("CREATE TABLE nicknames AS SELECT * FROM nicknames_frame")
        con.unregister("nicknames_frame")
        con.execute(f"CREATE TABLE raw ({', '.join(f'{c} VARCHAR' for c in COLUMNS)})")
        con.execute(f"PREPARE civichub_prepare AS {_SQL}")
        _LOCAL.planned = con
    return con


def prepare_rows(rows: Sequence[Mapping[str, str | None]]) -> list[dict[str, Any]]:
    """prepare() for a handful of records given as text or None (a record arriving, its candidates):
    the same SQL, planned once per thread, and no pandas, whose set-up costs more than the query does
    for a few rows. Returns one dict per row (PREPARED_COLUMNS), in order; a test holds it to prepare()."""
    if any(not r.get("record_id") or not r.get("source_system") for r in rows):
        raise ValueError("records need the columns ['record_id', 'source_system']")
    con = _planned()
    raw = {c: [None if r.get(c) is None else str(r.get(c)) for r in rows] for c in COLUMNS}
    con.execute("DELETE FROM raw")
    con.register("raw_in", pa.Table.from_pydict(raw, schema=pa.schema([(c, pa.string()) for c in COLUMNS])))
    try:
        con.execute("INSERT INTO raw SELECT * FROM raw_in")
    finally:
        con.unregister("raw_in")
    result = con.execute("EXECUTE civichub_prepare")
    names = [d[0] for d in result.description]
    out = []
    for values in result.fetchall():
        row = dict(zip(names, values, strict=True))
        prepared = {c: row[c] for c in PREPARED_COLUMNS}
        parts = prepared["surname_parts"]
        prepared["surname_parts"] = list(parts) if parts else None
        out.append(prepared)
    return out


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Source records (COLUMNS) -> the cleaned frame the model compares (PREPARED_COLUMNS)."""
    missing = [c for c in ("record_id", "source_system") if c not in frame.columns]
    if missing:
        raise ValueError(f"records need the columns {missing}")
    raw = frame.reindex(columns=list(COLUMNS))
    raw = pd.DataFrame({c: _as_text(raw[c]) for c in COLUMNS})
    out = _query(raw)[PREPARED_COLUMNS]
    text = [c for c in PREPARED_COLUMNS if c != "surname_parts"]
    out[text] = out[text].astype(object).where(out[text].notna(), None)
    out["surname_parts"] = [
        list(p) if isinstance(p, (list, np.ndarray)) and len(p) else None for p in out["surname_parts"]
    ]
    return out
