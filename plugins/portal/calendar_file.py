"""The schedule as an iCalendar file (the icalendar package): an event per publication
and per circulation deadline, each with an alarm."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event, vText

from .core.circulation import DeadlineState
from .outputs import plain_text


def _text(value: str) -> vText:
    """Calendar text: escaped by icalendar as TEXT (a newline, comma or semicolon in a
    title cannot start a property), without characters RFC 5545 does not allow.

    Typed as vText because icalendar writes an X- property's string unescaped (a newline
    in the site's name stopped the command).
    """
    return vText(plain_text(value))


def _alarm(before: timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", _text(text))
    return alarm


def write_ics(rows, path: Path, tz, site_name: str) -> None:
    calendar = Calendar()
    calendar.add("prodid", "-//safeguarding-review-portal//schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _text(f"{site_name}: publication schedule"))
    for row in rows:
        item = row.item
        event = Event()
        event.add("uid", f"publication-{item.id.replace('/', '-')}@portal")
        event.add("summary", _text(f"Publication: {item.title}"))
        event.add("dtstart", item.publish_at.astimezone(tz))
        event.add("dtend", item.publish_at.astimezone(tz) + timedelta(minutes=30))
        event.add("description", _text(f"{item.id}: {row.status}"))
        event.add_component(_alarm(timedelta(days=1), f"Tomorrow: publication of {item.title}"))
        calendar.add_component(event)
        for deadline in row.deadlines:
            if deadline.state in (DeadlineState.DONE,):
                continue
            event = Event()
            event.add("uid", f"deadline-{item.id.replace('/', '-')}-{deadline.rule.id}@portal")
            event.add("summary", _text(f"Send to {deadline.rule.recipient}: {item.title}"))
            event.add("dtstart", deadline.latest_send_date)
            event.add("dtend", deadline.latest_send_date + timedelta(days=1))
            event.add("description", _text(
                f"Latest date to send the circulation pack ({deadline.rule.id}, "
                f"{deadline.rule.working_days} working days before publication) "
                f"to {', '.join(deadline.rule.addresses)}. "
                f"Run: portal circulate {item.id} --rule {deadline.rule.id}"))
            event.add_component(_alarm(timedelta(days=2), f"Circulation due: {item.title}"))
            calendar.add_component(event)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(calendar.to_ical())
