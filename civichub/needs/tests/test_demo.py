"""The demo's needs: a year of contacts with a realistic failure share and one service whose share
shifts (a signal on its XmR chart), and synthetic residents' assessed needs, enough unmet in some wards
to be shown to councillors and few enough in others to be suppressed."""

from __future__ import annotations

from datetime import date

from civichub.core.actors import Actor
from civichub.demo import needs_and_funding
from civichub.needs import demand_figures, selectors
from civichub.needs.models import AssessedNeed


def test_the_demo_loads_contacts_that_shift_and_residents_needs(wigan) -> None:
    needs_and_funding.load(today=date(2025, 6, 1))
    every = demand_figures.demand(wigan)
    assert 11 <= len(every.months) <= 13 and 30 <= 100 * every.failure / every.contacts <= 60
    redesigned = demand_figures.demand(wigan, "Council tax and benefits")
    assert redesigned.chart is not None and redesigned.chart.signals
    assert AssessedNeed.objects.for_council(wigan).values("person_reference").distinct().count() == 240
    councillor_view = selectors.unmet_counts(Actor.system("test"), wigan)
    assert any(u.people is not None and u.people >= 10 for u in councillor_view)
    assert any(u.people is not None and u.people < 10 for u in councillor_view)  # the system sees all
