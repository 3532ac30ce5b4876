"""The same model on Spark (local mode) scores the same pairs as on DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from civichub.people import linkage, synthetic
from civichub.people.linkage import engine

pytestmark = pytest.mark.slow


def test_the_same_model_runs_on_spark_and_agrees_with_duckdb():
    from civichub.people.linkage.spark import local_session

    postcodes = [f"DT{d} {s}{a}{b}" for d in range(1, 6) for s in range(10) for a in "ABD" for b in "EFG"]
    frame = synthetic.generate(600, seed=9, postcodes=postcodes)
    records = linkage.prepare(frame)
    model = linkage.train(records)
    on_duckdb = linkage.predict(records, model)
    session = local_session()
    try:
        on_spark = linkage.predict(records, model, backend="spark", spark=session)
    finally:
        session.stop()

    def keyed(pairs: pd.DataFrame) -> pd.Series:
        ends = pairs[["unique_id_l", "unique_id_r"]].apply(lambda r: tuple(sorted(r)), axis=1)
        return pd.Series(pairs["match_weight"].to_numpy(), index=ends).sort_index()

    duck, spark = keyed(on_duckdb), keyed(on_spark)
    assert len(duck) > 100
    assert list(duck.index) == list(spark.index)
    assert spark.to_numpy() == pytest.approx(duck.to_numpy(), abs=1e-6)
    people = linkage.cluster(
        records, on_spark, threshold_match_probability=engine.DEFAULT_CLUSTER_PROBABILITY
    )
    assert people["cluster_id"].nunique() < len(records)
