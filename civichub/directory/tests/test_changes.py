"""Providers propose, the council approves: nothing a provider writes is public before approval, the
council sees exactly what changes, and every change is kept as history (HSDS metadata)."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import DomainEvent
from civichub.directory import changes, selectors
from civichub.directory.details import ServiceDetails, check_details
from civichub.directory.models import ChangeRecord, ChangeRequest, Service
from civichub.directory.oruk import search
from civichub.directory.oruk.query import parse_query
from civichub.directory.selectors import details_of
from civichub.places.models import Ward


def form_of(details: ServiceDetails, **changed: object) -> dict[str, object]:
    """The service form's fields for `details`, with some changed."""
    data: dict[str, object] = {
        "name": details.name,
        "description": details.description,
        "minimum_age": details.minimum_age or "",
        "maximum_age": details.maximum_age or "",
        "categories": [str(t.pk) for t in details.terms],
        "wards": details.ward_codes,
        "commissioned_under": details.commissioned_under,
    }
    for n, (days, opens, closes) in enumerate(details.schedules, start=1):
        data |= {f"schedule_{n}_days": days.split(","), f"schedule_{n}_opens": f"{opens:%H:%M}"}
        data[f"schedule_{n}_closes"] = f"{closes:%H:%M}"
    for n, (name, street, place) in enumerate(details.locations, start=1):
        data |= {
            f"location_{n}_name": name,
            f"location_{n}_street": street,
            f"location_{n}_postcode": place.postcode,
        }
    for n, (option, amount) in enumerate(details.cost_options, start=1):
        data |= {f"cost_{n}_option": option, f"cost_{n}_amount": "" if amount is None else str(amount)}
    for n, (name, title, email) in enumerate(details.contacts, start=1):
        data |= {f"contact_{n}_name": name, f"contact_{n}_title": title, f"contact_{n}_email": email}
    return data | changed


def test_a_providers_edit_waits_for_approval_then_goes_live_with_its_history(
    client, client_as, directory, people, wigan
) -> None:
    youth = directory["youth"]
    staff, commissioner = client_as(people["staff"]), client_as(people["commissioner"])
    edit = f"/c/{wigan.slug}/services/{youth.pk}/edit/"
    assert 'value="Youth club"' in staff.get(edit).content.decode()  # the form starts from what it says

    sent = staff.post(edit, form_of(details_of(youth), description="Games, advice and a cafe for teenagers"))
    change = ChangeRequest.objects.for_council(wigan).get()
    assert sent["Location"] == f"/c/{wigan.slug}/changes/{change.pk}/"
    # Not public yet: the ORUK API and the finder still say what the council approved.
    public = client.get(f"/openreferral/services/{youth.pk}").json()
    assert public["description"] == "Games and advice for teenagers"

    page = commissioner.get(sent["Location"]).content.decode()
    assert (
        "<del>Games and advice for teenagers</del>" in page
        and "<ins>Games, advice and a cafe for teenagers</ins>" in page
    )
    assert "Name" not in page.split("What changes")[1].split("</table>")[0]  # only what changes is listed

    commissioner.post(sent["Location"], {"action": "approve"})
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED and change.decided_by == people["commissioner"]
    assert (
        client.get(f"/openreferral/services/{youth.pk}")
        .json()["description"]
        .endswith("a cafe for teenagers")
    )
    records = ChangeRecord.objects.for_council(wigan).filter(resource_id=youth.pk, last_action_type="update")
    record = records.get()
    assert (record.field_name, record.previous_value, record.replacement_value) == (
        "description",
        "Games and advice for teenagers",
        "Games, advice and a cafe for teenagers",
    )
    assert record.updated_by == f"{people['staff'].username} (approved by {people['commissioner'].username})"
    history = staff.get(f"/c/{wigan.slug}/services/{youth.pk}/history/?format=csv").content.decode()
    assert history.splitlines()[0].startswith(
        "id,resource_id,resource_type,last_action_date,last_action_type"
    )
    assert "a cafe for teenagers" in history
    assert DomainEvent.unscoped.filter(type="directory.change.decided").count() == 1


