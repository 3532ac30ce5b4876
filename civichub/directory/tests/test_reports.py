"""Who is responsible: a resident's report is routed by category and place to the provider under the
council's arrangement (a ward's own before the council-wide one), or to the council itself, across the
boundary between councils; providers work their own queue; residents follow it by reference."""

from __future__ import annotations

import pytest

from civichub.core.models import AuditEntry, DomainEvent, Organisation, Role
from civichub.demo import directory as demo
from civichub.directory.models import Report, Responsibility


@pytest.fixture
def setup(wigan, sunderland):
    categories = {c.name: c for c in demo.report_categories()}
    highways = Organisation.objects.create(name="Wigan Highways Ltd", kind="company")
    ward_crew = Organisation.objects.create(name="Town Centre Crew", kind="community")
    Responsibility.objects.create(council=wigan, category=categories["Pothole"], organisation=highways)
    # WN1 1AA is in ward E05000861: that ward has its own arrangement for potholes.
    Responsibility.objects.create(
        council=wigan, category=categories["Pothole"], organisation=ward_crew, ward_code="E05000861"
    )
    return {"categories": categories, "highways": highways, "ward_crew": ward_crew}


def post(client, category, postcode, description="A deep hole by the kerb", email=""):
    return client.post(
        "/report/",
        {"category": str(category.pk), "postcode": postcode, "description": description, "email": email},
    )


def test_a_report_goes_to_the_wards_provider_before_the_council_wide_one(client, setup, wigan) -> None:
    pothole = setup["categories"]["Pothole"]
    in_ward = post(client, pothole, "WN1 1AA")
    elsewhere = post(client, pothole, "WN5 0AA")
    first = Report.objects.for_council(wigan).get(reference=in_ward["Location"].split("/")[-2])
    second = Report.objects.for_council(wigan).get(reference=elsewhere["Location"].split("/")[-2])
    assert (first.routed_to, second.routed_to) == (setup["ward_crew"], setup["highways"])
    page = client.get(in_ward["Location"]).content.decode()
    assert first.reference in page and "Town Centre Crew, for Wigan Metropolitan Borough Council" in page
    event = (
        DomainEvent.objects.for_council(wigan).filter(type="directory.report.received").order_by("-seq")[0]
    )
    assert event.data["routed_to"] == str(setup["highways"].pk)


