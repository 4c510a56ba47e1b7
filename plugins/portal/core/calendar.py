"""Working days: Monday to Friday, less England and Wales bank holidays (from the
``holidays`` package, GB subdivision ENG, substitute days included) and any closure days
the site configures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays


class WorkingDays:
    """The partnership's working-day calendar."""

    def __init__(self, closure_days: Iterable[date] = ()):
        self.closure_days = frozenset(closure_days)
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")

    def bank_holiday(self, day: date) -> str | None:
        """The bank holiday's name on ``day``, or None."""
        return self._bank_holidays.get(day)

    def why_not_working(self, day: date) -> str | None:
        """Why ``day`` is not a working day (``Saturday``, a bank holiday, a closure), or None."""
        if day.weekday() >= 5:
            return f"{day:%A}"
        name = self.bank_holiday(day)
        if name:
            return f"a bank holiday ({name})"
        if day in self.closure_days:
            return "a closure day"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.why_not_working(day) is None

    def before(self, day: date, count: int) -> date:
        """The ``count``-th working day before ``day`` (``day`` itself not counted).

        "No later than seven working days before the date of publication": for
        publication on Tuesday 5 January 2027 that is Tuesday 22 December 2026.
        """
        current = day
        remaining = count
        while remaining > 0:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def after(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day``: the earliest publication date for
        which something sent on ``day`` is ``count`` working days ahead."""
        current = day
        remaining = count
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def count_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.count_between(end, start)
        days = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                days += 1
        return days
