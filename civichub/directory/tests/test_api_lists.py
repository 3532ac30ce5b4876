"""The API does what the pages do: every list a form offers has its operation, lists page the one way
(`items`, `count`, `limit`, `offset`), out-of-range values are refused naming the field, and no
parameter causes a 5xx. A provider submits through the same operations as the council."""

from __future__ import annotations

import pytest

from civichub.demo import directory as demo
from civichub.directory.models import ChangeRequest


def test_report_categories_are_listed_for_anyone_and_a_report_uses_one(client, wigan) -> None:
    demo.report_categories()
    listed = client.get("/api/v1/report-categories", {"limit": 2}).json()
    assert listed["count"] == 6 and listed["limit"] == 2 and len(listed["items"]) == 2
    everything = client.get("/api/v1/report-categories").json()["items"]
    pothole = next(c for c in everything if c["name"] == "Pothole")
    made = client.post(
        "/api/v1/reports",
        {"category_id": pothole["id"], "postcode": "WN5 0AA", "description": "A deep hole by the kerb"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["category"] == "Pothole"


def test_the_service_forms_lists_are_in_the_api(client, client_as, directory, people, wigan) -> None:
    terms = client.get("/api/v1/taxonomy-terms", {"limit": 500}).json()
    assert terms["count"] == 10 and {t["taxonomy"] for t in terms["items"]} == {"civichub service categories"}
    staff = client_as(people["staff"])  # providers fill in the form too: they may read its wards
    wards = staff.get(f"/api/v1/c/{wigan.slug}/service-wards", {"limit": 500}).json()
    assert wards["count"] > 10 and "E05000861" in {w["code"] for w in wards["items"]}
    assert client.get(f"/api/v1/c/{wigan.slug}/service-wards").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999", "offset"),
        ("limit=lots", "limit"),
        ("status=maybe", "status"),
        ("open_only=perhaps", "open_only"),
    ],
)
def test_list_bounds_are_refused_naming_the_field(client_as, directory, people, wigan, query, field) -> None:
    commissioner = client_as(people["commissioner"])
    base = f"/api/v1/c/{wigan.slug}"
    lists = [
        f"{base}/services",
        f"{base}/service-changes",
        f"{base}/reports",
        f"{base}/responsibilities",
        f"{base}/services/{directory['youth'].pk}/history",
        "/api/v1/report-categories",
        "/api/v1/taxonomy-terms",
    ]
    for url in lists:
        response = commissioner.get(f"{url}?{query}")
        if field in ("status", "open_only") and not url.endswith(
            "service-changes" if field == "status" else "reports"
        ):
            assert response.status_code == 200, url  # a parameter the list does not have is ignored
            continue
        assert response.status_code == 400, f"{url}?{query} gave {response.status_code}"
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()


def test_a_provider_submits_through_the_same_operation_and_waits_for_the_council(
    client_as, directory, people, wigan
) -> None:
    youth = directory["youth"]
    url = f"/api/v1/c/{wigan.slug}/services/{youth.pk}"
    body = {"name": "Youth club", "description": "Games, advice and a cafe"}
    proposed = client_as(people["staff"]).put(url, body, content_type="application/json")
    assert proposed.status_code == 202 and proposed.json()["status"] == "pending"
    assert ChangeRequest.objects.for_council(wigan).get().pk.hex == proposed.json()["id"].replace("-", "")
    published = client_as(people["commissioner"]).put(url, body, content_type="application/json")
    assert published.status_code == 200 and published.json()["details"]["description"] == body["description"]
    new = client_as(people["staff"]).post(
        f"/api/v1/c/{wigan.slug}/services",
        {"details": {"name": "Homework club", "description": "After school"}},
        content_type="application/json",
    )
    assert new.status_code == 202 and new.json()["is_new_service"] is True
    no_provider = client_as(people["commissioner"]).post(
        f"/api/v1/c/{wigan.slug}/services",
        {"details": {"name": "Homework club", "description": "After school"}},
        content_type="application/json",
    )
    assert no_provider.status_code == 400 and no_provider.json()["errors"][0]["field"] == "organisation"
