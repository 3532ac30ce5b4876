"""Names people type are kept as they look: normalised, and refused naming the field when nothing
visible is left, from the form and the API alike."""

from __future__ import annotations

import html

import pytest

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Role
from civichub.directory.details import ServiceDetails, check_details
from civichub.directory.models import Service
from civichub.places.models import Postcode

INVISIBLE = "\u200b\u00ad\u200f"


def test_names_are_cleaned_and_invisible_ones_refused_naming_each_field(wigan) -> None:
    wn = Postcode.objects.get(compact="WN11AA")
    cleaned = check_details(
        wigan,
        ServiceDetails(
            "  Youth\u200b  club ",
            "Games",
            locations=[("Town\u00adHall", "Library Street", wn)],
            contacts=[("Sam  Jones", "", "")],
        ),
    )
    assert (cleaned.name, cleaned.locations[0][0], cleaned.contacts[0][0]) == (
        "Youth club",
        "TownHall",
        "Sam Jones",
    )
    with pytest.raises(Refused) as refused:
        check_details(
            wigan,
            ServiceDetails(
                INVISIBLE,
                "Games",
                locations=[(INVISIBLE, "Library Street", wn)],
                contacts=[(INVISIBLE, "", "")],
            ),
        )
    assert [e.field for e in refused.value.errors] == ["name", "locations[0].name", "contacts[0].name"]


def test_the_form_and_the_api_refuse_an_invisible_name(client_as, make_user, directory, wigan) -> None:
    commissioner = client_as(make_user(Role.COMMISSIONER, wigan))
    organisation = directory["youth"].organisation
    from datetime import date

    from civichub.core import services as core

    core.add_provider(Actor.system("test"), wigan, organisation, services_summary="x", since=date(2020, 1, 1))
    page = commissioner.post(
        f"/c/{wigan.slug}/services/new/",
        {"organisation": str(organisation.pk), "name": INVISIBLE, "description": "Games"},
    )
    assert page.status_code == 400
    assert (
        "Enter the service&#x27;s name" in page.content.decode()
        or "Enter the service's name" in html.unescape(page.content.decode())
    )
    api = commissioner.post(
        f"/api/v1/c/{wigan.slug}/services",
        {
            "organisation_id": str(organisation.pk),
            "details": {
                "name": "Book club",
                "description": "Reading",
                "contacts": [{"name": INVISIBLE}],
                "locations": [{"name": INVISIBLE, "postcode": "WN1 1AA"}],
            },
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert {e["field"] for e in api.json()["errors"]} == {"locations[0].name", "contacts[0].name"}
    assert not Service.objects.for_council(wigan).filter(name="Book club").exists()
