"""The webhook API does what the pages do: register, list (paged), switch off and on, read a delivery with
its attempts, redeliver; and refuses in the one error shape."""

from __future__ import annotations

from datetime import date

from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Organisation, Role
from civichub.integration import dispatcher
from civichub.integration.receiver import Receiver


def test_an_endpoint_is_managed_end_to_end_through_the_api(client_as, make_user, wigan) -> None:
    client = client_as(make_user(Role.COMMISSIONER, wigan))
    with Receiver() as receiver:
        created = client.post(
            "/api/v1/c/wigan/webhooks",
            {"url": receiver.url, "event_types": ["core.provider.added"]},
            content_type="application/json",
        )
        assert created.status_code == 201
        endpoint = created.json()
        receiver.secrets = [endpoint["secret"]]
        listed = client.get("/api/v1/c/wigan/webhooks").json()
        assert (listed["count"], listed["items"][0]["id"]) == (1, endpoint["id"])

        url = f"/api/v1/c/wigan/webhooks/{endpoint['id']}"
        off = client.patch(url, {"is_active": False}, content_type="application/json")
        assert off.status_code == 200 and off.json()["is_active"] is False
        on = client.patch(url, {"is_active": True}, content_type="application/json")
        assert on.json()["is_active"] is True

        org = Organisation.objects.create(name="Api Care Ltd", kind="company")
        core.add_provider(
            Actor.system("test"), wigan, org, services_summary="Home care", since=date(2024, 1, 1)
        )
        dispatcher.run(until_idle=True)
        deliveries = client.get(f"{url}/deliveries").json()
        assert deliveries["count"] == 1
        delivery = client.get(f"{url}/deliveries/{deliveries['items'][0]['id']}").json()
        assert delivery["status"] == "succeeded" and len(delivery["attempts_made"]) == 1
        assert delivery["attempts_made"][0]["response_status"] == 200
        assert delivery["attempts_made"][0]["request_headers"]["webhook-id"] == delivery["webhook_id"]


def test_a_bad_endpoint_is_refused_by_field(client_as, make_user, wigan) -> None:
    client = client_as(make_user(Role.COMMISSIONER, wigan))
    refused = client.post(
        "/api/v1/c/wigan/webhooks",
        {"url": "http://127.0.0.1:9/hook", "event_types": ["no.such"]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "event_types", "message": "Unknown event types: no.such"}]
