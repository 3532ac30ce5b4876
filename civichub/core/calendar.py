"""Working days in England: weekends and English bank holidays are not working days.

Statutory clocks count in them: a Freedom of Information request is answered within 20 working days, a
procurement standstill lasts 8 working days. The bank holidays come from the `holidays` package, which
ships its data (no download at run time), so the same dates are used on every machine.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from functools import cache

import holidays

# England and Wales share bank holidays; Scotland and Northern Ireland have their own (other subdivisions).
SUBDIVISION = "ENG"


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=SUBDIVISION, years=[year]).keys())


def bank_holiday_name(day: date) -> str:
    """The bank holiday on `day` in England, or '' if there is none."""
    return str(holidays.country_holidays("GB", subdiv=SUBDIVISION, years=[day.year]).get(day) or "")


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an English bank holiday (substitute days included)."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, or the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The working day `days` working days after `start` (the day after `start` is the first one counted).

    The FOI Act's "20th working day following the date of receipt": add_working_days(received, 20).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return day


def add_calendar_month(start: date) -> date:
    """The same date next month, or that month's last day if it has no such date (31 January -> 28/29
    February): how the ICO counts a subject access request's month."""
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start` up to and including `end` (0 if end is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
