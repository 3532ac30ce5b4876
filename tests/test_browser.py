"""In a real browser (Debian's Chromium, driven by Playwright) against a real server (gunicorn on the
demo data): a commissioner signs in and sees the council's wards, and the main pages pass axe-core's
WCAG 2.2 AA checks with no serious or critical violations."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from django.conf import settings

from civichub.serving import gunicorn

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The platform as `make demo` runs it, on its own SQLite file and a free port."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civichub.settings",
        "CIVICHUB_VAR_DIR": str(var),
        "CIVICHUB_DATABASE_URL": f"sqlite:///{var / 'browser.sqlite3'}",
    }
    env.pop("CIVICHUB_DEBUG", None)
    cli = [sys.executable, "-m", "civichub.cli"]
    for args in (["migrate", "-v0"], ["demo", "--no-progress"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*cli, *args], env=env, check=True, capture_output=True)
    with gunicorn(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run scripts/system-deps")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh page; the test fails if the browser reports any Content-Security-Policy violation."""
    context = browser.new_context()
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    if page.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(page.csp_violations))


def sign_in(page, server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("civichub-demo")
    page.get_by_role("button", name="Sign in").click()


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


def _follow(page, target) -> None:  # type: ignore[no-untyped-def]
    """Click something that loads a new page, and wait for that page: reading (or running axe) straight
    after a click can catch the old page, or no page at all while the new one loads."""
    with page.expect_navigation():
        target.click()


def _axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    # Evaluated by the browser's DevTools protocol, not added as a <script>: the pages' CSP would rightly
    # block an injected inline script.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


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
        problems[path] = _axe_violations(page)
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    for path in signed_in:
        page.goto(server + path)
        problems[path] = _axe_violations(page)
    assert {p: v for p, v in problems.items() if v} == {}


def test_a_resident_turns_on_an_authenticator_and_signs_in_with_it(page, server) -> None:
    sign_in(page, server, "sunderland.resident")
    page.goto(f"{server}/account/")
    _follow(page, page.get_by_role("link", name="Set up an authenticator app"))
    _follow(page, page.get_by_role("button", name="Continue"))
    assert page.get_by_test_id("qr-code").locator("svg").count() == 1
    assert _axe_violations(page) == []
    key = page.get_by_test_id("authenticator-key").inner_text()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    _follow(page, page.get_by_role("button", name="Turn on"))
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    _follow(page, page.get_by_role("button", name="Sign out sunderland.resident"))
    sign_in(page, server, "sunderland.resident")
    page.wait_for_url(f"{server}/sign-in/code/")
    assert _axe_violations(page) == []
    # The app's code that turned it on is spent until the next 30 seconds; a recovery code needs no wait.
    page.get_by_label("Enter the code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{server}/c/sunderland/resident/")


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
    assert not _axe_violations(page)
    page.get_by_label("What the service does").fill("Now with a free breakfast every Saturday")
    page.get_by_role("button", name="Send to Wigan for approval").click()
    assert "Waiting for the council" in page.locator(".govuk-tag").inner_text()
    change_url = page.url
    page.context.clear_cookies()

    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(change_url)
    assert not _axe_violations(page)
    assert "Now with a free breakfast every Saturday" in page.locator("ins").inner_text()
    page.get_by_role("button", name="Approve and publish").click()
    assert "Approved" in page.locator(".govuk-tag").inner_text()
    page.goto(service_url + "history/")
    assert not _axe_violations(page)
    assert "Now with a free breakfast every Saturday" in page.locator("table").inner_text()
    page.goto(service_url)
    page.get_by_role("link", name="see it as residents do").click()
    assert name in page.locator("h1").inner_text()
    assert "free breakfast every Saturday" in page.content()


def test_a_commissioner_reads_a_market_down_to_a_provider_and_its_public_statement(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/market/")
    _follow(page, page.get_by_role("link", name="Home care 18+"))
    assert page.get_by_role("heading", level=1).inner_text() == "Home care 18+"
    assert "concentrated" in page.get_by_test_id("reading").inner_text()
    assert page.locator("svg.civichub-chart").count() >= 3
    _follow(page, page.get_by_test_id("wards").locator("tbody tr a").first)
    assert " in " in page.get_by_role("heading", level=1).inner_text()  # one ward's market
    assert not _axe_violations(page)
    page.goto(f"{server}/c/wigan/markets/home-care-18/")
    _follow(page, page.get_by_test_id("shares").locator("tbody tr a").first)
    assert not _axe_violations(page)
    assert "What Wigan has noted" in page.content()
    page.goto(f"{server}/c/wigan/cost-exercises/")
    _follow(page, page.locator("table a").first)
    assert not _axe_violations(page)
    assert "Fair cost" in page.content()
    page.goto(f"{server}/c/wigan/markets/home-care-18/statements/")
    _follow(page, page.get_by_role("link", name="Version 1"))
    assert not _axe_violations(page)
    _follow(page, page.get_by_role("link", name="The public page"))
    page.context.clear_cookies()
    page.reload()
    assert "market position statement" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("frozen-figures").count() == 1
    assert not _axe_violations(page)


def test_a_provider_changes_its_offer_and_a_bad_capacity_is_named(page, server) -> None:
    sign_in(page, server, "wigan.provider-staff")
    page.wait_for_url(f"{server}/c/wigan/provider/")
    page.goto(f"{server}/c/wigan/market/")
    _follow(page, page.get_by_role("link", name="Add or change your offer in Home care 18+"))
    assert not _axe_violations(page)
    page.get_by_label("Capacity, in hours per week").fill("-5")
    _follow(page, page.get_by_role("button", name="Save the offer"))
    summary = page.locator(".govuk-error-summary")
    assert "Cannot be negative" in summary.inner_text()
    assert not _axe_violations(page)
    page.get_by_label("Capacity, in hours per week").fill("455")
    _follow(page, page.get_by_role("button", name="Save the offer"))
    assert "455" in page.locator("table").inner_text()  # the change is in the offer's history
    assert not _axe_violations(page)


def test_a_commissioner_searches_funding_saves_the_search_and_adds_an_opportunity(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/funding/")
    page.get_by_label("Words").fill("youth clubs")
    _follow(page, page.get_by_role("button", name="Search"))
    assert "best match first" in page.get_by_test_id("count").inner_text()
    assert "Youth clubs" in page.get_by_test_id("opportunities").locator("tbody tr").first.inner_text()
    assert not _axe_violations(page)
    page.get_by_label("Name this search").fill("Youth clubs")
    _follow(page, page.get_by_role("button", name="Save this search"))
    assert "Youth clubs" in page.get_by_test_id("saved-searches").inner_text()
    assert not _axe_violations(page)
    _follow(page, page.get_by_role("button", name="Delete Youth clubs"))
    assert page.get_by_test_id("no-saved-searches").is_visible()
    page.goto(f"{server}/c/wigan/funding/add/")
    page.get_by_label("Funder", exact=True).fill("Wigan Council")
    page.get_by_label("Smallest award, in pounds").fill("lots")
    _follow(page, page.get_by_role("button", name="Add the opportunity"))
    summary = page.locator(".govuk-error-summary")
    assert "Give the grant's name" in summary.inner_text()
    assert "is not an amount in pounds" in summary.inner_text()
    assert not _axe_violations(page)
    page.get_by_label("Name of the grant").fill("Wigan youth clubs fund")
    page.get_by_label("Smallest award, in pounds").fill("500")
    page.get_by_label("Young people").check()
    _follow(page, page.get_by_role("button", name="Add the opportunity"))
    assert page.get_by_role("heading", level=1).inner_text() == "Wigan youth clubs fund"
    page.goto(f"{server}/c/wigan/funding/?q=wigan+youth+clubs")
    first = page.get_by_test_id("opportunities").locator("tbody tr").first.inner_text()
    assert "Wigan youth clubs fund" in first and "Wigan's own" in first


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


def test_a_records_manager_keeps_a_document_finds_it_and_sees_the_disposal_history(
    page, server, tmp_path
) -> None:
    from civichub.records.samples import pdf

    sign_in(page, server, "wigan.records-manager")
    page.wait_for_url(f"{server}/c/wigan/")
    _follow(page, page.get_by_role("link", name="Documents and records"))
    _follow(page, page.get_by_role("link", name="Add a document"))
    upload = tmp_path / "minutes.pdf"
    upload.write_bytes(pdf("Minutes of the carers partnership board about respite breaks"))
    page.get_by_label("The file").set_input_files(str(upload))
    page.get_by_label("Title").fill("Carers partnership board minutes")
    page.get_by_label("Record class").select_option("CORR")
    _follow(page, page.get_by_role("button", name="Keep the document"))
    assert page.locator("h1").inner_text() == "Carers partnership board minutes"
    assert _axe_violations(page) == []
    page.goto(f"{server}/c/wigan/records/documents/?q=respite+breaks")
    results = page.get_by_test_id("results")
    assert "Carers partnership board minutes" in results.inner_text()
    assert results.locator("mark").count() >= 2
    page.goto(f"{server}/c/wigan/records/disposals/")
    _follow(page, page.locator("table a").first)
    assert "skipped" in page.get_by_test_id("outcome").inner_text()
    assert "Under legal hold" in page.get_by_test_id("items").inner_text()
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("link", name="Certificate of destruction"))
    assert _axe_violations(page) == []
    for path in ("/c/wigan/records/requests/", "/c/wigan/records/holds/"):
        page.goto(server + path)
        assert _axe_violations(page) == []
    page.goto(f"{server}/c/wigan/records/requests/")
    _follow(page, page.locator("table a").first)
    assert _axe_violations(page) == []
    page.goto(f"{server}/decisions/wigan/")
    _follow(page, page.locator("table a").first)
    assert "Call-in" in page.content()
    assert _axe_violations(page) == []


def test_a_caseworker_records_a_need_moves_it_on_and_reads_it_with_a_purpose(page, server) -> None:
    sign_in(page, server, "wigan.caseworker")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/needs/")
    _follow(page, page.get_by_role("link", name="Record an assessed need"))
    page.get_by_label("Person's record reference").fill("WIG-BROWSER-1")
    page.get_by_label("Need", exact=True).select_option("housing")
    _follow(page, page.get_by_role("button", name="Record the need"))
    summary = page.locator(".govuk-error-summary")
    assert "date of the assessment" in summary.inner_text()
    assert _axe_violations(page) == []
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    _follow(page, page.get_by_role("button", name="Record the need"))
    assert "Need recorded" in page.locator("h1").inner_text()
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("link", name="Move this need on"))
    page.get_by_label("Status").select_option("being_met")
    page.get_by_label("Service meeting the need (optional)").fill("Housing options")
    _follow(page, page.get_by_role("button", name="Save the status"))
    assert "being met" in page.get_by_test_id("done").inner_text()
    page.goto(f"{server}/c/wigan/needs/people/")
    page.get_by_label("Person's record reference").fill("WIG-BROWSER-1")
    page.get_by_label("Why do you need this person's needs?").fill("Checking the browser test's record")
    _follow(page, page.get_by_role("button", name="Show their needs"))
    assert "Housing" in page.get_by_test_id("needs").inner_text()
    assert _axe_violations(page) == []


def test_an_analyst_reads_failure_demand_down_to_a_provider(page, server) -> None:
    sign_in(page, server, "wigan.analyst")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/needs/demand/?service=Home+care")
    providers = page.get_by_test_id("providers")
    name = providers.locator("tbody th a").first.inner_text()
    _follow(page, providers.locator("tbody th a").first)
    assert name in page.locator(".govuk-caption-l").inner_text()
    assert page.locator("svg.civichub-chart").count() == 1
    assert _axe_violations(page) == []


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
    problems["match"] = _axe_violations(page)
    page.goto(f"{server}/c/wigan/funding/bids/")
    assert "Drafting: " in page.get_by_test_id("counts").inner_text()
    problems["bids"] = _axe_violations(page)
    _follow(page, page.get_by_test_id("bids").locator("tbody tr th a").first)
    problems["bid"] = _axe_violations(page)
    page.goto(f"{server}/c/wigan/funding/bids/new/")
    page.get_by_role("button", name="Save the bid").click()
    page.wait_for_selector(".govuk-error-summary")
    problems["bid form with errors"] = _axe_violations(page)
    for path in ("/c/wigan/funding/per-head/", "/c/wigan/funding/grants/", "/c/wigan/funding/"):
        page.goto(server + path)
        problems[path] = _axe_violations(page)
    _follow(page, page.get_by_role("link", name="Match funding to a need in a place"))
    assert page.get_by_role("heading", level=1).inner_text() == "Match funding to a need"
    assert {p: v for p, v in problems.items() if v} == {}


def test_a_commissioner_commissions_calls_off_varies_a_contract_and_reads_its_history(page, server) -> None:
    """Commissioning's pages in a browser: a refused commission shows the error summary; a call-off from a
    framework becomes a contract that is varied; each page passes axe."""
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.goto(f"{server}/c/wigan/commissioning/")
    assert not _axe_violations(page)
    page.get_by_label("Purpose, in plain words").fill("People live well at home")
    page.get_by_label("Wards or LSOAs served").fill("nowhere")
    _follow(page, page.get_by_role("button", name="Set up the commission"))
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert not _axe_violations(page)
    page.get_by_label("Title", exact=True).fill("Browser home care")
    page.get_by_label("Wards or LSOAs served").fill("E05000841")
    _follow(page, page.get_by_role("button", name="Set up the commission"))
    assert page.get_by_role("heading", level=1).inner_text() == "Browser home care"
    assert not _axe_violations(page)
    page.get_by_label("Reference").fill("BROWSER-1")
    page.get_by_label("Title").fill("Home care call-off")
    page.get_by_label("Procedure").select_option("framework_call_off")
    page.get_by_label("Framework").fill("NW-CARE-FW")
    _follow(page, page.get_by_role("button", name="Start the procurement"))
    assert "Pipeline" in page.locator(".govuk-tag").inner_text()
    assert not _axe_violations(page)
    page.get_by_label("Provider").select_option(index=0)
    page.get_by_label("Value, in pounds").fill("45000")
    _follow(page, page.get_by_role("button", name="Award it"))
    page.get_by_label("Starts", exact=True).fill("2026-04-01")
    page.get_by_label("Ends", exact=True).fill("2027-03-31")
    _follow(page, page.get_by_role("button", name="Make the contract"))
    _follow(page, page.get_by_role("link", name="Home care call-off"))
    assert "£45,000.00" in page.content()
    assert not _axe_violations(page)
    page.get_by_label("Reason for the change").fill("More night visits")
    page.get_by_label("Change in cost, in pounds").fill("5000")
    page.get_by_label("Agreed by").fill("Head of adult care and the provider's director")
    _follow(page, page.get_by_role("button", name="Record the variation (UK10)"))
    assert "£50,000.00" in page.content()
    _follow(page, page.get_by_role("link", name="Every version of this contract"))
    assert page.locator("table tbody tr").count() == 2
    assert not _axe_violations(page)


def test_money_pages_a_resident_spends_a_personal_budget_and_the_register_is_public(page, server) -> None:
    """The money's pages pass axe: the public contracts register, the commissioner's dashboard and ward
    budgets, a resident buying with their personal budget, and a councillor's own ward budget."""
    problems = {}
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    page.context.clear_cookies()
    page.goto(f"{server}/c/wigan/contracts-register/")  # public: signed out
    assert page.get_by_role("heading", level=1).inner_text() == "Contracts register"
    problems["register"] = _axe_violations(page)
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    for path in ("/c/wigan/commissioning/dashboard/", "/c/wigan/ward-budgets/"):
        page.goto(server + path)
        problems[path] = _axe_violations(page)
    _follow(page, page.locator("table a").first)
    problems["ward budget"] = _axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, server, "wigan.resident")
    page.wait_for_load_state()
    page.goto(f"{server}/c/wigan/personal-budget/")
    _follow(page, page.locator("table a").first)
    problems["personal budget"] = _axe_violations(page)
    page.get_by_label("Provider").select_option(index=1)
    page.get_by_label("What you are buying").fill("Gardening help, once a fortnight")
    page.get_by_label("Cost, in pounds").fill("120")
    page.get_by_label("Starts on").fill("2026-06-01")
    page.get_by_label("Ends on").fill("2026-09-30")
    _follow(page, page.get_by_role("button", name="Buy this service"))
    assert "Gardening help, once a fortnight" in page.content()
    page.get_by_label("Cost, in pounds").fill("99999999")
    _follow(page, page.get_by_role("button", name="Buy this service"))
    assert page.locator(".govuk-error-summary").count() == 1
    problems["personal budget refused"] = _axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, server, "wigan.councillor")
    page.wait_for_load_state()
    page.goto(f"{server}/c/wigan/ward-budgets/")
    _follow(page, page.locator("tr", has_text="(yours)").locator("a").first)
    assert page.get_by_role("button", name="Make the award").count() == 1
    problems["own ward budget"] = _axe_violations(page)
    assert {p: v for p, v in problems.items() if v} == {}


