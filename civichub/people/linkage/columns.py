"""The columns of a person record, as every source system sends them: the one definition.

The import checks, the engine's cleaning and the synthetic generator all read this. It imports
nothing, so the checks (loaded by every page and command) do not pay for DuckDB, pandas or Splink.
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
