"""Downloads offered next to the pages that show the same rows (CSV for spreadsheets)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). OWASP's advice:
# prefix such a cell with a single quote so it is shown as the text it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will show, not run. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> HttpResponse:
    """Every CSV the platform offers goes through here, so every cell is neutralised the same way."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response
