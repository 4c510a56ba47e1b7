"""The twelve-month minimum listing, archive timing and change history (DOMAIN rule 5;
SPEC §4). These compare the ledger (what went out) with the decision (what would go out
now) and fail the build rather than let a report come down early.

The ledger is a file in the working copy, so it is not trusted alone: it is checked
against itself (no line dated in the future, none before the item was approved) and
against a second witness that a working-copy edit cannot change, the public site's own
``api/publications.json`` (``witness_findings``). And a public build may not go back
before what the public has already seen (``public_floor``).

A withdrawal the public has seen is recorded in the ledger too (a ``withdrawn`` line), and
from then on the ledger's record binds (``withdrawal_findings``): the register's
withdrawal may not disappear or move later, so a revert or a bad merge of
``embargo/<id>.yaml`` cannot put a report taken down by court order back online.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .dates import format_date, format_instant, local_date, start_of_day
from .findings import Finding, error
from .items import Item, Kind
from .ledger import (LedgerEntry, LedgerSeal, anniversary, first_difference, line_digest,
                     protection_message, published_line, withdrawn_line)
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


def withdrawal_findings(items: Mapping[str, Item], decisions: Mapping[str, Decision],
                        ledger: Mapping[str, LedgerEntry], register: Mapping[str, RegisterEntry],
                        now: datetime, tz, path: str = LEDGER_FILE) -> list[Finding]:
    """Errors for every item the ledger records as withdrawn (by ``now``) whose register
    record of the withdrawal is gone or now dated later, or which would be live again: a
    withdrawal the public has seen is final under that item id."""
    findings: list[Finding] = []
    today = local_date(now, tz)
    for item_id, entry in sorted(ledger.items()):
        withdrawn = entry.withdrawn
        if withdrawn is None or withdrawn.at > now or item_id not in items:
            continue  # not withdrawn (yet), or gone altogether: nothing could go live
        record = (register.get(item_id) or RegisterEntry()).withdrawal
        withdrawn_on = local_date(withdrawn.at, tz)
        register_file = f"embargo/{item_id}.yaml"
        restore = (f"restore it in {register_file} ('git log -p {register_file}' shows it as it "
                   f"was):\n{withdrawal_yaml(withdrawn_on, withdrawn.reason_public)}")
        final = (f"A withdrawn report never comes back under its id: to publish it again once "
                 f"that is allowed, give it a new id (a new file under content/) with its own "
                 f"approval; {item_id} keeps its withdrawal notice.")
        if record is None:
            findings.append(error(
                register_file, "withdrawal", "withdrawal-record-missing",
                f"{path} line {withdrawn.line} records that '{entry.title}' ({item_id}) was "
                f"withdrawn on {format_date(withdrawn_on)}, but {register_file} no longer holds "
                f"the withdrawal, so the report would be published again: {restore}\n{final}",
                item_id))
        elif record.on > withdrawn_on:
            findings.append(error(
                register_file, "withdrawal.on", "withdrawal-moved-later",
                f"{path} line {withdrawn.line} records that '{entry.title}' ({item_id}) was "
                f"withdrawn on {format_date(withdrawn_on)}, but {register_file} now dates the "
                f"withdrawal {format_date(record.on)}, so the report would be public again "
                f"until then: put back 'on: {withdrawn_on.isoformat()}'. {final}", item_id))
        elif item_id in decisions and decisions[item_id].is_live and today >= record.on:
            findings.append(error(
                f"content/{item_id}.md", "", "withdrawn-item-live",
                f"{path} line {withdrawn.line} records that {item_id} was withdrawn on "
                f"{format_date(withdrawn_on)}, but it would be live. {final}", item_id))
    return findings


def withdrawal_yaml(on: date, reason_public: str) -> str:
    """The register's withdrawal record, as YAML to paste (who authorised it is not in the
    ledger: the register's history has it)."""
    reason = reason_public.replace("\\", "\\\\").replace('"', '\\"')
    return (f"    withdrawal:\n      on: {on.isoformat()}\n      reason_public: \"{reason}\"\n"
            f"      authorised_by: \"...\"  # as recorded before; see the file's history")


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
        if entry.withdrawn is not None and entry.withdrawn.at > real_now:
            findings.append(error(
                path, f"line {entry.withdrawn.line}", "ledger-future",
                f"the withdrawal of {item_id} is dated "
                f"{format_instant(entry.withdrawn.at, tz)}, which is still in the future: "
                f"{restore}", item_id))
        for (on, _), line in zip(entry.changes, entry.change_lines, strict=False):
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
class WitnessWithdrawal:
    """One item as a public copy of the site shows it withdrawn: when the withdrawal took
    effect, and the public reason its notice gives."""

    item_id: str
    at: datetime
    reason_public: str


