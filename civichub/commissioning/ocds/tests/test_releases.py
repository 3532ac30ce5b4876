"""Every release of every stage (UK1 to UK12) validates against the extended schema, says its notice
type as the UK extension does, and never carries a sealed bid."""

from __future__ import annotations

import json

import pytest

from civichub.commissioning.ocds import schema
from civichub.commissioning.ocds.releases import DOCUMENT_TYPES, TAGS
from civichub.commissioning.ocds.tests import lifecycle
from civichub.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(wigan, make_user):
    bidder = make_user(Role.PROVIDER_STAFF, wigan)
    life = lifecycle.run_to_end(lifecycle.run_to_contract(lifecycle.start(wigan, "WGN-001"), bidder))
    direct = lifecycle.direct_award(wigan, "WGN-002")
    return life.notices + direct.notices


def test_every_stage_validates_against_the_extended_schema(full) -> None:
    seen = set()
    for notice in full:
        assert schema.problems(notice.release) == [], notice.notice_type
        seen.add(notice.notice_type)
        document = notice.release["documents"][0]
        assert document["noticeType"] == notice.notice_type
        assert document["documentType"] == DOCUMENT_TYPES[notice.notice_type]
        assert notice.release["tag"] == [TAGS[notice.notice_type]]
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
    assert weights["Quality"] == {"number": 60.0, "weight": "percentageExact"}
    assert sum(c["numbers"][0]["number"] for c in criteria) == 100


def test_performance_change_and_termination(full) -> None:
    by_type = {n.notice_type: n.release for n in full}
    metrics = by_type["UK9"]["contracts"][0]["implementation"]["metrics"]
    assert metrics[0]["observations"][0]["measureClassification"]["id"] == "slightlyBelow"
    failures = by_type["UK9"]["contracts"][0]["implementation"]["performanceFailures"]
    assert failures[0]["penaltyValue"] == {"amount": 1500, "currency": "GBP"}
    amendment = by_type["UK10"]["contracts"][0]["amendments"][0]
    assert amendment["rationale"] == "More hours in winter"
    assert by_type["UK10"]["contracts"][0]["value"]["amount"] == 251999.5
    assert by_type["UK11"]["contracts"][0]["status"] == "terminated"
    assert by_type["UK12"]["tender"]["status"] == "cancelled"
    assert by_type["UK5"]["tender"]["procurementMethod"] == "direct"


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
        if notice.notice_type in ("UK1", "UK2", "UK3", "UK4", "UK5", "UK12"):
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
