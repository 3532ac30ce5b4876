"""Contracts after award: made once the standstill is over (UK7), run on an open book, with outcomes
tied to the commission's purpose, KPIs rated at least every 12 months and at termination (UK9),
breaches with their penalty, variations that make a new version (UK10), and termination (UK11)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from civichub.commissioning import checks, ledger
from civichub.commissioning.facts import contract_facts
from civichub.commissioning.models import (
    Breach,
    Contract,
    CostLine,
    Kpi,
    KpiAssessment,
    NoticeType,
    Outcome,
    OutcomeResult,
    Procurement,
    Rating,
    Stage,
    Termination,
    Variation,
)
from civichub.commissioning.selectors import kpi as kpi_of
from civichub.commissioning.selectors import lot as lot_of
from civichub.commissioning.selectors import lots
from civichub.commissioning.selectors import outcome as outcome_of
from civichub.commissioning.services.making import contract_changed, record_contract
from civichub.commissioning.services.notices import publish_notice
from civichub.commissioning.services.procurement import changed
from civichub.commissioning.versions import keep_version
from civichub.core import policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.selectors import acting_provider

# Procurement Act 2023 s.52: a public contract of £5 million or more has at least three KPIs.
KPI_THRESHOLD = Decimal("5000000")
KPIS_REQUIRED = 3


def _may_manage(actor: Actor, contract: Contract | Procurement) -> None:
    policy.require(actor, "commissioning.manage", contract.council)


def _may_report(actor: Actor, contract: Contract) -> None:
    """The commissioner, or the provider's own staff (for its own contract only)."""
    policy.require(actor, "commissioning.contracts.report", contract.council)
    own = acting_provider(actor, contract.council)
    if own is not None and own.pk != contract.provider_id:
        raise PermissionDenied("Only the provider of this contract reports on it")


def _active(contract: Contract, field: str = "status") -> Contract:
    locked = Contract.objects.for_council(contract.council).select_for_update().get(pk=contract.pk)
    if locked.status != Contract.Status.ACTIVE:
        raise Conflict.on(field, f"The contract is {locked.get_status_display().lower()}: it cannot change")
    return locked


def _lines(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    found, seen = [], set()
    for index, line in enumerate(raw):
        field = f"cost_lines[{index}]"
        kind = line.get("kind")
        if kind not in CostLine.Kind.values:
            raise Refused.on(f"{field}.kind", f"Choose one of: {', '.join(CostLine.Kind.values)}")
        name = checks.text(
            line.get("name") or CostLine.Kind(kind).label, f"{field}.name", label="the line's name"
        )
        if (kind, name) in seen:
            raise Refused.on(f"{field}.name", f"{name} is given twice")
        seen.add((kind, name))
        found.append(
            {"kind": kind, "name": name, "amount": checks.money(line.get("amount"), f"{field}.amount")}
        )
    return found


def _kpis(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "name": checks.text(k.get("name"), f"kpis[{i}].name", label="the KPI's name"),
            "target": checks.text(k.get("target"), f"kpis[{i}].target", label="the KPI's target"),
        }
        for i, k in enumerate(raw)
    ]


def _outcome(raw: Mapping[str, Any], field: str) -> dict[str, Any]:
    return {
        "measure": checks.text(raw.get("measure"), f"{field}.measure", label="what is measured"),
        "baseline": checks.number(raw.get("baseline"), f"{field}.baseline"),
        "target": checks.number(raw.get("target"), f"{field}.target"),
        "unit": checks.text(raw.get("unit"), f"{field}.unit", label="the unit", max_length=50),
    }


