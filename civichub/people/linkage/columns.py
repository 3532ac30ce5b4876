"""The columns of a person record, as every source system sends them, and the blocking rules over the
cleaned columns: the one definition of each.

The import checks, the engine's cleaning, the synthetic generator and the stored keys (`RecordKeys`) all
read this. It imports nothing, so the checks (loaded by every page and command) and the models do not pay
for DuckDB, pandas or Splink.
"""

from __future__ import annotations

COLUMNS: tuple[str, ...] = (
    "record_id",
    "source_system",
    "first_name",
    "surname",
    "sex",
    "date_of_birth",
    "address_line",
    "postcode",
    "nhs_number",
)

# (name, cleaned columns): each rule pairs the records that agree on all its columns. The full run gives
# these to Splink; the database stores each record's values of them (`RecordKeys`, indexed on each
# rule's first column), so a record arriving alone finds the candidates the full run would have paired.
BLOCKING_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nhs", ("nhs_number",)),
    ("dob_surname", ("date_of_birth", "surname")),
    ("dob_first", ("date_of_birth", "first_name_canonical")),
    ("postcode_first", ("postcode", "first_name_canonical")),
    ("dob_postcode", ("date_of_birth", "postcode")),
    ("names_year", ("names_sorted", "birth_year")),
    ("postcode_surname", ("postcode", "surname")),
    ("address_surname", ("address_line", "surname")),
    # A new or mistyped surname at the same address; swapped names with a slip in the birth date.
    ("address_first", ("address_line", "first_name_canonical")),
    ("names_postcode", ("names_sorted", "postcode")),
    ("nhs_head_initial", ("nhs_head", "surname_initial")),
    ("nhs_tail_initial", ("nhs_tail", "surname_initial")),
)
# Every cleaned column a rule reads, and the ones a rule starts with (each indexed in RecordKeys).
KEY_COLUMNS: tuple[str, ...] = tuple(sorted({c for _, columns in BLOCKING_RULES for c in columns}))
LEADING_KEY_COLUMNS: tuple[str, ...] = tuple(sorted({columns[0] for _, columns in BLOCKING_RULES}))
