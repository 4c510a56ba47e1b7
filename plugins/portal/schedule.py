"""What communications staff plan from: upcoming publications, their deadlines, and the
next instant at which the public site changes. Built from a ``Project`` at ``now``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .core.circulation import Deadline, DeadlineState, deadlines
from .core.dates import format_date, local_date
from .core.findings import Finding, warning
from .core.items import Item, Kind
from .core.nspcc import SubmissionDue, missing_for_entry, needs_submission, submission_status
from .core.publication import State, goes_live_at
from .core.register import RegisterEntry
from .project import Project, Publication


@dataclass
class ScheduleRow:
    """One item on the schedule."""

    item: Item
    state: State
    status: str
    goes_live: datetime | None
    deadlines: list[Deadline] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self, tz) -> dict:
        return {
            "item": self.item.id,
            "title": self.item.title,
            "type": self.item.kind.value,
            "state": self.state.value,
            "status": self.status,
            "publish_at": self.item.publish_at.astimezone(tz).isoformat() if self.item.publish_at else None,
            "goes_live": self.goes_live.astimezone(tz).isoformat() if self.goes_live else None,
            "deadlines": [
                {"rule": d.rule.id, "recipient": d.rule.recipient, "addresses": list(d.rule.addresses),
                 "latest_send_date": d.latest_send_date.isoformat(), "state": d.state.value,
                 "sent_on": d.sent_on.isoformat() if d.sent_on else None,
                 "working_days_left": d.working_days_left, "description": d.description}
                for d in self.deadlines
            ],
            "notes": self.notes,
        }


def build_schedule(publication: Publication, days: int) -> list[ScheduleRow]:
    """Items not yet live whose publication falls before ``now + days``, or is overdue,
    soonest first, with every deadline's state on today's date."""
    project = publication.project
    settings = project.settings
    now = publication.now
    today = local_date(now, settings.timezone)
    horizon = now + timedelta(days=days)
    rows = []
    for item in project.items.values():
        decision = publication.decisions[item.id]
        if decision.is_live or item.publish_at is None or item.status == "withdrawn":
            continue
        if item.publish_at > horizon and decision.state is not State.HELD:
            continue
        goes_live = goes_live_at(item, settings)
        state = State.HELD if any(b.state is State.HELD for b in decision.blocks) else decision.state
        status = {
            State.DRAFT: "draft: not approved, will not be published until it is",
            State.EMBARGOED: "approved, under embargo",
            State.HELD: f"legal hold: {item.legal_hold.reason}" if item.legal_hold else "legal hold",
            State.NONCOMPLIANT: "due but not published: circulation missing or late",
            State.DEPENDENT: "waits for its review",
        }.get(state, state.value)
        row = ScheduleRow(item, state, status, goes_live)
        held_indefinitely = state is State.HELD and goes_live is None
        if held_indefinitely:
            row.notes.append("held with no end date: circulation falls due before the hold is lifted")
        else:
            publication_date = local_date(goes_live or item.publish_at, settings.timezone)
            row.deadlines = deadlines(item, settings.circulation_rules,
                                      project.register.get(item.id) or RegisterEntry(), today,
                                      settings, publication_date)
        if item.legal_hold and item.legal_hold.until:
            row.notes.append(f"hold in force until {item.legal_hold.until:%d %B %Y} inclusive")
        weekday = settings.calendar.why_not_working(local_date(item.publish_at, settings.timezone))
        if weekday:
            row.notes.append(f"publication falls on {weekday}")
        rows.append(row)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(rows, key=lambda r: (r.goes_live or r.item.publish_at or far, r.item.id))


def planning_warnings(publication: Publication) -> list[Finding]:
    """Warnings for items not yet published: a publication day that is not a working day,
    and circulation deadlines already missed."""
    settings = publication.project.settings
    findings = []
    for row in build_schedule(publication, days=366):
        item = row.item
        if item.status != "approved":
            continue
        path = f"content/{item.src_uri}"
        day = local_date(item.publish_at, settings.timezone)
        why = settings.calendar.why_not_working(day)
        if why and item.publish_at > publication.now:
            findings.append(warning(path, "publish_at", "non-working-day",
                                    f"publication on {day:%A} {format_date(day)} falls on {why}: "
                                    "allowed, but check someone is at work to handle it", item.id))
        for deadline in row.deadlines:
            if deadline.state is DeadlineState.OVERDUE and item.publish_at > publication.now:
                findings.append(warning(
                    path, "", "circulation-overdue",
                    f"circulation to {deadline.rule.recipient} (rule '{deadline.rule.id}') was due "
                    f"by {format_date(deadline.latest_send_date)} and is not recorded: the item will "
                    f"not go live on {format_date(day)} unless it was sent in time", item.id))
    return findings


def nspcc_due(publication: Publication) -> list[SubmissionDue]:
    """Live reviews whose NSPCC repository submission is not yet recorded."""
    project = publication.project
    today = local_date(publication.now, project.settings.timezone)
    due = []
    for item in publication.live_of_kind(Kind.REVIEW):
        if not needs_submission(item):
            continue
        status = submission_status(item, project.register.get(item.id) or RegisterEntry(), today,
                                   project.settings, project.settings.nspcc_due_working_days)
        if status.submitted_on is None:
            due.append(status)
    return sorted(due, key=lambda s: s.due_by)


def nspcc_warnings(publication: Publication) -> list[Finding]:
    findings = []
    for item in publication.live_of_kind(Kind.REVIEW):
        if needs_submission(item) and missing_for_entry(item):
            findings.append(warning(f"content/{item.src_uri}", ", ".join(missing_for_entry(item)),
                                    "nspcc-entry-incomplete",
                                    "the NSPCC repository entry needs this: add it to the front matter",
                                    item.id))
    for status in nspcc_due(publication):
        if status.overdue:
            findings.append(warning(
                f"content/{status.item.src_uri}", "", "nspcc-overdue",
                f"published without an NSPCC repository submission recorded: it was due by "
                f"{format_date(status.due_by)} (run 'portal nspcc {status.item.id}')", status.item.id))
    return findings


def next_change(publication: Publication) -> tuple[datetime, Item] | None:
    """The next instant after ``now`` at which a rebuild would change the public site:
    the earliest future publication or hold end of an approved item that is not live."""
    candidates = []
    for item in publication.project.items.values():
        if publication.is_live(item.id):
            continue
        moment = goes_live_at(item, publication.project.settings)
        if moment is not None and moment > publication.now:
            candidates.append((moment, item.id, item))
    if not candidates:
        return None
    moment, _, item = min(candidates)
    return moment, item


def deadline_dates(publication_date: date, project: Project) -> list[tuple[str, str, int, date]]:
    """For ``portal deadline``: each rule's latest send date for a publication date."""
    calendar = project.settings.calendar
    return [(rule.id, rule.recipient, rule.working_days, calendar.before(publication_date, rule.working_days))
            for rule in project.settings.circulation_rules]