def test_uncontracted_categories_go_to_the_council_and_the_boundary_is_respected(
    client, setup, sunderland
) -> None:
    noise = setup["categories"]["Noisy neighbour"]
    response = post(client, noise, "SR1 1AA", "Loud music every night after midnight")
    made = Report.objects.for_council(sunderland).get(reference=response["Location"].split("/")[-2])
    assert made.routed_to is None and made.council == sunderland
    # A WN postcode in West Lancashire: a neighbouring council that is not on the platform.
    from civichub.places.models import Postcode

    west_lancs = Postcode.objects.filter(local_authority__gss_code="E07000127", terminated="")[0]
    refused = post(client, noise, west_lancs.postcode, "Loud music every night after midnight")
    assert refused.status_code == 400 and "West Lancashire" in refused.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "nowhere", "is not a valid UK postcode"),
        ("postcode", "ZZ9 9ZZ", "We do not hold the postcode ZZ9 9ZZ"),
        ("description", "hole", "at least 10 characters"),
        ("email", "not-an-email", "Enter an email address like name@example.com"),
        ("category", "", "Choose what you are reporting"),
    ],
)
def test_bad_reports_are_explained_and_not_saved(client, setup, wigan, field, value, message) -> None:
    data = {
        "category": str(setup["categories"]["Pothole"].pk),
        "postcode": "WN1 1AA",
        "description": "A deep hole by the kerb",
        "email": "",
        field: value,
    }
    before = Report.objects.for_council(wigan).count()
    response = client.post("/report/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Report.objects.for_council(wigan).count() == before


def test_a_provider_works_its_own_queue_and_the_resident_sees_progress(
    client, client_as, make_user, setup, wigan
):
    pothole = setup["categories"]["Pothole"]
    mine = post(client, pothole, "WN5 0AA", email="resident@example.org")["Location"].split("/")[-2]
    theirs = post(client, pothole, "WN1 1AA")["Location"].split("/")[-2]
    staff = client_as(make_user(Role.PROVIDER_STAFF, wigan, organisation=setup["highways"]))
    queue = staff.get("/c/wigan/reports/").content.decode()
    assert mine in queue and theirs not in queue
    assert staff.get(f"/c/wigan/reports/{theirs}/").status_code == 404
    reads = AuditEntry.objects.filter(action="directory.report.contact_read").count()
    assert "resident@example.org" in staff.get(f"/c/wigan/reports/{mine}/").content.decode()
    assert AuditEntry.objects.filter(action="directory.report.contact_read").count() == reads + 1
    staff.post(f"/c/wigan/reports/{mine}/", {"status": "resolved", "note": "Filled on Tuesday"})
    status = client.get(f"/report/{mine}/").content.decode()
    assert "Resolved" in status and "Filled on Tuesday" in status and "resident@example.org" not in status
    officer = client_as(make_user(Role.CASEWORKER, wigan))
    everything = officer.get("/c/wigan/reports/?status=all").content.decode()
    assert mine in everything and theirs in everything


def test_following_a_report_by_reference(client, setup) -> None:
    reference = post(client, setup["categories"]["Pothole"], "WN5 0AA")["Location"].split("/")[-2]
    assert (
        client.get("/report/track/", {"reference": reference.lower()})["Location"] == f"/report/{reference}/"
    )
    missing = client.get("/report/track/", {"reference": "R-NOSUCH1"})
    assert missing.status_code == 400 and "No report has the reference R-NOSUCH1" in missing.content.decode()


def test_the_api_submits_follows_and_works_reports(client, client_as, make_user, setup, wigan) -> None:
    pothole = setup["categories"]["Pothole"]
    made = client.post(
        "/api/v1/reports",
        {"category_id": str(pothole.pk), "postcode": "WN5 0AA", "description": "Pothole by the bus stop"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["dealt_with_by"] == "Wigan Highways Ltd"
    reference = made.json()["reference"]
    assert client.get(f"/api/v1/reports/{reference}").json()["status"] == "received"
    bad = client.post(
        "/api/v1/reports",
        {"category_id": str(pothole.pk), "postcode": "nowhere", "description": "Pothole by the bus stop"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"].startswith("postcode:")
    staff = client_as(make_user(Role.PROVIDER_STAFF, wigan, organisation=setup["highways"]))
    assert [r["reference"] for r in staff.get("/api/v1/c/wigan/reports").json()["items"]] == [reference]
    moved = staff.post(
        f"/api/v1/c/wigan/reports/{reference}/status",
        {"status": "in_progress", "note": "Booked"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    other = client_as(make_user(Role.PROVIDER_STAFF, wigan, organisation=setup["ward_crew"]))
    assert other.get(f"/api/v1/c/wigan/reports/{reference}").status_code == 404


def test_a_commissioner_names_who_deals_with_a_category(client, client_as, make_user, setup, wigan) -> None:
    from datetime import date

    from civichub.core import services as core
    from civichub.core.actors import Actor

    lights = Organisation.objects.create(name="Bright Lights Ltd", kind="company")
    core.add_provider(
        Actor.system("test"), wigan, lights, services_summary="Street lighting", since=date(2020, 1, 1)
    )
    commissioner = client_as(make_user(Role.COMMISSIONER, wigan))
    category = setup["categories"]["Street light not working"]
    saved = commissioner.post(
        "/c/wigan/responsibilities/",
        {"category": str(category.pk), "organisation": str(lights.pk), "arrangement": "PFI"},
    )
    assert saved.status_code == 302
    reference = post(client, category, "WN5 0AA", "The light has been out all week")["Location"].split("/")[
        -2
    ]
    assert Report.objects.for_council(wigan).get(reference=reference).routed_to == lights
    not_ours = commissioner.post(
        "/c/wigan/responsibilities/",
        {"category": str(category.pk), "organisation": str(setup["ward_crew"].pk)},
    )
    assert not_ours.status_code == 400 and "Choose one of the council" in not_ours.content.decode()
    wrong_ward = commissioner.post(
        "/c/wigan/responsibilities/", {"category": str(category.pk), "ward": "E05001163"}
    )
    assert wrong_ward.status_code == 400 and "E05001163 is not one of Wigan" in wrong_ward.content.decode()
    # Wards are chosen, and shown, by their names.
    page = commissioner.get("/c/wigan/responsibilities/").content.decode()
    assert '<option value="E05000861" >Wigan Central</option>' in page
    ward_arrangement = commissioner.post(
        "/c/wigan/responsibilities/",
        {"category": str(category.pk), "organisation": str(lights.pk), "ward": "E05000861"},
    )
    assert ward_arrangement.status_code == 302
    assert "Wigan Central" in commissioner.get("/c/wigan/responsibilities/").content.decode()
    Responsibility.objects.for_council(wigan).filter(category=category, ward_code="E05000861").delete()
    entry = Responsibility.objects.for_council(wigan).get(category=category)
    assert commissioner.post("/c/wigan/responsibilities/", {"remove": str(entry.pk)}).status_code == 302
    assert not Responsibility.objects.for_council(wigan).filter(category=category).exists()
    assert client_as(make_user(Role.CASEWORKER, wigan)).get("/c/wigan/responsibilities/").status_code == 403
