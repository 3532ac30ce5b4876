"""Funding in a browser: search, saved searches, opportunities, bids, matching and giving."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_commissioner_searches_funding_saves_the_search_and_adds_an_opportunity(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/funding/")
    page.get_by_label("Words").fill("youth clubs")
    follow(page, page.get_by_role("button", name="Search"))
    assert "best match first" in page.get_by_test_id("count").inner_text()
    assert "Youth clubs" in page.get_by_test_id("opportunities").locator("tbody tr").first.inner_text()
    assert not axe_violations(page)
    page.get_by_label("Name this search").fill("Youth clubs")
    follow(page, page.get_by_role("button", name="Save this search"))
    assert "Youth clubs" in page.get_by_test_id("saved-searches").inner_text()
    assert not axe_violations(page)
    follow(page, page.get_by_role("button", name="Delete Youth clubs"))
    assert page.get_by_test_id("no-saved-searches").is_visible()
    page.goto(f"{server}/c/wigan/funding/add/")
    page.get_by_label("Funder", exact=True).fill("Wigan Council")
    page.get_by_label("Smallest award, in pounds").fill("lots")
    follow(page, page.get_by_role("button", name="Add the opportunity"))
    summary = page.locator(".govuk-error-summary")
    assert "Give the grant's name" in summary.inner_text()
    assert "is not an amount in pounds" in summary.inner_text()
    assert not axe_violations(page)
    page.get_by_label("Name of the grant").fill("Wigan youth clubs fund")
    page.get_by_label("Smallest award, in pounds").fill("500")
    page.get_by_label("Young people").check()
    follow(page, page.get_by_role("button", name="Add the opportunity"))
    assert page.get_by_role("heading", level=1).inner_text() == "Wigan youth clubs fund"
    page.goto(f"{server}/c/wigan/funding/?q=wigan+youth+clubs")
    first = page.get_by_test_id("opportunities").locator("tbody tr").first.inner_text()
    assert "Wigan youth clubs fund" in first and "Wigan's own" in first


def test_funding_bids_matching_and_giving_pages(page, server) -> None:
    """A commissioner matches funding to a need with reasons, moves a bid on, and reads funding against
    need and the council's grants: each page passes axe."""
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    problems = {}
    page.goto(
        f"{server}/c/wigan/funding/match/?needs=housing&areas=E05000840&applicant_type=local-authority&amount=50000"
    )
    reasons = page.get_by_test_id("reasons").first.inner_text()
    assert "Funds Housing" in reasons and "Local authorities" in reasons
    problems["match"] = axe_violations(page)
    page.goto(f"{server}/c/wigan/funding/bids/")
    assert "Drafting: " in page.get_by_test_id("counts").inner_text()
    problems["bids"] = axe_violations(page)
    follow(page, page.get_by_test_id("bids").locator("tbody tr th a").first)
    problems["bid"] = axe_violations(page)
    page.goto(f"{server}/c/wigan/funding/bids/new/")
    page.get_by_role("button", name="Save the bid").click()
    page.wait_for_selector(".govuk-error-summary")
    problems["bid form with errors"] = axe_violations(page)
    for path in ("/c/wigan/funding/per-head/", "/c/wigan/funding/grants/", "/c/wigan/funding/"):
        page.goto(server + path)
        problems[path] = axe_violations(page)
    follow(page, page.get_by_role("link", name="Match funding to a need in a place"))
    assert page.get_by_role("heading", level=1).inner_text() == "Match funding to a need"
    page.goto(f"{server}/c/wigan/funding/grants/")
    follow(page, page.get_by_test_id("grants").locator("tbody th a").first)
    problems["grant"] = axe_violations(page)
    follow(page, page.get_by_role("button", name="Withdraw the grant"))  # no reason: refused, nothing changes
    assert page.locator(".govuk-error-summary").is_visible()
    problems["grant withdrawal refused"] = axe_violations(page)
    assert {p: v for p, v in problems.items() if v} == {}
