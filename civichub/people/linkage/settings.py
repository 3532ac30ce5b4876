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
from splink.internals.dialects import SplinkDialect

from civichub.people.linkage.columns import BLOCKING_RULES

# Bump when the comparisons or blocking rules change: a stored model of another design is retrained.
DESIGN_VERSION = 2

# Twins: a different first name with the same birth date and surname, and no NHS number in common.
# Fixed, not learnt: EM reads twins as one person whose first name changed (they share a home as
# well), so it would learn that this costs little. The weight, log2(m/u) = -30, outweighs the
# agreement of surname, birth date and address together (about +31 less the prior's -10), so
# twins stay two people and are not even sent for review; the same NHS number skips the level.
TWIN_M = 1e-13
# Fixed for the same reason: EM counts twins of opposite sex as one person; sex is mistyped about
# once in 100 records. (NHS number disagreement is left to EM: the twin level already requires it.)
SEX_DIFFERENT_M = 0.01
TWIN_U = 1e-4
TWIN_LABEL = "Different, same birth date and surname (a twin)"
TWIN_SWAPPED_LABEL = "Different, same birth date, surname in the other field (a twin)"
NAME_IN_OTHER_LABEL = "One name in the other's other field"
SAME_HOME_LABEL = "Same postcode and house number"
# m = u: a level that says nothing (its evidence is weighed in another comparison).
NEUTRAL = 0.01

# The comparisons of a number that names one person, whose u is taken net of the true matches in
# the random sample (engine.without_matches_in_u). Names, dates and addresses are left as sampled:
# there the sample's agreement also holds household members (twins, couples, parents), who agree on
# several fields at once in a way the model's independence cannot see, and the sampled u is the
# cautious figure.
IDENTIFIERS = ("nhs_number",)

# The columns whose exact agreement is weighed by how common the value is.
TF_COLUMNS = ["first_name", "surname", "postcode"]


def _as(level: ComparisonLevelCreator, label: str) -> ComparisonLevelCreator:
    return level.configure(label_for_charts=label)


def _one_slip(column: str) -> ComparisonLevelCreator:
    """Damerau-Levenshtein <= 1 (one character wrong, or two adjacent exchanged). Guarded by the
    cheap Levenshtein <= 2, which every such pair also meets: DuckDB's Damerau-Levenshtein costs
    about six times as much, and most pairs fail the guard."""
    return cll.And(cll.LevenshteinLevel(column, 2), cll.DamerauLevenshteinLevel(column, 1))


def _swapped() -> ComparisonLevelCreator:
    swapped = cll.ColumnsReversedLevel("first_name", "surname", symmetrical=True)
    return _as(swapped, "First name and surname swapped")


def _swapped_weighed_under_surname() -> ComparisonLevelCreator:
    """The first name's side of a swap: no weight of its own. A swap is one piece of evidence about
    both names; the surname comparison weighs it, and counted in both it was counted twice (and two
    different people with the same two common names the other way round scored as one)."""
    return _swapped().configure(
        label_for_charts="First name and surname swapped (weighed under surname)",
        m_probability=NEUTRAL,
        u_probability=NEUTRAL,
        fix_m_probability=True,
        fix_u_probability=True,
    )


def _fixed_else(m: float) -> ComparisonLevelCreator:
    return cll.ElseLevel().configure(label_for_charts="Different", m_probability=m, fix_m_probability=True)


class TwinLevel(ComparisonLevelCreator):
    """A different first name with the same birth date and surname, and no NHS number in common;
    `swapped`: the family name sits in the other field on one record (a twin's names swapped there).

    An NHS number one slip away (a digit wrong, two exchanged) is the same number mistyped, not a
    twin's: two valid NHS numbers never differ by one slip (the modulus 11 check catches both), and
    twins' numbers, often issued one after the other, differ in the check digit as well."""

    def __init__(self, *, swapped: bool = False):
        self.swapped = swapped

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        lev = sql_dialect.levenshtein_function_name
        dl = sql_dialect.damerau_levenshtein_function_name
        family = (
            "(first_name_l = surname_r OR surname_l = first_name_r)"
            if self.swapped
            else "surname_l = surname_r"
        )
        return (
            f"date_of_birth_l = date_of_birth_r AND {family}"
            " AND (nhs_number_l IS NULL OR nhs_number_r IS NULL"
            f" OR {lev}(nhs_number_l, nhs_number_r) > 2 OR {dl}(nhs_number_l, nhs_number_r) > 1)"
        )

    def create_label_for_charts(self) -> str:
        return TWIN_SWAPPED_LABEL if self.swapped else TWIN_LABEL


