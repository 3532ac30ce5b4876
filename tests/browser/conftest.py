"""In a real browser (Debian's Chromium, driven by Playwright) against a real server (gunicorn on the
demo data). One server and one browser serve every browser test: building the demo is the slow part, and
each test signs in as its own user, so sharing them costs no isolation a test relies on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from civichub.serving import gunicorn
from tests.browser.support import CHROMIUM
from tests.demo_platform import demo_platform


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist every browser test goes to one worker, so the demo is built once, not per worker."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The platform as `make demo` runs it, on its own SQLite file and a free port."""
    env = demo_platform(tmp_path_factory, "browser")
    with gunicorn(env) as url:
        yield url


@pytest.fixture(scope="session")
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
