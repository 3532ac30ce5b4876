"""Signing in, a second factor, and the Content-Security-Policy at work in the browser."""

from __future__ import annotations

import pyotp
import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_commissioner_signs_in_and_sees_the_councils_wards(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    assert page.get_by_role("heading", level=1).inner_text() == "Wigan"
    wards = page.get_by_test_id("wards")
    assert wards.locator("tbody tr").count() == 23
    first_ward = wards.locator("tbody tr th a").first
    name = first_ward.inner_text()
    first_ward.click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.locator("table tbody tr").count() > 0


def test_a_wrong_password_shows_the_error_summary_and_focuses_it(page, server) -> None:
    page.goto(f"{server}/sign-in/")
    page.get_by_label("Username").fill("wigan.commissioner")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")


def test_a_resident_turns_on_an_authenticator_and_signs_in_with_it(page, server) -> None:
    sign_in(page, server, "sunderland.resident")
    page.goto(f"{server}/account/")
    follow(page, page.get_by_role("link", name="Set up an authenticator app"))
    follow(page, page.get_by_role("button", name="Continue"))
    assert page.get_by_test_id("qr-code").locator("svg").count() == 1
    assert axe_violations(page) == []
    key = page.get_by_test_id("authenticator-key").inner_text()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    follow(page, page.get_by_role("button", name="Turn on"))
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    follow(page, page.get_by_role("button", name="Sign out sunderland.resident"))
    sign_in(page, server, "sunderland.resident")
    page.wait_for_url(f"{server}/sign-in/code/")
    assert axe_violations(page) == []
    # The app's code that turned it on is spent until the next 30 seconds; a recovery code needs no wait.
    page.get_by_label("Enter the code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{server}/c/sunderland/resident/")


def test_a_script_injected_into_a_page_is_blocked_by_the_csp(page, server) -> None:
    """What an attacker's injected markup would do: add an inline script. The policy refuses to run it."""
    page.goto(f"{server}/find/")
    directive = page.evaluate(
        """() => new Promise(resolve => {
             document.addEventListener('securitypolicyviolation', e => resolve(e.effectiveDirective));
             const s = document.createElement('script');
             s.textContent = 'window.injected = true';
             document.body.appendChild(s);
           })"""
    )
    assert directive.startswith("script-src")
    assert page.evaluate("window.injected === undefined")
    # GOV.UK Frontend's own scripts, which carry the nonce, did run.
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    page.csp_violations.clear()  # this one was the point of the test


def test_the_api_documentation_works_under_the_csp(page, server) -> None:
    """django-ninja's Swagger UI loads its scripts from our origin, so the strict policy leaves it working."""
    page.goto(f"{server}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 40
