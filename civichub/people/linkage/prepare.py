"""Cleaning source records before they are compared: one function, vectorised over a frame.

Every derived column is computed here and nowhere else, so the batch run, the incremental score
of one new record and the blocking keys the database indexes all see the same values.
"""

from __future__ import annotations

import re

import pandas as pd

from civichub.people.linkage.nicknames import CANONICAL

COLUMNS = [
    "record_id",
    "source_system",
    "first_name",
    "surname",
    "sex",
    "date_of_birth",
    "address_line",
    "postcode",
    "nhs_number",
]

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
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d)([A-Z]{2})$")
_SEX = {"m": "m", "male": "m", "man": "m", "1": "m", "f": "f", "female": "f", "woman": "f", "2": "f"}


def _blank_to_none(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def _clean_name(series: pd.Series) -> pd.Series:
    """Lower case letters, with any hyphen or space between parts kept as one hyphen."""
    text = _blank_to_none(series).str.lower()
    text = text.str.replace("[\u2019'`.]", "", regex=True)
    text = text.str.replace(r"[^a-z]+", "-", regex=True).str.strip("-")
    return text.mask(text == "", pd.NA)


def _clean_dob(series: pd.Series) -> pd.Series:
    text = _blank_to_none(series)
    compact = text.str.replace(r"\D", "", regex=True)
    # YYYYMMDD, YYYY-MM-DD and YYYY/MM/DD all become YYYY-MM-DD; anything else is blank.
    iso = compact.str.slice(0, 4) + "-" + compact.str.slice(4, 6) + "-" + compact.str.slice(6, 8)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return iso.where(parsed.notna() & (compact.str.len() == 8), pd.NA)


def _clean_postcode(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    compact = _blank_to_none(series).str.upper().str.replace(r"\s+", "", regex=True)
    parts = compact.str.extract(_UK_POSTCODE)
    is_uk = parts[0].notna()
    formatted = (parts[0] + " " + parts[1] + parts[2]).where(is_uk, compact)
    sector = (parts[0] + " " + parts[1]).where(is_uk, pd.NA)
    district = parts[0].where(is_uk, pd.NA)
    return formatted.mask(formatted == "", pd.NA), sector, district


def _clean_address(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _blank_to_none(series).str.lower().str.replace(r"[^a-z0-9 ]+", " ", regex=True)
    words = text.str.split()
    text = words.map(
        lambda ws: " ".join(_ADDRESS_WORDS.get(w) or w for w in ws) if isinstance(ws, list) else pd.NA
    ).astype("string")
    text = text.mask(text == "", pd.NA)
    house = text.str.extract(r"(\d+[a-z]?)", expand=False)
    return text, house


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Source records (COLUMNS) -> the cleaned frame the model compares (PREPARED_COLUMNS)."""
    missing = [c for c in ("record_id", "source_system") if c not in frame.columns]
    if missing:
        raise ValueError(f"records need the columns {missing}")
    raw = frame.reindex(columns=COLUMNS)
    out = pd.DataFrame(index=raw.index)
    out["record_id"] = raw["record_id"].astype("string").str.strip()
    out["source_system"] = raw["source_system"].astype("string").str.strip()
    out["unique_id"] = out["source_system"] + ":" + out["record_id"]

    first = _clean_name(raw["first_name"])
    # Only the first given name is compared: middle names come and go between systems.
    out["first_name"] = first.str.split("-").str[0]
    canonical = out["first_name"].map(lambda n: CANONICAL.get(n, n) if isinstance(n, str) else pd.NA)
    out["first_name_canonical"] = canonical.astype("string")
    surname = _clean_name(raw["surname"])
    out["surname"] = surname.str.replace("-", "", regex=False)
    # The parts of a double-barrelled name, so Smith matches Smith-Jones after a marriage.
    out["surname_parts"] = surname.map(lambda s: s.split("-") if isinstance(s, str) else None)
    both = out["first_name"].notna() & out["surname"].notna()
    lo = out[["first_name", "surname"]].min(axis=1).where(both, pd.NA)
    hi = out[["first_name", "surname"]].max(axis=1).where(both, pd.NA)
    # The two names in alphabetical order: the same key whichever field each was typed in.
    out["names_sorted"] = (lo.astype("string") + " " + hi.astype("string")).astype("string")

    sex = _blank_to_none(raw["sex"]).str.lower()
    out["sex"] = sex.map(lambda s: _SEX.get(s, pd.NA) if isinstance(s, str) else pd.NA).astype("string")

    dob = _clean_dob(raw["date_of_birth"])
    out["date_of_birth"] = dob
    # Day and month exchanged (US order, or a slip): compared against the other record's date.
    swapped = dob.str.slice(0, 4) + "-" + dob.str.slice(8, 10) + "-" + dob.str.slice(5, 7)
    out["dob_swapped"] = swapped.astype("string")
    out["birth_year"] = dob.str.slice(0, 4)

    out["address_line"], out["house_number"] = _clean_address(raw["address_line"])
    out["postcode"], out["postcode_sector"], out["postcode_district"] = _clean_postcode(raw["postcode"])

    nhs = _blank_to_none(raw["nhs_number"]).str.replace(r"\D", "", regex=True)
    out["nhs_number"] = nhs.mask(nhs == "", pd.NA)
    out = out[PREPARED_COLUMNS].reset_index(drop=True)
    string_columns = [c for c in PREPARED_COLUMNS if c != "surname_parts"]
    out[string_columns] = out[string_columns].astype(object).where(out[string_columns].notna(), None)
    return out
