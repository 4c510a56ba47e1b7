"""The working-day calendar against real England and Wales bank holidays."""

from datetime import date

import pytest

from portal.core.calendar import WorkingDays

CAL = WorkingDays()


@pytest.mark.parametrize("publication, days, latest", [
    # DOMAIN rule 4: Boxing Day observed (Mon 28 Dec 2026) and New Year's Day (Fri 1 Jan).
    (date(2027, 1, 5), 7, date(2026, 12, 22)),
    (date(2026, 12, 16), 7, date(2026, 12, 7)),
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    (date(2027, 4, 1), 7, date(2027, 3, 19)),
    (date(2027, 3, 30), 1, date(2027, 3, 25)),
    # Substitute days: Christmas 2027 falls on a Saturday, Boxing Day on a Sunday, so
    # Monday 27 and Tuesday 28 December 2027 are bank holidays.
    (date(2027, 12, 29), 1, date(2027, 12, 24)),
    (date(2022, 12, 28), 1, date(2022, 12, 23)),  # 26 Dec 2022 Boxing Day, 27 Dec substitute
    # One-off bank holidays: the State Funeral (19 Sep 2022) and the Coronation (8 May 2023).
    (date(2022, 9, 20), 1, date(2022, 9, 16)),
    (date(2023, 5, 9), 1, date(2023, 5, 5)),
    # Spring and late summer bank holidays.
    (date(2026, 5, 26), 1, date(2026, 5, 22)),
    (date(2026, 9, 1), 1, date(2026, 8, 28)),
    (date(2026, 12, 8), 10, date(2026, 11, 24)),
])
def test_latest_send_dates(publication, days, latest):
    assert CAL.before(publication, days) == latest


@pytest.mark.parametrize("day, reason", [
    (date(2026, 12, 25), "a bank holiday (Christmas Day)"),
    (date(2026, 12, 28), "a bank holiday (Boxing Day (observed))"),
    (date(2022, 9, 19), "a bank holiday (State Funeral of Queen Elizabeth II)"),
    (date(2023, 5, 8), "a bank holiday (Coronation of Charles III)"),
    (date(2027, 3, 26), "a bank holiday (Good Friday)"),
    (date(2027, 3, 29), "a bank holiday (Easter Monday)"),
    (date(2026, 11, 21), "Saturday"),
    (date(2026, 11, 22), "Sunday"),
    (date(2026, 11, 23), None),
])
def test_why_a_day_is_not_a_working_day(day, reason):
    assert CAL.why_not_working(day) == reason


def test_england_not_scotland():
    # 2 January and St Andrew's Day are Scottish bank holidays only.
    assert CAL.is_working_day(date(2026, 1, 2))
    assert CAL.is_working_day(date(2026, 11, 30))


def test_closure_days_are_not_working_days():
    closed = WorkingDays({date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)})
    assert closed.why_not_working(date(2026, 12, 30)) == "a closure day"
    assert closed.before(date(2027, 1, 5), 7) == date(2026, 12, 17)


def test_after_is_the_inverse_of_before():
    assert CAL.after(date(2026, 12, 22), 7) == date(2027, 1, 5)
    assert CAL.after(date(2026, 11, 22), 7) == date(2026, 12, 1)


def test_counting_working_days():
    assert CAL.count_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert CAL.count_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    assert CAL.count_between(date(2026, 11, 27), date(2026, 11, 20)) == -5
