"""A local Spark session able to run the linkage model (pyspark in local mode, Java from apt).

Splink's string-similarity functions for Spark live in a jar inside its wheel; Spark loads jars
only when the session starts, so spark.jars is set before getOrCreate().
"""

from __future__ import annotations

import tempfile
from typing import Any


def local_session(cores: int = 2, memory: str = "2g", app_name: str = "civichub-people-linkage") -> Any:
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores * 4))
        .config("spark.default.parallelism", str(cores * 4))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    # Splink breaks long query lineages with checkpoints, which need a directory.
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="civichub-spark-checkpoints-"))
    return session
