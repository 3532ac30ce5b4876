"""People (master data) in a browser."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_commissioner_reviews_a_pair_and_sees_the_linkage_quality(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    follow(page, page.get_by_role("link", name="People: golden records, linkage review and quality"))
    assert page.get_by_test_id("wards").is_visible()
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Linkage quality"))
    assert page.locator("svg.civichub-chart").count() >= 2
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Review queue"))
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Review pair 1", exact=True))
    assert page.get_by_test_id("side-by-side").is_visible()
    assert axe_violations(page) == []
    follow(page, page.get_by_role("button", name="Save the decision"))  # no choice: the error is named
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Different people: keep them apart").check()
    follow(page, page.get_by_role("button", name="Save the decision"))  # on to the next pair
    assert axe_violations(page) == []
    follow(page, page.locator(".govuk-breadcrumbs").get_by_role("link", name="People"))
    follow(page, page.get_by_role("link", name="Data-sharing agreements"))
    assert "Sunderland" in page.get_by_test_id("agreements").inner_text()
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Merges"))
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Thresholds"))
    assert axe_violations(page) == []
    page.get_by_label("Send pairs to a reviewer from match weight").fill("lots")
    follow(page, page.get_by_role("button", name="Save the thresholds"))  # refused, named, nothing saved
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
