"""The records manager's rules, as plain functions of dates: when a record falls due for disposal and
why, how many clear days' notice a key decision had, when call-in closes, when a request is due."""

from __future__ import annotations

from datetime import date

from civichub.core.calendar import add_calendar_month, add_working_days, next_working_day

# Working days after publication in which a decision can be called in (a common constitution's rule).
CALL_IN_WORKING_DAYS = 5
FOI_WORKING_DAYS = 20
# Key decisions are published in the forward plan at least this many clear days ahead (2012 Regs, reg 9).
NOTICE_CLEAR_DAYS = 28


def add_years(day: date, years: int) -> date:
    """The same date `years` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def dispose_on(trigger_date: date | None, retention_years: int, action: str) -> date | None:
    """When a record falls due: its trigger date plus the class's retention; never for a permanent one,
    or while the trigger (a contract's end, a case's closure) has not happened."""
    if trigger_date is None or action == "permanent":
        return None
    return add_years(trigger_date, retention_years)


def clear_days(notice: date, decided: date) -> int:
    """Clear days between a notice and a decision: neither the day of notice nor the day of decision."""
    return (decided - notice).days - 1


def call_in_deadline(published: date) -> date:
    return add_working_days(published, CALL_IN_WORKING_DAYS)


def request_due(kind: str, received: date) -> date:
    """FOI: the 20th working day after receipt. SAR: one calendar month from receipt, moved to the next
    working day when that falls on a weekend or bank holiday (ICO guidance)."""
    if kind == "foi":
        return add_working_days(received, FOI_WORKING_DAYS)
    return next_working_day(add_calendar_month(received))