@transaction.atomic
def make_contract(actor: Actor, procurement: Procurement, lot_id: Any, raw: Mapping[str, Any]) -> Contract:
    """Make the contract of an awarded lot once the standstill is over (UK7), with its open-book cost
    lines, outcomes and KPIs as agreed at award. A contract of £5m or more needs at least three KPIs."""
    council = procurement.council
    _may_manage(actor, procurement)
    procurement = Procurement.objects.for_council(council).select_for_update().get(pk=procurement.pk)
    if procurement.stage != Stage.STANDSTILL:
        raise Conflict.on("stage", f"The procurement is at {procurement.get_stage_display()}, not standstill")
    today = timezone.localdate()
    if procurement.standstill_ends is not None and today <= procurement.standstill_ends:
        raise Conflict.on(
            "standstill_ends",
            f"The standstill runs to {procurement.standstill_ends:%d %B %Y}: no contract before",
        )
    lot = lot_of(procurement, lot_id)
    if lot.awarded_provider_id is None:
        raise Conflict.on("lot_id", f"Lot {lot.number} has not been awarded")
    if Contract.objects.for_council(council).filter(lot=lot).exists():
        raise Conflict.on("lot_id", f"Lot {lot.number} already has its contract")
    start = checks.day(raw.get("start_date"), "start_date")
    end = checks.day(raw.get("end_date"), "end_date")
    assert start is not None and end is not None
    if end < start:
        raise Refused.on("end_date", "The contract must end after it starts")
    kpis = _kpis(raw.get("kpis") or [])
    value = lot.awarded_value or Decimal(0)
    if value >= KPI_THRESHOLD and len(kpis) < KPIS_REQUIRED:
        raise Refused.on(
            "kpis",
            f"A contract of £5m or more needs at least {KPIS_REQUIRED} KPIs (this one has {len(kpis)})",
        )
    lines = _lines(raw.get("cost_lines") or [])
    outcomes = [_outcome(o, f"outcomes[{i}]") for i, o in enumerate(raw.get("outcomes") or [])]
    suffix = f"-{lot.number}" if lots(procurement).count() > 1 else ""
    contract = Contract(
        council=council,
        procurement=procurement,
        lot=lot,
        bid=lot.awarded_bid,
        commission=procurement.commission,
        provider=lot.awarded_provider,
        origin=Contract.Origin.PROCUREMENT,
        reference=f"{procurement.reference}{suffix}",
        title=checks.text(raw.get("title") or lot.title, "title", label="a title"),
        description=procurement.description,
        value=value,
        start_date=start,
        end_date=end,
        ocid=procurement.ocid,
    )
    record_contract(
        actor,
        contract,
        change="made",
        reason="Made at award",
        cost_lines=lines,
        outcomes=outcomes,
        kpis=kpis,
        override_reason=str(raw.get("override_reason") or ""),
    )
    if not lots(procurement).filter(awarded_provider__isnull=True).exists() and not (
        lots(procurement).exclude(pk=lot.pk).exclude(contracts__isnull=False).exists()
    ):
        procurement.stage = Stage.CONTRACT
        procurement.save(update_fields=["stage", "updated_at"])
        changed(actor, procurement, "contracted")
    publish_notice(actor, procurement, NoticeType.UK7, contract_facts(contract), contract=contract)
    return contract


@transaction.atomic
def set_cost_lines(actor: Actor, contract: Contract, raw: Sequence[Mapping[str, Any]]) -> list[CostLine]:
    """Replace the open book's lines (the provider updates them; the commissioner may too)."""
    _may_report(actor, contract)
    contract = _active(contract)
    lines = _lines(raw)
    CostLine.objects.for_council(contract.council).filter(contract=contract).delete()
    made = [
        CostLine.objects.create(council=contract.council, contract=contract, updated_by=actor.user, **line)
        for line in lines
    ]
    total = sum((line.amount for line in made), Decimal(0))
    contract_changed(actor, contract, "costs_updated", lines=len(made), total=str(total))
    return made


@transaction.atomic
def add_outcome(actor: Actor, contract: Contract, raw: Mapping[str, Any]) -> Outcome:
    """Add an outcome the contract is for (from the commission's purpose), with baseline and target."""
    _may_manage(actor, contract)
    contract = _active(contract)
    outcome = Outcome.objects.create(council=contract.council, contract=contract, **_outcome(raw, "outcome"))
    contract_changed(actor, contract, "outcome_added", measure=outcome.measure)
    return outcome