def test_a_new_service_from_a_provider_is_published_only_when_approved(
    client_as, directory, people, wigan
) -> None:
    staff, commissioner = client_as(people["staff"]), client_as(people["commissioner"])
    sent = staff.post(
        f"/c/{wigan.slug}/services/new/",
        {
            "name": "Homework club",
            "description": "Help with homework after school",
            "minimum_age": "8",
            "maximum_age": "14",
            "schedule_1_days": ["MO", "TH"],
            "schedule_1_opens": "15:30",
            "schedule_1_closes": "17:30",
            "location_1_name": "Pemberton Library",
            "location_1_street": "Ormskirk Road",
            "location_1_postcode": "wn5 9aa",
            "cost_1_option": "A session",
            "cost_1_amount": "1.50",
        },
    )
    assert sent.status_code == 302
    assert not Service.objects.for_council(wigan).filter(name="Homework club").exists()
    change = ChangeRequest.objects.for_council(wigan).get()
    assert change.is_new_service and change.organisation == directory["youth"].organisation
    page = commissioner.get(sent["Location"]).content.decode()
    assert (
        "New service: Homework club" in page
        and "Mon, Thu 15:30 to 17:30" in page
        and "A session: £1.50" in page
    )

    commissioner.post(sent["Location"], {"action": "approve"})
    made = Service.objects.for_council(wigan).get(name="Homework club")
    assert made.is_published and made.organisation == directory["youth"].organisation
    assert set(
        selectors.service_history(Actor(user=people["staff"]), wigan, made.pk)[1].values_list(
            "field_name", flat=True
        )
    ) >= {
        "name",
        "description",
        "schedules",
        "locations",
        "cost_options",
    }
    found, _ = search.search(parse_query(QueryDict("text=homework&postcode=WN5+9AA&proximity=1000")))
    assert [s.name for s in found] == ["Homework club"]


def test_turning_a_change_down_needs_a_reason_and_changes_nothing(
    client_as, directory, people, wigan
) -> None:
    youth = directory["youth"]
    change = changes.propose(
        Actor(user=people["staff"]), wigan, ServiceDetails("Youth club", "Closed for good"), service=youth
    )
    commissioner = client_as(people["commissioner"])
    url = f"/c/{wigan.slug}/changes/{change.pk}/"
    refused = commissioner.post(url, {"action": "reject"})
    assert refused.status_code == 400 and "Say why it is not approved" in refused.content.decode()
    commissioner.post(url, {"action": "reject", "note": "Say when it closes"})
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.REJECTED and change.decision_note == "Say when it closes"
    assert details_of(youth).description == "Games and advice for teenagers"
    assert not ChangeRecord.objects.for_council(wigan).filter(last_action_type="update").exists()
    again = commissioner.post(url, {"action": "approve"})
    assert again.status_code == 400 and "already not approved" in again.content.decode()


