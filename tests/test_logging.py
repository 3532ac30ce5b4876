"""Splink's messages go through the platform's logging: the warnings it gives as expected on small data
(the demo council's few hundred records) are logged at INFO, so `make demo` is quiet at the default
level, while its other warnings stay warnings and nothing writes to stderr behind the platform's back."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from civichub.people import samples
from civichub.people.frames import engine_row
from civichub.people.linkage import engine
from civichub.people.linkage.columns import COLUMNS

EM = "splink.internals.expectation_maximisation"
NOT_OBSERVED = "WARNING:\nLevel Typo on comparison surname not observed in dataset, unable to train m value\n"


@pytest.fixture
def platform_level():
    """The platform's default level (WARNING) on the root logger, whatever the test run set."""
    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.WARNING)
    yield
    root.setLevel(before)


def test_expected_small_data_warnings_are_info_and_others_stay_warnings(caplog, platform_level) -> None:
    with caplog.at_level(logging.WARNING):
        logging.getLogger(EM).warning(NOT_OBSERVED)
        logging.getLogger("splink.internals.em_sampling").warning(
            "[EM sampling] %s", "Probe returned zero blocked pairs; skipping sampling"
        )
        logging.getLogger(EM).warning("EM training cannot converge")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "EM training cannot converge")
    ]
    caplog.clear()
    # At INFO (CIVICHUB_LOG_LEVEL=INFO) they are there, as INFO.
    with caplog.at_level(logging.INFO, logger="splink"):
        logging.getLogger(EM).warning(NOT_OBSERVED)
    assert [(r.levelname, "not observed" in r.getMessage()) for r in caplog.records] == [("INFO", True)]


def test_training_on_a_small_council_adds_no_handler_of_splinks_own(caplog, platform_level) -> None:
    postcodes = [f"WN{d} {n}AA" for d in range(1, 6) for n in range(1, 9)]
    rows, _ = samples.people_records(postcodes, people=60, seed=2026, twins=True)
    frame = pd.DataFrame([engine_row(r) for r in rows])[list(COLUMNS)]
    with caplog.at_level(logging.INFO, logger="splink"):
        model = engine.train(frame)
    splink = logging.getLogger("splink")
    assert model["comparisons"] and splink.propagate and not splink.handlers
    # Small data: Splink said some levels were not observed, and it came through the platform at INFO.
    unseen = [r for r in caplog.records if "not observed in dataset" in r.getMessage()]
    assert unseen and {r.levelname for r in unseen} == {"INFO"}
