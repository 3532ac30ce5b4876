"""What the browser tests do over and over: sign in, follow a link to its new page, and run axe-core."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("civichub-demo")
    page.get_by_role("button", name="Sign in").click()


def follow(page, target) -> None:  # type: ignore[no-untyped-def]
    """Click something that loads a new page, and wait for that page: reading (or running axe) straight
    after a click can catch the old page, or no page at all while the new one loads."""
    with page.expect_navigation():
        target.click()


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's serious and critical WCAG 2.2 AA violations, each with where it is."""
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