def test_providers_touch_only_their_own_services_and_cannot_approve(
    client_as, directory, people, wigan
) -> None:
    youth = directory["youth"]
    stranger = client_as(people["stranger"])
    assert stranger.get(f"/c/{wigan.slug}/services/{youth.pk}/edit/").status_code == 404
    assert stranger.get(f"/c/{wigan.slug}/services/").content.decode().count("Youth club") == 0
    with pytest.raises(PermissionDenied):
        changes.propose(Actor(user=people["stranger"]), wigan, details_of(youth), service=youth)
    change = changes.propose(
        Actor(user=people["staff"]), wigan, ServiceDetails("Youth club", "New words"), service=youth
    )
    assert (
        client_as(people["staff"])
        .post(f"/c/{wigan.slug}/changes/{change.pk}/", {"action": "approve"})
        .status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        changes.decide(Actor(user=people["staff"]), change, approve=True)
    assert stranger.get(f"/c/{wigan.slug}/changes/{change.pk}/").status_code == 404


def test_a_later_proposal_replaces_a_pending_one_and_an_unchanged_one_is_refused(
    directory, people, wigan
) -> None:
    youth = directory["youth"]
    staff = Actor(user=people["staff"])
    first = changes.propose(staff, wigan, ServiceDetails("Youth club", "First try"), service=youth)
    second = changes.propose(staff, wigan, ServiceDetails("Youth club", "Second try"), service=youth)
    first.refresh_from_db()
    assert first.status == ChangeRequest.Status.WITHDRAWN and second.status == ChangeRequest.Status.PENDING
    with pytest.raises(Refused, match="Nothing has changed"):
        changes.propose(staff, wigan, details_of(youth), service=youth)
    changes.withdraw(staff, second)
    second.refresh_from_db()
    assert second.status == ChangeRequest.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, "Enter the service's name"),
        ({"minimum_age": "-2"}, "Minimum age must be 0 or more"),
        ({"minimum_age": "30", "maximum_age": "20"}, "The maximum age must not be less than the minimum age"),
        ({"location_1_postcode": "nowhere"}, "Place 1: 'nowhere' is not a valid UK postcode"),
        ({"location_1_postcode": "ZZ9 9ZZ"}, "Place 1: We do not hold the postcode ZZ9 9ZZ"),
        (
            {"schedule_1_days": ["MO"], "schedule_1_opens": "18:00", "schedule_1_closes": "09:00"},
            "it must close after it opens",
        ),
        ({"schedule_1_days": ["MO"], "schedule_1_opens": "9am"}, "Opening time 1: enter a time like 09:30"),
        ({"cost_1_amount": "lots"}, "Cost 1: enter an amount like 5.00"),
        ({"categories": ["not-a-category"]}, "Choose categories from the list"),
        ({"wards": ["E05001234"]}, "Choose wards from the list"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_sent(
    client_as, directory, people, wigan, fields, error
) -> None:
    youth = directory["youth"]
    response = client_as(people["staff"]).post(
        f"/c/{wigan.slug}/services/{youth.pk}/edit/", form_of(details_of(youth), **fields)
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and error in page
    assert not ChangeRequest.objects.for_council(wigan).exists()


def test_commissioners_publish_directly_and_only_the_councils_wards_are_accepted(
    client_as, directory, people, wigan, sunderland
) -> None:
    youth = directory["youth"]
    commissioner = Actor(user=people["commissioner"])
    sunderland_ward = Ward.objects.filter(local_authority_id=sunderland.gss_code).first()
    assert sunderland_ward is not None
    with pytest.raises(Refused, match="is not one of Wigan's wards"):
        check_details(wigan, ServiceDetails("x", "y", ward_codes=[sunderland_ward.gss_code]))
    page = client_as(people["commissioner"]).post(
        f"/c/{wigan.slug}/services/{youth.pk}/edit/", form_of(details_of(youth), name="Youth club (Wigan)")
    )
    assert page.status_code == 302 and not ChangeRequest.objects.for_council(wigan).exists()
    youth.refresh_from_db()
    assert youth.name == "Youth club (Wigan)"
    renamed = selectors.service_history(commissioner, wigan, youth.pk)[1].get(
        field_name="name", last_action_type="update"
    )
    assert renamed.updated_by == people["commissioner"].username


def test_the_api_proposes_decides_and_shows_history(client_as, directory, people, wigan) -> None:
    youth = directory["youth"]
    staff, commissioner = client_as(people["staff"]), client_as(people["commissioner"])
    base = f"/api/v1/c/{wigan.slug}"
    current = staff.get(f"{base}/services/{youth.pk}").json()["details"]
    assert current["name"] == "Youth club" and current["schedules"] == [["MO,WE", "17:00", "20:00"]]
    details = {
        "name": "Youth club",
        "description": "Games, advice and a cafe",
        "minimum_age": 11,
        "maximum_age": 18,
        "taxonomy_term_ids": current["terms"],
        "schedules": [{"byday": "MO,WE,FR", "opens_at": "17:00", "closes_at": "20:00"}],
        "locations": [{"name": "Town Hall", "address_1": "Library Street", "postcode": "wn1 1aa"}],
        "ward_codes": current["ward_codes"],
        "commissioned_under": current["commissioned_under"],
        "contacts": [{"name": "Sam Jones", "title": "Youth worker", "email": "sam@example.org"}],
    }
    bad = staff.post(
        f"{base}/service-changes",
        {
            "service_id": str(youth.pk),
            "details": details | {"locations": [{"name": "x", "postcode": "ZZ9 9ZZ"}]},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"].startswith("locations[0].postcode: We do not hold")
    made = staff.post(
        f"{base}/service-changes",
        {"service_id": str(youth.pk), "details": details},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    change = made.json()
    assert {d["field"] for d in change["differences"]} == {"Description", "When it runs"}
    assert staff.get(f"{base}/service-changes").json()["items"][0]["id"] == change["id"]
    decision = f"{base}/service-changes/{change['id']}/decision"
    assert staff.post(decision, {"approve": True}, content_type="application/json").status_code == 403
    approved = commissioner.post(decision, {"approve": True}, content_type="application/json").json()
    assert approved["status"] == "approved" and approved["decided_by"] == people["commissioner"].username
    history = staff.get(f"{base}/services/{youth.pk}/history").json()["items"]
    latest = {h["field_name"]: h for h in history if h["last_action_type"] == "update"}
    assert latest["schedules"]["previous_value"] == "Mon, Wed 17:00 to 20:00"
    assert latest["schedules"]["replacement_value"] == "Mon, Wed, Fri 17:00 to 20:00"


def test_the_api_names_who_deals_with_reports(client_as, directory, people, wigan) -> None:
    from civichub.directory.models import ReportCategory

    commissioner = client_as(people["commissioner"])
    url = f"/api/v1/c/{wigan.slug}/responsibilities"
    category = ReportCategory.objects.create(name="Graffiti")
    provider = directory["youth"].organisation
    bad = commissioner.put(
        url, {"category_id": str(category.pk), "ward_code": "E05001234"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "ward: E05001234 is not one of Wigan's wards" in bad.json()["detail"]
    made = commissioner.put(
        url,
        {
            "category_id": str(category.pk),
            "organisation_id": str(provider.pk),
            "arrangement": "Street care contract",
        },
        content_type="application/json",
    ).json()
    assert commissioner.get(url).json()["items"] == [made]
    assert made["category"] == "Graffiti" and made["organisation_id"] == str(provider.pk)
    assert commissioner.delete(f"{url}/{made['id']}").status_code == 204
    assert commissioner.get(url).json()["items"] == []
    assert client_as(people["staff"]).get(url).status_code == 403


def test_a_commissioner_changes_a_service_through_the_api_with_the_same_checks(
    client_as, directory, people, wigan, sunderland
) -> None:
    youth = directory["youth"]
    commissioner = client_as(people["commissioner"])
    url = f"/api/v1/c/{wigan.slug}/services/{youth.pk}"
    other_ward = Ward.objects.filter(local_authority_id=sunderland.gss_code).values_list(
        "gss_code", flat=True
    )[0]
    refused = commissioner.put(
        url,
        {"name": "Youth club", "description": "x", "ward_codes": [other_ward]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["detail"].startswith(
        f"ward_codes: {other_ward} is not"
    )
    assert details_of(youth).description == "Games and advice for teenagers"
    changed = commissioner.put(
        url,
        {"name": "Youth club", "description": "Games night", "minimum_age": 11},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["details"]["description"] == "Games night"
