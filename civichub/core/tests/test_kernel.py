"""The kernel's small shared pieces: names people type, CSV cells a spreadsheet would run, refusals."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civichub.core.downloads import csv_download, safe_cell
from civichub.core.errors import Conflict, FieldError, NotFound, Refused
from civichub.core.text import clean_name, clean_text


@pytest.mark.parametrize(
    "invisible",
    ["\u00ad", "\u200b", "\u200d\u2060", "\u202e", "\ufeff", " \t\n ", "\u0000", "\u00ad \u200b"],
)
def test_a_name_of_only_invisible_characters_is_refused(invisible: str) -> None:
    with pytest.raises(Refused) as refused:
        clean_name(invisible, field="name")
    assert refused.value.errors == [refused.value.errors[0]] and refused.value.field == "name"


def test_names_are_composed_and_tidied() -> None:
    assert clean_name("  Cafe\u0301\u00ad   Club ") == "Caf\u00e9 Club"
    assert clean_text("line one\r\n  line\u200b two", multiline=True) == "line one\nline two"
    with pytest.raises(Refused, match="100 characters or fewer"):
        clean_name("x" * 101, max_length=100)


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert once == once.strip() and "  " not in once
    assert not any(unicodedata.category(c) in {"Cf", "Cc", "Cn", "Co", "Cs"} for c in once)
    assert unicodedata.is_normalized("NFC", once)


@pytest.mark.parametrize("cell", ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")'])
def test_a_cell_a_spreadsheet_would_run_is_shown_as_text(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


def test_csv_downloads_neutralise_every_cell_and_keep_numbers() -> None:
    response = csv_download("x.csv", ["name", "=header"], [["=cmd|' /C calc'!A0", -5], ["Plain", 3.5]])
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["name", "'=header"], ["'=cmd|' /C calc'!A0", "-5"], ["Plain", "3.5"]]


def test_one_refusal_shape_with_its_status() -> None:
    refused = Refused.on("locations[0].postcode", "We do not hold the postcode ZZ9 9ZZ")
    assert refused.as_dict() == {
        "detail": "locations[0].postcode: We do not hold the postcode ZZ9 9ZZ",
        "errors": [{"field": "locations[0].postcode", "message": "We do not hold the postcode ZZ9 9ZZ"}],
    }
    assert (Refused("x").status, NotFound("x").status, Conflict("x").status) == (400, 404, 409)
    several = Refused("2 problems", [FieldError("a", "bad"), FieldError(None, "worse")])
    assert (several.field, several.message, str(several.errors[1])) == ("a", "bad", "worse")


def test_a_refusal_no_view_caught_is_a_page_with_its_status_not_a_500(rf) -> None:
    from civichub.core.errors import NotFound
    from civichub.core.middleware import RefusedMiddleware

    middleware = RefusedMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/?limit=ten")
    request.user = AnonymousUser()
    problems = [FieldError("limit", "Must be a number"), FieldError(None, "And another")]
    refused = Refused("2 problems", problems)
    page = middleware.process_exception(request, refused)
    assert page is not None and page.status_code == 400
    assert "Must be a number" in page.content.decode() and "And another" in page.content.decode()
    conflict = middleware.process_exception(request, Conflict.on("status", "Already decided"))
    assert conflict is not None and conflict.status_code == 409
    # A NotFound is an Http404: Django's own 404 handling shows it.
    assert middleware.process_exception(request, NotFound("No such thing")) is None
    assert middleware.process_exception(request, ValueError("not ours")) is None