@transaction.atomic
def report_result(
    actor: Actor, contract: Contract, outcome_id: Any, period_end: Any, value: Any
) -> OutcomeResult:
    """Report an outcome's result for a period (a second report for the same period replaces it)."""
    _may_report(actor, contract)
    contract = _active(contract)
    outcome = outcome_of(contract, outcome_id)
    day = checks.day(period_end, "period_end")
    amount = checks.number(value, "value")
    result, _ = OutcomeResult.objects.for_council(contract.council).update_or_create(
        outcome=outcome,
        period_end=day,
        defaults={"council": contract.council, "value": amount, "reported_by": actor.user},
    )
    contract_changed(actor, contract, "result_reported", measure=outcome.measure, period_end=str(day))
    return result


@transaction.atomic
def add_kpi(actor: Actor, contract: Contract, name: str, target: str) -> Kpi:
    _may_manage(actor, contract)
    contract = _active(contract)
    made = _kpis([{"name": name, "target": target}])[0]
    found = Kpi.objects.create(council=contract.council, contract=contract, **made)
    contract_changed(actor, contract, "kpi_added", kpi=found.name)
    return found


def _rate(
    actor: Actor,
    contract: Contract,
    period_end: date,
    ratings: Sequence[Mapping[str, Any]],
    at_termination: bool,
) -> list[KpiAssessment]:
    every = {str(k.pk): k for k in Kpi.objects.for_council(contract.council).filter(contract=contract)}
    given: dict[str, tuple[str, str]] = {}
    for index, raw in enumerate(ratings):
        kpi = kpi_of(contract, raw.get("kpi_id"))
        rating = raw.get("rating")
        if rating not in Rating.values:
            raise Refused.on(f"ratings[{index}].rating", f"Choose one of: {', '.join(Rating.labels)}")
        note = checks.text(
            raw.get("note"), f"ratings[{index}].note", label="a note", max_length=4000, required=False
        )
        given[str(kpi.pk)] = (rating, note)
    missing = [k.name for key, k in every.items() if key not in given]
    if missing:
        raise Refused.on("ratings", f"Rate every KPI: {', '.join(missing)} has no rating")
    made = []
    for key, (rating, note) in given.items():
        found, _ = KpiAssessment.objects.for_council(contract.council).update_or_create(
            kpi=every[key],
            period_end=period_end,
            defaults={
                "council": contract.council,
                "rating": rating,
                "note": note,
                "at_termination": at_termination,
                "assessed_by": actor.user,
            },
        )
        made.append(found)
    return made


def _performance_facts(contract: Contract, made: list[KpiAssessment], at_termination: bool) -> dict[str, Any]:
    return {
        **contract_facts(contract),
        "assessment": {
            "period_end": made[0].period_end.isoformat() if made else None,
            "at_termination": at_termination,
            "ratings": [
                {"kpi": a.kpi.name, "rating": a.rating, "rating_name": a.get_rating_display(), "note": a.note}
                for a in made
            ],
        },
    }


@transaction.atomic
def assess_performance(
    actor: Actor, contract: Contract, period_end: Any, ratings: Sequence[Mapping[str, Any]]
) -> list[KpiAssessment]:
    """Rate every KPI of the contract for a period (Good, Approaching target, Requires improvement,
    Inadequate, Other): the contract performance notice (UK9)."""
    _may_manage(actor, contract)
    contract = _active(contract)
    if not Kpi.objects.for_council(contract.council).filter(contract=contract).exists():
        raise Conflict.on("ratings", "The contract has no KPIs to rate")
    day = checks.day(period_end, "period_end")
    assert day is not None
    made = _rate(actor, contract, day, ratings, at_termination=False)
    contract_changed(actor, contract, "performance_assessed", period_end=str(day))
    publish_notice(
        actor, contract.procurement, NoticeType.UK9, _performance_facts(contract, made, False), contract
    )
    return made


@transaction.atomic
def record_breach(actor: Actor, contract: Contract, raw: Mapping[str, Any]) -> Breach:
    """Record a breach (of one KPI or of the contract) and its penalty."""
    _may_manage(actor, contract)
    contract = _active(contract)
    kpi = kpi_of(contract, raw["kpi_id"]) if raw.get("kpi_id") else None
    breach = Breach.objects.create(
        council=contract.council,
        contract=contract,
        kpi=kpi,
        description=checks.text(
            raw.get("description"), "description", label="what happened", max_length=4000
        ),
        penalty=checks.money(raw.get("penalty") or "0", "penalty"),
        occurred_on=checks.day(raw.get("occurred_on"), "occurred_on"),
        recorded_by=actor.user,
    )
    contract_changed(actor, contract, "breach_recorded", penalty=str(breach.penalty))
    return breach


