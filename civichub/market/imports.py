"""Cost returns as CSV, through the kernel's one import pipeline: one row per line of a return.

The whole file is checked (the exercise is this council's and open, the provider is known, every line of
the template is there once, each rate is in pounds and pence), then the importing provider's staff may
only return for their own organisation: a row for another provider refuses the whole file, naming it.
All or nothing, as every import.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from civichub.core.actors import Actor
from civichub.core.errors import FieldError
from civichub.core.importing import (
    Column,
    ErrorCollector,
    ImportRejected,
    ImportResult,
    ImportType,
    Progress,
    RowError,
    register,
)
from civichub.core.models import Council, OrganisationIdentifier
from civichub.core.selectors import acting_provider
from civichub.market.costs import lines_of
from civichub.market.details import amount, quantity
from civichub.market.models import CostExercise, CostReturn
from civichub.market.returns import save_return
from civichub.market.selectors import exercise_is_open

COLUMNS = (
    Column("exercise_id", True, "The cost exercise's id (on its page)"),
    Column("provider", True, "Your organisation's org-id, like GB-COH-01234567 or GB-CHC-1099999"),
    Column("line", True, "The template's line code, like care_worker_pay or food"),
    Column("amount", True, "Your cost in pounds and pence (travel_minutes: minutes per contact hour)"),
)


def _organisation_of(org_id: str) -> Any:
    scheme, _, identifier = org_id.strip().upper().rpartition("-")
    found = (
        OrganisationIdentifier.objects.filter(scheme=scheme, identifier=identifier)
        .select_related("organisation")
        .first()
    )
    if found is None and org_id.count("-") >= 2:
        # Schemes hold one hyphen (GB-COH); identifiers may hold more (GB-NHS-R0B-01 is not one we issue).
        prefix = "-".join(org_id.strip().upper().split("-")[:2])
        rest = org_id.strip()[len(prefix) + 1 :]
        found = (
            OrganisationIdentifier.objects.filter(scheme=prefix, identifier=rest)
            .select_related("organisation")
            .first()
        )
    return found.organisation if found else None


def check(council: Council, rows: list[tuple[int, dict[str, Any]]], errors: ErrorCollector) -> dict[str, Any]:
    exercises: dict[str, CostExercise | None] = {}
    groups: dict[tuple[Any, Any], dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    first_line: dict[tuple[Any, Any], int] = {}
    for line_number, row in rows:
        key = row.get("exercise_id", "").strip()
        if key not in exercises:
            try:
                exercises[key] = CostExercise.objects.for_council(council).filter(pk=uuid.UUID(key)).first()
            except ValueError:
                exercises[key] = None
        exercise = exercises[key]
        if exercise is None:
            errors.add(
                line_number,
                "exercise_id",
                f"'{key[:40]}' is not one of {council.short_name}'s cost exercises",
            )
            continue
        if not exercise_is_open(exercise):
            errors.add(line_number, "exercise_id", f"'{exercise.title}' is closed: it takes no more returns")
            continue
        organisation = _organisation_of(row.get("provider", ""))
        if organisation is None:
            errors.add(line_number, "provider", f"'{row.get('provider', '')[:40]}' is not an org-id we hold")
            continue
        templates = {line.code: line for line in lines_of(exercise.template)}
        code = row.get("line", "").strip()
        if code not in templates:
            errors.add(
                line_number,
                "line",
                f"'{code[:40]}' is not a line of the {exercise.get_template_display()} template",
            )
            continue
        problems: list[FieldError] = []
        value = (
            amount(row.get("amount"), "amount", problems, label="a rate")
            if templates[code].unit == "£"
            else quantity(row.get("amount"), "amount", problems)
        )
        for problem in problems:
            errors.add(line_number, "amount", problem.message)
        group = (exercise, organisation)
        first_line.setdefault(group, line_number)
        if code in groups[group]:
            errors.add(
                line_number,
                "line",
                f"'{code}' is given twice for this provider (first on line {groups[group][code][0]})",
            )
        groups[group][code] = (line_number, value)
    for (exercise, organisation), lines in groups.items():
        missing = [line.code for line in lines_of(exercise.template) if line.code not in lines]
        if missing:
            errors.add(
                first_line[(exercise, organisation)],
                "line",
                f"{organisation.name}'s return has no {', '.join(missing)}",
            )
    return {"source": errors.source, "groups": groups}


def apply(actor: Actor, council: Council, checked: dict[str, Any], progress: Progress) -> ImportResult:
    own = acting_provider(actor, council) if not actor.is_system else None
    wrong = [
        RowError(
            checked["source"],
            line_number,
            "provider",
            f"a return for {organisation.name}: you can only return your own organisation's costs",
        )
        for (_, organisation), lines in checked["groups"].items()
        if not actor.is_system and (own is None or own.pk != organisation.pk)
        for line_number, _ in sorted(lines.values())[:1]
    ]
    if wrong:
        raise ImportRejected(wrong)
    created = updated = 0
    for (exercise, organisation), lines in checked["groups"].items():
        existed = (
            CostReturn.objects.for_council(council)
            .filter(exercise=exercise, organisation=organisation)
            .exists()
        )
        save_return(actor, exercise, organisation, {code: value for code, (_, value) in lines.items()})
        updated, created = updated + existed, created + (not existed)
    progress("Saving returns", len(checked["groups"]), len(checked["groups"]))
    return ImportResult(created=created, updated=updated)


COST_RETURNS = register(
    ImportType(
        name="cost_returns",
        label="Cost returns (open book, CSV)",
        description="A provider's return to a cost exercise: one row per line of the template.",
        permission="market.returns.submit",
        columns=COLUMNS,
        check=check,
        apply=apply,
    )
)
