"""The twelve-month minimum listing, archive timing and change history (DOMAIN rule 5;
SPEC §4). These compare the ledger (what went out) with the decision (what would go out
now) and fail the build rather than let a report come down early."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from .dates import format_date, local_date
from .findings import Finding, error
from .items import Item
from .ledger import LedgerEntry, protection_message
from .publication import Decision, State
from .register import RegisterEntry


def published_by(ledger: Mapping[str, LedgerEntry], now: datetime) -> dict[str, LedgerEntry]:
    """Ledger entries whose first publication is at or before ``now``."""
    return {item_id: entry for item_id, entry in ledger.items() if entry.published_at <= now}


def first_published(item: Item, ledger: Mapping[str, LedgerEntry]) -> datetime | None:
    entry = ledger.get(item.id)
    return entry.published_at if entry else item.publish_at


def archive_eligible_from(item: Item, ledger: Mapping[str, LedgerEntry], tz) -> date | None:
    published = first_published(item, ledger)
    if published is None:
        return None
    entry = ledger.get(item.id) or LedgerEntry(item.id, item.title, published, "")
    return entry.earliest_removal(tz)


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
        protected = today < entry.earliest_removal(tz)
        withdrawal = (register.get(item_id) or RegisterEntry()).withdrawal
        withdrawn = withdrawal is not None and withdrawal.on <= today
        item = items.get(item_id)
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
                    f"'{entry.title}' was published on {format_date(entry.first_publication_date(tz))}: "
                    f"it may be archived from {format_date(entry.earliest_removal(tz))}, not before",
                    item_id))
            else:
                reasons = "; ".join(b.message for b in decision.blocks)
                findings.append(error(path, "", "unpublished-within-twelve-months",
                                      protection_message(entry, f"would no longer be live ({reasons})",
                                                         tz, today), item_id))
        if item.status == "withdrawn" and not withdrawn:
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
            if eligible and today < eligible:
                findings.append(error(
                    f"{docs_prefix}{item_id}.md", "archived", "archived-too-early",
                    f"'{item.title}' may be archived from {format_date(eligible)}, not before "
                    "(twelve-month minimum listing)", item_id))
    return findings
