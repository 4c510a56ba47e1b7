"""Dates and instants in the site timezone, including the clock changes."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.core.dates import DateError, format_instant, parse_date, parse_instant

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
DEFAULT = time(0, 1)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-24", date(2026, 11, 24)),
    ("2024-02-29", date(2024, 2, 29)),
])
def test_dates_parse(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, message", [
    ("2026-02-30", "2026-02-30 is not a real date"),
    ("2025-02-29", "is not a real date"),
    ("24/11/2026", "expected a date written YYYY-MM-DD"),
    ("2026-13-01", "is not a real date"),
    ("tomorrow", "expected a date written YYYY-MM-DD"),
])
def test_bad_dates_are_explained(text, message):
    with pytest.raises(DateError, match=message):
        parse_date(text)


def test_bare_date_means_the_default_time_in_the_site_timezone():
    moment = parse_instant("2026-07-01", LONDON, DEFAULT)
    assert moment == datetime(2026, 6, 30, 23, 1, tzinfo=UTC)  # BST is UTC+1
    assert moment.utcoffset().total_seconds() == 0


def test_local_time_is_read_in_the_site_timezone():
    assert parse_instant("2026-12-08 09:30", LONDON, DEFAULT) == datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    assert parse_instant("2026-06-16T10:00", LONDON, DEFAULT) == datetime(2026, 6, 16, 9, 0, tzinfo=UTC)


def test_explicit_offsets_are_honoured():
    assert parse_instant("2026-06-16 10:00+00:00", LONDON, DEFAULT) == datetime(2026, 6, 16, 10, 0, tzinfo=UTC)
    assert parse_instant("2026-06-16T10:00Z", LONDON, DEFAULT) == datetime(2026, 6, 16, 10, 0, tzinfo=UTC)


def test_publication_at_one_minute_past_midnight_on_the_days_the_clocks_change():
    # Spring: clocks go forward at 01:00 GMT on 28 March 2027; 00:01 is still GMT.
    spring = parse_instant("2027-03-28", LONDON, DEFAULT)
    assert spring == datetime(2027, 3, 28, 0, 1, tzinfo=UTC)
    # Autumn: clocks go back at 02:00 BST on 25 October 2026; 00:01 is still BST.
    autumn = parse_instant("2026-10-25", LONDON, DEFAULT)
    assert autumn == datetime(2026, 10, 24, 23, 1, tzinfo=UTC)


def test_a_time_that_does_not_exist_is_an_error():
    with pytest.raises(DateError, match="does not exist in Europe/London"):
        parse_instant("2027-03-28 01:30", LONDON, DEFAULT)


def test_a_time_that_happens_twice_means_the_later_one():
    # 01:30 on 25 October 2026 happens at 00:30 UTC (BST) and 01:30 UTC (GMT).
    assert parse_instant("2026-10-25 01:30", LONDON, DEFAULT) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_format_instant_names_the_day_and_zone():
    moment = parse_instant("2027-01-05", LONDON, DEFAULT)
    assert format_instant(moment, LONDON) == "Tuesday 5 January 2027, 00:01 GMT"
