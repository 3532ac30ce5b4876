"""Logging filters the platform's LOGGING setting uses (civichub/settings).

Some libraries warn about conditions that are expected in some uses and not faults: Splink, training a
linkage model on a few hundred records (the demo council's), warns that a comparison level was never
observed and that a sampling probe found no pairs. Those messages are logged at INFO instead, so a run
on small data is quiet at the default level and they are still there at INFO; every other warning from
the same loggers is left as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable


class Demote(logging.Filter):
    """Re-level the records whose message contains one of `expected` to `level`; the record is then
    kept only if its logger logs at that level (as if it had been logged there in the first place)."""

    def __init__(self, expected: Iterable[str], level: str | int = logging.INFO) -> None:
        super().__init__()
        self.expected = tuple(expected)
        self.level = logging.getLevelName(level) if isinstance(level, str) else level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= self.level or not any(text in record.getMessage() for text in self.expected):
            return True
        record.levelno, record.levelname = self.level, logging.getLevelName(self.level)
        return logging.getLogger(record.name).isEnabledFor(self.level)