def test_a_commissioner_reviews_a_pair_and_sees_the_linkage_quality(page, server) -> None:
    sign_in(page, server, "wigan.commissioner")
    page.wait_for_url(f"{server}/c/wigan/")
    _follow(page, page.get_by_role("link", name="People: golden records, linkage review and quality"))
    assert page.get_by_test_id("wards").is_visible()
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("link", name="Linkage quality"))
    assert page.locator("svg.civichub-chart").count() >= 2
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("link", name="Review queue"))
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("link", name="Review pair 1", exact=True))
    assert page.get_by_test_id("side-by-side").is_visible()
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("button", name="Save the decision"))  # no choice: the error is named
    assert page.locator(".govuk-error-summary").is_visible()
    assert _axe_violations(page) == []
    page.get_by_label("Different people: keep them apart").check()
    _follow(page, page.get_by_role("button", name="Save the decision"))  # on to the next pair
    assert _axe_violations(page) == []
    _follow(page, page.locator(".govuk-breadcrumbs").get_by_role("link", name="People"))
    _follow(page, page.get_by_role("link", name="Data-sharing agreements"))
    assert "Sunderland" in page.get_by_test_id("agreements").inner_text()
    assert _axe_violations(page) == []
    _follow(page, page.get_by_role("link", name="Merges"))
    assert _axe_violations(page) == []
