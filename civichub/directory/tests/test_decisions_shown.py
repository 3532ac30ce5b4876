"""A service's page shows the council's published decisions about it: the start of the golden thread
from decision to outcome. Drafts, and decisions about something else, stay off it."""

from __future__ import annotations

from typing import Any

from civichub.core.actors import Actor
from civichub.core.models import Role
from civichub.records.services import decisions


def test_a_service_page_shows_the_published_decisions_about_it(client, directory, wigan, make_user) -> None:
    manager = Actor(user=make_user(Role.RECORDS_MANAGER, wigan), council=wigan)
    youth = directory["youth"]

    def decide(title: str, about: str) -> Any:
        made = decisions.record_decision(
            manager,
            wigan,
            title=title,
            decision="Agreed.",
            maker_kind="cabinet",
            maker_name="Cabinet",
            decided_on="2026-03-02",
        )
        decisions.link_decision(manager, made, "service", about)
        return made

    published = decisions.publish_decision(manager, decide("Extend the youth club contract", str(youth.pk)))
    decide("Close the youth club (draft)", str(youth.pk))
    decisions.publish_decision(manager, decide("Lunch club hours", str(directory["lunch"].pk)))
    page = client.get(f"/find/services/{youth.pk}/").content.decode()
    assert "Decisions about this service" in page
    assert f"/decisions/{wigan.slug}/{published.pk}/" in page
    assert "Close the youth club" not in page and "Lunch club hours" not in page
    quiet = client.get(f"/find/services/{directory['lunch'].pk}/").content.decode()
    assert "Lunch club hours" in quiet
