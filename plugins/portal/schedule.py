"""What communications staff plan from: upcoming publications, their deadlines, and the
next instant at which the public site changes. Built from a ``Project`` at ``now``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .core.circulation import Deadline, DeadlineState, deadlines
from .core.dates import format_date, local_date, start_of_day
from .core.findings import Finding, warning
from .core.items import Item, Kind
from .core.nspcc import SubmissionDue, missing_for_entry, needs_submission, submission_status
from .core.protection import archive_eligible_from
from .core.publication import State, goes_live_at, hold_lifts_at
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


@dataclass(frozen=True)
class ItemChange:
    """How one item's place in the public site changes."""

    item_id: str
    before: str
    after: str

    @property
    def description(self) -> str:
        return f"{self.item_id} {PUBLIC_CHANGES.get((self.before, self.after), f'{self.before} -> {self.after}')}"

    def as_dict(self) -> dict:
        return {"item": self.item_id, "from": self.before, "to": self.after,
                "change": self.description}


PUBLIC_CHANGES = {
    ("absent", "live"): "goes live",
    ("live", "absent"): "leaves the site",
    ("live", "withdrawal-notice"): "is replaced by its withdrawal notice",
    ("live", "archive-notice"): "is archived (its page says it is available on request)",
    ("blocked", "withdrawal-notice"): "is replaced by its withdrawal notice",
    ("blocked", "archive-notice"): "may now be archived",
    ("blocked", "absent"): "may now leave the site",
}


@dataclass(frozen=True)
class SiteChange:
    """The next instant at which a rebuild changes the public site, and what changes."""

    at: datetime
    changes: tuple[ItemChange, ...]


def public_form(publication: Publication, blocked: set[str], item_id: str) -> str:
    """What the public site shows of an item: ``live``, a ``withdrawal-notice`` or an
    ``archive-notice`` at its address, nothing (``absent``), or ``blocked`` when an error
    of the twelve-month rule stops the build that would change it."""
    if item_id in blocked:
        return "blocked"
    if publication.is_live(item_id):
        return "live"
    notice = publication.notice_pages.get(item_id)
    return {"withdrawn": "withdrawal-notice", "archived": "archive-notice"}.get(notice, "absent")


def site_shape(publication: Publication) -> dict[str, str]:
    """Every item's public form at the publication's instant."""
    blocked = {finding.item for finding in publication.findings if finding.item}
    ids = set(publication.project.items) | set(publication.project.ledger)
    return {item_id: public_form(publication, blocked, item_id) for item_id in sorted(ids)}


def change_candidates(project: Project, now: datetime,
                      protected: set[str] | None = None) -> list[datetime]:
    """Every instant after ``now`` at which some rule's answer may change: publication
    times, the ends of legal holds, withdrawal dates, and the ends of twelve-month
    protections (when an item may be archived or come down).

    With ``protected`` (the items whose protection blocks the build now), the end of a
    protection is a candidate only for those: a protection that blocks nothing changes
    nothing when it ends (an archive flag waiting for its date is a candidate of its own).
    At national scale that is the difference between one decision per pending change and
    one per published item; ``tests/test_trust_protection.py`` checks both lists give the
    same answer.
    """
    settings = project.settings
    tz = settings.timezone
    moments: set[datetime] = set()
    for item in project.items.values():
        if item.status == "approved" and item.publish_at is not None:
            moments.add(item.publish_at)
            lifts = hold_lifts_at(item, settings)
            if lifts is not None:
                moments.add(lifts)
        if item.archived:
            eligible = archive_eligible_from(item, project.ledger, tz)
            if eligible is not None:
                moments.add(eligible)
    for entry in project.register.values():
        if entry.withdrawal is not None:
            moments.add(start_of_day(entry.withdrawal.on, tz))
    for item_id, entry in project.ledger.items():
        if protected is None or item_id in protected:
            moments.add(entry.earliest_removal(tz))
    return sorted(moment for moment in moments if moment > now)


def next_change(project: Project, now: datetime, *, every_candidate: bool = False,
                decided: Publication | None = None) -> SiteChange | None:
    """The next instant after ``now`` at which a rebuild would change the public site.

    Correct by construction: the publication is decided afresh at each candidate instant
    and the first one whose site differs from ``now``'s is the answer, so it agrees with
    ``portal check`` and ``portal build`` (an item blocked by a missing circulation is not
    due; a progress page goes with its review; a withdrawal applies on its date).
    ``every_candidate`` also tries the end of every protection (the slow way, for tests);
    ``decided`` is the publication at ``now`` when the caller has it already.
    """
    publication_now = decided or project.decide(now)
    shape_now = site_shape(publication_now)
    protected = None if every_candidate else {f.item for f in publication_now.findings if f.item}
    for moment in change_candidates(project, now, protected):
        shape = site_shape(project.decide(moment))
        changes = tuple(ItemChange(item_id, shape_now.get(item_id, "absent"), form)
                        for item_id, form in shape.items()
                        if form != shape_now.get(item_id, "absent"))
        if changes:
            return SiteChange(moment, changes)
    return None


def deadline_dates(publication_date: date, project: Project) -> list[tuple[str, str, int, date]]:
    """For ``portal deadline``: each rule's latest send date for a publication date."""
    calendar = project.settings.calendar
    return [(rule.id, rule.recipient, rule.working_days, calendar.before(publication_date, rule.working_days))
            for rule in project.settings.circulation_rules]
