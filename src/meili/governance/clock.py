"""Statutory clocks: calendar and working days with Chinese public holidays and make-up workdays.

Which days are workdays, in this order:

1. the administrator's :class:`~meili.governance.models.HolidayOverride` table (a holiday or a make-up
   workday on a date), which wins over everything;
2. the ``chinese_calendar`` package (State Council holiday notices, 调休 included) for the years it
   has data for (up to 2026 in version 1.11);
3. otherwise Monday to Friday — for years the package does not cover yet, the administrator enters
   that year's holidays and make-up workdays as overrides once the State Council publishes them.

Periods follow the usual reading of Chinese administrative time limits: the start day is not counted;
"N days" ends N calendar days later, moved to the next workday when it falls on a rest day; "N working
days" is the N-th workday after the start day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

from meili.governance import conf

SOURCE_OVERRIDE = "override"
SOURCE_PACKAGE = "chinese_calendar"
SOURCE_WEEKDAYS = "weekdays"


@lru_cache(maxsize=64)
def package_covers(year: int) -> bool:
    """True when ``chinese_calendar`` has holiday data for *year*."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def package_last_year() -> int:
    """The last year with holiday data in the installed ``chinese_calendar``."""
    year = dt.date.today().year + 5
    while year > 2004 and not package_covers(year):
        year -= 1
    return year


class Calendar:
    """Workday look-ups with the overrides loaded once (one query per calendar object)."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        if overrides is None:
            from meili.governance.models import HolidayOverride

            overrides = {o.date: o.kind == HolidayOverride.Kind.WORKDAY for o in HolidayOverride.objects.all()}
        self.overrides = overrides

    def source(self, day: dt.date) -> str:
        if day in self.overrides:
            return SOURCE_OVERRIDE
        if package_covers(day.year):
            return SOURCE_PACKAGE
        return SOURCE_WEEKDAYS

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """*day* itself when it is a workday, else the first workday after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add(self, start: dt.date, days: int, working: bool, roll: bool | None = None) -> dt.date:
        """The last day of a period of *days* (calendar or working) starting after *start*."""
        if days < 0:
            raise ValueError("a period cannot be negative")
        if working:
            day, left = start, days
            while left:
                day += dt.timedelta(days=1)
                if self.is_workday(day):
                    left -= 1
            return day
        end = start + dt.timedelta(days=days)
        roll = conf.get("roll_to_workday") if roll is None else roll
        return self.next_workday(end) if roll and days else end

    def days_left(self, today: dt.date, due: dt.date, working: bool) -> int:
        """Days from *today* to *due* (negative when overdue), counted as the rule counts them."""
        if not working:
            return (due - today).days
        sign, a, b = (1, today, due) if due >= today else (-1, due, today)
        count, day = 0, a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return sign * count


def rule(name: str) -> tuple[int, bool]:
    """``(days, working)`` of the clock rule *name* (``accept``, ``finish``, ``unit`` …)."""
    value = conf.get(name)
    return int(value["days"]), bool(value.get("working", False))


def due(name: str, start: dt.date, calendar: Calendar | None = None) -> dt.date:
    """The deadline of rule *name* for a period starting on *start*."""
    days, working = rule(name)
    return (calendar or Calendar()).add(start, days, working)
