"""Downloads offered next to the pages that show the same rows (CSV for spreadsheets)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
