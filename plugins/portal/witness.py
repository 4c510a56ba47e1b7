"""What the public has already seen, read from outside the working copy's records.

Two readings feed the twelve-month protection (``core.protection``):

* **Witnesses.** The previous public build's ``api/publications.json`` (in the folder
  the build replaces) and, optionally, the live site's copy at ``witness_url``. Each
  lists every live item with its first publication instant, every withdrawn item with
  the instant of its withdrawal, and the seal of the ledger the build left (how many
  events, and their hash); an edit to ``embargo/ledger`` cannot change them, so a
  deleted, re-dated, edited or reordered ledger line shows. A witness that exists but
  cannot be read is an error (``Witness.problem``), never skipped; a live site that
  cannot be fetched is a warning; no witness at all, with a ledger to protect, is a
  warning in every public build (``read_witnesses``).
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
from .core.ledger import LedgerError, LedgerSeal, aware_instant, event_lines
from .core.ledger import parse as parse_ledger
from .core.protection import PublicEvent, Witness, WitnessRecord, WitnessWithdrawal, public_floor
from .workspace import NotRegularFile, is_preview, read_regular_file

PUBLICATIONS_JSON = "api/publications.json"
FETCH_TIMEOUT_SECONDS = 10


class WitnessError(ValueError):
    """A witness that could not be read; the message names where it was read."""


class WitnessUnavailable(WitnessError):
    """A live site that could not be fetched (the network, the server): nothing is known,
    which is not the same as a record that says something unreadable."""


def read_witnesses(site_dir: Path | None, witness_url: str, ledger_path: Path,
                   shown_ledger: str = "embargo/ledger") -> tuple[list[Witness], list[str]]:
    """Every witness of a public build, and the warnings to give: the site being replaced
    and the live site at ``witness_url``. One that exists but cannot be read comes back
    as a ``Witness`` with its ``problem`` (an error where it is checked); a live site that
    cannot be fetched is a warning; and with no witness at all while the ledger has
    events, the ledger is the only record of what was published: a warning that
    ``--strict`` makes an error."""
    witnesses: list[Witness] = []
    warnings: list[str] = []
    readers = [lambda: site_witness(site_dir)]
    if witness_url:
        readers.append(lambda: url_witness(witness_url))
    for read in readers:
        try:
            found = read()
        except WitnessUnavailable as exc:
            warnings.append(f"{exc}: the ledger was not checked against it")
            continue
        except WitnessError as exc:
            source, _, problem = str(exc).partition(": ")
            found = Witness(source, {}, problem=problem)
        if found is not None:
            witnesses.append(found)
    if not witnesses and has_events(ledger_path):
        warnings.append(
            f"{shown_ledger}: no public copy of the site to check it against (no previous site "
            f"in the output folder{', and the live site could not be fetched' if witness_url else ''}): "
            "the ledger is the only record of what was published, and an edit to it would "
            "go unnoticed. Set plugins.portal.witness_url in mkdocs.yml to the live site's "
            "api/publications.json, or build where the deployed site folder is (a fresh CI "
            "checkout has none)")
    return witnesses, warnings


def has_events(ledger_path: Path) -> bool:
    """True when the ledger file exists and records anything (unreadable counts: the
    build reports it)."""
    try:
        return bool(event_lines(read_regular_file(ledger_path).decode("utf-8", errors="replace")))
    except (OSError, NotRegularFile):
        return ledger_path.exists()


def site_witness(site_dir: Path | None) -> Witness | None:
    """The public site's record in ``site_dir`` (a previous build), or None where there
    is none: no folder, an empty one, or an internal preview. WitnessError where there is
    a site but its record cannot be read: unreadable, not a portal publications.json, or
    missing beside the site's pages."""
    if site_dir is None or is_preview(site_dir):
        return None
    path = site_dir / PUBLICATIONS_JSON
    shown = f"{site_dir.name}/{PUBLICATIONS_JSON} (the site being replaced)"
    if not path.exists() and not path.is_symlink():
        if (site_dir / "index.html").is_file():
            raise WitnessError(f"{shown}: missing from a built site (it has index.html)")
        return None
    try:
        return witness_from_json(read_regular_file(path), shown)
    except NotRegularFile as exc:
        raise WitnessError(f"{shown}: not a file ({exc}): restore the site folder from the "
                           "deployed copy") from exc
    except OSError as exc:
        raise WitnessError(f"{shown}: cannot be read ({exc.strerror})") from exc


def url_witness(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> Witness:
    """The live site's record, fetched from ``url``; WitnessError when it cannot be."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (configured https URL)
            data = response.read(50_000_000)
    except (OSError, ValueError) as exc:
        raise WitnessUnavailable(f"plugins.portal.witness_url: {url} could not be fetched ({exc})") from exc
    return witness_from_json(data, url)


def witness_from_json(data: bytes, source: str) -> Witness:
    """Read ``publications.json``: each record's id, title and first publication instant
    (``first_published``; ``published`` in sites built before that field existed), the
    withdrawn items and the ledger's seal (both absent from sites built before them)."""
    try:
        document: Any = json.loads(data)
    except (RecursionError, MemoryError) as exc:
        # json.loads recurses once per nested [ or {: 200,000 of them end in RecursionError,
        # which is not a ValueError (and an absurd size in MemoryError).
        raise WitnessError(f"{source}: not a portal publications.json (nested too deeply or too "
                           f"large to read: {type(exc).__name__})") from None
    except ValueError as exc:
        raise WitnessError(f"{source}: not a portal publications.json ({type(exc).__name__}: "
                           f"{exc})") from exc
    try:
        found = {}
        for record in document["publications"]:
            moment = aware_instant(record.get("first_published") or record["published"])
            found[record["id"]] = WitnessRecord(record["id"], str(record.get("title", "")), moment)
        withdrawn = {str(record["id"]): WitnessWithdrawal(str(record["id"]), aware_instant(record["withdrawn"]),
                                                          str(record.get("reason_public", "")))
                     for record in document.get("withdrawn") or ()}
        seal = _seal(document.get("ledger"))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise WitnessError(f"{source}: not a portal publications.json ({type(exc).__name__}: "
                           f"{exc})") from exc
    return Witness(source, found, withdrawn, seal)


def _seal(data: Any) -> LedgerSeal | None:
    if data is None:
        return None
    events, digest, lines = data["events"], data["sha256"], data.get("lines") or []
    if not isinstance(events, int) or isinstance(events, bool) or events < 0 \
            or not isinstance(digest, str) or not all(isinstance(line, str) for line in lines):
        raise ValueError(f"'ledger' is not {{events: N, sha256: ...}}: {data!r}")
    return LedgerSeal(events, digest, tuple(lines))


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
