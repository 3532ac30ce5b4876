"""The directory in a browser: residents' reports and providers' changes to their services."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_resident_reports_a_pothole_and_the_contractor_sees_it(page, server) -> None:
    page.goto(f"{server}/report/")
    page.get_by_label("What are you reporting?").select_option(label="Pothole")
    page.get_by_label("Postcode of the place").fill("WN5 0AA")
    page.get_by_label("What is the problem, and exactly where?").fill("A deep pothole outside number 12")
    page.get_by_role("button", name="Send report").click()
    reference = page.get_by_test_id("reference").inner_text()
    assert reference.startswith("R-")
    contractor = page.get_by_test_id("routed-to").inner_text()
    assert "for Wigan Metropolitan Borough Council" in contractor
    sign_in(page, server, "wigan.provider-staff")
    page.wait_for_url(f"{server}/c/wigan/provider/")
    page.get_by_role("link", name="Your queue of residents' reports").click()
    assert reference in page.locator("table").inner_text()


def test_a_provider_changes_a_service_and_the_commissioner_approves_it(page, server) -> None:
    sign_in(page, server, "wigan.provider-staff")
    page.wait_for_url(f"{server}/c/wigan/provider/")
    page.get_by_role("link", name="Your services").click()
    page.locator("table a").first.click()
    service_url = page.url
    name = page.locator("h1").inner_text()
    page.get_by_role("link", name="Change this service").click()
    assert not axe_violations(page)
    page.get_by_label("What the service does").fill("Now with a free breakfast every Saturday")
    page.get_by_role("button", name="Send to Wigan for approval").click()
    assert "Waiting for the council" in page.locator(".govuk-tag").inner_text()
    change_url = page.url
    # The council's breadcrumb takes provider staff to their own home there, not to a refusal.
    follow(page, page.locator(".govuk-breadcrumbs").get_by_role("link", name="Wigan"))
    assert page.url == f"{server}/c/wigan/provider/"
    assert "Your organisation" in page.locator("h1").inner_text()
    page.context.clear_cookies()

    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(change_url)
    assert not axe_violations(page)
    assert "Now with a free breakfast every Saturday" in page.locator("ins").inner_text()
    page.get_by_role("button", name="Approve and publish").click()
    assert "Approved" in page.locator(".govuk-tag").inner_text()
    page.goto(service_url + "history/")
    assert not axe_violations(page)
    assert "Now with a free breakfast every Saturday" in page.locator("table").inner_text()
    page.goto(service_url)
    page.get_by_role("link", name="see it as residents do").click()
    assert name in page.locator("h1").inner_text()
    assert "free breakfast every Saturday" in page.content()
