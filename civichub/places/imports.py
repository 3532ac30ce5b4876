"""The national geography as import types of the kernel's one pipeline (platform imports, no council).

Each type checks the whole file, naming the line and field of every problem, and applies a clean file
in one transaction as an upsert that leaves unchanged rows alone; the runner records the run, skips a
file already imported, reports progress and publishes `core.import.completed`. They run in order:
local authorities, LSOA deprivation, LSOA population, postcodes, ward names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.db.models import Count

from civichub.core.actors import Actor
from civichub.core.importing import (
    Column,
    ErrorCollector,
    ImportResult,
    ImportType,
    Progress,
    register,
    sync_rows,
)
from civichub.core.text import clean_text
from civichub.places.models import LocalAuthority, Lsoa, Postcode, Ward
from civichub.places.postcodes import normalise_postcode

GSS_CODE = re.compile(r"^[ENSWLM]\d{8}$")
WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
LSOA_CODE = re.compile(r"^E01\d{6}$")
# NSPL marks postcodes with no grid reference with this latitude.
NO_GRID_REFERENCE = 99.999999
YEAR_MONTH = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])$")
LSOAS_IN_ENGLAND = 32844
# Reference files are read from CIVICHUB_SHARED_DIR by platform administrators, and may be larger
# than a council's upload.
REFERENCE_FILE_BYTES = 200 * 1024 * 1024
Rows = list[tuple[int, dict[str, Any]]]


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress and (done % 2000 == 0 or done == total):
        progress(stage, done, total)


def _date(value: str, errors: ErrorCollector, line: int, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(line, name, f"'{value}' is not a date (YYYY-MM-DD)")
        return None


def _number(value: str, errors: ErrorCollector, line: int, name: str, kind: type = float) -> Any:
    if value == "":
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        errors.add(line, name, f"'{value}' is not a number")
        return None
    return int(number) if kind is int else number


def _whole_number(value: str, errors: ErrorCollector, line: int, column: str, low: int, high: int) -> int:
    try:
        number = int(value.replace(",", ""))
    except ValueError:
        errors.add(line, column, f"'{value}' is not a whole number")
        return 0
    if not low <= number <= high:
        errors.add(line, column, f"{number} is outside {low} to {high}")
    return number


def _upsert(
    model: Any, key: str, rows: dict[str, dict[str, Any]], progress: Progress, **notes: Any
) -> ImportResult:
    created, updated, unchanged = sync_rows(model, key, rows, progress=progress)
    return ImportResult(created, updated, unchanged, **notes)


def _platform(name: str, label: str, description: str, columns: tuple[str, ...], **kind: Any) -> ImportType:
    return register(
        ImportType(
            name=name,
            label=label,
            description=description,
            permission="platform.manage",
            columns=tuple(Column(c, True, "") for c in columns),
            scope="platform",
            max_bytes=REFERENCE_FILE_BYTES,
            **kind,
        )
    )


# --- local authorities (mySociety's register) --------------------------------------------------

LA_COLUMNS = (
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "start-date",
    "end-date",
    "replaced-by",
    "nation",
    "region",
    "local-authority-type-name",
    "pop-2020",
    "lat",
    "long",
)


def check_local_authorities(council: None, rows: Rows, errors: ErrorCollector) -> tuple[dict[str, Any], int]:
    authorities: dict[str, dict[str, Any]] = {}
    skipped = 0
    for line, row in rows:
        gss = row["gss-code"].strip()
        if not gss:
            skipped += 1  # a handful of historic authorities never had a GSS code
            continue
        if not GSS_CODE.match(gss):
            errors.add(line, "gss-code", f"'{gss}' is not a GSS code (a letter and eight digits)")
            continue
        if gss in authorities:
            errors.add(line, "gss-code", f"'{gss}' appears twice")
            continue
        authorities[gss] = {
            "register_code": row["local-authority-code"],
            "name": row["official-name"],
            "short_name": row["nice-name"] or row["official-name"],
            "authority_type": row["local-authority-type-name"],
            "nation": row["nation"],
            "region": row["region"],
            "start_date": _date(row["start-date"], errors, line, "start-date"),
            "end_date": _date(row["end-date"], errors, line, "end-date"),
            "replaced_by": row["replaced-by"],
            "population_2020": _number(row["pop-2020"], errors, line, "pop-2020", int),
            "latitude": _number(row["lat"], errors, line, "lat"),
            "longitude": _number(row["long"], errors, line, "long"),
        }
    return authorities, skipped


def apply_local_authorities(actor: Actor, council: None, checked: Any, progress: Progress) -> ImportResult:
    authorities, skipped = checked
    return _upsert(LocalAuthority, "gss_code", authorities, progress, skipped=skipped)


LOCAL_AUTHORITIES = _platform(
    "local_authorities",
    "UK local authorities",
    "Every UK local authority, past and current (mySociety's register).",
    LA_COLUMNS,
    check=check_local_authorities,
    apply=apply_local_authorities,
)


# --- LSOAs: deprivation (IoD 2019 File 2) and population (File 6) ------------------------------

IMD_COLUMNS = {
    "code": "LSOA code (2011)",
    "name": "LSOA name (2011)",
    "local_authority": "Local Authority District code (2019)",
    "imd_rank": "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "imd_decile": "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    "income_decile": "Income Decile (where 1 is most deprived 10% of LSOAs)",
    "employment_decile": "Employment Decile (where 1 is most deprived 10% of LSOAs)",
    "education_decile": "Education, Skills and Training Decile (where 1 is most deprived 10% of LSOAs)",
    "health_decile": "Health Deprivation and Disability Decile (where 1 is most deprived 10% of LSOAs)",
    "crime_decile": "Crime Decile (where 1 is most deprived 10% of LSOAs)",
    "housing_decile": "Barriers to Housing and Services Decile (where 1 is most deprived 10% of LSOAs)",
    "living_environment_decile": "Living Environment Decile (where 1 is most deprived 10% of LSOAs)",
}
POPULATION_COLUMNS = {
    "code": "LSOA code (2011)",
    "population": "Total population: mid 2015 (excluding prisoners)",
    "children": "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
    "older_people": "Older population aged 60 and over: mid 2015 (excluding prisoners)",
}


def check_deprivation(council: None, rows: Rows, errors: ErrorCollector) -> dict[str, dict[str, Any]]:
    known_authorities = set(LocalAuthority.objects.values_list("gss_code", flat=True))
    lsoas: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        code = row[IMD_COLUMNS["code"]]
        if not LSOA_CODE.match(code):
            errors.add(
                line, IMD_COLUMNS["code"], f"'{code}' is not an English LSOA code (E01 and six digits)"
            )
            continue
        if code in lsoas:
            errors.add(line, IMD_COLUMNS["code"], f"LSOA '{code}' appears twice")
            continue
        authority = row[IMD_COLUMNS["local_authority"]]
        if authority not in known_authorities:
            errors.add(
                line, IMD_COLUMNS["local_authority"], f"unknown local authority GSS code '{authority}'"
            )
        values: dict[str, Any] = {"name": row[IMD_COLUMNS["name"]], "local_authority_id": authority}
        values["imd_rank"] = _whole_number(
            row[IMD_COLUMNS["imd_rank"]], errors, line, IMD_COLUMNS["imd_rank"], 1, LSOAS_IN_ENGLAND
        )
        for name, column in IMD_COLUMNS.items():
            if name.endswith("_decile"):
                values[name] = _whole_number(row[column], errors, line, column, 1, 10)
        lsoas[code] = values
    return lsoas


def apply_deprivation(actor: Actor, council: None, lsoas: Any, progress: Progress) -> ImportResult:
    return _upsert(Lsoa, "code", lsoas, progress)


def check_population(council: None, rows: Rows, errors: ErrorCollector) -> dict[str, dict[str, int]]:
    held = set(Lsoa.objects.values_list("code", flat=True))
    population: dict[str, dict[str, int]] = {}
    for line, row in rows:
        code = row[POPULATION_COLUMNS["code"]]
        if code in population:
            errors.add(line, POPULATION_COLUMNS["code"], f"LSOA '{code}' appears twice")
            continue
        if code not in held:
            errors.add(
                line,
                POPULATION_COLUMNS["code"],
                f"LSOA '{code}' is not held: import the deprivation file first",
            )
            continue
        population[code] = {
            name: _whole_number(row[column], errors, line, column, 0, 10**6)
            for name, column in POPULATION_COLUMNS.items()
            if name != "code"
        }
    return population


def apply_population(actor: Actor, council: None, population: Any, progress: Progress) -> ImportResult:
    missing = Lsoa.objects.exclude(code__in=population.keys()).count()
    notes = [f"{missing} LSOAs have no population in this file"] if missing else []
    return _upsert(Lsoa, "code", population, progress, notes=notes)


DEPRIVATION = _platform(
    "lsoa_deprivation",
    "LSOAs with deprivation (IoD 2019)",
    "Every LSOA in England with its IoD 2019 rank and domain deciles (File 2).",
    tuple(IMD_COLUMNS.values()),
    check=check_deprivation,
    apply=apply_deprivation,
)
POPULATION = _platform(
    "lsoa_population",
    "LSOA population (IoD 2019)",
    "Mid-2015 population of every LSOA in England (File 6); after the deprivation file.",
    tuple(POPULATION_COLUMNS.values()),
    check=check_population,
    apply=apply_population,
)


# --- postcodes (NSPL) ------------------------------------------------------------------------

NSPL_COLUMNS = ("pcds", "dointr", "doterm", "laua", "ward", "lsoa11", "lat", "long")


def check_postcodes(
    council: None, rows: Rows, errors: ErrorCollector
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every postcode with its place, plus the wards NSPL names by code.

    A postcode with no local authority is non-geographic (a PO box, a large user) and is kept without
    places. LSOAs must already be loaded, since a postcode links to one.
    """
    known_authorities = set(LocalAuthority.objects.values_list("gss_code", flat=True))
    known_lsoas = set(Lsoa.objects.values_list("code", flat=True))
    ward_authority: dict[str, str] = dict(Ward.objects.values_list("gss_code", "local_authority__gss_code"))
    first_seen: dict[str, int] = {}
    postcodes: dict[str, dict[str, Any]] = {}
    wards: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        postcode = normalise_postcode(row["pcds"])
        if postcode is None:
            errors.add(line, "pcds", f"'{row['pcds']}' is not a UK postcode")
            continue
        if postcode in first_seen:
            errors.add(
                line, "pcds", f"postcode '{postcode}' appears twice (first on line {first_seen[postcode]})"
            )
            continue
        first_seen[postcode] = line
        for name in ("dointr", "doterm"):
            if row[name] and not YEAR_MONTH.match(row[name]):
                errors.add(line, name, f"'{row[name]}' is not a year and month (YYYYMM)")
        authority, ward, lsoa = row["laua"].strip(), row["ward"].strip(), row["lsoa11"].strip()
        if authority and authority not in known_authorities:
            errors.add(line, "laua", f"unknown local authority GSS code '{authority}'")
        if ward:
            if not WARD_CODE.match(ward):
                errors.add(line, "ward", f"'{ward}' is not a ward GSS code")
            elif ward_authority.setdefault(ward, authority) != authority:
                errors.add(
                    line,
                    "ward",
                    f"ward '{ward}' is in {ward_authority[ward]} elsewhere but in {authority} here",
                )
            else:
                wards[ward] = {"local_authority_id": authority}
        if lsoa.startswith("E01") and lsoa not in known_lsoas:
            errors.add(line, "lsoa11", f"unknown LSOA code '{lsoa}' (load the deprivation files first)")
        latitude = _number(row["lat"], errors, line, "lat")
        longitude = _number(row["long"], errors, line, "long")
        if latitude == NO_GRID_REFERENCE:
            latitude = longitude = None
        elif latitude is not None and not (49 <= latitude <= 61 and -9 <= (longitude or 0) <= 2.1):
            errors.add(line, "lat", f"{latitude}, {longitude} is not in the United Kingdom")
        postcodes[postcode] = {
            "compact": postcode.replace(" ", ""),
            "latitude": latitude,
            "longitude": longitude,
            "local_authority_id": authority or None,
            "ward_id": ward or None,
            # Only English LSOAs are held (the IoD covers England); others stay unlinked.
            "lsoa_id": lsoa if lsoa in known_lsoas else None,
            "introduced": row["dointr"],
            "terminated": row["doterm"],
        }
    return postcodes, wards


