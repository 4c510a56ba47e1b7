"""The twelve-month minimum listing, archive timing and change history (DOMAIN rule 5;
SPEC §4). These compare the ledger (what went out) with the decision (what would go out
now) and fail the build rather than let a report come down early.

The ledger is a file in the working copy, so it is not trusted alone: it is checked
against itself (no line dated in the future, none before the item was approved) and
against a second witness that a working-copy edit cannot change, the public site's own
``api/publications.json`` (``witness_findings``). And a public build may not go back
before what the public has already seen (``public_floor``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .dates import format_date, format_instant, local_date, start_of_day
from .findings import Finding, error
from .items import Item, Kind
from .ledger import LedgerEntry, anniversary, protection_message, published_line
from .publication import Decision, State
from .register import RegisterEntry

LEDGER_FILE = "embargo/ledger"


def published_by(ledger: Mapping[str, LedgerEntry], now: datetime) -> dict[str, LedgerEntry]:
    """Ledger entries whose first publication is at or before ``now``."""
    return {item_id: entry for item_id, entry in ledger.items() if entry.published_at <= now}


def first_published(item: Item, ledger: Mapping[str, LedgerEntry]) -> datetime | None:
    entry = ledger.get(item.id)
    return entry.published_at if entry else item.publish_at


def archive_eligible_from(item: Item, ledger: Mapping[str, LedgerEntry], tz) -> datetime | None:
    """The instant from which ``item`` may be archived: the anniversary of its first
    publication instant (or of its ``publish_at``, before the ledger records it)."""
    published = first_published(item, ledger)
    return None if published is None else anniversary(published, tz)


def is_withdrawn_by_record(item_id: str, register: Mapping[str, RegisterEntry], today: date) -> bool:
    """True when the register holds an authorised withdrawal of ``item_id`` in force."""
    withdrawal = (register.get(item_id) or RegisterEntry()).withdrawal
    return withdrawal is not None and withdrawal.on <= today


def is_covered_by_withdrawal(item_id: str, item: Item | None, register: Mapping[str, RegisterEntry],
                             today: date) -> bool:
    """True when an authorised withdrawal in force lets ``item_id`` leave the site early:
    its own, or (for a progress page, which exists only beside its review) its review's.
    A court order that takes a review down takes its action-plan progress with it in the
    one record; case studies and briefings stay, no longer naming the review."""
    if is_withdrawn_by_record(item_id, register, today):
        return True
    return (item is not None and item.kind is Kind.PROGRESS and bool(item.review_id)
            and is_withdrawn_by_record(item.review_id, register, today))


def protection_findings(items: Mapping[str, Item], decisions: Mapping[str, Decision],
                        ledger: Mapping[str, LedgerEntry], register: Mapping[str, RegisterEntry],
                        hashes: Mapping[str, str], now: datetime, settings,
                        docs_prefix: str = "content/") -> list[Finding]:
    """Errors for every published item taken down early, archived early, or changed
    without a change note."""
    tz = settings.timezone
    today = local_date(now, tz)
    findings: list[Finding] = []
    by_hash = {content_hash: item_id for item_id, content_hash in hashes.items()}
    for item_id, entry in sorted(published_by(ledger, now).items()):
        path = f"{docs_prefix}{item_id}.md"
        protected = now < entry.earliest_removal(tz)
        item = items.get(item_id)
        withdrawn = is_covered_by_withdrawal(item_id, item, register, today)
        if item is None:
            if protected and not withdrawn:
                renamed = by_hash.get(entry.hash)
                what = (f"has been renamed to {renamed}" if renamed and renamed not in ledger
                        else "has been removed")
                findings.append(error(path, "", "removed-within-twelve-months",
                                      protection_message(entry, what, tz, today), item_id))
            continue
        decision = decisions[item_id]
        if protected and not withdrawn and not decision.is_live:
            if decision.state is State.ARCHIVED:
                findings.append(error(
                    path, "archived", "archived-too-early",
                    f"'{entry.title}' was published on {format_instant(entry.published_at, tz)}: "
                    f"it may be archived from {format_instant(entry.earliest_removal(tz), tz)}, "
                    "not before", item_id))
            else:
                reasons = "; ".join(b.message for b in decision.blocks)
                findings.append(error(path, "", "unpublished-within-twelve-months",
                                      protection_message(entry, f"would no longer be live ({reasons})",
                                                         tz, today), item_id))
        if item.status == "withdrawn" and not is_withdrawn_by_record(item_id, register, today):
            findings.append(error(path, "status", "withdrawn-without-record",
                                  f"'{entry.title}' has been published: 'status: withdrawn' needs an "
                                  f"authorised withdrawal in embargo/{item_id}.yaml (on, "
                                  "reason_public, authorised_by)", item_id))
        if decision.is_live and hashes.get(item_id) and hashes[item_id] != entry.hash:
            recorded = entry.changes[-1][0] if entry.changes else entry.first_publication_date(tz)
            newest = item.changes[-1] if item.changes else None
            if newest is None or newest.on <= recorded:
                findings.append(error(
                    path, "changes", "change-without-note",
                    f"the published content of '{entry.title}' has changed since "
                    f"{format_date(recorded)}: add a dated change note, e.g.\n"
                    f"    changes:\n      - on: {today.isoformat()}\n        note: \"What changed and why.\"",
                    item_id))
    for item_id, item in sorted(items.items()):
        if item.archived and item_id not in ledger and decisions[item_id].state is State.ARCHIVED:
            eligible = archive_eligible_from(item, ledger, tz)
            if eligible and now < eligible:
                findings.append(error(
                    f"{docs_prefix}{item_id}.md", "archived", "archived-too-early",
                    f"'{item.title}' may be archived from {format_instant(eligible, tz)}, not before "
                    "(twelve-month minimum listing)", item_id))
    return findings


def ledger_findings(ledger: Mapping[str, LedgerEntry], items: Mapping[str, Item], real_now: datetime,
                    tz, path: str = LEDGER_FILE) -> list[Finding]:
    """The ledger checked against itself, the items and the real clock: a line dated in
    the future (after the real time, whatever ``--now`` says), or a first publication dated
    before the item's ``publish_at`` or its approval, was not written by a build, and would
    move the twelve months."""
    findings: list[Finding] = []
    restore = (f"restore the line from the history ('git log -p {path}'); the ledger is "
               "written by 'portal build' and never edited by hand")
    real_today = local_date(real_now, tz)
    for item_id, entry in sorted(ledger.items(), key=lambda pair: pair[1].line):
        where = f"line {entry.line}"
        if entry.published_at > real_now:
            findings.append(error(
                path, where, "ledger-future",
                f"the first publication of {item_id} is dated "
                f"{format_instant(entry.published_at, tz)}, which is still in the future: "
                f"{restore}", item_id))
        item = items.get(item_id)
        publish_at = item.publish_at if item is not None else None
        if publish_at is not None and entry.published_at < publish_at:
            findings.append(error(
                path, where, "ledger-before-publish-at",
                f"the first publication of {item_id} is dated "
                f"{format_instant(entry.published_at, tz)}, before its publish_at "
                f"({format_instant(publish_at, tz)} in content/{item_id}.md), and a build records "
                f"exactly the publish_at: if the line was backdated, {restore}; if publish_at "
                "was changed after publication, put it back (a published item's date does not "
                "move)", item_id))
        approved_on = item.approved_on if item is not None else None
        if approved_on is not None and entry.first_publication_date(tz) < approved_on:
            findings.append(error(
                path, where, "ledger-backdated",
                f"the first publication of {item_id} is dated "
                f"{format_instant(entry.published_at, tz)}, before the item was approved "
                f"({format_date(approved_on)} in content/{item_id}.md): {restore} (or, if "
                "approved_on was changed after publication, put back the original approval "
                "date: a later revision is a change note)", item_id))
        for (on, _), line in zip(entry.changes, entry.change_lines):
            if on > real_today:
                findings.append(error(
                    path, f"line {line}", "ledger-future",
                    f"a change to {item_id} is dated {format_date(on)}, which is still in the "
                    f"future: {restore}", item_id))
    return findings


@dataclass(frozen=True)
class WitnessRecord:
    """One item as a public copy of the site lists it."""

    item_id: str
    title: str
    first_published: datetime


@dataclass(frozen=True)
class Witness:
    """What a public copy of the site says was published: a second record of first
    publications that an edit to the working copy cannot change.

    Attributes:
        source: where it was read, for messages (``site/api/publications.json``, a URL).
        records: the items it lists as published, by id.
    """

    source: str
    records: Mapping[str, WitnessRecord]


def witness_findings(witness: Witness, ledger: Mapping[str, LedgerEntry], hashes: Mapping[str, str],
                     tz, path: str = LEDGER_FILE) -> list[Finding]:
    """Every item the public site lists must be in the ledger with the same first
    publication instant. A deleted line, a deleted ledger, a publication made without
    one (plain ``mkdocs build``, a crash after the swap) or a re-dated line is an error
    that shows the line to restore."""
    findings: list[Finding] = []
    for item_id, record in sorted(witness.records.items()):
        entry = ledger.get(item_id)
        if entry is None:
            line = published_line(item_id, record.first_published.astimezone(tz),
                                  hashes.get(item_id, "sha256:unknown"), record.title)
            findings.append(error(
                path, "", "ledger-missing-publication",
                f"{witness.source} lists {item_id} as published on "
                f"{format_instant(record.first_published, tz)}, but the ledger has no record of "
                f"it, so its twelve-month minimum listing would be lost: restore its line from "
                f"the history ('git log -p {path}'), or append it as the public site records it:\n"
                f"    {shell_append(line, path)}", item_id))
        elif entry.published_at != record.first_published:
            findings.append(error(
                path, f"line {entry.line}", "ledger-disagrees-with-site",
                f"the ledger dates the first publication of {item_id} "
                f"{format_instant(entry.published_at, tz)}, but {witness.source} lists it as "
                f"first published on {format_instant(record.first_published, tz)}: restore the "
                f"line from the history ('git log -p {path}')", item_id))
    return findings


def shell_append(line: str, path: str) -> str:
    """A shell command that appends ``line`` to ``path`` exactly, tabs included (a terminal
    shows a tab as spaces, so the line itself could not be copied)."""
    body = (line.rstrip("\n").replace("\\", "\\\\").replace("%", "%%")
            .replace("\t", "\\t").replace("'", "'\\''"))
    return f"printf '{body}\\n' >> {path}"


@dataclass(frozen=True)
class PublicEvent:
    """Something the public has already seen, and when."""

    at: datetime
    description: str


def public_floor(ledger: Mapping[str, LedgerEntry], withdrawals: Iterable[tuple[str, date]],
                 real_now: datetime, tz) -> PublicEvent | None:
    """The latest thing the public has already seen by the real clock: a first
    publication or change in the ledger, or a withdrawal in force. A public build at an
    earlier ``--now`` would go back before it (republish what a court order took down,
    take down reviews inside their twelve months), so it is refused."""
    events: list[PublicEvent] = []
    for item_id, entry in ledger.items():
        if entry.published_at.tzinfo is None:
            continue  # a naive timestamp is an error of its own (``ledger.parse``)
        events.append(PublicEvent(entry.published_at, f"the ledger records the first publication of "
                                  f"{item_id} at {format_instant(entry.published_at, tz)}"))
        for on, _ in entry.changes:
            events.append(PublicEvent(start_of_day(on, tz), f"the ledger records a change to "
                                      f"{item_id} on {format_date(on)}"))
    for item_id, on in withdrawals:
        events.append(PublicEvent(start_of_day(on, tz), f"{item_id} was withdrawn on {format_date(on)} "
                                  f"(embargo/{item_id}.yaml)"))
    past = [event for event in events if event.at <= real_now]
    return max(past, key=lambda event: event.at) if past else None
