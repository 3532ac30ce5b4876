"""The linkage model's design: its comparisons and blocking rules for UK people data (ADR 0023).

Levels run from the most specific agreement to none; EM learns how much each level says.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

# Bump when the comparisons or blocking rules change: a stored model of another design is retrained.
DESIGN_VERSION = 1

# The columns whose exact agreement is weighed by how common the value is.
TF_COLUMNS = ["first_name", "surname", "postcode"]


def _as(level: ComparisonLevelCreator, label: str) -> ComparisonLevelCreator:
    return level.configure(label_for_charts=label)


def _swapped() -> ComparisonLevelCreator:
    swapped = cll.ColumnsReversedLevel("first_name", "surname", symmetrical=True)
    return _as(swapped, "First name and surname swapped")


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    first_name = cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name: exact, nickname, typo, swapped with surname",
        comparison_levels=[
            cll.NullLevel("first_name"),
            _as(cll.ExactMatchLevel("first_name", term_frequency_adjustments=True), "Exact"),
            _swapped(),
            _as(cll.ExactMatchLevel("first_name_canonical"), "Same name (nickname)"),
            _as(cll.JaroWinklerLevel("first_name", 0.92), "Close (Jaro-Winkler >= 0.92)"),
            _as(cll.DamerauLevenshteinLevel("first_name", 2), "Typo (2 edits or fewer)"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    surname = cl.CustomComparison(
        output_column_name="surname",
        comparison_description="Surname: exact, swapped, double-barrelled part, typo",
        comparison_levels=[
            cll.NullLevel("surname"),
            _as(cll.ExactMatchLevel("surname", term_frequency_adjustments=True), "Exact"),
            _swapped(),
            _as(cll.JaroWinklerLevel("surname", 0.92), "Close (Jaro-Winkler >= 0.92)"),
            _as(cll.ArrayIntersectLevel("surname_parts", 1), "Shares a part (double-barrelled)"),
            _as(cll.DamerauLevenshteinLevel("surname", 2), "Typo (2 edits or fewer)"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    date_of_birth = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth: exact, day and month swapped, one digit, same month",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            _as(cll.ExactMatchLevel("date_of_birth"), "Exact"),
            cll.CustomLevel("date_of_birth_l = dob_swapped_r", "Day and month swapped"),
            _as(cll.DamerauLevenshteinLevel("date_of_birth", 1), "One digit wrong or two transposed"),
            cll.CustomLevel(
                "substr(date_of_birth_l, 1, 7) = substr(date_of_birth_r, 1, 7)", "Same year and month"
            ),
            _as(cll.DamerauLevenshteinLevel("date_of_birth", 2), "Two digits wrong"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="Where they live: postcode and address line together, so a move counts once",
        comparison_levels=[
            cll.CustomLevel(
                "(postcode_l IS NULL OR postcode_r IS NULL)"
                " AND (address_line_l IS NULL OR address_line_r IS NULL)",
                "No address to compare",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                "postcode_l = postcode_r AND house_number_l = house_number_r",
                "Same postcode and house number",
            ),
            _as(cll.ExactMatchLevel("postcode", term_frequency_adjustments=True), "Same postcode"),
            _as(cll.JaroWinklerLevel("address_line", 0.9), "Same address line, other postcode"),
            _as(cll.ExactMatchLevel("postcode_sector"), "Same postcode sector"),
            _as(cll.ExactMatchLevel("postcode_district"), "Same postcode district"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    nhs_number = cl.CustomComparison(
        output_column_name="nhs_number",
        comparison_description="NHS number",
        comparison_levels=[
            cll.NullLevel("nhs_number"),
            _as(cll.ExactMatchLevel("nhs_number"), "Exact"),
            _as(cll.DamerauLevenshteinLevel("nhs_number", 1), "One digit wrong"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            _as(cll.ExactMatchLevel("sex"), "Same"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    return [first_name, surname, date_of_birth, address, nhs_number, sex]


# (name, columns): each rule pairs the records that agree on all its columns. blocking_keys() emits
# the same values, so a record arriving alone finds the candidates the batch run would have paired.
BLOCKING_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("nhs", ("nhs_number",)),
    ("dob_surname", ("date_of_birth", "surname")),
    ("dob_first", ("date_of_birth", "first_name_canonical")),
    ("postcode_first", ("postcode", "first_name_canonical")),
    ("dob_postcode", ("date_of_birth", "postcode")),
    ("names_year", ("names_sorted", "birth_year")),
]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=[block_on(*cols) for _, cols in BLOCKING_RULES],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
        em_convergence=0.0001,
    )


def plain_settings() -> SettingsCreator:
    """A plain documented Splink set-up, the benchmark's baseline: the comparison library's
    defaults on names, date of birth, postcode and NHS number (splink's own tutorial pattern)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("nhs_number"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nhs_number"),
            block_on("first_name", "surname"),
            block_on("date_of_birth", "surname"),
            block_on("postcode", "first_name"),
        ],
        retain_matching_columns=True,
    )


def strip_civichub_keys(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if not k.startswith("civichub_")}