def apply_postcodes(actor: Actor, council: None, checked: Any, progress: Progress) -> ImportResult:
    postcodes, wards = checked
    sync_rows(Ward, "gss_code", wards, progress=progress)
    live = sum(1 for values in postcodes.values() if not values["terminated"])
    result = _upsert(
        Postcode,
        "postcode",
        postcodes,
        progress,
        notes=[f"{live} live, {len(postcodes) - live} terminated; {len(wards)} wards"],
    )
    _assign_best_fit_wards({v["lsoa_id"] for v in postcodes.values() if v["lsoa_id"]})
    return result


def _assign_best_fit_wards(lsoa_codes: set[str]) -> None:
    """Give each LSOA the ward that holds most of its live postcodes (ties go to the lower code)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    live = Postcode.objects.filter(lsoa_id__in=lsoa_codes, terminated="", ward__isnull=False)
    for row in live.values("lsoa_id", "ward_id").annotate(n=Count("id")):
        counts[row["lsoa_id"]][row["ward_id"]] += row["n"]
    best = {
        code: {"best_fit_ward_id": min(c.items(), key=lambda item: (-item[1], item[0]))[0]}
        for code, c in counts.items()
    }
    sync_rows(Lsoa, "code", best)


POSTCODES = _platform(
    "postcodes",
    "Postcodes (NSPL)",
    "One National Statistics Postcode Lookup file (Latin-1): every postcode with its place.",
    NSPL_COLUMNS,
    check=check_postcodes,
    apply=apply_postcodes,
    encoding="latin-1",
)


# --- ward names (ONS Ward to Local Authority District lookup) ----------------------------------

WARD_NAME_COLUMNS = ("WD19CD", "WD19NM", "LAD19CD")
WARD_NAME_LENGTH = Ward._meta.get_field("name").max_length or 255


def _repair_double_encoding(text: str) -> str:
    """'SteÃ²rnabhagh' -> 'Steòrnabhagh'.

    The ONS file's Welsh and Gaelic names were encoded to UTF-8 twice. Undoing one encoding only works
    on such text: a name that is already right (Llifôn) is not valid UTF-8 once encoded as Latin-1.
    """
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def check_ward_names(council: None, rows: Rows, errors: ErrorCollector) -> dict[str, str]:
    first_seen: dict[str, int] = {}
    names: dict[str, str] = {}
    for line, row in rows:
        code = row["WD19CD"].strip()
        if not WARD_CODE.match(code):
            errors.add(
                line, "WD19CD", f"'{code}' is not a ward GSS code (E05, W05, S13 or N08 and six digits)"
            )
            continue
        if code in first_seen:
            errors.add(line, "WD19CD", f"ward '{code}' appears twice (first on line {first_seen[code]})")
            continue
        first_seen[code] = line
        if not GSS_CODE.match(row["LAD19CD"].strip()):
            errors.add(line, "LAD19CD", f"'{row['LAD19CD']}' is not a GSS code (a letter and eight digits)")
        name = clean_text(_repair_double_encoding(row["WD19NM"]))
        if not name:
            errors.add(line, "WD19NM", f"ward '{code}' has no name")
        elif len(name) > WARD_NAME_LENGTH:
            errors.add(line, "WD19NM", f"the name is longer than {WARD_NAME_LENGTH} characters")
        else:
            names[code] = name
    return names


def apply_ward_names(actor: Actor, council: None, names: Any, progress: Progress) -> ImportResult:
    """Name the wards we hold. Wards come from the postcodes (NSPL is newer than the December 2019
    lookup, whose abolished wards and old district codes would otherwise come back), so run it after
    the postcodes; wards the file does not name keep showing their code."""
    held_wards = set(Ward.objects.values_list("gss_code", flat=True))
    named = held_wards & names.keys()
    note = (
        f"wards in the file not held here: {len(names) - len(named)}; "
        f"held wards not in the file (shown by their code): {len(held_wards - named)}"
    )
    rows = {code: {"name": names[code]} for code in named}
    return _upsert(Ward, "gss_code", rows, progress, skipped=len(names) - len(named), notes=[note])


WARD_NAMES = _platform(
    "ward_names",
    "Ward names (ONS)",
    "Names of the wards we hold, from the ONS Ward to Local Authority District lookup.",
    WARD_NAME_COLUMNS,
    check=check_ward_names,
    apply=apply_ward_names,
)
