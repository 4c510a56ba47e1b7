"""The publication ledger (``embargo/ledger``): what has been published, and when.

One line per event, tab-separated, appended and never rewritten, so that ``git log -p``
shows exactly when each item first went out and when its content changed:

    published	reviews/child-t	2026-10-13T00:01:00+01:00	sha256:…	Child T: …
    changed	reviews/child-t	2026-11-20	sha256:…	Correction to paragraph 4.
    withdrawn	reviews/child-f	2026-11-16T00:00:00+00:00	sha256:…	Removed following a court order.

From it follow the twelve-month minimum listing (DOMAIN rule 5), archive eligibility,
the change history a page must show once its published content changes, and the
withdrawals the public has seen (binding: a withdrawn item never goes live again under
its id, whatever the register says later). Ledgers written before ``withdrawn`` lines
existed simply have none.

``seal`` fingerprints the ledger's first events (how many, and a hash of them): the
public site publishes it, and the next build requires the same first events, so a line
deleted, edited or reordered anywhere before them is caught.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .dates import UTC, format_instant, local_date

HEADER = (
    "# Publication ledger, kept by `portal build`: one line per event, tab-separated.\n"
    "# Append-only: never edit or delete a line. Columns: event, item id, time or date,\n"
    "# content hash, title or note.\n"
)
EVENTS = ("published", "changed", "withdrawn")


class LedgerError(ValueError):
    """A ledger line that cannot be read. ``str()`` is ``path: line N: what is wrong``;
    ``detail`` is the same without the path, for a report that names the file itself."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


@dataclass
class LedgerEntry:
    """One item's publication history, folded from its lines."""

    item_id: str
    title: str
    published_at: datetime
    hash: str
    changes: list[tuple[date, str]] = field(default_factory=list)
    line: int = 0
    """The line number of the ``published`` line (for errors that name it)."""
    change_lines: list[int] = field(default_factory=list)
    """The line number of each ``changed`` line, in the order of ``changes``."""
    withdrawn: LedgerWithdrawal | None = None
    """The withdrawal the public has seen (a ``withdrawn`` line), if any."""

    def first_publication_date(self, tz) -> date:
        return local_date(self.published_at, tz)

    def earliest_removal(self, tz) -> datetime:
        """The instant the twelve-month minimum listing ends: the anniversary of the first
        publication *instant* (a review published at 10:00 may come down at 10:00 a year
        later, not at midnight before)."""
        return anniversary(self.published_at, tz)


@dataclass(frozen=True)
class LedgerWithdrawal:
    """A ``withdrawn`` line: when a published item's withdrawal took effect, its content
    hash then, the public reason, and the line number (for errors that name it)."""

    at: datetime
    hash: str
    reason_public: str
    line: int


def anniversary(moment: datetime, tz) -> datetime:
    """The same local wall-clock time one year after ``moment``, as an instant in UTC.

    29 February counts on to 1 March. Where that local time does not exist (the clocks go
    forward) or happens twice (they go back), the later instant is taken, so that the
    protection never ends before any reading of "a year later" allows.
    """
    local = moment.astimezone(tz).replace(tzinfo=None)
    try:
        wall = local.replace(year=local.year + 1)
    except ValueError:
        wall = local.replace(year=local.year + 1, month=3, day=1)
    return max(wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))


def parse(text: str, path: str = "embargo/ledger") -> dict[str, LedgerEntry]:
    entries: dict[str, LedgerEntry] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5:
            raise LedgerError(path, f"line {number}: expected 5 tab-separated columns, got "
                                    f"{len(parts)}{_glued_hint(parts)}")
        event, item_id, when, content_hash, text_ = parts
        try:
            if event == "published":
                if item_id in entries:
                    raise LedgerError(path, f"line {number}: {item_id} is recorded as published twice")
                entries[item_id] = LedgerEntry(item_id, text_, aware_instant(when), content_hash,
                                               line=number)
            elif event == "changed":
                if item_id not in entries:
                    raise LedgerError(path, f"line {number}: a change to {item_id} before its publication")
                entries[item_id].hash = content_hash
                entries[item_id].changes.append((date.fromisoformat(when), text_))
                entries[item_id].change_lines.append(number)
            elif event == "withdrawn":
                if item_id not in entries:
                    raise LedgerError(path, f"line {number}: a withdrawal of {item_id} before its publication")
                if entries[item_id].withdrawn is not None:
                    raise LedgerError(path, f"line {number}: {item_id} is recorded as withdrawn twice "
                                      f"(first on line {entries[item_id].withdrawn.line})")
                entries[item_id].withdrawn = LedgerWithdrawal(aware_instant(when), content_hash, text_, number)
            else:
                raise LedgerError(path, f"line {number}: unknown event {event!r} "
                                        "(published, changed or withdrawn)")
        except ValueError as exc:
            if isinstance(exc, LedgerError):
                raise
            raise LedgerError(path, f"line {number}: {exc}") from exc
    return entries


