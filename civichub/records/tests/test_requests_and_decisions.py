"""FOI and subject access requests (due dates in working days with bank holidays; a hold while open),
the decisions register (notice, call-in, votes) and the calendar they count with."""

from __future__ import annotations

from datetime import date

import pytest

from civichub.core.calendar import add_calendar_month, add_working_days, is_working_day
from civichub.core.errors import Conflict, Refused
from civichub.core.models import DomainEvent
from civichub.records import rules, selectors
from civichub.records.models import Decision, LegalHold
from civichub.records.services import decisions, disposal, requests


def test_working_days_skip_weekends_and_english_bank_holidays() -> None:
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day's substitute
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # An FOI received on Maundy Thursday 2026: Good Friday and Easter Monday do not count.
    assert rules.request_due("foi", date(2026, 4, 2)) == date(2026, 5, 5)
    assert add_calendar_month(date(2026, 1, 31)) == date(2026, 2, 28)
    # A SAR due on a Saturday moves to Monday.
    assert rules.request_due("sar", date(2026, 7, 4)) == date(2026, 8, 4)
    assert rules.request_due("sar", date(2026, 6, 1)) == date(2026, 7, 1)
    # 31 August 2026 is the late summer bank holiday.
    assert rules.request_due("sar", date(2026, 7, 31)) == date(2026, 9, 1)


def test_a_request_holds_its_records_until_it_is_closed(add, manager, wigan, make_user) -> None:
    letter = add("Letter about Mrs Jones", dated="2015-01-01", links=["person:GR-42"])
    request = requests.open_request(
        manager,
        wigan,
        kind="sar",
        received_on="2026-02-02",
        requester="Mrs A Jones",
        summary="All records about me",
        link_type="person",
        link_id="GR-42",
    )
    assert request.due_on == date(2026, 3, 2) and request.reference == "SAR-2026-0001"
    assert request.hold.reason == LegalHold.Reason.SAR and request.hold.is_active
    from civichub.core.actors import Actor
    from civichub.core.models import Role

    approver = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    run = disposal.approve_disposal(approver, disposal.propose_disposal(manager, wigan))
    assert (run.destroyed, run.skipped) == (0, 1)
    requests.close_request(manager, request, status="answered", response="Sent 3 records")
    assert not LegalHold.objects.for_council(wigan).get(pk=request.hold_id).is_active
    run = disposal.approve_disposal(approver, disposal.propose_disposal(manager, wigan))
    assert run.destroyed == 1
    letter.refresh_from_db()
    assert letter.disposed_at is not None
    types = set(DomainEvent.objects.for_council(wigan).values_list("type", flat=True))
    assert {
        "records.request.opened",
        "records.hold.placed",
        "records.hold.lifted",
        "records.request.changed",
    } <= types


def test_records_found_join_the_requests_hold(add, manager, wigan) -> None:
    request = requests.open_request(
        manager,
        wigan,
        kind="foi",
        received_on="2026-03-02",
        requester="A journalist",
        summary="Spend on taxis",
    )
    found = add("Taxi invoices")
    assert requests.add_records_found(manager, request, [found.pk]) == 1
    assert [d.pk for d in selectors.held_documents(manager, request.hold)] == [found.pk]
    with pytest.raises(Refused) as refused:
        requests.add_records_found(manager, request, ["not-an-id"])
    assert refused.value.field == "documents[0]"
    read = selectors.request(manager, wigan, request.pk)
    assert read.requester == "A journalist"


def test_a_key_decision_without_28_clear_days_notice_is_flagged(manager, wigan) -> None:
    entry = decisions.add_forward_plan_entry(
        manager,
        wigan,
        title="Home care recommissioning",
        maker="Cabinet",
        expected_on="2026-03-20",
        published_on="2026-02-20",
    )
    short = decisions.record_decision(
        manager,
        wigan,
        title="Award home care framework",
        decision="Award to three providers",
        maker_kind="cabinet",
        maker_name="Cabinet",
        decided_on="2026-03-20",
        is_key=True,
        forward_plan_entry=entry.reference,
        votes=[("Cllr Ash", "for"), ("Cllr Birch", "against")],
        links=["commission:COM-1"],
    )
    assert short.notice_clear_days == 27 and short.short_notice
    none = decisions.record_decision(
        manager,
        wigan,
        title="Urgent",
        decision="Do it",
        maker_kind="cabinet",
        maker_name="Cabinet",
        decided_on="2026-03-20",
        is_key=True,
    )
    assert none.short_notice
    fine_entry = decisions.add_forward_plan_entry(
        manager,
        wigan,
        title="Day centres",
        maker="Cabinet",
        expected_on="2026-04-20",
        published_on="2026-03-01",
    )
    fine = decisions.record_decision(
        manager,
        wigan,
        title="Day centres",
        decision="Keep them open",
        maker_kind="cabinet",
        maker_name="Cabinet",
        decided_on="2026-04-20",
        is_key=True,
        forward_plan_entry=str(fine_entry.pk),
    )
    assert not fine.short_notice
    published = decisions.publish_decision(manager, short, published_on="2026-03-20")
    assert published.call_in_status == "open" and published.call_in_deadline == date(2026, 3, 27)
    event = DomainEvent.objects.for_council(wigan).get(type="records.decision.published")
    assert event.data["short_notice"] is True
    assert [d.pk for d in selectors.decisions_about(wigan, "commission", "COM-1")] == [short.pk]
    with pytest.raises(Conflict):
        decisions.publish_decision(manager, short)


