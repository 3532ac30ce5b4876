"""The publication API: packages paged with updatedFrom and a cursor (each release exactly once), the
whole package streamed, one council's package holding only its releases, and records compiled."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from civichub.commissioning.ocds import schema
from civichub.commissioning.ocds.tests import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(wigan, sunderland) -> dict[str, Any]:
    ours, theirs = lifecycle.world(wigan), lifecycle.world(sunderland)
    first = lifecycle.to_end(ours, lifecycle.to_contract(ours, "WGN-1"))
    # Sunderland publishes in between Wigan's notices, so the platform's pages interleave councils.
    second = lifecycle.to_contract(theirs, "SND-1")
    third = lifecycle.direct_award(ours, "WGN-2")
    return {"wigan": first.notices + third.notices, "sunderland": second.notices}


def _walk(client: Client, url: str) -> list[dict[str, Any]]:
    releases, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        assert body["version"] == "1.1"
        assert body["extensions"] == schema.EXTENSION_URLS
        releases += body["releases"]
        link = body.get("links", {}).get("next", "")
        url = f"{urlsplit(link).path}?{urlsplit(link).query}" if link else ""
        pages += 1
        assert pages < 100
    return releases


def test_paging_returns_each_release_exactly_once(client, published) -> None:
    every = published["wigan"] + published["sunderland"]
    releases = _walk(client, "/api/v1/ocds/releases?limit=3")
    ids = [r["id"] for r in releases]
    assert len(ids) == len(set(ids)) == len(every)
    assert set(ids) == {n.release["id"] for n in every}
    # In publishing order: a reader who keeps the last cursor misses nothing later.
    assert [r["date"] for r in releases] == sorted(r["date"] for r in releases)


def test_updated_from_with_the_cursor(client, published) -> None:
    every = sorted(published["wigan"] + published["sunderland"], key=lambda n: (n.published_at, n.pk))
    since = every[7].published_at
    expected = {n.release["id"] for n in every if n.published_at >= since}
    releases = _walk(
        client, f"/api/v1/ocds/releases?limit=2&updatedFrom={since.isoformat().replace('+', '%2B')}"
    )
    assert [r["id"] for r in releases if r["id"] in expected] == [r["id"] for r in releases]
    assert {r["id"] for r in releases} == expected
    assert len(releases) == len(expected)


def test_one_councils_package_holds_only_its_releases(client, published, wigan) -> None:
    releases = _walk(client, f"/api/v1/c/{wigan.slug}/ocds/releases?limit=5")
    assert {r["id"] for r in releases} == {n.release["id"] for n in published["wigan"]}
    assert all(r["ocid"].startswith("ocds-civichub-E08000010-") for r in releases)


def test_the_whole_package_streams(client, published, wigan) -> None:
    response = client.get(f"/api/v1/c/{wigan.slug}/ocds/releases/download")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == f'attachment; filename="{wigan.slug}-ocds-releases.json"'
    chunks = list(response.streaming_content)  # type: ignore[arg-type]
    assert len(chunks) >= 3  # the head, the releases, the tail: written as they are read
    package = json.loads(b"".join(chunks))
    assert package["publisher"]["name"] == wigan.name
    assert package["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert [r["id"] for r in package["releases"]] == [
        n.release["id"] for n in sorted(published["wigan"], key=lambda n: (n.published_at, n.pk))
    ]
    for release in package["releases"]:
        assert schema.problems(release) == []


def test_a_record_compiles_every_release_of_its_ocid(client, published, wigan) -> None:
    ocid = published["wigan"][0].release["ocid"]
    response = client.get(f"/api/v1/c/{wigan.slug}/ocds/records/{ocid}")
    assert response.status_code == 200
    record = json.loads(response.content)["records"][0]
    assert record["ocid"] == ocid
    assert len(record["releases"]) == 10  # UK1-UK4, UK6, UK7, UK9, UK10, UK9 at termination, UK11
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["contracts"][0]["status"] == "terminated"
    assert compiled["contracts"][0]["value"]["amount"] == 251999.5
    assert compiled["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["name"] == "Quality of care"
    # Another council's ocid is not in this council's records.
    their = published["sunderland"][0].release["ocid"]
    assert client.get(f"/api/v1/c/{wigan.slug}/ocds/records/{their}").status_code == 404
    assert client.get(f"/api/v1/ocds/records/{their}").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "cursor=not-ours",
        "cursor=WyJ4Il0",
        "updatedFrom=yesterday",
        # At the calendar's edge: no UTC date-time to compare with.
        "updatedFrom=0001-01-01T00:00:00%2B05:00",
        "updatedFrom=9999-12-31T23:59:59-05:00",
        "limit=0",
        "limit=101",
    ],
)
def test_bad_paging_parameters_are_refused_by_name(client, query) -> None:
    response = client.get(f"/api/v1/ocds/releases?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == query.split("=")[0]
