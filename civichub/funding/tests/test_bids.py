"""Bids: each organisation keeps its own pipeline (the council's officers the council's, a VCSE
organisation's staff theirs), statuses move only along the allowed transitions, every status change is
audited and published with the old and the new status, and won funding is read as a budget source."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.audit import AuditEntry
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import Organisation, Role
from civichub.core.outbox import DomainEvent
from civichub.funding import bid_selectors, bids, services

SYSTEM = Actor.system("bids tests")


@pytest.fixture
def people(wigan, make_user) -> dict[str, Actor]:
    charity = Organisation.objects.create(name="Abram Youth Trust", kind="charity")
    other = Organisation.objects.create(name="Ashton Arts CIC", kind="community")
    return {
        "officer": Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan),
        "analyst": Actor(user=make_user(Role.ANALYST, wigan), council=wigan),
        "vcse": Actor(user=make_user(Role.PROVIDER_STAFF, wigan, organisation=charity), council=wigan),
        "other_vcse": Actor(user=make_user(Role.PROVIDER_STAFF, wigan, organisation=other), council=wigan),
        "councillor": Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan),
    }


def test_a_bid_goes_from_drafting_to_won_and_each_change_is_audited_and_told(wigan, people) -> None:
    officer = people["officer"]
    opportunity = services.add_opportunity(
        SYSTEM, None, {"grantName": "Warm homes", "grantFunder": "Energy Trust"}
    )
    made = bids.add_bid(
        officer,
        wigan,
        {
            "opportunity_id": str(opportunity.pk),
            "amount_sought": "£20,000",
            "need_codes": "housing; food",
            "commission_refs": "COM-12, COM-14",
            "due_on": "2026-03-31",
        },
    )
    assert (made.funder, made.programme, made.status) == ("Energy Trust", "Warm homes", "drafting")
    assert made.organisation_id == wigan.organisation_id and made.owner_id == officer.user.pk
    assert made.need_list == ["housing", "food"] and made.commission_list == ["COM-12", "COM-14"]
    bids.change_status(officer, wigan, made.pk, "submitted", on="2026-03-20")
    with pytest.raises(Refused) as refused:
        bids.change_status(officer, wigan, made.pk, "won")
    assert refused.value.field == "amount_won"
    won = bids.change_status(officer, wigan, made.pk, "won", amount_won="15000", on="2026-05-01")
    assert won.amount_won == Decimal("15000.00") and str(won.decided_on) == "2026-05-01"
    assert str(won.submitted_on) == "2026-03-20"
    with pytest.raises(Conflict):
        bids.change_status(officer, wigan, made.pk, "drafting")
    told = DomainEvent.objects.for_council(wigan).filter(type="funding.bid.status_changed").order_by("seq")
    assert [(e.data["old_status"], e.data["new_status"]) for e in told] == [
        ("drafting", "submitted"),
        ("submitted", "won"),
    ]
    assert told.last().data["amount_won"] == "15000.00"
    assert told.last().data["commission_refs"] == ["COM-12", "COM-14"]
    audited = AuditEntry.objects.filter(action="funding.bid.status_changed", object_id=str(made.pk))
    assert audited.count() == 2
    # Won funding is a budget source commissioning can read: the council's own won bids only.
    sources = bid_selectors.won_funding(wigan)
    assert [(s.programme, s.amount, s.commission_refs) for s in sources] == [
        ("Warm homes", Decimal("15000.00"), ["COM-12", "COM-14"])
    ]
    assert bid_selectors.won_total(wigan) == Decimal("15000.00")


def test_transitions_are_only_the_allowed_ones(wigan, people) -> None:
    officer = people["officer"]
    made = bids.add_bid(officer, wigan, {"funder": "A", "programme": "B", "amount_sought": "10"})
    with pytest.raises(Conflict) as refused:
        bids.change_status(officer, wigan, made.pk, "won", amount_won="10")
    assert "can move to submitted, lost" in refused.value.message
    with pytest.raises(Refused):
        bids.change_status(officer, wigan, made.pk, "cancelled")
    with pytest.raises(Refused) as early:
        bids.change_status(officer, wigan, made.pk, "submitted", amount_won="5")
    assert early.value.field == "amount_won"
    bids.change_status(officer, wigan, made.pk, "submitted")
    back = bids.change_status(officer, wigan, made.pk, "drafting")
    assert back.submitted_on is None
    lost = bids.change_status(officer, wigan, made.pk, "lost")
    with pytest.raises(Conflict):
        bids.change_status(officer, wigan, lost.pk, "submitted")


def test_each_organisation_sees_only_its_own_pipeline(wigan, sunderland, people, make_user) -> None:
    council_bid = bids.add_bid(
        people["officer"], wigan, {"funder": "F", "programme": "Council's", "amount_sought": "1"}
    )
    vcse_bid = bids.add_bid(
        people["vcse"], wigan, {"funder": "F", "programme": "Trust's", "amount_sought": "2"}
    )
    assert vcse_bid.organisation.name == "Abram Youth Trust"
    assert [b.programme for b in bid_selectors.bids(people["analyst"], wigan)] == ["Council's"]
    assert [b.programme for b in bid_selectors.bids(people["vcse"], wigan)] == ["Trust's"]
    assert list(bid_selectors.bids(people["other_vcse"], wigan)) == []
    for actor, theirs in (
        (people["vcse"], council_bid),
        (people["officer"], vcse_bid),
        (people["other_vcse"], vcse_bid),
    ):
        with pytest.raises(NotFound):
            bid_selectors.bid(actor, wigan, theirs.pk)
        with pytest.raises(NotFound):
            bids.change_status(actor, wigan, theirs.pk, "submitted")
    # A VCSE organisation's won bid is not the council's budget.
    bids.change_status(people["vcse"], wigan, vcse_bid.pk, "submitted")
    bids.change_status(people["vcse"], wigan, vcse_bid.pk, "won", amount_won="2")
    assert bid_selectors.won_funding(wigan) == []
    # Councillors do not keep bids; Sunderland's officers see nothing of Wigan's.
    with pytest.raises(PermissionDenied):
        bid_selectors.bids(people["councillor"], wigan)
    sunderland_officer = Actor(user=make_user(Role.COMMISSIONER, sunderland), council=sunderland)
    assert list(bid_selectors.bids(sunderland_officer, sunderland)) == []
    with pytest.raises(PermissionDenied):
        bid_selectors.bids(sunderland_officer, wigan)
    # The owner is one of the pipeline's own people.
    with pytest.raises(Refused) as refused:
        bids.add_bid(
            people["vcse"],
            wigan,
            {
                "funder": "F",
                "programme": "P",
                "amount_sought": "1",
                "owner_id": str(people["officer"].user.pk),
            },
        )
    assert refused.value.field == "owner_id"
    counts = bid_selectors.status_counts(people["vcse"], wigan)
    assert counts == {"drafting": 0, "submitted": 0, "won": 1, "lost": 0}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"funder": "", "programme": "P"}, "funder"),
        ({"programme": ""}, "programme"),
        ({"amount_sought": "a lot"}, "amount_sought"),
        ({"amount_sought": ""}, "amount_sought"),
        ({"need_codes": "not-a-need"}, "need_codes"),
        ({"due_on": "soon"}, "due_on"),
        ({"opportunity_id": "not-an-id"}, "opportunity_id"),
        ({"opportunity_id": "00000000-0000-0000-0000-000000000000"}, "opportunity_id"),
    ],
)
def test_bad_bids_are_refused_naming_the_field(wigan, people, raw, field) -> None:
    with pytest.raises(Refused) as refused:
        bids.add_bid(people["officer"], wigan, {"funder": "F", "programme": "P", "amount_sought": "1"} | raw)
    assert refused.value.field == field


def test_pages_and_api(wigan, people, make_user, client_as) -> None:
    client = client_as(people["officer"].user)
    base = f"/c/{wigan.slug}/funding/bids/"
    added = client.post(
        f"{base}new/",
        {
            "funder": "Energy Trust",
            "programme": "Warm homes",
            "amount_sought": "5000",
            "owner_id": str(people["officer"].user.pk),
            "need_codes": ["housing"],
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    bid_url = added["Location"]
    assert client.get(bid_url).status_code == 200
    assert client.post(f"{bid_url}status/", {"status": "submitted"}).status_code == 302
    shown = client.get(f"{base}?status=submitted")
    assert shown.status_code == 200 and b"Warm homes" in shown.content and b"Submitted: 1" in shown.content
    assert client.get(f"{base}?status=nonsense").status_code == 400
    bad = client.post(f"{bid_url}status/", {"status": "won"})
    assert bad.status_code == 400 and b"Give an amount in pounds" in bad.content
    edited = client.post(
        f"{bid_url}edit/",
        {
            "funder": "Energy Trust",
            "programme": "Warm homes 2",
            "amount_sought": "6000",
            "owner_id": str(people["officer"].user.pk),
        },
    )
    assert edited.status_code == 302
    api = client.get(f"/api/v1/c/{wigan.slug}/funding/bids?status=submitted").json()
    assert api["count"] == 1 and api["items"][0]["programme"] == "Warm homes 2"
    assert api["items"][0]["next_statuses"] == ["won", "lost", "drafting"]
    bid_id = api["items"][0]["id"]
    won = client.post(
        f"/api/v1/c/{wigan.slug}/funding/bids/{bid_id}/status",
        json.dumps({"status": "won", "amount_won": "5500"}),
        content_type="application/json",
    )
    assert won.status_code == 200 and won.json()["amount_won"] == "5500.00"
    again = client.post(
        f"/api/v1/c/{wigan.slug}/funding/bids/{bid_id}/status",
        json.dumps({"status": "lost"}),
        content_type="application/json",
    )
    assert again.status_code == 409
    patched = client.patch(
        f"/api/v1/c/{wigan.slug}/funding/bids/{bid_id}",
        json.dumps({"notes": "Reported to cabinet"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["notes"] == "Reported to cabinet"
    assert client.get(f"/api/v1/c/{wigan.slug}/funding/bid-counts").json()["won"] == 1
    # The VCSE organisation's staff do not reach the council's bid.
    vcse = client_as(people["vcse"].user)
    assert vcse.get(f"/api/v1/c/{wigan.slug}/funding/bids/{bid_id}").status_code == 404
    assert vcse.get(bid_url).status_code == 404
    assert vcse.get(base).status_code == 200
