"""Commissioning and the money in a browser."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_commissioner_commissions_calls_off_varies_a_contract_and_reads_its_history(page, server) -> None:
    """Commissioning's pages in a browser: a refused commission shows the error summary; a call-off from a
    framework becomes a contract that is varied; each page passes axe."""
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/commissioning/")
    assert not axe_violations(page)
    page.get_by_label("Purpose, in plain words").fill("People live well at home")
    page.get_by_label("Wards or LSOAs served").fill("nowhere")
    follow(page, page.get_by_role("button", name="Set up the commission"))
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert not axe_violations(page)
    page.get_by_label("Title", exact=True).fill("Browser home care")
    page.get_by_label("Wards or LSOAs served").fill("E05000841")
    follow(page, page.get_by_role("button", name="Set up the commission"))
    assert page.get_by_role("heading", level=1).inner_text() == "Browser home care"
    assert not axe_violations(page)
    page.get_by_label("Reference").fill("BROWSER-1")
    page.get_by_label("Title").fill("Home care call-off")
    page.get_by_label("Procedure").select_option("framework_call_off")
    page.get_by_label("Framework").fill("NW-CARE-FW")
    follow(page, page.get_by_role("button", name="Start the procurement"))
    assert "Pipeline" in page.locator(".govuk-tag").inner_text()
    assert not axe_violations(page)
    page.get_by_label("Provider").select_option(index=0)
    page.get_by_label("Value, in pounds").fill("45000")
    follow(page, page.get_by_role("button", name="Award it"))
    page.get_by_label("Starts", exact=True).fill("2026-04-01")
    page.get_by_label("Ends", exact=True).fill("2027-03-31")
    follow(page, page.get_by_role("button", name="Make the contract"))
    follow(page, page.get_by_role("link", name="Home care call-off"))
    assert "£45,000.00" in page.content()
    assert not axe_violations(page)
    page.get_by_label("Reason for the change").fill("More night visits")
    page.get_by_label("Change in cost, in pounds").fill("5000")
    page.get_by_label("Agreed by").fill("Head of adult care and the provider's director")
    follow(page, page.get_by_role("button", name="Record the variation (UK10)"))
    assert "£50,000.00" in page.content()
    follow(page, page.get_by_role("link", name="Every version of this contract"))
    assert page.locator("table tbody tr").count() == 2
    assert not axe_violations(page)


def test_money_pages_a_resident_spends_a_personal_budget_and_the_register_is_public(page, server) -> None:
    """The money's pages pass axe: the public contracts register, the commissioner's dashboard and ward
    budgets, a resident buying with their personal budget, and a councillor's own ward budget."""
    problems = {}
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.context.clear_cookies()
    page.goto(f"{server}/c/wigan/contracts-register/")  # public: signed out
    assert page.get_by_role("heading", level=1).inner_text() == "Contracts register"
    problems["register"] = axe_violations(page)
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    for path in ("/c/wigan/commissioning/dashboard/", "/c/wigan/ward-budgets/"):
        page.goto(server + path)
        problems[path] = axe_violations(page)
    follow(page, page.locator("table a").first)
    problems["ward budget"] = axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, server, "wigan.resident")
    page.wait_for_load_state()
    page.goto(f"{server}/c/wigan/personal-budget/")
    follow(page, page.locator("table a").first)
    problems["personal budget"] = axe_violations(page)
    page.get_by_label("Provider").select_option(index=1)
    page.get_by_label("What you are buying").fill("Gardening help, once a fortnight")
    page.get_by_label("Cost, in pounds").fill("120")
    page.get_by_label("Starts on").fill("2026-06-01")
    page.get_by_label("Ends on").fill("2026-09-30")
    follow(page, page.get_by_role("button", name="Buy this service"))
    assert "Gardening help, once a fortnight" in page.content()
    page.get_by_label("Cost, in pounds").fill("99999999")
    follow(page, page.get_by_role("button", name="Buy this service"))
    assert page.locator(".govuk-error-summary").count() == 1
    problems["personal budget refused"] = axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, server, "wigan.councillor")
    page.wait_for_load_state()
    page.goto(f"{server}/c/wigan/ward-budgets/")
    follow(page, page.locator("tr", has_text="(yours)").locator("a").first)
    assert page.get_by_role("button", name="Make the award").count() == 1
    problems["own ward budget"] = axe_violations(page)
    assert {p: v for p, v in problems.items() if v} == {}
