"""What the public has already seen, read from outside the working copy's records.

Two readings feed the twelve-month protection (``core.protection``):

* **Witnesses.** The previous public build's ``api/publications.json`` (in the folder
  the build replaces) and, optionally, the live site's copy at ``witness_url``. Each
  lists every live item with its first publication instant; an edit to
  ``embargo/ledger`` cannot change them, so a deleted or re-dated ledger line shows.
* **The floor.** The latest event the public has seen by the real clock (a first
  publication or change in the ledger, a withdrawal in force). ``portal build --now``
  may not go back before it.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import frontmatter
from .core.dates import DateError, parse_date
from .core.ledger import LedgerError
from .core.ledger import parse as parse_ledger
from .core.protection import PublicEvent, Witness, WitnessRecord, public_floor
from .workspace import NotRegularFile, read_regular_file

PUBLICATIONS_JSON = "api/publications.json"
PREVIEW_MARKER = ".portal-preview"
FETCH_TIMEOUT_SECONDS = 10


class WitnessError(ValueError):
    """A witness that could not be read; the message names where it was read."""


def site_witness(site_dir: Path | None) -> Witness | None:
    """The public site's record in ``site_dir`` (a previous build), or None where there
    is none: no folder, no ``api/publications.json``, or an internal preview."""
    if site_dir is None or (site_dir / PREVIEW_MARKER).exists():
        return None
    path = site_dir / PUBLICATIONS_JSON
    if not path.is_file():
        return None
    shown = f"{site_dir.name}/{PUBLICATIONS_JSON} (the site being replaced)"
    try:
        return witness_from_json(path.read_bytes(), shown)
    except OSError as exc:
        raise WitnessError(f"{shown}: cannot be read ({exc.strerror})") from exc


def url_witness(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> Witness:
    """The live site's record, fetched from ``url``; WitnessError when it cannot be."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (configured https URL)
            data = response.read(50_000_000)
    except (OSError, ValueError) as exc:
        raise WitnessError(f"plugins.portal.witness_url: {url} could not be fetched ({exc})") from exc
    return witness_from_json(data, url)


def witness_from_json(data: bytes, source: str) -> Witness:
    """Read ``publications.json``: each record's id, title and first publication instant
    (``first_published``; ``published`` in sites built before that field existed)."""
    try:
        document: Any = json.loads(data)
        records = document["publications"]
        found = {}
        for record in records:
            when = record.get("first_published") or record["published"]
            moment = datetime.fromisoformat(when)
            if moment.tzinfo is None:
                raise ValueError(f"{when!r} has no UTC offset")
            found[record["id"]] = WitnessRecord(record["id"], str(record.get("title", "")), moment)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WitnessError(f"{source}: not a portal publications.json ({exc})") from exc
    return Witness(source, found)


def read_public_floor(register_dir: Path, tz, real_now: datetime) -> PublicEvent | None:
    """The latest event the public has seen by the real clock, from the ledger and the
    register's withdrawals. What cannot be read is skipped here: the build reads it again
    and reports it."""
    ledger = {}
    try:
        ledger = parse_ledger(read_regular_file(register_dir / "ledger").decode("utf-8"))
    except (OSError, UnicodeDecodeError, LedgerError, NotRegularFile):
        pass
    return public_floor(ledger, _withdrawals(register_dir), real_now, tz)


def _withdrawals(register_dir: Path) -> list[tuple[str, date]]:
    found = []
    if not register_dir.is_dir():
        return found
    for path in sorted(register_dir.rglob("*.yaml")):
        try:
            data = frontmatter.load_yaml(read_regular_file(path).decode("utf-8"))
            on = parse_date(data["withdrawal"]["on"])
        except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError, DateError, KeyError,
                TypeError, NotRegularFile):
            continue
        found.append((path.relative_to(register_dir).as_posix()[: -len(".yaml")], on))
    return found
