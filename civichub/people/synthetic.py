"""UK-style synthetic people records with ground truth, for measuring the linkage engine.

People are drawn with Faker's en_GB name lists and REAL postcodes (the NSPL extracts under
$CIVICHUB_SHARED_DIR/data/geography, live postcodes only). Each person appears in one to four source
systems, and each copy after the first may carry the faults real systems have: typos, nicknames,
first name and surname swapped, day and month swapped or digits transposed in the date of birth,
a move, a marriage (new or double-barrelled surname), blanks. Twins share a date of birth, surname
and address but not a first name or NHS number: they are two people and must stay two.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from faker.providers.person.en_GB import Provider as Names

from civichub.people.linkage.columns import COLUMNS
from civichub.people.linkage.nicknames import GROUPS

SOURCE_SYSTEMS = ("council_tax", "adult_social_care", "housing", "benefits", "provider_clients")
# How many systems hold each person: 1 to 4, most people in one or two.
RECORDS_PER_PERSON = (1, 2, 3, 4)
RECORDS_WEIGHTS = (0.4, 0.3, 0.2, 0.1)
_RECORDS_CUMULATIVE = np.cumsum(RECORDS_WEIGHTS)[:-1]
TWIN_SHARE = 0.02

# The chance of each fault on a copy of a record (the first copy of each person is as recorded at source).
FAULTS = {
    "nickname": 0.15,
    "first_typo": 0.06,
    "surname_typo": 0.05,
    "swap_names": 0.03,
    "dob_day_month": 0.03,
    "dob_digit": 0.03,
    "dob_transpose": 0.02,
    "move": 0.2,
    "postcode_typo": 0.02,
    "abbreviate_address": 0.3,
    "blank_field": 0.04,
    "nhs_missing": 0.35,
    "nhs_typo": 0.005,
}
MARRIAGE = 0.08  # women whose later records carry a married (or double-barrelled) surname
_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl", "Drive": "Dr"}
_STREET_SUFFIXES = (
    "Road",
    "Street",
    "Avenue",
    "Lane",
    "Close",
    "Drive",
    "Grove",
    "Way",
    "Crescent",
    "Gardens",
)


def shared_dir() -> Path:
    default = Path(__file__).resolve().parents[3] / "shared"
    return Path(os.environ.get("CIVICHUB_SHARED_DIR", default))


def real_postcodes(areas: Sequence[str] | None = None) -> list[str]:
    """Live postcodes from the NSPL extracts the places context reads (one file per area)."""
    folder = shared_dir() / "data" / "geography"
    files = (
        [folder / f"NSPL_NOV_2021_UK_{a.upper()}.csv.gz" for a in areas]
        if areas
        else sorted(folder.glob("NSPL_NOV_2021_UK_*.csv.gz"))
    )
    postcodes: list[str] = []
    for path in files:
        with gzip.open(path, "rt") as handle:
            table = pd.read_csv(handle, usecols=["pcds", "doterm"], dtype=str)
        postcodes += table.loc[table["doterm"].isna(), "pcds"].tolist()
    if not postcodes:
        raise FileNotFoundError(f"no NSPL postcode files under {folder}")
    return postcodes


def nhs_number(rng: np.random.Generator) -> str:
    """A random NHS number that passes the modulus-11 check."""
    while True:
        digits = rng.integers(0, 10, 9)
        total = int(sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(str(int(d)) for d in digits) + str(check)


def _weighted(names: object) -> tuple[list[str], np.ndarray]:
    """The names and their cumulative weights (for a draw by bisection: rng.choice is slow one at a time)."""
    if isinstance(names, dict):
        keys = list(names)
        weights = np.array([float(v) for v in names.values()])
    else:
        keys = list(names)  # type: ignore[call-overload]
        weights = np.ones(len(keys))
    return keys, np.cumsum(weights) / weights.sum()


def _draw(rng: np.random.Generator, names: list[str], cumulative: np.ndarray) -> str:
    return names[min(int(np.searchsorted(cumulative, rng.random())), len(names) - 1)]


_NICKNAMES = {group[0]: group[1:] for group in GROUPS}


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = rng.integers(0, 4)
    letter = "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(0, 26))]
    if kind == 0:  # a letter dropped
        return text[:i] + text[i + 1 :]
    if kind == 1:  # two letters transposed
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if i + 1 < len(text) else text
    if kind == 2:  # a letter doubled
        return text[:i] + text[i] + text[i:]
    return text[:i] + letter + text[i + 1 :]


def _dob_fault(rng: np.random.Generator, dob: str, fault: str) -> str:
    year, month, day = dob.split("-")
    if fault == "dob_day_month" and int(day) <= 12 and day != month:
        return f"{year}-{day}-{month}"
    digits = list(year + month + day)
    if fault == "dob_transpose":
        i = int(rng.integers(0, 7))
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        i = int(rng.integers(2, 8))
        digits[i] = str(int(rng.integers(0, 10)))
    candidate = "".join(digits)
    text = f"{candidate[:4]}-{candidate[4:6]}-{candidate[6:]}"
    try:
        date.fromisoformat(text)
    except ValueError:
        return dob
    return text


def generate(records: int, *, seed: int = 1, postcodes: Sequence[str] | None = None) -> pd.DataFrame:
    """About `records` source records (COLUMNS) plus `true_person`, the ground truth."""
    rng = np.random.default_rng(seed)
    postcodes = list(postcodes) if postcodes is not None else real_postcodes()
    males, male_w = _weighted(Names.first_names_male)
    females, female_w = _weighted(Names.first_names_female)
    surnames, surname_w = _weighted(Names.last_names)
    street_stems, _ = _weighted(Names.last_names)
    people = int(records / float(np.dot(RECORDS_PER_PERSON, RECORDS_WEIGHTS))) + 1

    rows: list[tuple[object, ...]] = []
    person = 0
    serial = {s: 0 for s in SOURCE_SYSTEMS}

    def address() -> tuple[str, str]:
        street = f"{street_stems[int(rng.integers(0, len(street_stems)))]} "
        street += _STREET_SUFFIXES[int(rng.integers(0, len(_STREET_SUFFIXES)))]
        return f"{int(rng.integers(1, 200))} {street}", postcodes[int(rng.integers(0, len(postcodes)))]

    def base_person(sex: str, surname: str, dob: str, home: tuple[str, str]) -> dict[str, str]:
        names, weights = (males, male_w) if sex == "M" else (females, female_w)
        first = _draw(rng, names, weights)
        return {
            "first_name": first,
            "surname": surname,
            "sex": sex,
            "date_of_birth": dob,
            "address_line": home[0],
            "postcode": home[1],
            "nhs_number": nhs_number(rng),
        }

    while len(rows) < records and person < people * 2:
        sex = "M" if rng.random() < 0.5 else "F"
        surname = _draw(rng, surnames, surname_w)
        born = date(1925, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 98)))
        dob = born.isoformat()
        home = address()
        household = [base_person(sex, surname, dob, home)]
        if rng.random() < TWIN_SHARE:
            twin_sex = "M" if rng.random() < 0.5 else "F"
            twin = base_person(twin_sex, surname, dob, home)
            while twin["first_name"] == household[0]["first_name"]:
                twin = base_person(twin_sex, surname, dob, home)
            household.append(twin)
        for truth in household:
            person += 1
            copies = RECORDS_PER_PERSON[int(np.searchsorted(_RECORDS_CUMULATIVE, rng.random()))]
            systems = rng.permutation(len(SOURCE_SYSTEMS))[:copies]
            married = truth["sex"] == "F" and born.year < 2000 and rng.random() < MARRIAGE
            married_name = _draw(rng, surnames, surname_w)
            for copy, system_index in enumerate(systems):
                system = SOURCE_SYSTEMS[int(system_index)]
                serial[system] += 1
                record = dict(truth)
                if copy > 0:
                    record = _corrupt(rng, record, address)
                    if married and rng.random() < 0.7:
                        record["surname"] = (
                            married_name if rng.random() < 0.7 else f"{truth['surname']}-{married_name}"
                        )
                ident = f"{system[:2].upper()}{serial[system]:07d}"
                fields = {"record_id": ident, "source_system": system, **record}
                rows.append((*(fields[c] for c in COLUMNS), f"P{person:08d}"))
    frame = pd.DataFrame(rows[:records], columns=[*COLUMNS, "true_person"])
    # The order systems send records in says nothing about who they are.
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _corrupt(rng: np.random.Generator, record: dict[str, str], address: object) -> dict[str, str]:
    out = dict(record)

    def chance(fault: str) -> bool:
        return bool(rng.random() < FAULTS[fault])

    first = out["first_name"].lower()
    if chance("nickname") and first in _NICKNAMES:
        forms = _NICKNAMES[first]
        out["first_name"] = forms[int(rng.integers(0, len(forms)))].title()
    if chance("first_typo"):
        out["first_name"] = _typo(rng, out["first_name"])
    if chance("surname_typo"):
        out["surname"] = _typo(rng, out["surname"])
    if chance("swap_names"):
        out["first_name"], out["surname"] = out["surname"], out["first_name"]
    for fault in ("dob_day_month", "dob_digit", "dob_transpose"):
        if chance(fault):
            out["date_of_birth"] = _dob_fault(rng, out["date_of_birth"], fault)
    if chance("move") and callable(address):
        out["address_line"], out["postcode"] = address()
    if chance("postcode_typo"):
        pc = out["postcode"]
        out["postcode"] = pc[:-1] + "ABDEFGHJLNPQRSTUWXYZ"[int(rng.integers(0, 20))]
    if chance("abbreviate_address"):
        for word, short in _ABBREVIATIONS.items():
            out["address_line"] = out["address_line"].replace(word, short)
    if chance("nhs_missing"):
        out["nhs_number"] = ""
    elif chance("nhs_typo"):
        digits = list(out["nhs_number"])
        i = int(rng.integers(0, 9))
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
        out["nhs_number"] = "".join(digits)
    if chance("blank_field"):
        field = ("sex", "date_of_birth", "address_line", "postcode", "first_name")[int(rng.integers(0, 5))]
        out[field] = ""
    return out