def _glued_hint(parts: list[str]) -> str:
    """Two lines run together (a file saved without its last newline, then appended to)."""
    for event in EVENTS:
        if len(parts) > 5 and parts[4].endswith(event) and parts[4] != event:
            return (f" (two lines run together: put a line break before the {event!r} at the "
                    "end of the fifth column)")
    return ""


def aware_instant(when: str) -> datetime:
    """A publication time with its UTC offset: without one it names no instant (and
    cannot be compared with one), so it is an error, never a guess."""
    moment = datetime.fromisoformat(when)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the time {when!r} has no UTC offset (write it as portal build does, "
                         f"e.g. {when}+00:00 for GMT or {when}+01:00 for BST)")
    return moment


def published_line(item_id: str, published_at: datetime, content_hash: str, title: str) -> str:
    return f"published\t{item_id}\t{published_at.isoformat()}\t{content_hash}\t{_one_line(title)}\n"


def changed_line(item_id: str, on: date, content_hash: str, note: str) -> str:
    return f"changed\t{item_id}\t{on.isoformat()}\t{content_hash}\t{_one_line(note)}\n"


def withdrawn_line(item_id: str, at: datetime, content_hash: str, reason_public: str) -> str:
    return f"withdrawn\t{item_id}\t{at.isoformat()}\t{content_hash}\t{_one_line(reason_public)}\n"


def event_lines(text: str) -> list[tuple[int, str]]:
    """The ledger's event lines in order, as written (no comments or blank lines), each
    with its line number in the file."""
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class LedgerSeal:
    """A fingerprint of the ledger's first ``events`` event lines: their SHA-256 (in
    order), and a short digest of each, which names the first line that differs.

    The public site's ``api/publications.json`` carries the seal of the ledger as the
    build that made it left it; the next build's ledger must begin with the same events.
    """

    events: int
    sha256: str
    lines: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"events": self.events, "sha256": self.sha256, "lines": list(self.lines)}


LINE_DIGEST_CHARS = 8


def seal(lines: Sequence[str]) -> LedgerSeal:
    """The seal of these event lines (``event_lines`` of a ledger, plus the lines a build
    is about to append)."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.rstrip("\n").encode("utf-8") + b"\n")
    return LedgerSeal(len(lines), "sha256:" + digest.hexdigest(),
                      tuple(line_digest(line) for line in lines))


def line_digest(line: str) -> str:
    return hashlib.sha256(line.rstrip("\n").encode("utf-8")).hexdigest()[:LINE_DIGEST_CHARS]


def first_difference(sealed: LedgerSeal, lines: Sequence[str]) -> int | None:
    """The position (from 1, among event lines) of the first event that differs from the
    sealed ones, or None when the ledger begins with exactly the sealed events. Without
    per-line digests (or where they agree but the hash does not) the whole prefix is
    compared and position 1 is the best that can be said."""
    if len(lines) < sealed.events:
        found = _first_digest_difference(sealed, lines)
        return found if found is not None else len(lines) + 1
    if seal(lines[: sealed.events]).sha256 == sealed.sha256:
        return None
    found = _first_digest_difference(sealed, lines)
    return found if found is not None else 1


def _first_digest_difference(sealed: LedgerSeal, lines: Sequence[str]) -> int | None:
    for position, (expected, line) in enumerate(zip(sealed.lines, lines, strict=False), start=1):
        if line_digest(line) != expected:
            return position
    return None


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def protection_message(entry: LedgerEntry, what: str, tz, now_date: date) -> str:
    """Why an item published less than twelve months ago may not come down, and what to do."""
    return (f"'{entry.title}' ({entry.item_id}) {what}, but it was published on "
            f"{format_instant(entry.published_at, tz)} and must stay available until at least "
            f"{format_instant(entry.earliest_removal(tz), tz)} (twelve-month minimum listing). To take "
            f"it down earlier, record an authorised withdrawal in embargo/{entry.item_id}.yaml:\n"
            f"    withdrawal:\n      on: {now_date.isoformat()}\n"
            f"      reason_public: \"...\"\n      authorised_by: \"...\"")
