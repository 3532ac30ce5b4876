"""One record at a time: its blocking keys, its scores against stored candidates, and why."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker

from civichub.people.linkage import settings as design
from civichub.people.linkage.engine import SPLINK_LOG_LEVEL, prepared, with_bayes_factors
from civichub.people.linkage.prepare import prepare


def blocking_keys(record: Mapping[str, Any]) -> list[str]:
    """The keys the database indexes: two records share a key exactly when a blocking rule of the
    batch run would pair them, so a new record's candidates are the records sharing any key."""
    row = prepare(pd.DataFrame([dict(record)])).iloc[0]
    keys = []
    for name, columns in design.BLOCKING_RULES:
        values = [row[c] for c in columns]
        if all(isinstance(v, str) and v for v in values):
            keys.append(f"{name}:{'|'.join(values)}")
    return keys


def _tf_lookup(api: DuckDBAPI, linker: Linker, tf: Mapping[str, Mapping[str, float]]) -> None:
    for column in design.TF_COLUMNS:
        values = tf.get(column)
        if not values:
            continue
        shares = [float(v) for v in values.values()]
        table = pd.DataFrame({column: list(values.keys()), f"tf_{column}": shares})
        linker.table_management.register_term_frequency_lookup(api.register(table), column)


def score_new(
    record: Mapping[str, Any],
    candidates: pd.DataFrame,
    model: dict[str, Any],
    tf: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """Score a new record against its candidates (the stored records sharing a blocking key) with
    Splink 5's score_pairs, term frequencies from the stored tables when given.

    Returns one row per candidate, best first, with the columns predict() returns."""
    new = prepare(pd.DataFrame([dict(record)]))
    stored = prepared(candidates)
    if stored.empty:
        return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])
    api = DuckDBAPI()
    stored_table = api.register(stored)
    linker = Linker(stored_table, design.strip_civichub_keys(model), log_level=SPLINK_LOG_LEVEL)
    if tf:
        _tf_lookup(api, linker, tf)
    else:
        for column in design.TF_COLUMNS:
            linker.table_management.compute_tf_table(column)
    scored = linker.inference.score_pairs(api.register(new), stored_table).as_pandas_dataframe()
    scored = with_bayes_factors(scored)
    return scored.sort_values("match_weight", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Reason:
    """How far one comparison moved the pair towards (or away from) being one person."""

    comparison: str
    description: str
    level: str
    gamma: int
    match_weight: float
    bayes_factor: float
    m_probability: float | None
    u_probability: float | None

    @property
    def agrees(self) -> bool:
        return self.match_weight > 0


def _level(comparison: Mapping[str, Any], gamma: int) -> Mapping[str, Any] | None:
    levels = comparison["comparison_levels"]
    non_null = [lv for lv in levels if not lv.get("is_null_level")]
    for lv in levels:
        if lv.get("comparison_vector_value") == gamma:
            return lv
    if gamma < 0:
        return next((lv for lv in levels if lv.get("is_null_level")), None)
    # Splink numbers the non-null levels from the last (0) to the first (n - 1).
    index = len(non_null) - 1 - gamma
    return non_null[index] if 0 <= index < len(non_null) else None


def reasons(pair_row: Mapping[str, Any] | pd.Series, model: Mapping[str, Any]) -> list[Reason]:
    """Per comparison: the level the pair reached and its weight (with the term-frequency
    adjustment when the row carries Splink's mw_ column), for the review page."""
    row = dict(pair_row)
    out = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma_value = row.get(f"gamma_{name}")
        if gamma_value is None or (isinstance(gamma_value, float) and math.isnan(gamma_value)):
            continue
        gamma = int(gamma_value)
        level = _level(comparison, gamma) or {}
        m = level.get("m_probability")
        u = level.get("u_probability")
        if f"mw_{name}" in row and row[f"mw_{name}"] is not None:
            weight = float(row[f"mw_{name}"])
        elif gamma >= 0 and m and u:
            weight = math.log2(m / u)
        else:
            weight = 0.0
        out.append(
            Reason(
                comparison=name,
                description=comparison.get("comparison_description", name),
                level=level.get("label_for_charts", str(gamma)),
                gamma=gamma,
                match_weight=weight,
                bayes_factor=2.0**weight,
                m_probability=m,
                u_probability=u,
            )
        )
    return out
