"""Market shaping in a browser: a market read down to a provider, and a provider's offer."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_commissioner_reads_a_market_down_to_a_provider_and_its_public_statement(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/market/")
    follow(page, page.get_by_role("link", name="Home care 18+"))
    assert page.get_by_role("heading", level=1).inner_text() == "Home care 18+"
    assert "concentrated" in page.get_by_test_id("reading").inner_text()
    assert page.locator("svg.civichub-chart").count() >= 3
    follow(page, page.get_by_test_id("wards").locator("tbody tr a").first)
    assert " in " in page.get_by_role("heading", level=1).inner_text()  # one ward's market
    assert not axe_violations(page)
    page.goto(f"{server}/c/wigan/markets/home-care-18/")
    follow(page, page.get_by_test_id("shares").locator("tbody tr a").first)
    assert not axe_violations(page)
    assert "What Wigan has noted" in page.content()
    page.goto(f"{server}/c/wigan/cost-exercises/")
    follow(page, page.locator("table a").first)
    assert not axe_violations(page)
    assert "Fair cost" in page.content()
    page.goto(f"{server}/c/wigan/markets/home-care-18/statements/")
    follow(page, page.get_by_role("link", name="Version 1"))
    assert not axe_violations(page)
    follow(page, page.get_by_role("link", name="The public page"))
    page.context.clear_cookies()
    page.reload()
    assert "market position statement" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("frozen-figures").count() == 1
    assert not axe_violations(page)


def test_a_provider_changes_its_offer_and_a_bad_capacity_is_named(page, server) -> None:
    sign_in(page, server, "wigan.provider-staff")
    page.wait_for_url(f"{server}/c/wigan/provider/")
    page.goto(f"{server}/c/wigan/market/")
    follow(page, page.get_by_role("link", name="Add or change your offer in Home care 18+"))
    assert not axe_violations(page)
    page.get_by_label("Capacity, in hours per week").fill("-5")
    follow(page, page.get_by_role("button", name="Save the offer"))
    summary = page.locator(".govuk-error-summary")
    assert "Cannot be negative" in summary.inner_text()
    assert not axe_violations(page)
    page.get_by_label("Capacity, in hours per week").fill("455")
    follow(page, page.get_by_role("button", name="Save the offer"))
    assert "455" in page.locator("table").inner_text()  # the change is in the offer's history
    assert not axe_violations(page)
