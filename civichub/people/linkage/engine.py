"""Train, predict and cluster with Splink 5 over a frame of source records (DuckDB or Spark)."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold

from civichub.people.linkage import settings as design
from civichub.people.linkage import twins
from civichub.people.linkage.prepare import PREPARED_COLUMNS, prepare

# None: Splink adds no stderr handler of its own (which would bypass the platform's logging); its
# records go through settings.LOGGING, which logs from WARNING by default (Splink logs every step at
# INFO) and logs the warnings it gives as expected on small data at INFO (civichub/core/logs.py).
SPLINK_LOG_LEVEL = None

# Pairs below this weight are not worth keeping even for the review queue.
DEFAULT_PREDICT_WEIGHT = -4.0
# Pairs at or above this probability join one person.
DEFAULT_CLUSTER_PROBABILITY = 0.95
SEED = 20231
logger = logging.getLogger(__name__)


def prepared(frame: pd.DataFrame) -> pd.DataFrame:
    """prepare() unless the frame is already prepared (so each step accepts either)."""
    if set(PREPARED_COLUMNS) <= set(frame.columns):
        return frame
    return prepare(frame)


def db_api(backend: str = "duckdb", spark: Any = None) -> Any:
    if backend == "duckdb":
        return DuckDBAPI()
    if backend == "spark":
        if spark is None:
            raise ValueError("the spark backend needs a SparkSession (see linkage.spark.local_session)")
        from splink import SparkAPI

        return SparkAPI(spark_session=spark)
    raise ValueError(f"unknown backend {backend!r}: use 'duckdb' or 'spark'")


def _register(api: Any, frame: pd.DataFrame) -> Any:
    if type(api).__name__ == "SparkAPI":
        return api.register(_spark_frame(api, frame))
    return api.register(frame)


def _spark_frame(api: Any, frame: pd.DataFrame) -> Any:
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    fields = [
        StructField(c, ArrayType(StringType()) if c == "surname_parts" else StringType(), True)
        for c in frame.columns
    ]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        parts = row.get("surname_parts")
        # Spark takes lists, not the numpy arrays pandas may hold the parts in.
        row["surname_parts"] = None if parts is None else [str(p) for p in parts]
    return api.spark.createDataFrame(rows, schema=StructType(fields))


def _linker(frame: pd.DataFrame, model: Any, backend: str, spark: Any) -> Linker:
    api = db_api(backend, spark)
    return Linker(_register(api, frame), model, log_level=SPLINK_LOG_LEVEL)


def _version(model: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(model, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{design.DESIGN_VERSION}-{digest}"


def train(
    frame: pd.DataFrame,
    *,
    backend: str = "duckdb",
    spark: Any = None,
    plain: bool = False,
    max_pairs: float | None = None,
) -> dict[str, Any]:
    """EM-trained model as a JSON-able dict (Splink settings with m and u), with its version.

    u from random pairs; the prior from deterministic rules; m by EM in two sessions (blocked on
    date of birth, then on postcode) so every comparison is estimated at least once.
    `plain` trains the baseline set-up instead (benchmarks only).
    """
    records = prepared(frame)
    if max_pairs is None:
        # Enough pairs for stable u and m on any size; capped so training time stays flat at scale.
        max_pairs = float(min(2_000_000, max(200_000, 100 * len(records))))
    linker = _linker(records, design.plain_settings() if plain else design.settings(), backend, spark)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("first_name", "surname", "date_of_birth")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=SEED)
    for rule in ("date_of_birth", "postcode"):
        try:
            training.estimate_parameters_using_expectation_maximisation(
                block_on(rule), max_pairs=max_pairs, estimate_without_term_frequencies=True
            )
        except ValueError as error:
            # On a handful of records EM can drive an m probability to zero, which Splink refuses;
            # the model then keeps the estimates it had (from the other session, or the defaults).
            logger.warning("EM blocked on %s gave up on %d records: %s", rule, len(records), error)
    model = linker.misc.save_model_to_json()
    model = json.loads(json.dumps(model, default=str))
    without_matches_in_u(model, sampled_pairs=max_pairs)
    if not plain:
        twins.weigh(model, twins.count(records))
    model["civichub_model_version"] = _version(model)
    model["civichub_trained_on_records"] = len(records)
    model["civichub_design"] = "plain" if plain else "civichub"
    return model


def without_matches_in_u(model: dict[str, Any], *, sampled_pairs: float) -> None:
    """Take the true matches out of the u probabilities random sampling estimated.

    Random pairs are not all non-matches: a share (the prior, lambda) are the same person, and they
    agree where matches agree. So each level's sampled share is (1 - lambda) u + lambda m, and
    u = (sampled - lambda m) / (1 - lambda). This matters where people have several records each (a
    council's few thousand, or a pair of files of the same people): there an identifier agreeing in
    random pairs is mostly the same person, and uncorrected its weight is capped near -log2(lambda).
    The result is never below one pair in the sample, the finest share the sample can tell apart."""
    share = float(model["probability_two_random_records_match"])
    floor = 1.0 / sampled_pairs
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] not in design.IDENTIFIERS:
            continue
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_u_probability"):
                continue
            if "u_probability" not in level or "m_probability" not in level:
                continue
            u = (float(level["u_probability"]) - share * float(level["m_probability"])) / (1.0 - share)
            level["u_probability"] = max(u, floor)


def predict(
    frame: pd.DataFrame,
    model: dict[str, Any],
    *,
    threshold_match_weight: float = DEFAULT_PREDICT_WEIGHT,
    backend: str = "duckdb",
    spark: Any = None,
) -> pd.DataFrame:
    """Scored candidate pairs: unique_id_l, unique_id_r, match_weight, match_probability,
    gamma_<comparison>, mw_<comparison> and bf_<comparison> (the Bayes factor, 2 ** mw)."""
    records = prepared(frame)
    linker = _linker(records, design.for_dialect(model, backend), backend, spark)
    pairs = linker.inference.predict(threshold_match_weight=threshold_match_weight, warning_mode="never")
    out = pairs.as_pandas_dataframe()
    return with_bayes_factors(out)


def with_bayes_factors(pairs: pd.DataFrame) -> pd.DataFrame:
    for column in [c for c in pairs.columns if c.startswith("mw_")]:
        pairs["bf_" + column[3:]] = 2.0 ** pairs[column].astype(float)
    return pairs


def cluster(frame: pd.DataFrame, pairs: pd.DataFrame, *, threshold_match_probability: float) -> pd.DataFrame:
    """Connected components (Splink's) of the pairs at or above the threshold: unique_id -> cluster_id.

    Every record gets a cluster, a record with no match its own."""
    records = frame if "unique_id" in frame.columns else prepare(frame)
    nodes = pd.DataFrame({"unique_id": records["unique_id"].astype(str)})
    edges = pd.DataFrame(
        {
            "unique_id_l": pairs["unique_id_l"].astype(str),
            "unique_id_r": pairs["unique_id_r"].astype(str),
            "match_probability": pairs["match_probability"].astype(float),
        }
    )
    clusters = cluster_pairwise_predictions_at_threshold(
        nodes,
        edges,
        DuckDBAPI(),
        "unique_id",
        threshold_match_probability=threshold_match_probability,
    ).as_pandas_dataframe()
    return clusters[["unique_id", "cluster_id"]]


def link(
    frame: pd.DataFrame,
    *,
    backend: str = "duckdb",
    spark: Any = None,
    threshold_match_probability: float = DEFAULT_CLUSTER_PROBABILITY,
    model: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """The whole pipeline: record_id, source_system, unique_id, person_id (one per person).
    `model`: one already trained on these records (training is most of the time), else trained here."""
    records = prepared(frame)
    if model is None:
        model = train(records, backend=backend, spark=spark)
    pairs = predict(records, model, backend=backend, spark=spark)
    clusters = cluster(records, pairs, threshold_match_probability=threshold_match_probability)
    out = records[["record_id", "source_system", "unique_id"]].merge(clusters, on="unique_id", how="left")
    return out.rename(columns={"cluster_id": "person_id"})


def term_frequencies(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per TF-adjusted column, each value's share of the non-blank values (Splink's tf_<col>)."""
    records = prepared(frame)
    return {
        column: {str(k): float(v) for k, v in records[column].dropna().value_counts(normalize=True).items()}
        for column in design.TF_COLUMNS
    }
