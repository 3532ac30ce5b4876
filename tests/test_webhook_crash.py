"""kill -9 the real dispatcher (`civichub dispatch`, a separate process on its own database) while it
delivers: no event is lost, and any duplicate carries the same webhook-id.

Each kill lands only once that dispatcher has been seen delivering (the receiver got webhook-ids it had
not had since the dispatcher started), after a random number of further arrivals; no kill depends on how
fast the machine is. "lost" means an event the database records as delivered whose webhook-id the
receiver never got; an event simply not delivered by the (generous) deadline is reported apart.

The full-size run (10,000 events) is `python benchmarks/webhooks.py --kills`, in `make bench`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.database_server

EVENTS = 600
KILLS = 3


def test_killing_the_dispatcher_loses_no_event() -> None:
    path = Path(settings.BASE_DIR) / "benchmarks" / "webhooks.py"
    spec = importlib.util.spec_from_file_location("webhook_benchmark", path)
    assert spec and spec.loader
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    # A receiver taking 50 ms an answer keeps deliveries in flight, so the kills land mid-way through them.
    result = harness.run(events=EVENTS, kills=KILLS, timeout_s=900, receiver_delay_s=0.05)
    print(result)  # shown with -s: how many kills, arrivals and duplicates this run had
    assert result["kills"] == KILLS, result
    assert (result["lost"], result["bad_signatures"]) == (0, 0), result
    assert (result["distinct_received"], result["not_delivered"]) == (EVENTS, 0), result
