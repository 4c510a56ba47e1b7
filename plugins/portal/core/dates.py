"""Dates and times in the site's timezone.

Every instant the rules compare is a timezone-aware ``datetime``. Front matter gives
local dates and times; these functions turn them into aware datetimes, or explain why
they cannot.

Instants are kept in UTC. Python compares two datetimes that share a tzinfo by their
wall-clock values, ignoring ``fold``, so 01:45 BST would count as later than 01:30 GMT on
the night the clocks go back; in UTC that cannot happen. They are shown in the site
timezone (``format_instant``).

Clock changes (Europe/London): a local time that does not exist (01:30 on the last
Sunday of March) is an error, because nobody can say which instant was meant; a local
time that happens twice (01:30 on the last Sunday of October) means the *later* of the
two, so that an embargo is never lifted earlier than any reading of it allows.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s*(Z|[+-]\d{2}:?\d{2}))?$"
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
UTC = timezone.utc


class DateError(ValueError):
    """A value that is not a valid date or time; the message says what would be."""


def load_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DateError(
            f"unknown timezone {name!r}: use an IANA name such as 'Europe/London'"
        ) from exc


def parse_date(value: object) -> date:
    """A calendar date written ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        raise DateError(f"expected a date (YYYY-MM-DD), got a date and time {value!s}")
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise DateError(f"expected a date written YYYY-MM-DD, got {text!r}")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{text} is not a real date ({exc})") from exc


def parse_time_of_day(value: object) -> time:
    text = str(value).strip()
    match = _TIME.match(text)
    if not match:
        raise DateError(f"expected a time of day written HH:MM, got {text!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise DateError(f"{text} is not a real time of day")
    return time(hour, minute)


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach ``tz`` to a local wall-clock time, refusing one that does not exist."""
    later = naive.replace(tzinfo=tz, fold=1)
    earlier = naive.replace(tzinfo=tz, fold=0)
    round_trip = _in_utc(later, naive.isoformat(" ", "minutes")).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        raise DateError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks go forward "
            f"that night): choose a time before {earlier:%H:00} or after the change"
        )
    return later.astimezone(UTC)


def _in_utc(moment: datetime, shown: str) -> datetime:
    """``moment`` in UTC; DateError where that falls outside the years 1 to 9999 that
    Python can hold (0001-01-01 00:30+01:00 is in the year 0 in UTC)."""
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise DateError(f"{shown} is outside the dates the portal can handle "
                        f"(give a date between the years 1 and 9999)") from exc


OFFSET_RANGE = (timedelta(hours=-12), timedelta(hours=14))
"""The UTC offsets in use anywhere on Earth (Baker Island to Kiritimati)."""


def parse_offset(text: str) -> timezone:
    """A UTC offset written ``+HH:MM``, ``+HHMM`` or ``Z``; DateError for one that no
    place uses (``+25:00`` used to reach the user as a Python traceback)."""
    if text == "Z":
        return UTC
    match = re.match(r"^([+-])(\d{2}):?(\d{2})$", text)
    if not match:
        raise DateError(f"expected a UTC offset written +HH:MM or Z, got {text!r}")
    hours, minutes = int(match.group(2)), int(match.group(3))
    offset = timedelta(hours=hours, minutes=minutes) * (1 if match.group(1) == "+" else -1)
    if minutes > 59 or not OFFSET_RANGE[0] <= offset <= OFFSET_RANGE[1]:
        raise DateError(f"the UTC offset {text} is impossible (offsets run from -12:00 to +14:00)")
    return timezone(offset)


def parse_instant(value: object, tz: ZoneInfo, default_time: time) -> datetime:
    """A publication instant: ``YYYY-MM-DD`` (at ``default_time``), or a local date-time.

    An explicit offset (``+01:00`` or ``Z``) is honoured; otherwise the time is local to
    ``tz``.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return localize(value, tz)
        return _in_utc(value, value.isoformat(" ", "minutes"))
    if isinstance(value, date):
        return localize(datetime.combine(value, default_time), tz)
    text = str(value).strip()
    if _DATE.match(text):
        return localize(datetime.combine(parse_date(text), default_time), tz)
    match = _DATETIME.match(text)
    if not match:
        raise DateError(
            f"expected a date (YYYY-MM-DD) or a local date and time "
            f"(YYYY-MM-DD HH:MM), got {text!r}"
        )
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    try:
        naive = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
    except ValueError as exc:
        raise DateError(f"{text} is not a real date and time ({exc})") from exc
    offset = match.group(7)
    if offset is None:
        return localize(naive, tz)
    return _in_utc(naive.replace(tzinfo=parse_offset(offset)), text)


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    return localize(datetime.combine(day, time(0, 0)), tz)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date of an instant in the site timezone."""
    return moment.astimezone(tz).date()


def format_instant(moment: datetime, tz: ZoneInfo) -> str:
    """An instant for people, in the site timezone: ``Tuesday 5 January 2027, 00:01 GMT``."""
    moment = moment.astimezone(tz)
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M} {moment.tzname()}"


def format_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
