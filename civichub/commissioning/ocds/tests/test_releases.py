"""Every release of every stage (UK1 to UK12) validates against the extended schema, says its notice
type as the UK extension does, and never carries a sealed bid."""

from __future__ import annotations

import json

import pytest

from civichub.commissioning.ocds import schema
from civichub.commissioning.ocds.releases import DOCUMENT_TYPES, TAGS, notice_document
from civichub.commissioning.ocds.tests import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(wigan):
    w = lifecycle.world(wigan)
    life = lifecycle.to_end(w, lifecycle.to_contract(w, "WGN-001"))
    return (
        life.notices
        + lifecycle.direct_award(w, "WGN-002").notices
        + lifecycle.terminated(w, "WGN-003").notices
    )


def test_every_stage_validates_against_the_extended_schema(full) -> None:
    seen = set()
    for notice in full:
        assert schema.problems(notice.release) == [], notice.notice_type
        seen.add(notice.notice_type)
        document = notice_document(notice.release)
        assert document is not None
        assert document["noticeType"] == notice.notice_type
        assert document["documentType"] == DOCUMENT_TYPES[notice.notice_type]
        assert notice.release["tag"] == notice.tags == [TAGS[notice.notice_type]]
    assert seen == {"UK1", "UK2", "UK3", "UK4", "UK5", "UK6", "UK7", "UK9", "UK10", "UK11", "UK12"}


def test_a_release_names_its_parties_by_org_id_with_roles(full) -> None:
    award = next(n for n in full if n.notice_type == "UK6").release
    parties = {p["id"]: p for p in award["parties"]}
    assert parties["GB-LAE-WGN"]["roles"] == ["buyer", "procuringEntity"]
    assert award["buyer"]["id"] == "GB-LAE-WGN"
    assert parties["GB-COH-01234567"]["roles"] == ["supplier"]
    assert award["awards"][0]["suppliers"] == [{"id": "GB-COH-01234567", "name": "Helping Hands Care Ltd"}]
    assert award["awards"][0]["value"] == {"amount": 239999.5, "currency": "GBP"}


def test_lots_carry_weighted_award_criteria(full) -> None:
    tender = next(n for n in full if n.notice_type == "UK4").release["tender"]
    criteria = tender["lots"][0]["awardCriteria"]["criteria"]
    weights = {c["name"]: c["numbers"][0] for c in criteria}
    assert weights["Quality of care"] == {"number": 60.0, "weight": "percentageExact"}
    assert sum(c["numbers"][0]["number"] for c in criteria) == 100


def test_performance_change_and_termination(full) -> None:
    by_type = {n.notice_type: n.release for n in full}
    first, at_end = [n.release["contracts"][0] for n in full if n.notice_type == "UK9"]
    observation = first["implementation"]["metrics"][0]["observations"][0]
    assert observation["measureClassification"] == {
        "id": "slightlyBelow",
        "description": "Approaching target",
    }
    ratings = [
        o["measureClassification"]["id"] for o in at_end["implementation"]["metrics"][0]["observations"]
    ]
    assert ratings == ["slightlyBelow", "significantlyBelow"]
    failure = at_end["implementation"]["performanceFailures"][0]
    assert failure["penaltyValue"] == {"amount": 1500, "currency": "GBP"}
    assert failure["requirement"] == "Visits on time"
    amendment = by_type["UK10"]["contracts"][0]["amendments"][0]
    assert amendment["rationale"] == "More hours in winter"
    assert by_type["UK10"]["contracts"][0]["value"]["amount"] == 251999.5
    assert by_type["UK11"]["contracts"][0]["status"] == "terminated"
    assert by_type["UK11"]["contracts"][0]["terminationRationaleClassifications"] == [
        {"description": "The provider left the market"}
    ]
    assert by_type["UK12"]["tender"]["status"] == "cancelled"
    assert by_type["UK12"]["tender"]["statusDetails"] == "The need has changed"
    assert by_type["UK5"]["tender"]["procurementMethod"] == "direct"
    assert by_type["UK5"]["tender"]["procurementMethodRationale"].startswith("Extreme urgency")
    assert by_type["UK5"]["awards"][0]["suppliers"][0]["id"] == "GB-COH-01234567"


def test_releases_of_one_process_share_its_ocid_and_have_unique_ids(full) -> None:
    first = [n.release for n in full if n.procurement.reference == "WGN-001"]
    assert len({r["ocid"] for r in first}) == 1
    assert first[0]["ocid"].startswith("ocds-civichub-E08000010-")
    assert len({r["id"] for r in first}) == len(first)


def test_sealed_bids_never_appear_before_the_award(full) -> None:
    for notice in full:
        text = json.dumps(notice.release)
        # Never a bid's content, in any release; the bidders' names only once one is awarded.
        assert "SEALED RESPONSE" not in text
        assert "251000" not in text
        assert "Brightside" not in text
        if notice.notice_type in ("UK1", "UK2", "UK3", "UK4", "UK12"):
            assert "bids" not in notice.release
            assert "Helping Hands" not in text
    award = next(n for n in full if n.notice_type == "UK6").release
    assert award["bids"] == {
        "statistics": [{"id": "bids-lot-1", "measure": "bids", "value": 2, "relatedLot": "1"}]
    }
    assert "details" not in award["bids"]


def test_an_invalid_release_is_named_by_path() -> None:
    release = {
        "ocid": "ocds-x-1",
        "date": "2026-01-01T00:00:00Z",
        "tag": ["tender", "bogus"],
        "initiationType": "tender",
        "awards": [{"id": "1", "value": {"amount": "lots"}}],
    }
    found = dict(schema.problems(release, prefix="releases[3]"))
    assert "releases[3].id" in found
    assert "releases[3].tag[1]" in found
    assert "releases[3].awards[0].value.amount" in found
