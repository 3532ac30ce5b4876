"""What the records pages share: how a refusal reaches a template, and the page that asks for a purpose
before an OFFICIAL-SENSITIVE record is shown."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civichub.core.errors import Refused
from civichub.core.models import Council


def error_of(exc: Refused) -> tuple[str | None, str]:
    return exc.field, exc.message


def purpose_page(
    request: HttpRequest, council: Council, record: Model, error: Any, *, back: str
) -> HttpResponse:
    """Ask why the reader needs a sensitive record (the read is audited with it); `back` names the list."""
    return render(
        request,
        "records/purpose.html",
        {
            "title": record.title,  # type: ignore[attr-defined]
            "section": "council",
            "council": council,
            "record": record,
            "error": error,
            "back": back,
        },
        status=400 if error else 200,
    )
