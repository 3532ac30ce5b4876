"""The records manager's dashboard figures, the daily policy reminder task and the command's other steps."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from civichub.core.models import DomainEvent
from civichub.records import dashboard
from civichub.records.services import disposal, retention
from civichub.records.tasks import remind_policy_reviews


def test_the_dashboard_counts_by_class_and_age_and_what_falls_due(add, manager, make_user, wigan) -> None:
    today = timezone.localdate()
    add("New letter", dated=today)
    add("Letter due next month", dated=today - timedelta(days=2 * 365 - 30))
    add("Old letter", dated=today - timedelta(days=12 * 365))
    add("Old tender", record_class="TEN", dated=today - timedelta(days=4 * 365))
    retention.place_hold(manager, wigan, title="Claim", reason="litigation", record_class="TEN")
    figures = dashboard.summary(manager, wigan, today)
    rows = {row.code: row for row in figures.classes}
    assert rows["CORR"].total == 3 and rows["CORR"].ages == [1, 1, 0, 0, 1] and rows["CORR"].due == 2
    assert rows["TEN"].ages == [0, 0, 1, 0, 0]
    assert figures.due_count == 2 and figures.overdue_count == 1
    assert [h.title for h in figures.holds] == ["Claim"]
    assert dict(figures.by_class) == {"CORR": 3, "TEN": 1}
    assert figures.as_json()["holds_in_force"] == 1


def test_the_reminder_task_and_the_command(add, manager, wigan) -> None:
    add("Complaints policy", kind="policy", record_class="POL", review_on=timezone.localdate())
    assert remind_policy_reviews.call() == 1
    assert remind_policy_reviews.call() == 0
    assert DomainEvent.objects.for_council(wigan).filter(type="records.policy.review_due").count() == 1
    out = StringIO()
    call_command("records", "remind-reviews", stdout=out)
    call_command("records", "seed-schedule", "wigan", stdout=out)
    assert "0 policy review reminder(s) sent" in out.getvalue()
    assert "0 record classes added to Wigan" in out.getvalue()


def test_a_run_scheduled_through_the_command_is_carried_out_by_dispose_run(
    add, manager, make_user, wigan
) -> None:
    from civichub.core.models import Role

    add("Old letter", dated=timezone.localdate() - timedelta(days=5 * 365))
    approver = make_user(Role.COMMISSIONER, wigan)
    run = disposal.propose_disposal(manager, wigan)
    out = StringIO()
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    call_command(
        "records",
        "dispose",
        "approve",
        "wigan",
        run.reference,
        "--as",
        approver.username,
        "--at",
        later,
        stdout=out,
    )
    assert "Approved: waiting to run" in out.getvalue()
    call_command("records", "dispose", "run", "wigan", run.reference, stdout=out)
    assert "Completed; 1 destroyed, 0 skipped" in out.getvalue()
