"""Places services: importing the geography (local authorities, deprivation, postcodes, ward names).

Every importer validates the whole file before it writes, names the file, line and field of each
problem, writes all-or-nothing, and is idempotent: a second run reports 0 added, 0 updated.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count

from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import (
    ErrorCollector,
    ImportRejected,
    ImportSummary,
    Progress,
    RowError,
    read_csv,
    sync_rows,
)
from civichub.core.services import CouncilFacts
from civichub.core.text import clean_text
from civichub.places import sources
from civichub.places.models import LocalAuthority, Lsoa, Postcode, Ward

GSS_CODE = re.compile(r"^[ENSWLM]\d{8}$")
WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
LSOA_CODE = re.compile(r"^E01\d{6}$")
# The postcode format of BS 7666, loosely: outward code, a space, inward code.
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
# NSPL marks postcodes with no grid reference with this latitude.
NO_GRID_REFERENCE = 99.999999


def normalise_postcode(text: str) -> str | None:
    """'wn11aa' or ' WN1  1AA ' -> 'WN1 1AA'; None if it cannot be a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not 5 <= len(compact) <= 7:
        return None
    candidate = f"{compact[:-3]} {compact[-3:]}"
    return candidate if POSTCODE.match(candidate) else None


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress and (done % 2000 == 0 or done == total):
        progress(stage, done, total)


# --- local authorities -----------------------------------------------------------------------


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


