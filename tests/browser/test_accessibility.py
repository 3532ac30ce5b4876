"""The main pages, public and signed in, pass axe-core's WCAG 2.2 AA checks."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_main_pages_have_no_serious_accessibility_problems(page, server) -> None:
    public = [
        "/",
        "/sign-in/",
        "/places/",
        "/places/?postcode=nonsense",
        "/places/postcodes/WN11AA/",
        "/places/lsoas/E01006369/",
        "/organisations/",
        "/events/types/",
        "/find/",
        "/find/?postcode=WN1+1AA&miles=3",
        "/find/?age=old",
        "/report/",
        "/report/track/?reference=R-NOSUCH1",
        "/decisions/wigan/",
        "/c/wigan/funding/",  # open data: the catalogue, an area's past grants
        "/c/wigan/funding/?q=community+food&open=yes",
        "/c/wigan/funding/past-grants/E08000010/",
    ]
    signed_in = [
        "/c/wigan/",
        "/c/wigan/lsoas/",
        "/c/wigan/providers/",
        "/c/wigan/people-with-access/",
        "/account/api-tokens/",
        "/account/",
        "/account/password/",
        "/account/authenticator/",
        "/c/wigan/events/",
        "/c/wigan/webhooks/",
        "/c/wigan/imports/",
        "/c/wigan/retention/",
        "/c/wigan/reports/",
        "/c/wigan/responsibilities/",
        "/c/wigan/services/",
        "/c/wigan/services/new/",
        "/c/wigan/changes/",
        "/c/wigan/market/",
        "/c/wigan/market/providers/",
        "/c/wigan/markets/home-care-18/",
        "/c/wigan/markets/residential-care-65/?ward=E05000841",
        "/c/wigan/cost-exercises/",
        "/c/wigan/markets/home-care-18/statements/",
        "/c/wigan/needs/",
        "/c/wigan/needs/areas/E05000841/",
        "/c/wigan/needs/areas/E01006369/",
        "/c/wigan/funding/",
        "/c/wigan/funding/?theme=housing&open=yes&area=E05000841",
        "/c/wigan/funding/?area=nonsense",
        "/c/wigan/funding/past-grants/E08000010/",
        "/c/wigan/funding/?q=community+food&open=yes",
        "/c/wigan/funding/?q=%22NEAR(zebra*",
        "/c/wigan/funding/saved-searches/",
        "/c/wigan/funding/add/",
        "/c/wigan/needs/demand/",
        "/c/wigan/needs/demand/?service=Council+tax+and+benefits",
        "/c/wigan/needs/demand/?service=Home+care",
        "/c/wigan/needs/demand/?start=nonsense",
        "/c/wigan/needs/unmet/",
        "/c/wigan/needs/people/",
        "/c/wigan/needs/categories/new/",
        "/c/wigan/records/",
        "/c/wigan/records/documents/",
        "/c/wigan/records/documents/?q=quality+visit",
        "/c/wigan/records/documents/new/",
        "/c/wigan/records/policies/?due=1",
        "/c/wigan/records/decisions/",
        "/c/wigan/records/decisions/new/",
        "/c/wigan/records/forward-plan/",
        "/c/wigan/records/schedule/",
        "/c/wigan/records/holds/",
        "/c/wigan/records/disposals/",
    ]
    problems = {}
    for path in public:
        page.goto(server + path)
        problems[path] = axe_violations(page)
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    for path in signed_in:
        page.goto(server + path)
        problems[path] = axe_violations(page)
    assert {p: v for p, v in problems.items() if v} == {}