def test_call_in_moves_only_forward_and_only_in_time(manager, wigan) -> None:
    decision = decisions.publish_decision(
        manager,
        decisions.record_decision(
            manager,
            wigan,
            title="Close the library",
            decision="Close it",
            maker_kind="cabinet_member",
            maker_name="Cllr Oak",
            decided_on="2026-05-01",
        ),
        published_on="2026-05-01",
    )
    with pytest.raises(Conflict):
        decisions.set_call_in(manager, decision, "called_in", on="2026-06-01")
    decisions.set_call_in(manager, decision, "called_in", "Five members asked", on="2026-05-05")
    with pytest.raises(Conflict):
        decisions.set_call_in(manager, decision, "implementable")
    decision = decisions.set_call_in(manager, decision, "referred_back")
    assert decision.call_in_status == Decision.CallIn.REFERRED_BACK
    officer = decisions.publish_decision(
        manager,
        decisions.record_decision(
            manager,
            wigan,
            title="Buy chairs",
            decision="Buy",
            maker_kind="officer",
            maker_name="Director",
            decided_on="2026-05-01",
        ),
    )
    assert officer.call_in_status == "not_subject"


def test_the_public_register_shows_published_official_decisions_only(manager, wigan) -> None:
    draft = decisions.record_decision(
        manager,
        wigan,
        title="Draft",
        decision="x",
        maker_kind="cabinet",
        maker_name="Cabinet",
        decided_on="2026-01-05",
    )
    secret = decisions.publish_decision(
        manager,
        decisions.record_decision(
            manager,
            wigan,
            title="Sensitive",
            decision="x",
            maker_kind="cabinet",
            maker_name="Cabinet",
            decided_on="2026-01-05",
            marking="official_sensitive",
        ),
    )
    public = decisions.publish_decision(
        manager,
        decisions.record_decision(
            manager,
            wigan,
            title="Public",
            decision="x",
            maker_kind="cabinet",
            maker_name="Cabinet",
            decided_on="2026-01-05",
        ),
    )
    assert [d.pk for d in selectors.public_decisions(wigan)] == [public.pk]
    assert {draft.pk, secret.pk} & {d.pk for d in selectors.public_decisions(wigan)} == set()


def test_a_decisions_register_is_imported_whole_or_not_at_all(manager, wigan) -> None:
    from civichub.core.importing import ImportRejected
    from civichub.core.importing.runner import run_now

    good = (
        "reference,title,decision,maker_kind,maker_name,decided_on,is_key,published_on\n"
        "D-2020-001,Close the tip,Close it,cabinet,Cabinet,2020-02-03,yes,2020-02-04\n"
        "D-2020-002,Buy a van,Buy one,officer,Director,2020-03-01,,\n"
    )
    run, _ = run_now(manager, wigan, "records_decisions", file_name="register.csv", content=good.encode())
    assert run.created == 2
    found = {d.reference: d for d in selectors.decisions(manager, wigan)}
    assert found["D-2020-001"].status == "published" and found["D-2020-001"].short_notice
    assert found["D-2020-002"].status == "draft"
    bad = good.replace("D-2020-002,Buy a van,Buy one,officer", "D-2020-003,Buy a van,Buy one,mayor")
    with pytest.raises(ImportRejected) as rejected:
        run_now(manager, wigan, "records_decisions", file_name="register2.csv", content=bad.encode())
    assert rejected.value.errors[0].field == "line 3, field 'maker_kind'"
    assert not selectors.decisions(manager, wigan).filter(reference="D-2020-003").exists()