@transaction.atomic
def import_local_authorities(
    actor: Actor, path: Path | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Load every UK local authority (past and current) from mySociety's register."""
    path = path or sources.local_authorities_file()
    rows, digest = read_csv(path, encoding="utf-8-sig", required=LA_COLUMNS)
    errors = ErrorCollector(path.name)
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
    errors.raise_if_any()
    summary = ImportSummary("Local authorities", path.name, digest, skipped=skipped)
    summary.created, summary.updated, summary.unchanged = sync_rows(
        LocalAuthority, "gss_code", authorities, progress=progress
    )
    _audit_import(actor, "places.local_authorities.imported", summary)
    return summary


def council_facts(actor: Actor, gss_code: str) -> CouncilFacts:
    """The facts of a current UK council from the register, for the kernel's add_council (its adapter)."""
    ensure_local_authorities(actor)
    authority = LocalAuthority.objects.filter(gss_code=gss_code).first()
    if authority is None:
        raise Refused.on("gss_code", f"No UK local authority has the GSS code '{gss_code}'.")
    if not authority.is_current:
        replaced = f", replaced by {authority.replaced_by}" if authority.replaced_by else ""
        raise Refused.on(
            "gss_code", f"{authority.name} ({gss_code}) ceased on {authority.end_date}{replaced}."
        )
    return CouncilFacts(
        gss_code=authority.gss_code,
        name=authority.name,
        short_name=authority.short_name,
        register_code=authority.register_code,
        authority_type=authority.authority_type,
        region=authority.region,
        nation=authority.nation,
    )


def ensure_local_authorities(actor: Actor) -> None:
    """Load the local authority register once, the first time anything needs it."""
    if not LocalAuthority.objects.exists():
        import_local_authorities(actor)


# --- deprivation (IoD 2019) ------------------------------------------------------------------

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
LSOAS_IN_ENGLAND = 32844


def _whole_number(value: str, errors: ErrorCollector, line: int, column: str, low: int, high: int) -> int:
    try:
        number = int(value.replace(",", ""))
    except ValueError:
        errors.add(line, column, f"'{value}' is not a whole number")
        return 0
    if not low <= number <= high:
        errors.add(line, column, f"{number} is outside {low} to {high}")
    return number


@transaction.atomic
def import_deprivation(
    actor: Actor,
    domains_path: Path | None = None,
    population_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Load every LSOA in England with its IoD 2019 ranks, deciles and mid-2015 population."""
    domains_path = domains_path or sources.deprivation_domains_file()
    population_path = population_path or sources.population_file()
    ensure_local_authorities(actor)
    known_authorities = set(LocalAuthority.objects.values_list("gss_code", flat=True))

    population_rows, population_digest = read_csv(
        population_path, encoding="utf-8-sig", required=POPULATION_COLUMNS.values()
    )
    pop_errors = ErrorCollector(population_path.name)
    population: dict[str, dict[str, int]] = {}
    for line, row in population_rows:
        code = row[POPULATION_COLUMNS["code"]]
        if code in population:
            pop_errors.add(line, POPULATION_COLUMNS["code"], f"LSOA '{code}' appears twice")
        population[code] = {
            name: _whole_number(row[column], pop_errors, line, column, 0, 10**6)
            for name, column in POPULATION_COLUMNS.items()
            if name != "code"
        }
    pop_errors.raise_if_any()

    domain_rows, domains_digest = read_csv(domains_path, encoding="utf-8-sig", required=IMD_COLUMNS.values())
    errors = ErrorCollector(domains_path.name)
    lsoas: dict[str, dict[str, Any]] = {}
    for done, (line, row) in enumerate(domain_rows, start=1):
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
        if code not in population:
            errors.add(line, IMD_COLUMNS["code"], f"LSOA '{code}' has no row in {population_path.name}")
            continue
        values: dict[str, Any] = {"name": row[IMD_COLUMNS["name"]], "local_authority_id": authority}
        values["imd_rank"] = _whole_number(
            row[IMD_COLUMNS["imd_rank"]], errors, line, IMD_COLUMNS["imd_rank"], 1, LSOAS_IN_ENGLAND
        )
        for name, column in IMD_COLUMNS.items():
            if name.endswith("_decile"):
                values[name] = _whole_number(row[column], errors, line, column, 1, 10)
        values.update(population[code])
        lsoas[code] = values
        _report(progress, "Checking LSOAs", done, len(domain_rows))
    for code in population.keys() - lsoas.keys():
        errors.add(None, POPULATION_COLUMNS["code"], f"LSOA '{code}' has a population but no deprivation row")
    errors.raise_if_any()

    summary = ImportSummary(
        "LSOAs with deprivation and population",
        f"{domains_path.name} + {population_path.name}",
        f"{domains_digest}+{population_digest}",
    )
    summary.created, summary.updated, summary.unchanged = sync_rows(Lsoa, "code", lsoas, progress=progress)
    _audit_import(actor, "places.deprivation.imported", summary)
    return summary


# --- postcodes (NSPL) ------------------------------------------------------------------------

NSPL_COLUMNS = ("pcds", "dointr", "doterm", "laua", "ward", "lsoa11", "lat", "long")
YEAR_MONTH = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])$")


@transaction.atomic
def import_postcodes(actor: Actor, path: Path, progress: Progress | None = None) -> ImportSummary:
    """Load one NSPL file (Latin-1): every postcode with its place, plus the wards NSPL names by code.

    A postcode with no local authority is non-geographic (a PO box, a large user) and is kept without
    places. LSOAs must already be loaded (import_deprivation), since a postcode links to one.
    """
    ensure_local_authorities(actor)
    rows, digest = read_csv(path, encoding="latin-1", required=NSPL_COLUMNS)
    errors = ErrorCollector(path.name)
    known_authorities = set(LocalAuthority.objects.values_list("gss_code", flat=True))
    known_lsoas = set(Lsoa.objects.values_list("code", flat=True))
    ward_authority: dict[str, str] = dict(Ward.objects.values_list("gss_code", "local_authority__gss_code"))
    first_seen: dict[str, int] = {}
    postcodes: dict[str, dict[str, Any]] = {}
    wards: dict[str, dict[str, Any]] = {}

    for done, (line, row) in enumerate(rows, start=1):
        _report(progress, f"Checking {path.name}", done, len(rows))
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
    errors.raise_if_any()

    summary = ImportSummary("Postcodes", path.name, digest)
    sync_rows(Ward, "gss_code", wards, progress=progress)
    summary.created, summary.updated, summary.unchanged = sync_rows(
        Postcode, "postcode", postcodes, progress=progress
    )
    live = sum(1 for values in postcodes.values() if not values["terminated"])
    summary.notes.append(f"{live} live, {len(postcodes) - live} terminated; {len(wards)} wards")
    _assign_best_fit_wards({v["lsoa_id"] for v in postcodes.values() if v["lsoa_id"]})
    _audit_import(actor, "places.postcodes.imported", summary)
    return summary


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


@transaction.atomic
def import_ward_names(
    actor: Actor, path: Path | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Name the wards we hold from the ONS ward lookup (every UK ward's code and name).

    The whole file is checked, but only wards we already hold are written: wards come from the
    postcode import, which knows the current ones (NSPL is newer than the December 2019 lookup, whose
    abolished wards and old district codes would otherwise come back). So run it after
    import_postcodes; wards the file does not name keep showing their code.
    """
    path = path or sources.ward_names_file()
    rows, digest = read_csv(path, encoding="utf-8-sig", required=WARD_NAME_COLUMNS)
    errors = ErrorCollector(path.name)
    first_seen: dict[str, int] = {}
    names: dict[str, str] = {}
    for done, (line, row) in enumerate(rows, start=1):
        _report(progress, f"Checking {path.name}", done, len(rows))
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
    errors.raise_if_any()

    held_wards = set(Ward.objects.values_list("gss_code", flat=True))
    named = held_wards & names.keys()
    summary = ImportSummary("Ward names", path.name, digest, skipped=len(names) - len(named))
    summary.created, summary.updated, summary.unchanged = sync_rows(
        Ward, "gss_code", {code: {"name": names[code]} for code in named}, progress=progress
    )
    summary.notes.append(
        f"wards in the file not held here: {len(names) - len(named)}; "
        f"held wards not in the file (shown by their code): {len(held_wards - named)}"
    )
    _audit_import(actor, "places.ward_names.imported", summary)
    return summary


def _audit_import(actor: Actor, action: str, summary: ImportSummary) -> None:
    audit.record(
        actor,
        action,
        object_type="file",
        object_id=summary.source[:100],
        data={
            "sha256": summary.sha256,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "skipped": summary.skipped,
        },
    )


__all__ = [
    "ImportRejected",
    "RowError",
    "ensure_local_authorities",
    "import_deprivation",
    "import_local_authorities",
    "import_postcodes",
    "import_ward_names",
    "normalise_postcode",
]