def _twin(*, swapped: bool = False) -> ComparisonLevelCreator:
    return TwinLevel(swapped=swapped).configure(
        m_probability=TWIN_M, u_probability=TWIN_U, fix_m_probability=True, fix_u_probability=True
    )


class NameInOtherFieldLevel(ComparisonLevelCreator):
    """One record's first name is the other's surname, or the other way round, but not both: the
    names were swapped and one of them then changed (a typo, a nickname, a new surname)."""

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        return "(first_name_l = surname_r OR surname_l = first_name_r)"

    def create_label_for_charts(self) -> str:
        return NAME_IN_OTHER_LABEL


class SwappedWithTyposLevel(ComparisonLevelCreator):
    """First name and surname swapped, each then within Jaro-Winkler `threshold` of the other's.

    Written as a level creator, not custom SQL, so each backend gets its own similarity function."""

    def __init__(self, threshold: float = 0.88):
        self.threshold = threshold

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        return (
            f"{jw}(first_name_l, surname_r) >= {self.threshold}"
            f" AND {jw}(surname_l, first_name_r) >= {self.threshold}"
        )

    def create_label_for_charts(self) -> str:
        return "Swapped, with typos"


def _swapped_with_typos() -> ComparisonLevelCreator:
    return SwappedWithTyposLevel()


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    first_name = cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name: exact, nickname, typo, swapped with surname",
        comparison_levels=[
            cll.NullLevel("first_name"),
            _as(cll.ExactMatchLevel("first_name", term_frequency_adjustments=True), "Exact"),
            _swapped_weighed_under_surname(),
            _as(cll.ExactMatchLevel("first_name_canonical"), "Same name (nickname)"),
            _as(cll.JaroWinklerLevel("first_name", 0.92), "Close (Jaro-Winkler >= 0.92)"),
            _as(cll.LevenshteinLevel("first_name", 2), "Typo (2 edits or fewer)"),
            _twin(),
            _twin(swapped=True),
            NameInOtherFieldLevel(),
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
            _swapped_with_typos(),
            _as(cll.JaroWinklerLevel("surname", 0.92), "Close (Jaro-Winkler >= 0.92)"),
            _as(cll.ArrayIntersectLevel("surname_parts", 1), "Shares a part (double-barrelled)"),
            _as(cll.LevenshteinLevel("surname", 2), "Typo (2 edits or fewer)"),
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
            _as(_one_slip("date_of_birth"), "One digit wrong or two transposed"),
            cll.CustomLevel(
                "substr(date_of_birth_l, 1, 7) = substr(date_of_birth_r, 1, 7)", "Same year and month"
            ),
            _as(cll.LevenshteinLevel("date_of_birth", 2), "Two digits wrong"),
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
                SAME_HOME_LABEL,
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
            _as(_one_slip("nhs_number"), "One digit wrong or two transposed"),
            _as(cll.ElseLevel(), "Different"),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            _as(cll.ExactMatchLevel("sex"), "Same"),
            _fixed_else(SEX_DIFFERENT_M),
        ],
    )
    return [first_name, surname, date_of_birth, address, nhs_number, sex]


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


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The trained model's settings written in another backend's SQL (the JSON holds DuckDB's).

    The design is rebuilt for the dialect (its levels pick each backend's similarity functions) and
    the trained prior, m and u are copied across level by level."""
    if model.get("sql_dialect", "duckdb") == dialect:
        return strip_civichub_keys(model)
    creator = plain_settings() if model.get("civichub_design") == "plain" else settings()
    rebuilt: dict[str, Any] = creator.get_settings(dialect).as_dict()
    if len(rebuilt["comparisons"]) != len(model["comparisons"]):
        raise ValueError("the model was trained on another design: retrain it")
    for target, source in zip(rebuilt["comparisons"], model["comparisons"], strict=True):
        for level, trained in zip(target["comparison_levels"], source["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in trained:
                    level[key] = trained[key]
    rebuilt["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return rebuilt
