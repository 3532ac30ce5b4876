"""Where the reference files live: all under settings.SHARED_DIR (CIVICHUB_SHARED_DIR), read in place.

Public sources (so a user elsewhere can fetch the same files) are listed in the README.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def shared(*parts: str) -> Path:
    return Path(settings.SHARED_DIR).joinpath(*parts)


def local_authorities_file() -> Path:
    return shared("data", "geography", "uk_local_authorities.csv")


def postcode_file(area: str) -> Path:
    """The NSPL (Nov 2021) extract for one postcode area, e.g. 'WN'."""
    return shared("data", "geography", f"NSPL_NOV_2021_UK_{area.upper()}.csv.gz")


def deprivation_domains_file() -> Path:
    return shared("data", "imd2019", "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz")


def population_file() -> Path:
    return shared("data", "imd2019", "File_6_-_IoD2019_Population_Denominators.csv.gz")


def ward_names_file() -> Path:
    """ONS Ward to Local Authority District (December 2019) Lookup in the UK: every ward's name."""
    return shared("data", "geography", "ward_to_lad_dec2019_uk.csv.gz")
