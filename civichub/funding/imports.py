"""Funding opportunities imported as CSV or JSON through the kernel's one pipeline, in the field names of
Find a Grant's adverts (it publishes no open API, so there is no live feed to take). A council's import
adds to its own catalogue; the platform's (run by platform administrators) to everyone's.

Every row is checked before anything is written, and each problem names its line (or record) and field:
a close date before the open date, a minimum award above the maximum, an amount or date that is not one,
an applicant type or theme we do not know. All or nothing.
"""

from __future__ import annotations

from typing import Any

from civichub.core.actors import Actor
from civichub.core.importing import Column, ErrorCollector, ImportResult, ImportType, Progress, register
from civichub.funding.details import FIELDS, Details, check_opportunity
from civichub.funding.selectors import theme_codes
from civichub.funding.services import save_opportunities

REQUIRED = {"grantName", "grantFunder"}
WORDS = {
    "grantName": "The grant's name",
    "grantFunder": "Who funds it",
    "grantShortDescription": "A summary, up to 2,000 characters",
    "grantApplicantType": (
        "Who may apply, separated by ';': charity; cic; local-authority; Personal / Individual"
    ),
    "grantLocation": "Where: GSS codes (E08000024) or words (National), separated by ';'",
    "grantMinimumAward": "The smallest award, in pounds",
    "grantMaximumAward": "The largest award, in pounds",
    "grantTotalAwardAmount": "The whole pot, in pounds",
    "grantApplicationOpenDate": "When applications open, like 2025-04-01",
    "grantApplicationCloseDate": "When they close, like 2025-06-30 (empty: open until further notice)",
    "grantWebpageUrl": "The grant's web page",
    "themes": "Need category codes, separated by ';' (see the needs page)",
}
COLUMNS = tuple(Column(name, name in REQUIRED, WORDS[name]) for name in FIELDS)


def check(council: Any, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector) -> list[Details]:
    themes = theme_codes(council)
    checked: list[Details] = []
    first: dict[tuple[str, str], int] = {}
    for line, row in rows:
        details, problems = check_opportunity(row, themes)
        for problem in problems:
            errors.add(line, problem.field, problem.message)
        if details is None:
            continue
        key = (details.funder.lower(), details.programme.lower())
        if key in first:
            errors.add(
                line, "grantName", f"'{details.programme[:60]}' is given twice (first on line {first[key]})"
            )
        first.setdefault(key, line)
        checked.append(details)
    return checked


def apply(actor: Actor, council: Any, checked: list[Details], progress: Progress) -> ImportResult:
    added, changed = save_opportunities(actor, council, checked)
    progress("Saving opportunities", len(checked), len(checked))
    return ImportResult(created=added, updated=changed, unchanged=len(checked) - added - changed)


for file_format, suffix, label in (("csv", "", "CSV"), ("json", "_json", "JSON")):
    register(
        ImportType(
            name=f"funding_opportunities{suffix}",
            label=f"Funding opportunities ({label}, Find a Grant fields)",
            description="Funding opportunities for the council's own catalogue, one a row (or JSON object).",
            permission="funding.manage",
            columns=COLUMNS,
            check=check,
            apply=apply,
            file_format=file_format,
        )
    )