@transaction.atomic
def vary_contract(actor: Actor, contract: Contract, raw: Mapping[str, Any]) -> Variation:
    """Vary a contract: the reason, the change in cost (negative if it saves money), who agreed it and a
    new end date if it moves. The contract takes a new version (UK10). Refused once it has ended."""
    _may_manage(actor, contract)
    contract = _active(contract, "contract_id")
    reason = checks.text(raw.get("reason"), "reason", label="the reason for the change", max_length=4000)
    cost = checks.money(raw.get("cost_change"), "cost_change", negative=True)
    assert cost is not None
    agreed_by = checks.text(raw.get("agreed_by"), "agreed_by", label="who agreed it")
    agreed_on = checks.day(raw.get("agreed_on") or timezone.localdate(), "agreed_on")
    new_end = checks.day(raw.get("new_end_date"), "new_end_date", required=False)
    if contract.value + cost < 0:
        raise Refused.on(
            "cost_change", f"The contract is worth £{contract.value}: it cannot fall below nothing"
        )
    if new_end is not None and new_end < contract.start_date:
        raise Refused.on("new_end_date", "The contract cannot end before it starts")
    contract.value += cost
    contract.end_date = new_end or contract.end_date
    contract.version += 1
    contract.save(update_fields=["value", "end_date", "version", "updated_at"])
    variation = Variation.objects.create(
        council=contract.council,
        contract=contract,
        reason=reason,
        cost_change=cost,
        agreed_by=agreed_by,
        agreed_on=agreed_on,
        new_version=contract.version,
        new_end_date=new_end,
        recorded_by=actor.user,
    )
    keep_version(actor, contract, reason)
    # money: the difference is committed from the funding (an increase) or released (a saving).
    ledger.vary(actor, contract, cost, override_reason=str(raw.get("override_reason") or ""))
    contract_changed(actor, contract, "varied", cost_change=str(cost), reason=reason)
    facts = {
        **contract_facts(contract),
        "variation": {
            "reason": reason,
            "cost_change": str(cost),
            "agreed_by": agreed_by,
            "agreed_on": str(agreed_on),
        },
    }
    publish_notice(actor, contract.procurement, NoticeType.UK10, facts, contract=contract)
    return variation


@transaction.atomic
def terminate_contract(actor: Actor, contract: Contract, raw: Mapping[str, Any]) -> Termination:
    """End a contract early with the reason (UK11). A contract with KPIs has them rated at termination
    first (UK9), so `ratings` must rate each one."""
    _may_manage(actor, contract)
    contract = _active(contract, "contract_id")
    reason = checks.text(raw.get("reason"), "reason", label="the reason", max_length=4000)
    day = checks.day(raw.get("terminated_on") or timezone.localdate(), "terminated_on")
    assert day is not None
    has_kpis = Kpi.objects.for_council(contract.council).filter(contract=contract).exists()
    made = _rate(actor, contract, day, raw.get("ratings") or [], at_termination=True) if has_kpis else []
    contract.status = Contract.Status.TERMINATED
    contract.version += 1
    contract.save(update_fields=["status", "version", "updated_at"])
    ended = Termination.objects.create(
        council=contract.council, contract=contract, reason=reason, terminated_on=day, recorded_by=actor.user
    )
    keep_version(actor, contract, f"Terminated: {reason}")
    # money: release what is still committed to this contract and will not now be paid.
    ledger.release(actor, contract, description="Released on termination")
    contract_changed(actor, contract, "terminated", reason=reason)
    if made:
        publish_notice(
            actor, contract.procurement, NoticeType.UK9, _performance_facts(contract, made, True), contract
        )
    facts = {**contract_facts(contract), "termination": {"reason": reason, "date": day.isoformat()}}
    publish_notice(actor, contract.procurement, NoticeType.UK11, facts, contract=contract)
    return ended
