"""The linkage engine: which source records are the same person (Splink 5 over pandas/DuckDB or Spark).

Pure Python over frames: the people context stores what it returns (models, term frequencies,
blocking keys, pairs, clusters) in its own tables.
"""

from civichub.people.linkage.engine import cluster, link, predict, term_frequencies, train
from civichub.people.linkage.incremental import Reason, Scorer, blocking_keys, reasons, score_new
from civichub.people.linkage.prepare import COLUMNS, prepare, prepare_rows

__all__ = [
    "COLUMNS",
    "Reason",
    "Scorer",
    "blocking_keys",
    "cluster",
    "link",
    "predict",
    "prepare",
    "prepare_rows",
    "reasons",
    "score_new",
    "term_frequencies",
    "train",
]
