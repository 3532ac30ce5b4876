"""kill -9 the real dispatcher (`civichub dispatch`, a separate process on its own database) at random
moments while it delivers: no event is lost, and any duplicate carries the same webhook-id.

The full-size run (10,000 events) is `python benchmarks/webhooks.py --kills`, in `make bench`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings


def test_killing_the_dispatcher_loses_no_event() -> None:
    path = Path(settings.BASE_DIR) / "benchmarks" / "webhooks.py"
    spec = importlib.util.spec_from_file_location("webhook_benchmark", path)
    assert spec and spec.loader
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    # A receiver taking 50 ms an answer keeps deliveries in flight long enough for the kills to land mid-way.
    result = harness.run(events=600, kills=True, timeout_s=240, receiver_delay_s=0.05)
    assert result["kills"] >= 1
    assert (result["distinct_received"], result["lost"], result["bad_signatures"]) == (600, 0, 0)
