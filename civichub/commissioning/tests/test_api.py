"""The commissioning API end to end: a commission to a varied contract through HTTP, with bids sealed
on every route until the deadline, clear 400/409 refusals that change nothing, and 404 for ids of
another council."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from civichub.commissioning.models import Bid, Notice
from civichub.commissioning.tests.conftest import CRITERIA, pass_deadline, pass_standstill, reread
from civichub.core.models import DomainEvent


@pytest.fixture
def api(client_as, people):
    def call(who: str, method: str, path: str, body: Any = None) -> Any:
        client = client_as(people[who].user)
        url = f"/api/v1/c/wigan{path}"
        if body is None:
            return getattr(client, method)(url)
        return client.generic(method.upper(), url, json.dumps(body), "application/json")

    return call


def test_a_procurement_through_the_api(api, people, commission) -> None:
    made = api(
        "officer", "post", f"/commissions/{commission.pk}/procurements", {"reference": "A-1", "title": "Care"}
    )
    assert made.status_code == 201, made.content
    pid = made.json()["id"]
    assert made.json()["ocid"].startswith("ocds-civichub-E08000010-")
    lots = api(
        "officer", "put", f"/procurements/{pid}/lots", {"lots": [{"title": "Care"}], "criteria": CRITERIA}
    )
    assert lots.status_code == 200, lots.content
    lot_id = lots.json()[0]["id"]
    deadline = (timezone.now() + timedelta(days=10)).isoformat()
    assert (
        api("officer", "post", f"/procurements/{pid}/tender", {"tender_deadline": deadline}).status_code
        == 200
    )
    bid = api(
        "north", "post", f"/procurements/{pid}/bids", {"lot_id": lot_id, "price": "1000", "response": "Ours"}
    )
    assert bid.status_code == 201, bid.content
    api(
        "south", "post", f"/procurements/{pid}/bids", {"lot_id": lot_id, "price": "900", "response": "Theirs"}
    )

    # Sealed: evaluators are refused, receipts say nothing, a bidder sees only its own.
    assert api("officer", "get", f"/procurements/{pid}/bids").status_code == 409
    assert api("officer", "get", f"/procurements/{pid}/ranking").status_code == 409
    assert (
        api("officer", "get", f"/procurements/{pid}/bid-receipts").json()
        == [{"lot_number": 1, "bidder": None, "submitted_at": None}] * 2
    )
    own = api("north", "get", f"/procurements/{pid}/my-bids").json()
    assert [(b["price"], b["response"]) for b in own] == [("1000", "Ours")]
    assert api("north", "get", f"/procurements/{pid}/bids").status_code == 403
    assert api("north", "get", f"/procurements/{pid}/bid-receipts").status_code == 403
    early = api("officer", "post", f"/procurements/{pid}/award", {})
    assert early.status_code == 409 and early.json()["errors"][0]["field"] == "tender_deadline"
    events = DomainEvent.unscoped.filter(type="commissioning.bid.submitted")
    assert events.count() == 2 and all("price" not in e.data and "response" not in e.data for e in events)

    procurement = pass_deadline(reread_by_id(commission.council, pid))
    late = api(
        "south", "post", f"/procurements/{pid}/bids", {"lot_id": lot_id, "price": "1", "response": "Late"}
    )
    assert late.status_code == 409 and late.json()["errors"][0]["field"] == "tender_deadline"
    opened = api("officer", "get", f"/procurements/{pid}/bids").json()
    assert sorted(b["response"] for b in opened) == ["Ours", "Theirs"]
    criteria = api("officer", "get", f"/procurements/{pid}").json()["criteria"]
    for b in opened:
        for c in criteria:
            mark = "9" if b["response"] == "Theirs" else "6"
            scored = api(
                "officer",
                "post",
                f"/procurements/{pid}/scores",
                {"bid_id": b["id"], "criterion_id": c["id"], "score": mark, "reason": "Evidence"},
            )
            assert scored.status_code == 201, scored.content
    assert api("officer", "get", f"/procurements/{pid}/ranking").json()[0]["bidder"] == "South Care CIC"
    awarded = api("officer", "post", f"/procurements/{pid}/award", {})
    assert awarded.status_code == 200 and awarded.json()["stage"] == "standstill"
    pass_standstill(procurement)
    contract = api(
        "officer",
        "post",
        f"/procurements/{pid}/contracts",
        {
            "lot_id": lot_id,
            "start_date": "2026-04-01",
            "end_date": "2028-03-31",
            "cost_lines": [{"kind": "staff", "amount": "800"}, {"kind": "margin", "amount": "100"}],
            "kpis": [{"name": "Visits on time", "target": "95%"}],
        },
    )
    assert contract.status_code == 201, contract.content
    cid = contract.json()["id"]
    assert Decimal(contract.json()["cost_total"]) == 900 and len(contract.json()["cost_lines"]) == 2
    # Provider staff of another organisation see the total, never the lines.
    assert api("north", "get", f"/contracts/{cid}").json()["cost_lines"] is None
    assert api("south", "get", f"/contracts/{cid}").json()["cost_lines"] is not None
    varied = api(
        "officer",
        "post",
        f"/contracts/{cid}/variations",
        {"reason": "Night visits", "cost_change": "50", "agreed_by": "Both directors"},
    )
    assert varied.status_code == 201, varied.content
    assert [v["number"] for v in api("officer", "get", f"/contracts/{cid}/versions").json()] == [1, 2]
    kpi = api("officer", "get", f"/contracts/{cid}").json()["kpis"][0]["id"]
    ended = api(
        "officer",
        "post",
        f"/contracts/{cid}/termination",
        {"reason": "Moving in-house", "ratings": [{"kpi_id": kpi, "rating": "good"}]},
    )
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    again = api(
        "officer",
        "post",
        f"/contracts/{cid}/variations",
        {"reason": "x", "cost_change": "1", "agreed_by": "x"},
    )
    assert again.status_code == 409
    types = Notice.objects.for_council(commission.council).order_by("published_at")
    assert list(types.values_list("notice_type", flat=True)) == [
        "UK1",
        "UK4",
        "UK6",
        "UK7",
        "UK10",
        "UK9",
        "UK11",
    ]
    assert api("officer", "get", f"/contracts/{cid}/notices").json()["count"] == 4


def reread_by_id(council, pid):
    from civichub.commissioning.models import Procurement

    return Procurement.objects.for_council(council).get(pk=pid)


def test_weights_not_100_are_a_400_naming_the_field(api, commission) -> None:
    pid = api(
        "officer", "post", f"/commissions/{commission.pk}/procurements", {"reference": "B", "title": "x"}
    ).json()["id"]
    refused = api(
        "officer",
        "put",
        f"/procurements/{pid}/lots",
        {"lots": [{"title": "x"}], "criteria": [{"name": "Q", "kind": "quality", "weight": "90"}]},
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "criteria", "message": "The weights must add up to 100 (they add up to 90)"}
    ]


def test_bad_ids_and_bad_input_are_clear_refusals(api, commission, tendering) -> None:
    assert api("officer", "get", "/procurements/not-a-uuid").status_code in (400, 404)
    assert api("officer", "get", "/contracts/00000000-0000-0000-0000-000000000000").status_code == 404
    bad = api(
        "north", "post", f"/procurements/{tendering.pk}/bids", {"lot_id": "x", "price": "1", "response": "x"}
    )
    assert bad.status_code == 404
    lot = api("officer", "get", f"/procurements/{tendering.pk}").json()["lots"][0]["id"]
    bad = api(
        "north",
        "post",
        f"/procurements/{tendering.pk}/bids",
        {"lot_id": lot, "price": "lots", "response": "x"},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "price"
    assert not Bid.objects.for_council(commission.council).exists()
    bad = api("officer", "post", "/commissions", {"title": "x", "purpose": "y", "place_codes": ["nowhere"]})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "place_codes[0]"
    assert reread(tendering).stage == "tender"
