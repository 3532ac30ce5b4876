"""Needs and demand in a browser."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_caseworker_records_a_need_moves_it_on_and_reads_it_with_a_purpose(page, server) -> None:
    sign_in(page, server, "wigan.caseworker")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/needs/")
    follow(page, page.get_by_role("link", name="Record an assessed need"))
    page.get_by_label("Person's record reference").fill("WIG-BROWSER-1")
    page.get_by_label("Need", exact=True).select_option("housing")
    follow(page, page.get_by_role("button", name="Record the need"))
    summary = page.locator(".govuk-error-summary")
    assert "date of the assessment" in summary.inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    follow(page, page.get_by_role("button", name="Record the need"))
    assert "Need recorded" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Move this need on"))
    page.get_by_label("Status").select_option("being_met")
    page.get_by_label("Service meeting the need (optional)").fill("Housing options")
    follow(page, page.get_by_role("button", name="Save the status"))
    assert "being met" in page.get_by_test_id("done").inner_text()
    page.goto(f"{server}/c/wigan/needs/people/")
    page.get_by_label("Person's record reference").fill("WIG-BROWSER-1")
    page.get_by_label("Why do you need this person's needs?").fill("Checking the browser test's record")
    follow(page, page.get_by_role("button", name="Show their needs"))
    assert "Housing" in page.get_by_test_id("needs").inner_text()
    assert axe_violations(page) == []


def test_an_analyst_reads_failure_demand_down_to_a_provider(page, server) -> None:
    sign_in(page, server, "wigan.analyst")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/needs/demand/?service=Home+care")
    providers = page.get_by_test_id("providers")
    name = providers.locator("tbody th a").first.inner_text()
    follow(page, providers.locator("tbody th a").first)
    assert name in page.locator(".govuk-caption-l").inner_text()
    assert page.locator("svg.civichub-chart").count() == 1
    assert axe_violations(page) == []


def test_a_caseworker_corrects_a_need_then_withdraws_it_with_a_reason(page, server) -> None:
    sign_in(page, server, "wigan.caseworker")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/needs/people/record/")
    page.get_by_label("Person's record reference").fill("WIG-BROWSER-2")
    page.get_by_label("Need", exact=True).select_option("housing")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2025")
    follow(page, page.get_by_role("button", name="Record the need"))
    follow(page, page.get_by_role("link", name="Correct or withdraw this need"))
    assert axe_violations(page) == []
    follow(page, page.get_by_role("button", name="Withdraw the need"))  # no reason: refused, named
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Why it is withdrawn").fill("Recorded against the wrong person")
    follow(page, page.get_by_role("button", name="Withdraw the need"))
    assert "withdrawn" in page.locator("h1").inner_text().lower()
    assert axe_violations(page) == []
