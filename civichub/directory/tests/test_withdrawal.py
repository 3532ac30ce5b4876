"""A commissioner withdraws a service: it leaves the finder, search, the ORUK API and the export, its
history records the HSDS `delete`, and a `directory.service.withdrawn` event goes out in the same
transaction. Only the council's commissioners may, whichever door they use."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.errors import Conflict
from civichub.core.models import AuditEntry, DomainEvent, Role
from civichub.directory import changes
from civichub.directory.details import ServiceDetails
from civichub.directory.models import ChangeRecord, ChangeRequest, SearchEntry
from civichub.directory.services import withdraw_service


def assert_gone_from_public(client, make_user, wigan, service) -> None:
    assert client.get(f"/openreferral/services/{service.pk}").status_code == 404
    assert service.name not in {s["name"] for s in client.get("/openreferral/services").json()["contents"]}
    near = client.get("/openreferral/service_at_locations", {"postcode": "WN1 1AA", "proximity": "5000"})
    assert service.name not in {row["service"]["name"] for row in near.json()["contents"]}
    assert client.get(f"/find/services/{service.pk}/").status_code == 404
    assert service.name not in client.get("/find/", {"postcode": "WN1 1AA", "miles": "3"}).content.decode()
    assert not SearchEntry.objects.for_council(wigan).filter(service=service).exists()
    commissioner = client_for(make_user(Role.COMMISSIONER, wigan))
    exported = json.loads(commissioner.get("/c/wigan/directory/export.json").content)
    assert service.name not in {s["name"] for s in exported["contents"]}


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_commissioner_withdraws_a_service_through_its_page(
    client, client_as, make_user, directory, people, wigan
) -> None:
    youth = directory["youth"]
    pending = changes.propose(
        Actor(user=people["staff"]), wigan, ServiceDetails("Youth club", "Games night"), service=youth
    )
    commissioner = client_as(people["commissioner"])
    page = commissioner.get(f"/c/wigan/services/{youth.pk}/").content.decode()
    assert f"/c/wigan/services/{youth.pk}/withdraw/" in page
    confirm = commissioner.get(f"/c/wigan/services/{youth.pk}/withdraw/")
    assert (
        confirm.status_code == 200 and "Withdraw Youth club from the directory?" in confirm.content.decode()
    )

    done = commissioner.post(f"/c/wigan/services/{youth.pk}/withdraw/", {"reason": "The club has closed"})
    assert done.status_code == 302 and done["Location"] == f"/c/wigan/services/{youth.pk}/"
    assert "withdrawn from the directory" in commissioner.get(done["Location"]).content.decode()
    assert_gone_from_public(client, make_user, wigan, youth)
    record = ChangeRecord.objects.for_council(wigan).get(resource_id=youth.pk, last_action_type="delete")
    assert (record.field_name, record.previous_value, record.replacement_value) == (
        "published",
        "Public",
        "Withdrawn: The club has closed",
    )
    event = DomainEvent.unscoped.get(type="directory.service.withdrawn")
    assert event.data == {"service_id": str(youth.pk), "name": "Youth club", "reason": "The club has closed"}
    assert AuditEntry.objects.filter(action="directory.service.withdrawn", object_id=str(youth.pk)).exists()
    # The provider's waiting proposal can no longer be published: it is withdrawn with the service.
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.WITHDRAWN
    assert DomainEvent.unscoped.filter(
        type="directory.change.withdrawn", data__change_id=str(pending.pk)
    ).exists()
    # The service stays for the council, with its history.
    history = commissioner.get(f"/c/wigan/services/{youth.pk}/history/").content.decode()
    assert "Withdrawn: In the public directory" in history
    again = commissioner.post(f"/c/wigan/services/{youth.pk}/withdraw/")
    assert again.status_code == 409 and "already withdrawn" in again.content.decode()


def test_the_api_withdraws_and_only_commissioners_may(
    client, client_as, make_user, directory, people, wigan
) -> None:
    lunch = directory["lunch"]
    url = f"/api/v1/c/wigan/services/{lunch.pk}/withdraw"
    staff = client_as(people["staff"])
    assert staff.post(url, {}, content_type="application/json").status_code == 403
    with pytest.raises(PermissionDenied):
        withdraw_service(Actor(user=people["staff"], council=wigan), lunch)
    made = client_as(people["commissioner"]).post(url, {"reason": "Moved"}, content_type="application/json")
    assert made.status_code == 200 and made.json()["is_published"] is False
    assert_gone_from_public(client, make_user, wigan, lunch)
    history = client_as(people["commissioner"]).get(f"/api/v1/c/wigan/services/{lunch.pk}/history").json()
    assert history["items"][0]["last_action_type"] == "delete"
    again = client_as(people["commissioner"]).post(url, {}, content_type="application/json")
    assert (
        again.status_code == 409
        and again.json()["detail"] == "Lunch club is already withdrawn from the directory"
    )
    with pytest.raises(Conflict):
        withdraw_service(Actor(user=people["commissioner"], council=wigan), lunch)
    # A provider cannot propose changes to a withdrawn service.
    with pytest.raises(Conflict, match="withdrawn"):
        changes.propose(
            Actor(user=people["staff"]), wigan, ServiceDetails("Lunch club", "Soup"), service=lunch
        )
