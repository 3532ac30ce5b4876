"""Records management in a browser."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, follow, sign_in

pytestmark = pytest.mark.browser


def test_a_records_manager_keeps_a_document_finds_it_and_sees_the_disposal_history(
    page, server, tmp_path
) -> None:
    from civichub.records.samples import pdf

    sign_in(page, server, "wigan.records-manager")
    page.wait_for_url(f"{server}/c/wigan/")
    follow(page, page.get_by_role("link", name="Documents and records"))
    follow(page, page.get_by_role("link", name="Add a document"))
    upload = tmp_path / "minutes.pdf"
    upload.write_bytes(pdf("Minutes of the carers partnership board about respite breaks"))
    page.get_by_label("The file").set_input_files(str(upload))
    page.get_by_label("Title").fill("Carers partnership board minutes")
    page.get_by_label("Record class").select_option("CORR")
    follow(page, page.get_by_role("button", name="Keep the document"))
    assert page.locator("h1").inner_text() == "Carers partnership board minutes"
    assert axe_violations(page) == []
    page.goto(f"{server}/c/wigan/records/documents/?q=respite+breaks")
    results = page.get_by_test_id("results")
    assert "Carers partnership board minutes" in results.inner_text()
    assert results.locator("mark").count() >= 2
    page.goto(f"{server}/c/wigan/records/disposals/")
    follow(page, page.locator("table a").first)
    assert "skipped" in page.get_by_test_id("outcome").inner_text()
    assert "Under legal hold" in page.get_by_test_id("items").inner_text()
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Certificate of destruction"))
    assert axe_violations(page) == []
    for path in ("/c/wigan/records/requests/", "/c/wigan/records/holds/"):
        page.goto(server + path)
        assert axe_violations(page) == []
    page.goto(f"{server}/c/wigan/records/requests/")
    follow(page, page.locator("table a").first)
    assert axe_violations(page) == []
    page.goto(f"{server}/decisions/wigan/")
    follow(page, page.locator("table a").first)
    assert "Call-in" in page.content()
    assert axe_violations(page) == []
