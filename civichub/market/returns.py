"""Open-book cost exercises and the returns providers make to them.

A council opens an exercise for a category with a Fair Cost of Care template; each provider submits one
return (submitting again replaces it, line by line) while the exercise is open. A return is the
provider's and the asking council's only: no other council and no other provider ever reads it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, FieldError, Refused
from civichub.core.models import Council, Organisation
from civichub.core.outbox import publish
from civichub.core.text import clean_name
from civichub.market.costs import lines_of
from civichub.market.details import a_date, check_lines
from civichub.market.models import CostExercise, CostReturn, CostReturnLine, MarketCategory
from civichub.market.selectors import exercise_is_open, require_own_organisation


@transaction.atomic
def open_exercise(
    actor: Actor, council: Council, category: MarketCategory, *, title: str, closes_on: Any
) -> CostExercise:
    """Ask the providers of a category for their actual costs, on the category's template."""
    policy.require(actor, "market.manage", council)
    if not category.cost_template:
        raise Refused.on("category", f"{category.name} has no cost template: choose home care or a care home")
    errors: list[FieldError] = []
    closes = a_date(closes_on, "closes_on", errors)
    if closes and closes < timezone.localdate():
        errors.append(FieldError("closes_on", "Must be today or later"))
    try:
        title = clean_name(title, field="title", max_length=200, label="a title")
    except Refused as exc:
        errors.extend(exc.errors)
    if errors:
        raise Refused("; ".join(str(e) for e in errors), errors)
    assert closes is not None
    exercise = CostExercise.objects.create(
        council=council, category=category, title=title, template=category.cost_template, closes_on=closes
    )
    audit.record(
        actor, "market.exercise.opened", obj=exercise, council=council, data={"category": category.code}
    )
    publish(
        "market.exercise.opened",
        council=council,
        subject=exercise,
        data={
            "exercise_id": str(exercise.pk),
            "category": category.code,
            "title": title,
            "closes_on": closes.isoformat(),
        },
    )
    return exercise


@transaction.atomic
def close_exercise(actor: Actor, exercise: CostExercise) -> CostExercise:
    """Stop taking returns (the figures stay)."""
    council = exercise.council
    policy.require(actor, "market.manage", council)
    if exercise.status == CostExercise.Status.CLOSED:
        raise Conflict.on(None, "This exercise is already closed")
    exercise.status = CostExercise.Status.CLOSED
    exercise.save(update_fields=["status", "updated_at"])
    returns = CostReturn.objects.for_council(council).filter(exercise=exercise).count()
    audit.record(actor, "market.exercise.closed", obj=exercise, council=council, data={"returns": returns})
    publish(
        "market.exercise.closed",
        council=council,
        subject=exercise,
        data={"exercise_id": str(exercise.pk), "returns": returns},
    )
    return exercise


@transaction.atomic
def submit_return(
    actor: Actor, exercise: CostExercise, organisation: Organisation, raw: dict[str, Any]
) -> CostReturn:
    """A provider's return to an open exercise, line by line; a second submission replaces the first."""
    council = exercise.council
    require_own_organisation(actor, council, organisation, "market.returns.submit")
    if not exercise_is_open(exercise):
        raise Conflict.on("exercise", f"'{exercise.title}' is closed: it takes no more returns")
    amounts = check_lines(exercise.template, raw)
    return save_return(actor, exercise, organisation, amounts)


@transaction.atomic
def save_return(
    actor: Actor, exercise: CostExercise, organisation: Organisation, amounts: dict[str, Decimal]
) -> CostReturn:
    """Store checked amounts as the provider's return (the form's, the API's or an import's)."""
    council = exercise.council
    require_own_organisation(actor, council, organisation, "market.returns.submit")
    total = sum((amounts[line.code] for line in lines_of(exercise.template) if line.in_total), Decimal(0))
    found = (
        CostReturn.objects.for_council(council).filter(exercise=exercise, organisation=organisation).first()
    )
    if found is None:
        found = CostReturn.objects.create(
            council=council,
            exercise=exercise,
            organisation=organisation,
            total=total,
            submitted_by=actor.label,
        )
    else:
        found.total, found.submitted_by = total, actor.label
        found.save(update_fields=["total", "submitted_by", "updated_at"])
        CostReturnLine.objects.for_council(council).filter(cost_return=found).delete()
    CostReturnLine.objects.bulk_create(
        CostReturnLine(council=council, cost_return=found, exercise=exercise, line=code, amount=value)
        for code, value in amounts.items()
    )
    audit.record(actor, "market.return.submitted", obj=found, council=council, data={"total": str(total)})
    publish(
        "market.return.submitted",
        council=council,
        subject=found,
        data={
            "return_id": str(found.pk),
            "exercise_id": str(exercise.pk),
            "organisation_id": str(organisation.pk),
        },
    )
    return found
