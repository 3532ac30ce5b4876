"""Webhooks end to end in one process: the outbox, fan-out, signed delivery, retries, 410, SSRF refusal,
secret rotation, redelivery, and a slow or broken receiver not holding up anyone else."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import DomainEvent, Organisation, Role
from civichub.integration import dispatcher, sender, services
from civichub.integration.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from civichub.integration.receiver import Receiver

SYSTEM = Actor.system("webhook tests")


@pytest.fixture
def commissioner(make_user, wigan):
    return Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)


def add_providers(council, n: int, prefix: str = "Provider") -> None:
    for i in range(n):
        org = Organisation.objects.create(name=f"{prefix} {i}", kind="company")
        core.add_provider(SYSTEM, council, org, services_summary="Home care", since=date(2024, 1, 1))


def endpoint_for(actor, council, receiver, event_types=("core.provider.added",)) -> WebhookEndpoint:
    endpoint = services.register_endpoint(actor, council, url=receiver.url, event_types=list(event_types))
    receiver.secrets = [endpoint.secret]
    return endpoint


def test_a_change_and_its_event_commit_together_or_not_at_all(wigan) -> None:
    before = DomainEvent.unscoped.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        add_providers(wigan, 1)
        raise RuntimeError("the change fails after the event was written")
    assert DomainEvent.unscoped.count() == before
    add_providers(wigan, 1)
    event = DomainEvent.unscoped.order_by("-seq")[0]
    assert (event.type, event.council, event.data["organisation_name"]) == (
        "core.provider.added",
        wigan,
        "Provider 0",
    )


def test_a_provider_added_reaches_the_endpoint_signed_and_logged(commissioner, wigan) -> None:
    with Receiver() as receiver:
        endpoint = endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 3)
        dispatcher.run(until_idle=True)
        assert receiver.bad_signatures == 0 and len(receiver.ids) == 3
    deliveries = WebhookDelivery.objects.for_council(wigan).filter(endpoint=endpoint)
    assert {d.status for d in deliveries} == {"succeeded"}
    event = deliveries[0].event
    assert receiver.ids[event.webhook_id] == 1
    assert {b["type"] for b in receiver.bodies} == {"core.provider.added"}
    attempt = DeliveryAttempt.objects.for_council(wigan).filter(delivery=deliveries[0]).get()
    assert attempt.response_status == 200 and attempt.request_headers["webhook-id"] == event.webhook_id


def test_events_of_other_types_and_other_councils_are_not_sent(commissioner, wigan, sunderland) -> None:
    with Receiver() as receiver:
        endpoint_for(commissioner, wigan, receiver, event_types=["core.membership.granted"])
        add_providers(wigan, 2)
        add_providers(sunderland, 2)
        dispatcher.run(until_idle=True)
        assert len(receiver.ids) == 0


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(commissioner, wigan) -> None:
    with Receiver(status=500) as receiver:
        endpoint = endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 1)
        dispatcher.run(until_idle=True)
        delivery = WebhookDelivery.objects.for_council(wigan).get(endpoint=endpoint)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(seconds=3) < wait < timedelta(seconds=7)  # 5 s, with jitter
        # Skip the waits: every scheduled retry fails, and after the last one it gives up.
        for _ in dispatcher.RETRY_SCHEDULE:
            WebhookDelivery.objects.for_council(wigan).filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now()
            )
            dispatcher.run(until_idle=True)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", len(dispatcher.RETRY_SCHEDULE) + 1)


def test_the_retry_schedule_spans_about_three_days() -> None:
    total = sum(dispatcher.RETRY_SCHEDULE, timedelta())
    assert timedelta(days=2.5) < total < timedelta(days=3.5)
    waits = [dispatcher.next_wait(n) for n in range(1, 4)]
    assert (
        all(w is not None for w in waits) and dispatcher.next_wait(len(dispatcher.RETRY_SCHEDULE) + 1) is None
    )


def test_410_gone_switches_the_endpoint_off(commissioner, wigan) -> None:
    with Receiver(status=410) as receiver:
        endpoint = endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 1)
        dispatcher.run(until_idle=True)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    assert WebhookDelivery.objects.for_council(wigan).get(endpoint=endpoint).status == "failed"


def test_a_slow_or_broken_receiver_does_not_hold_up_the_others(commissioner, wigan) -> None:
    with Receiver(delay_s=2.0) as slow, Receiver(reset=True) as broken, Receiver() as fast:
        for receiver in (slow, broken, fast):
            endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 30)
        stop = threading.Event()

        def stop_when_fast_has_all() -> None:
            fast.wait_for(30, timeout_s=20)
            stop.set()

        waiter = threading.Thread(target=stop_when_fast_has_all)
        waiter.start()
        dispatcher.run(workers=16, stop=stop)
        waiter.join()
        assert len(fast.ids) == 30
        # The slow receiver had at most its share of the pool while the fast one got everything.
        assert len(slow.ids) <= 2 * dispatcher.PER_ENDPOINT_IN_FLIGHT
    broken_deliveries = WebhookDelivery.objects.for_council(wigan).filter(
        endpoint__url=broken.url, attempts__gte=1
    )
    assert broken_deliveries.exists()
    assert all(d.status == "pending" and d.last_error for d in broken_deliveries)


def test_deliveries_reuse_connections_to_an_endpoint(commissioner, wigan) -> None:
    with Receiver() as receiver:
        endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 40)
        dispatcher.run(until_idle=True)
        assert len(receiver.ids) == 40
        # Kept alive: never more connections than requests in flight to one endpoint at once.
        assert receiver.connections <= dispatcher.PER_ENDPOINT_IN_FLIGHT


def test_a_kept_alive_connection_does_not_get_round_the_address_check(wigan) -> None:
    with Receiver() as receiver:
        pools = sender.ConnectionPools()
        job = sender.Job(1, wigan.pk, 1, receiver.url, "msg_1", b"{}", [], 0, timezone.now())
        assert sender.send(job, pools).status == 200
        with override_settings(CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK=False):
            refused = sender.send(job, pools)
        pools.close()
    # The pool held an open connection to the receiver, but the check came first and nothing was sent.
    assert refused.status is None and refused.error.startswith("Refused")
    assert sum(receiver.ids.values()) == 1


def test_a_host_name_is_sent_to_an_address_it_was_checked_at(wigan) -> None:
    with Receiver() as receiver:
        pools = sender.ConnectionPools()
        url = receiver.url.replace("127.0.0.1", "localhost")
        outcome = sender.send(sender.Job(1, wigan.pk, 1, url, "msg_1", b"{}", [], 0, timezone.now()), pools)
        addresses = {key[-1] for key in pools.pools}
        pools.close()
    # localhost may resolve to ::1 first, where nothing listens: the next checked address is tried.
    assert outcome.status == 200, outcome.error
    assert "127.0.0.1" in addresses and addresses <= {"127.0.0.1", "::1"}


def test_a_redirect_is_an_answer_not_an_instruction(commissioner, wigan) -> None:
    with Receiver(status=301) as receiver:
        endpoint = endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 1)
        dispatcher.run(until_idle=True)
    delivery = WebhookDelivery.objects.for_council(wigan).get(endpoint=endpoint)
    assert (delivery.status, delivery.last_status_code, sum(receiver.ids.values())) == ("pending", 301, 1)


def test_rotating_the_secret_keeps_the_old_one_signing_for_a_day(commissioner, wigan) -> None:
    with Receiver() as receiver:
        endpoint = endpoint_for(commissioner, wigan, receiver)
        old = endpoint.secret
        services.rotate_secret(commissioner, endpoint)
        assert endpoint.secret != old
        receiver.secrets = [old]  # a receiver that has not switched yet still verifies
        add_providers(wigan, 1)
        dispatcher.run(until_idle=True)
        assert len(receiver.ids) == 1 and receiver.bad_signatures == 0
        assert services.signing_secrets(endpoint) == [endpoint.secret, old]


def test_redelivery_sends_the_same_webhook_id_again(commissioner, wigan) -> None:
    with Receiver() as receiver:
        endpoint = endpoint_for(commissioner, wigan, receiver)
        add_providers(wigan, 1)
        dispatcher.run(until_idle=True)
        delivery = WebhookDelivery.objects.for_council(wigan).get(endpoint=endpoint)
        services.redeliver(commissioner, delivery)
        dispatcher.run(until_idle=True)
        assert list(receiver.ids.values()) == [2]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/hook",
        "https://172.16.0.1/",
        "ftp://example.org/hook",
        "https://user:pw@8.8.8.8/",
    ],
)
def test_private_and_link_local_targets_are_refused(commissioner, wigan, url) -> None:
    with pytest.raises(Refused) as refused:
        services.register_endpoint(commissioner, wigan, url=url, event_types=[])
    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.for_council(wigan).exists()


@override_settings(CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK=False)
def test_loopback_is_refused_unless_the_setting_allows_it(commissioner, wigan) -> None:
    with pytest.raises(Refused, match="loopback"):
        services.register_endpoint(commissioner, wigan, url="http://127.0.0.1:9/hook", event_types=[])


def test_unknown_event_types_are_refused(commissioner, wigan) -> None:
    with (
        Receiver() as receiver,
        pytest.raises(Refused, match=r"Unknown event types: no\.such"),
    ):
        services.register_endpoint(commissioner, wigan, url=receiver.url, event_types=["no.such"])


def test_an_analyst_may_not_register_webhooks(make_user, wigan) -> None:
    from django.core.exceptions import PermissionDenied

    analyst = Actor(user=make_user(Role.ANALYST, wigan), council=wigan)
    with pytest.raises(PermissionDenied):
        services.register_endpoint(analyst, wigan, url="https://example.org/hook", event_types=[])
