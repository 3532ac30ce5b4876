"""The procurement's lifecycle: stages in order with their UK notices, lots and weights, sealed bids,
scores, an award that follows them, the standstill in working days, and the awards without a tender."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from civichub.commissioning import selectors
from civichub.commissioning.models import Bid, Lot, Notice, Procurement, Stage
from civichub.commissioning.services import bidding, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.commissioning.tests.conftest import CRITERIA, pass_deadline, reread, start
from civichub.core.audit import AuditEntry
from civichub.core.calendar import add_working_days, is_working_day
from civichub.core.errors import Conflict, Refused
from civichub.core.models import DomainEvent


def notice_types(procurement: Procurement) -> list[str]:
    return list(
        Notice.objects.for_council(procurement.council)
        .filter(procurement=procurement)
        .order_by("published_at", "created_at")
        .values_list("notice_type", flat=True)
    )


def score_all(people, procurement: Procurement, marks: dict[str, Decimal]) -> None:
    """Score every bid on every criterion: `marks` gives each bidder's mark (the same on each)."""
    for bid in selectors.opened_bids(people["officer"], procurement):
        for criterion in selectors.criteria_of(procurement, bid.lot):
            evaluation.score_bid(
                people["officer"], procurement, bid.pk, criterion.pk, marks[bid.bidder.name], "As evidenced"
            )


def test_a_procurement_runs_from_pipeline_to_contract_with_each_notice(wigan, people, commission) -> None:
    procurement = start(people, commission)
    assert procurement.ocid == f"ocds-civichub-E08000010-{procurement.pk}"
    procurement = procuring.advance(people["officer"], procurement, Stage.PRELIMINARY_ENGAGEMENT)
    procurement = procuring.advance(people["officer"], procurement, Stage.PLANNED)
    procuring.set_lots(
        people["officer"],
        procurement,
        [{"title": "North", "criteria": CRITERIA}, {"title": "South"}],
        [
            {"name": "Quality", "kind": "quality", "weight": "70"},
            {"name": "Price", "kind": "price", "weight": 30},
        ],
    )
    procurement = procuring.open_tender(people["officer"], procurement, timezone.now() + timedelta(days=7))
    north_lot, south_lot = selectors.lots(procurement)
    bidding.submit_bid(people["north"], procurement, north_lot.pk, "1000000", "We visit daily")
    bidding.submit_bid(people["south"], procurement, north_lot.pk, "900000", "We visit twice a day")
    bidding.submit_bid(people["south"], procurement, south_lot.pk, "500000", "Local staff")
    procurement = pass_deadline(procurement)
    score_all(people, procurement, {"North Care Ltd": Decimal(6), "South Care CIC": Decimal(8)})
    procurement = evaluation.award(people["officer"], procurement)
    assert procurement.stage == Stage.STANDSTILL
    assert procurement.standstill_ends == add_working_days(timezone.localdate(), 8)
    lots = {lot.number: lot for lot in selectors.lots(procurement)}
    assert lots[1].awarded_provider == people["south_org"] and lots[1].awarded_value == Decimal("900000")
    assert notice_types(procurement) == ["UK1", "UK2", "UK3", "UK4", "UK6"]
    award_notice = Notice.objects.for_council(wigan).get(procurement=procurement, notice_type="UK6")
    assert award_notice.tags == ["award"]
    assert [a["supplier"]["name"] for a in award_notice.facts["awards"]] == ["South Care CIC"] * 2
    assert award_notice.facts["lots"][0]["criteria"][0]["weight"] == "60.00"


def test_stages_only_move_forward(people, commission) -> None:
    procurement = start(people, commission, stage="planned")
    with pytest.raises(Conflict):
        procuring.advance(people["officer"], procurement, Stage.PRELIMINARY_ENGAGEMENT)
    with pytest.raises(Refused):
        procuring.advance(people["officer"], procurement, Stage.AWARD)
    assert reread(procurement).stage == Stage.PLANNED


@pytest.mark.parametrize(
    ("lots", "criteria", "field"),
    [
        ([{"title": "One"}], [{"name": "Quality", "kind": "quality", "weight": "60"}], "criteria"),
        (
            [{"title": "One", "criteria": [{"name": "Q", "kind": "quality", "weight": "99.5"}]}],
            [],
            "lots[0].criteria",
        ),
        (
            [{"title": "One"}],
            [*CRITERIA, {"name": "Extra", "kind": "quality", "weight": "1"}],
            "criteria",
        ),
    ],
)
def test_weights_must_add_up_to_100(people, commission, lots, criteria, field) -> None:
    procurement = start(people, commission)
    before = list(selectors.lots(procurement).values_list("pk", flat=True))
    with pytest.raises(Refused) as refused:
        procuring.set_lots(people["officer"], procurement, lots, criteria)
    assert refused.value.field == field and "add up to 100" in refused.value.message
    assert list(selectors.lots(procurement).values_list("pk", flat=True)) == before


