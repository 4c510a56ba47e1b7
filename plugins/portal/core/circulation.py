"""Pre-publication circulation (SPEC §4 rule 4; DOMAIN rules 2-4).

Each rule says who must receive what, how many working days before publication. The
register records when each was sent. An item whose publication time has come but whose
circulation is missing or late is not live, and that is a compliance error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from .dates import format_date, local_date
from .items import Item
from .register import RegisterEntry

SENDS = {
    "full-report": "the full report",
    "executive-summary": "the executive summary",
    "briefing": "the briefing",
}


@dataclass(frozen=True)
class CirculationRule:
    """Who receives what, how long before publication.

    Attributes:
        id: the key under ``circulation:`` in the register (``national-panel``).
        recipient: who it is, for people (``Child Safeguarding Practice Review Panel``).
        addresses: where the pack is emailed.
        working_days: how many working days before the publication date, at the latest.
        sends: what is sent (``full-report``, ``executive-summary``, ``briefing``).
        applies_to: the item kinds (folders) it applies to.
    """

    id: str
    recipient: str
    addresses: tuple[str, ...]
    working_days: int
    sends: tuple[str, ...] = ("full-report",)
    applies_to: tuple[str, ...] = ("reviews",)

    def applies(self, item: Item) -> bool:
        return item.kind.value in self.applies_to

    @property
    def label(self) -> str:
        return f"{self.id} ({self.recipient}, {self.working_days} working days)"


NATIONAL_PANEL = "Mailbox.NationalReviewPanel@education.gov.uk"
OFSTED = "SCR.SIN@ofsted.gov.uk"
DFE = "Mailbox.CPOD@education.gov.uk"

# 004 §10.5.1: "no later than seven working days before the date of publication".
DEFAULT_RULES = (
    CirculationRule("national-panel", "Child Safeguarding Practice Review Panel", (NATIONAL_PANEL,), 7),
    CirculationRule("ofsted", "Ofsted", (OFSTED,), 7),
    CirculationRule("dfe", "Department for Education", (DFE,), 7),
)


class DeadlineState(str, Enum):
    DONE = "done"
    LATE = "sent late"
    DUE = "due"
    DUE_TODAY = "due today"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Deadline:
    """One rule's deadline for one item, and where it stands on ``today``."""

    rule: CirculationRule
    latest_send_date: date
    state: DeadlineState
    sent_on: date | None = None
    working_days_left: int = 0

    @property
    def description(self) -> str:
        if self.state is DeadlineState.DONE:
            return f"done (sent {format_date(self.sent_on)})"
        if self.state is DeadlineState.LATE:
            return (f"sent late ({format_date(self.sent_on)}; latest was "
                    f"{format_date(self.latest_send_date)})")
        if self.state is DeadlineState.DUE_TODAY:
            return "due today"
        if self.state is DeadlineState.OVERDUE:
            return f"overdue (latest was {format_date(self.latest_send_date)})"
        days = self.working_days_left
        return f"due in {days} working day{'s' if days != 1 else ''} (by {format_date(self.latest_send_date)})"


def deadlines(item: Item, rules, entry: RegisterEntry, today: date, settings,
              publication_date: date | None = None) -> list[Deadline]:
    """Every applicable rule's deadline for ``item``, with its state on ``today``.

    ``publication_date`` defaults to the date of ``publish_at``; pass the date a legal
    hold lifts when that is later.
    """
    if item.publish_at is None:
        return []
    if publication_date is None:
        publication_date = local_date(item.publish_at, settings.timezone)
    calendar = settings.calendar
    result = []
    for rule in rules:
        if not rule.applies(item):
            continue
        latest = calendar.before(publication_date, rule.working_days)
        record = entry.circulation.get(rule.id)
        if record is not None and record.sent_on > today:
            record = None  # a send dated in the future has not happened yet: never counted
        if record is not None:
            state = DeadlineState.DONE if record.sent_on <= latest else DeadlineState.LATE
            result.append(Deadline(rule, latest, state, sent_on=record.sent_on))
        elif today > latest:
            result.append(Deadline(rule, latest, DeadlineState.OVERDUE))
        elif today == latest:
            result.append(Deadline(rule, latest, DeadlineState.DUE_TODAY))
        else:
            left = calendar.count_between(today, latest)
            result.append(Deadline(rule, latest, DeadlineState.DUE, working_days_left=left))
    return result


def earliest_compliant_publication(deadline: Deadline, today: date, settings) -> date:
    """The earliest publication date this rule allows: from the recorded send date, or
    from today if nothing has been sent yet."""
    sent = deadline.sent_on or today
    return settings.calendar.after(sent, deadline.rule.working_days)


def noncompliance_message(item: Item, deadline: Deadline, now: datetime, settings) -> str:
    today = local_date(now, settings.timezone)
    earliest = earliest_compliant_publication(deadline, today, settings)
    rule = deadline.rule
    if deadline.sent_on is None:
        what = (f"circulation to {rule.recipient} (rule '{rule.id}', {rule.working_days} "
                f"working days) is not recorded as sent")
        allow = f"if sent today, the earliest compliant publication date is {format_date(earliest)}"
    else:
        what = (f"circulation to {rule.recipient} (rule '{rule.id}', {rule.working_days} "
                f"working days) was sent on {format_date(deadline.sent_on)}, too late")
        allow = f"the recorded circulation allows publication from {format_date(earliest)}"
    return (f"{what}: it had to be sent by {format_date(deadline.latest_send_date)}; {allow}. "
            f"Not published. Change publish_at, or record sent_on in embargo/{item.id}.yaml "
            "if it was sent in time")
