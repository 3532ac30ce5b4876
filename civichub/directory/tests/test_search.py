"""Search near a postcode reads the search entries: they must follow every change to a service."""

from __future__ import annotations

import io
import math

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict

from civichub.core.actors import Actor
from civichub.directory.details import ServiceDetails
from civichub.directory.models import SearchEntry
from civichub.directory.oruk import search
from civichub.directory.oruk.query import parse_query
from civichub.directory.services import reindex, replace_service, search_words
from civichub.places.models import Postcode


def near(text: str = "", postcode: str = "WN1 1AA", metres: int = 5000, **more: str) -> dict[str, float]:
    params = QueryDict(mutable=True)
    params.update({"text": text, "postcode": postcode, "proximity": str(metres), **more})
    found, total = search.search(parse_query(params))
    assert total == len(found)
    return {s.name: s.distance_m for s in found}  # type: ignore[attr-defined]


def great_circle_m(a: Postcode, b: Postcode) -> float:
    assert a.latitude and a.longitude and b.latitude and b.longitude
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def test_distances_agree_with_the_great_circle_and_the_radius_is_kept(directory) -> None:
    here = Postcode.objects.get(compact="WN12AA")
    services_at = Postcode.objects.get(compact="WN11AA")
    true_distance = great_circle_m(here, services_at)
    found = near(postcode="WN1 2AA", metres=3000)
    assert set(found) == {"Youth club", "Lunch club"}
    assert math.isclose(found["Youth club"], true_distance, rel_tol=0.005, abs_tol=1)
    assert near(postcode="WN1 2AA", metres=math.floor(true_distance * 0.98)) == {}
    assert set(near(postcode="WN1 2AA", metres=math.ceil(true_distance * 1.02))) == {
        "Youth club",
        "Lunch club",
    }


def test_every_word_asked_for_must_appear_in_name_or_description(directory) -> None:
    assert set(near("hot meal")) == {"Lunch club"}
    assert set(near("MEAL older")) == {"Lunch club"}
    assert set(near("meal teenagers")) == set()
    assert set(near("club")) == {"Youth club", "Lunch club"}
    assert set(near("teen")) == {"Youth club"}  # part of a word, as before


def test_ages_and_service_filters_combine_with_distance(directory) -> None:
    assert set(near(minimum_age="65")) == {"Lunch club"}
    assert set(near(maximum_age="12")) == {"Youth club"}
    assert set(near(day="TU")) == {"Lunch club"}
    term = directory["youth"].taxonomy_terms.get()
    assert set(near(taxonomy_term_id=str(term.pk))) == {"Youth club"}


def test_a_changed_service_is_found_by_its_new_words_and_place_only(directory, wigan) -> None:
    youth = directory["youth"]
    moved_to = Postcode.objects.get(compact="SR11AA")
    replace_service(
        Actor.system("test"),
        youth,
        ServiceDetails(
            "Youth club",
            "Skateboarding for teenagers",
            minimum_age=11,
            locations=[("Skate park", "Park Lane", moved_to)],
        ),
    )
    assert "Youth club" not in near("club")
    assert set(near("skateboarding", postcode="SR1 1AA")) == {"Youth club"}
    assert near("games", postcode="SR1 1AA") == {}


def test_reindex_rebuilds_the_entries_of_published_services(directory, wigan) -> None:
    SearchEntry.objects.for_council(wigan).delete()
    assert near("club") == {}
    assert reindex(wigan) == 2
    assert set(near("club")) == {"Youth club", "Lunch club"}


def test_search_words_are_distinct_lower_case_and_capped() -> None:
    assert search_words("Youth Club", "Games, games and ADVICE") == "youth club games and advice"
    long = " ".join(f"word{i}" for i in range(2000))
    assert len(search_words("x", long).encode()) <= SearchEntry.WORDS_MAX_BYTES


def test_the_reindex_command_names_unknown_councils(directory, wigan) -> None:
    out = io.StringIO()
    call_command("directory", "reindex", "wigan", stdout=out)
    assert "Wigan: 2 search entries" in out.getvalue()
    with pytest.raises(CommandError, match="No council has the slug atlantis"):
        call_command("directory", "reindex", "atlantis")
