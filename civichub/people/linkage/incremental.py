"""One record at a time: its blocking keys, its scores against stored candidates, and why."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from civichub.people.linkage import settings as design
from civichub.people.linkage.engine import SPLINK_LOG_LEVEL, prepared, with_bayes_factors
from civichub.people.linkage.prepare import PREPARED_COLUMNS, prepare, prepare_rows


def engine_text(record: Mapping[str, Any]) -> dict[str, str | None]:
    """A record's values as prepare_rows takes them: text, or None where blank."""
    blank = lambda v: v is None or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return {k: None if blank(v) else str(v) for k, v in record.items()}


def blocking_keys(record: Mapping[str, Any]) -> list[str]:
    """A record's blocking keys as text ('dob_surname:1980-03-02|smith'): two records share one exactly
    when a blocking rule of the batch run would pair them. The database stores the same values as
    columns (`RecordKeys`), and a test holds its candidates to the records sharing one of these."""
    row = prepare_rows([engine_text(record)])[0]
    keys = []
    for name, columns in design.BLOCKING_RULES:
        values = [row[c] for c in columns]
        if all(isinstance(v, str) and v for v in values):
            keys.append(f"{name}:{'|'.join(values)}")
    return keys


def _tf_lookup(
    api: DuckDBAPI, linker: Linker, tf: Mapping[str, Mapping[str, float]], *, empty: bool = False
) -> None:
    for column in design.TF_COLUMNS:
        values = tf.get(column)
        if not values and not empty:
            continue
        values = values or {}
        # Arrow, not pandas: DuckDB scans an Arrow table without calling back into Python, and the
        # compiled Scorer scans these lookups on every call.
        table = pa.table(
            {
                column: pa.array([str(k) for k in values], pa.string()),
                f"tf_{column}": pa.array([float(v) for v in values.values()], pa.float64()),
            }
        )
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


# Every prepared column is text but the surname's parts (a list of text): fixed, so the SQL compiled once
# binds the same types whatever a call's rows hold (a column of blanks would otherwise read as NULL-typed).
_SCHEMA = pa.schema(
    [pa.field(c, pa.list_(pa.string()) if c == "surname_parts" else pa.string()) for c in PREPARED_COLUMNS]
)


def _arrow(records: pd.DataFrame | list[dict[str, Any]]) -> pa.Table:
    if isinstance(records, pd.DataFrame):
        columns = {c: records[c].tolist() for c in PREPARED_COLUMNS}
    else:
        columns = {c: [r[c] for r in records] for c in PREPARED_COLUMNS}
    columns["surname_parts"] = [None if p is None else list(p) for p in columns["surname_parts"]]
    return pa.Table.from_pydict(columns, schema=_SCHEMA)


class Scorer:
    """One model's `score_pairs`, compiled once and run many times.

    Building a Linker and letting Splink write a pipeline's SQL costs about half a second per call
    (settings validation, SQL parsing), and DuckDB planning that SQL another 30-60 ms: the whole budget
    of a record arriving. So this builds the Linker once per model and term-frequency tables, with the
    stored term frequencies as its lookups, lets Splink write `score_pairs`' SQL once against two tables
    of fixed names, and has DuckDB plan it once (PREPARE). Each call replaces those two tables' rows (the
    new records, their candidates) and executes the plan. The SQL is Splink's own, so the scores are
    `score_pairs`' scores; a test holds the two equal on a sample."""

    LEFT = "civichub_score_left"
    RIGHT = "civichub_score_right"

    def __init__(self, model: dict[str, Any], tf: Mapping[str, Mapping[str, float]]):
        self.api = DuckDBAPI()
        self.con = self.api.duckdb_con
        # The Linker's own input is never read (the candidates come in per call): one blank record.
        seed = _arrow(prepare(pd.DataFrame([{"record_id": "0", "source_system": "civichub"}])))
        settings = design.strip_civichub_keys(model)
        linker = Linker(self.api.register(seed), settings, log_level=SPLINK_LOG_LEVEL)
        # Every TF column gets a lookup, empty when nothing is stored, so the SQL never falls back to
        # counting values in the seed record.
        _tf_lookup(self.api, linker, {c: dict(tf.get(c) or {}) for c in design.TF_COLUMNS}, empty=True)
        # Tables, not registered frames: a prepared plan is bound to the frames registered when it was
        # planned, but reads a table's rows as they are when it runs.
        self.con.register("civichub_score_in", seed)
        for table in (self.LEFT, self.RIGHT):
            self.con.execute(f"CREATE TABLE {table} AS SELECT * FROM civichub_score_in LIMIT 0")  # noqa: S608
        self.con.unregister("civichub_score_in")
        compiled = linker.inference.score_pairs(
            self.api.table_to_splink_dataframe(self.LEFT, self.LEFT),
            self.api.table_to_splink_dataframe(self.RIGHT, self.RIGHT),
        )
        compiled.drop_table_from_database_and_remove_from_cache()
        self.con.execute(f"PREPARE civichub_score AS {compiled.sql_used_to_create}")
        # One DuckDB connection is not for two threads at once (a threaded web server).
        self.lock = threading.Lock()

    def score(
        self, new: pd.DataFrame | list[dict[str, Any]], candidates: pd.DataFrame | list[dict[str, Any]]
    ) -> pd.DataFrame:
        """Every (new, candidate) pair, best first, with the columns predict() returns. Both prepared
        (prepare()'s frame or prepare_rows()' dicts)."""
        if len(new) == 0 or len(candidates) == 0:
            return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])
        with self.lock:
            for table, frame in ((self.LEFT, new), (self.RIGHT, candidates)):
                self.con.execute(f"DELETE FROM {table}")  # noqa: S608 (the class's own names)
                self.con.register("civichub_score_in", _arrow(frame))
                self.con.execute(f"INSERT INTO {table} SELECT * FROM civichub_score_in")  # noqa: S608
                self.con.unregister("civichub_score_in")
            scored = self.con.execute("EXECUTE civichub_score").df()
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