@dataclass(frozen=True)
class Witness:
    """What a public copy of the site says was published: a second record of first
    publications that an edit to the working copy cannot change.

    Attributes:
        source: where it was read, for messages (``site/api/publications.json``, a URL).
        records: the items it lists as published, by id.
        withdrawn: the items it shows as withdrawn, by id, with the instant the
            withdrawal took effect (sites built before this was published have none).
        seal: the seal of the ledger as the build that made it left it (None for sites
            built before it was published).
        problem: why a record that exists cannot be read (then nothing else is known).
            A corrupt witness is not an absent one: it is an error.
    """

    source: str
    records: Mapping[str, WitnessRecord]
    withdrawn: Mapping[str, WitnessWithdrawal] = field(default_factory=dict)
    seal: LedgerSeal | None = None
    problem: str = ""


WITNESS_REMEDY = ("restore the site folder from the deployed copy (the web server's files), "
                  "or set plugins.portal.witness_url in mkdocs.yml to the live site's "
                  "api/publications.json")


def witness_findings(witness: Witness, ledger: Mapping[str, LedgerEntry], hashes: Mapping[str, str],
                     tz, path: str = LEDGER_FILE, events: Sequence[tuple[int, str]] = (),
                     register: Mapping[str, RegisterEntry] | None = None) -> list[Finding]:
    """Every item the public site lists must be in the ledger with the same first
    publication instant, every withdrawal it shows must be in the ledger, and the ledger
    (its event lines, ``events``) must begin with the events the site was sealed with. A
    deleted line, a deleted ledger, a publication made without one (plain ``mkdocs
    build``, a crash after the swap), a re-dated, edited or reordered line is an error
    that says how to restore it. A witness that cannot be read is an error too."""
    if witness.problem:
        return [error(witness.source.split(" (", 1)[0], "", "witness-unreadable",
                      f"{witness.problem}: it is the public record of what was published, and "
                      "a corrupt record is not an absent one, so nothing is published until it "
                      f"can be read: {WITNESS_REMEDY}")]
    findings: list[Finding] = []
    findings += _witnessed_withdrawals(witness, ledger, hashes, tz, path, register or {}, events)
    if witness.seal is not None:
        findings += seal_findings(witness, events, path)
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
                f"the history ('git log -p {path}'), or {restore_command(line, witness, events, path)}",
                item_id))
        elif entry.published_at != record.first_published:
            findings.append(error(
                path, f"line {entry.line}", "ledger-disagrees-with-site",
                f"the ledger dates the first publication of {item_id} "
                f"{format_instant(entry.published_at, tz)}, but {witness.source} lists it as "
                f"first published on {format_instant(record.first_published, tz)}: restore the "
                f"line from the history ('git log -p {path}')", item_id))
    return findings


def _witnessed_withdrawals(witness: Witness, ledger: Mapping[str, LedgerEntry],
                           hashes: Mapping[str, str], tz, path: str,
                           register: Mapping[str, RegisterEntry],
                           events: Sequence[tuple[int, str]]) -> list[Finding]:
    findings: list[Finding] = []
    for item_id, shown in sorted(witness.withdrawn.items()):
        at = shown.at
        entry = ledger.get(item_id)
        recorded = entry.withdrawn if entry is not None else None
        if recorded is None:
            record = (register.get(item_id) or RegisterEntry()).withdrawal
            reason = shown.reason_public or (record.reason_public if record else "Withdrawn.")
            content = hashes.get(item_id) or (entry.hash if entry else "sha256:unknown")
            line = withdrawn_line(item_id, at.astimezone(tz), content, reason)
            where = "" if entry is None else f"line {entry.line}"
            findings.append(error(
                path, where, "ledger-missing-withdrawal",
                f"{witness.source} shows {item_id} as withdrawn on "
                f"{format_instant(at, tz)}, but the ledger has no record of the withdrawal, "
                f"so nothing would stop it being published again: restore the ledger from "
                f"the history ('git log -p {path}'), or {restore_command(line, witness, events, path)}",
                item_id))
        elif recorded.at != at:
            findings.append(error(
                path, f"line {recorded.line}", "ledger-disagrees-with-site",
                f"the ledger dates the withdrawal of {item_id} {format_instant(recorded.at, tz)}, "
                f"but {witness.source} shows it as withdrawn on {format_instant(at, tz)}: "
                f"restore the line from the history ('git log -p {path}')", item_id))
    return findings