def test_a_criterion_of_an_unknown_kind_is_refused_by_its_path(people, commission) -> None:
    procurement = start(people, commission)
    with pytest.raises(Refused) as refused:
        procuring.set_lots(
            people["officer"],
            procurement,
            [{"title": "One", "criteria": [{"name": "Q", "kind": "vibes", "weight": "100"}]}],
        )
    assert refused.value.field == "lots[0].criteria[0].kind"


def test_a_bid_after_the_deadline_is_refused_and_changes_nothing(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    procurement = pass_deadline(tendering)
    with pytest.raises(Conflict) as refused:
        bidding.submit_bid(people["north"], procurement, lot.pk, "100", "Late")
    assert refused.value.field == "tender_deadline"
    assert not Bid.objects.for_council(procurement.council).filter(procurement=procurement).exists()


def test_only_provider_staff_bid_and_a_second_bid_replaces_the_first(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    with pytest.raises(PermissionDenied):
        bidding.submit_bid(people["officer"], tendering, lot.pk, "100", "An officer's bid")
    bidding.submit_bid(people["north"], tendering, lot.pk, "100", "First")
    bidding.submit_bid(people["north"], tendering, lot.pk, "90", "Second")
    (bid,) = selectors.own_bids(people["north"], tendering)
    assert (bid.price, bid.response) == ("90", "Second")


def test_bids_are_sealed_in_the_database_and_in_every_record_of_them(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    bid = bidding.submit_bid(people["north"], tendering, lot.pk, "123456.78", "Our secret method")
    key = Bid._meta.pk.get_db_prep_value(bid.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT price, response FROM commissioning_bid WHERE id = %s", [key])
        price, response = cursor.fetchone()
    assert price.startswith("fernet:") and response.startswith("fernet:") and "secret" not in response
    event = DomainEvent.unscoped.filter(type="commissioning.bid.submitted").get()
    entry = AuditEntry.objects.filter(action="commissioning.bid.submitted").get()
    for record in (event.data, entry.data):
        assert "123456" not in str(record) and "secret" not in str(record)
    assert "secret" not in str(bid) and "123456" not in str(bid)


def test_no_one_opens_a_bid_before_the_deadline(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    bidding.submit_bid(people["north"], tendering, lot.pk, "100", "North's bid")
    with pytest.raises(Conflict):
        selectors.opened_bids(people["officer"], tendering)
    with pytest.raises(Conflict):
        evaluation.begin_evaluation(people["officer"], tendering)
    receipts = selectors.bid_receipts(people["officer"], tendering)
    assert [(r.lot_number, r.bidder, r.submitted_at) for r in receipts] == [(1, None, None)]
    # A bidder sees its own bid and never another's, before and after the deadline.
    assert selectors.own_bids(people["south"], tendering) == []
    with pytest.raises(PermissionDenied):
        selectors.bid_receipts(people["south"], tendering)
    with pytest.raises(PermissionDenied):
        selectors.opened_bids(people["south"], pass_deadline(tendering))
    assert [b.response for b in selectors.opened_bids(people["officer"], reread(tendering))] == [
        "North's bid"
    ]


def test_scores_need_the_deadline_a_reason_and_a_criterion_of_the_lot(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    bid = bidding.submit_bid(people["north"], tendering, lot.pk, "100", "x")
    criterion = selectors.criteria_of(tendering, lot)[0]
    with pytest.raises(Conflict):
        evaluation.score_bid(people["officer"], tendering, bid.pk, criterion.pk, 5, "Good")
    procurement = pass_deadline(tendering)
    with pytest.raises(Refused) as refused:
        evaluation.score_bid(people["officer"], procurement, bid.pk, criterion.pk, 5, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(Refused) as refused:
        evaluation.score_bid(people["officer"], procurement, bid.pk, criterion.pk, 11, "Too good")
    assert refused.value.field == "score"
    with pytest.raises(Refused) as refused:
        evaluation.score_bid(people["officer"], procurement, bid.pk, bid.pk, 5, "Good")
    assert refused.value.field == "criterion_id"
    with pytest.raises(PermissionDenied):
        evaluation.score_bid(people["north"], procurement, bid.pk, criterion.pk, 10, "Ours is best")
    evaluation.score_bid(people["officer"], procurement, bid.pk, criterion.pk, 5, "Good")
    assert reread(procurement).stage == Stage.EVALUATION


def test_an_award_before_the_deadline_is_refused(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    bidding.submit_bid(people["north"], tendering, lot.pk, "100", "x")
    with pytest.raises(Conflict) as refused:
        evaluation.award(people["officer"], tendering)
    assert refused.value.field == "tender_deadline"
    assert reread(tendering).stage == Stage.TENDER
    assert notice_types(tendering) == ["UK1", "UK4"]


def test_the_award_follows_the_scores(people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    bidding.submit_bid(people["north"], tendering, lot.pk, "100", "x")
    south = bidding.submit_bid(people["south"], tendering, lot.pk, "90", "y")
    procurement = pass_deadline(tendering)
    with pytest.raises(Conflict):  # not everything is scored yet
        evaluation.award(people["officer"], procurement)
    score_all(people, procurement, {"North Care Ltd": Decimal(9), "South Care CIC": Decimal("7.5")})
    ranked = selectors.ranking(procurement, lot)
    assert [(r.bid.bidder.name, r.total) for r in ranked] == [("North Care Ltd", 90), ("South Care CIC", 75)]
    with pytest.raises(Refused) as refused:
        evaluation.award(people["officer"], procurement, {str(lot.pk): str(south.pk)})
    assert "follow the scores" in refused.value.message
    assert reread(procurement).stage == Stage.EVALUATION
    awarded = evaluation.award(people["officer"], procurement)
    assert Lot.objects.for_council(awarded.council).get(pk=lot.pk).awarded_provider == people["north_org"]


def test_the_standstill_counts_8_working_days_over_bank_holidays() -> None:
    # Awarded on Thursday 17 December 2026: Christmas Day and Boxing Day's substitute (Monday 28th; the
    # 26th is a Saturday) are not working days, so the standstill runs to Thursday 31 December, not the 29th.
    assert add_working_days(date(2026, 12, 17), 8) == date(2026, 12, 31)
    assert not is_working_day(date(2026, 12, 25)) and not is_working_day(date(2026, 12, 28))
    # And from 24 December: 29, 30, 31 December, 4 to 8 January (New Year's Day is a Friday).
    assert add_working_days(date(2026, 12, 24), 8) == date(2027, 1, 8)


def test_a_direct_award_publishes_its_justification_then_the_award(people, commission) -> None:
    procurement = start(
        people,
        commission,
        reference="WIG-DA",
        procedure="direct_award",
        direct_award_justification="Extreme urgency: the only provider closed",
    )
    procurement = evaluation.award_directly(people["officer"], procurement, people["north_org"].pk, "250000")
    assert notice_types(procurement) == ["UK1", "UK5", "UK6"]
    transparency = Notice.objects.for_council(procurement.council).get(
        procurement=procurement, notice_type="UK5"
    )
    assert transparency.facts["direct_award_justification"].startswith("Extreme urgency")
    assert procurement.standstill_ends is not None


def test_a_direct_award_needs_its_justification(people, commission) -> None:
    with pytest.raises(Refused) as refused:
        start(people, commission, reference="WIG-DA2", procedure="direct_award")
    assert refused.value.field == "direct_award_justification"


def test_a_framework_call_off_has_no_tender_and_no_standstill(people, commission) -> None:
    with pytest.raises(Refused) as refused:
        start(people, commission, reference="WIG-CO2", procedure="framework_call_off", framework_reference="")
    assert refused.value.field == "framework_reference"
    procurement = start(
        people,
        commission,
        reference="WIG-CO3",
        procedure="framework_call_off",
        framework_reference="NW-FW-12",
    )
    with pytest.raises(Conflict):
        procuring.open_tender(people["officer"], procurement, timezone.now() + timedelta(days=3))
    procurement = evaluation.call_off(people["officer"], procurement, people["south_org"].pk, "40000")
    assert procurement.stage == Stage.STANDSTILL and procurement.standstill_ends is None
    assert notice_types(procurement) == ["UK1", "UK6"]


def test_terminating_a_procurement_publishes_uk12(people, tendering) -> None:
    with pytest.raises(Refused):
        procuring.terminate_procurement(people["officer"], tendering, "")
    ended = procuring.terminate_procurement(people["officer"], tendering, "The need has changed")
    assert ended.stage == Stage.TERMINATED
    assert notice_types(ended)[-1] == "UK12"
    with pytest.raises(Conflict):
        procuring.terminate_procurement(people["officer"], ended, "Again")
    with pytest.raises(Conflict):
        bidding.submit_bid(people["north"], ended, selectors.lots(ended).get().pk, "1", "x")


def test_another_councils_procurement_is_not_found(people, tendering, sunderland, make_user) -> None:
    from django.http import Http404

    from civichub.commissioning.services.procurement import create_commission
    from civichub.core.actors import Actor
    from civichub.core.models import Role

    theirs = Actor(user=make_user(Role.COMMISSIONER, sunderland), council=sunderland)
    their_commission = create_commission(theirs, sunderland, {"title": "Day care", "purpose": "Company"})
    their_procurement = procuring.start_procurement(
        theirs, their_commission, {"reference": "S-1", "title": "x"}
    )
    with pytest.raises(Http404):
        selectors.procurement(people["officer"], tendering.council, their_procurement.pk)
    with pytest.raises(PermissionDenied):
        selectors.procurement(people["officer"], sunderland, their_procurement.pk)
    with pytest.raises(PermissionDenied):
        procuring.open_tender(theirs, tendering, timezone.now())