def seal_findings(witness: Witness, events: Sequence[tuple[int, str]],
                  path: str = LEDGER_FILE) -> list[Finding]:
    """The ledger (its event lines with their line numbers, ``ledger.event_lines``) must
    begin with the events the public site was built with: as many, and the same, in the
    same order (``witness.seal``)."""
    sealed = witness.seal
    if sealed is None:
        return []
    texts = [text for _, text in events]
    position = first_difference(sealed, texts)
    if position is None:
        return []
    restore = (f"restore the ledger from the history ('git log -p {path}' shows every line "
               f"as it was written; 'git checkout <commit> -- {path}' puts a version back), then "
               "build again. A ledger is only ever appended to. (If that site folder is not the "
               "deployed site but a local build, replace it with the deployed copy.)")
    if position > len(events):
        missing = sealed.events - len(events)
        where = f"line {events[-1][0] + 1}" if events else ""
        what = (f"the ledger has {len(events)} events, but {witness.source} was built from a "
                f"ledger of {sealed.events}: the last {missing} {'is' if missing == 1 else 'are'} "
                "missing (a ledger shorter than the one the public site was built from)")
    else:
        number, shown = events[position - 1]
        where = f"line {number}"
        what = (f"event {position} of the ledger is not the one {witness.source} was built "
                f"from (its ledger began with {sealed.events} events that must not change): a "
                f"line was deleted, edited or moved here; the ledger now has: "
                f"{' '.join(shown.split())!r}")
    return [error(path, where, "ledger-rewritten", f"{what}: {restore}")]


def restore_command(line: str, witness: Witness, events: Sequence[tuple[int, str]],
                    path: str) -> str:
    """How to put back ``line`` as the public site records it: where the site's seal shows
    the line's place (and putting it there restores the sealed events exactly), a command
    that inserts it there; else one that appends it."""
    texts = [text for _, text in events]
    sealed = witness.seal
    if sealed is None or first_difference(sealed, texts + [line]) is None:
        return f"append it as the public site records it:\n    {shell_append(line, path)}"
    for position, expected in enumerate(sealed.lines, start=1):
        if expected != line_digest(line) or position > len(texts):
            continue
        if first_difference(sealed, texts[: position - 1] + [line] + texts[position - 1:]) is None:
            return (f"put it back at line {events[position - 1][0]}, where it was, as the public "
                    f"site records it:\n    {shell_insert(line, events[position - 1][0], path)}")
    return (f"append it as the public site records it (other lines are missing or changed "
            f"too, so the ledger must still be restored from the history):\n"
            f"    {shell_append(line, path)}")


def shell_insert(line: str, number: int, path: str) -> str:
    """A shell command that inserts ``line`` before line ``number`` of ``path`` exactly
    (POSIX awk, which reads ``\\t`` in a -v value as a tab)."""
    body = (line.rstrip("\n").replace("\\", "\\\\").replace("\t", "\\t")
            .replace("'", "'\\''"))
    return (f"awk -v n={number} -v l='{body}' 'NR==n{{print l}}{{print}}' {path} > {path}.restored "
            f"&& mv {path}.restored {path}")


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
        events.append(PublicEvent(entry.published_at, f"the ledger records the first publication of "
                                  f"{item_id} at {format_instant(entry.published_at, tz)}"))
        for on, _ in entry.changes:
            events.append(PublicEvent(start_of_day(on, tz), f"the ledger records a change to "
                                      f"{item_id} on {format_date(on)}"))
        if entry.withdrawn is not None:
            events.append(PublicEvent(entry.withdrawn.at, f"{item_id} was withdrawn on "
                                      f"{format_date(local_date(entry.withdrawn.at, tz))} "
                                      "(recorded in the ledger)"))
    for item_id, on in withdrawals:
        events.append(PublicEvent(start_of_day(on, tz), f"{item_id} was withdrawn on {format_date(on)} "
                                  f"(embargo/{item_id}.yaml)"))
    past = [event for event in events if event.at <= real_now]
    return max(past, key=lambda event: event.at) if past else None
