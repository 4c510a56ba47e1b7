"""Reading and writing the register (``embargo/<id>.yaml``): records are added, never
silently replaced. A record that is replaced on purpose is kept under ``earlier``.

Staff edit these files by hand, so a write changes only the keys it records: the file is
read and written with ruamel.yaml's round-trip mode, which keeps comments, key order,
quoting and flow style (``{sent_on: 2026-01-06}``) as they were. Every write is atomic
(a temporary file beside it, flushed to disk, then renamed over it) and keeps the
file's mode, so a crash or a full disk leaves the previous register whole.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from . import frontmatter
from .workspace import write_atomic
from .core.findings import errors_in
from .core.register import RegisterEntry, parse_entry

COMPLETION_KEYS = ("sent_on", "submitted_on")
"""A record holding one of these is complete; one without (a partly accepted send) is
continued in place by the next send rather than kept under ``earlier``."""


class RegisterError(ValueError):
    """The register cannot be read or written; the message names the file and what to do."""


class RecordExists(RegisterError):
    """A record is already there; the message says how to replace it on purpose."""


def read_entry(path: Path, shown: str, item_id: str) -> RegisterEntry:
    """The item's register entry as it is on disk now (read again under the project lock)."""
    if not path.exists():
        return RegisterEntry()
    try:
        data = frontmatter.load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise RegisterError(f"{shown}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from exc
    except frontmatter.FrontMatterError as exc:
        raise RegisterError(f"{shown}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise RegisterError(f"{shown}: cannot read it ({exc.strerror})") from exc
    entry, findings = parse_entry(data, shown, item_id)
    if entry is None:
        raise RegisterError("\n".join(str(f) for f in errors_in(findings)))
    return entry


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long reference or reason onto a second line
    yaml.representer.ignore_aliases = lambda data: True  # one date for many addresses: no &id001
    return yaml


def _load_document(path: Path) -> tuple[CommentedMap, str]:
    """The file's mapping, and the comment lines of a file that holds nothing else."""
    if not path.exists():
        return CommentedMap(), ""
    try:
        text = path.read_text(encoding="utf-8")
        document = _yaml().load(text)
    except UnicodeDecodeError as exc:
        raise RegisterError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8; "
                            "nothing was recorded") from exc
    except YAMLError as exc:
        raise RegisterError(f"{path}: not valid YAML ({exc}); nothing was recorded") from exc
    except OSError as exc:
        raise RegisterError(f"{path}: cannot read it ({exc.strerror}); nothing was recorded") from exc
    if document is None:
        comments = "".join(line for line in text.splitlines(keepends=True)
                           if line.lstrip().startswith("#") or not line.strip())
        return CommentedMap(), comments
    if not isinstance(document, CommentedMap):
        raise RegisterError(f"{path}: expected a mapping (circulation, nspcc, ...); nothing was "
                            "recorded")
    return document, ""


def _dump(document: CommentedMap, leading_comments: str) -> bytes:
    out = io.StringIO()
    _yaml().dump(document, out)
    text = out.getvalue()
    if leading_comments:
        text = leading_comments.rstrip("\n") + "\n" + text
    return text.encode("utf-8")


def _is_complete(record: Any) -> bool:
    return isinstance(record, dict) and any(k in record for k in COMPLETION_KEYS)


def record(path: Path, section: str, key: str | None, values: dict[str, Any], replace: bool = False,
           command_hint: str = "") -> list[str]:
    """Add ``values`` under ``section`` (and ``key``), e.g. circulation → dfe.

    An existing complete record is only replaced with ``replace``; it is then kept in
    ``earlier``. A partial record (no ``sent_on``) is updated in place: the next send
    continues it. Nothing else in the file changes. Returns the comments ruamel.yaml
    could not keep (those inside a ``{...}`` mapping written over several lines), for
    the caller to show; the record is written all the same.
    """
    before = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    document, leading_comments = _load_document(path)
    if key is not None:
        parent = document.get(section)
        if not isinstance(parent, dict):
            parent = document[section] = CommentedMap()
        name = key
    else:
        parent, name = document, section
    existing = parent.get(name)
    if _is_complete(existing) or (existing and not isinstance(existing, dict)):
        if not replace:
            raise RecordExists(
                f"{path}: {section}{'.' + key if key else ''} is already recorded "
                f"({dict(existing) if isinstance(existing, dict) else existing}); "
                f"{command_hint or 'pass --resend to send again'} (the earlier record is kept)")
        parent[name] = _replacement(existing, values)
    elif isinstance(existing, dict) and existing:
        _update_in_place(existing, values)
    else:
        parent[name] = CommentedMap(values)
    text = _dump(document, leading_comments)
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise RegisterError(f"{path}: cannot write the register ({exc.strerror or exc}): nothing "
                            "more was recorded; free space or make the folder writable") from exc
    after = text.decode("utf-8")
    return [comment for comment in _comments(before) if comment not in after]


def _comments(text: str) -> list[str]:
    """Comment text in ``text``: from a ``#`` at the start of a line or after a space
    (a ``#`` in a quoted value may be counted too; it is kept, so it is never reported)."""
    found = []
    for line in text.splitlines():
        start = 0 if line.lstrip().startswith("#") else line.find(" #") + 1
        if line.lstrip().startswith("#") or start > 0:
            found.append(line[start:].strip())
    return found


def _replacement(existing: Any, values: dict[str, Any]) -> CommentedMap:
    earlier = CommentedSeq()
    if isinstance(existing, dict):
        earlier.extend(existing.pop("earlier", None) or [])
    earlier.append(existing)
    return CommentedMap({**values, "earlier": earlier})


def _update_in_place(existing: dict, values: dict[str, Any]) -> None:
    """Continue a partial record: its keys take the new values; keys the new record no
    longer has (``refused`` once every address accepted) go; ``earlier`` stays."""
    for old in [k for k in existing if k not in values and k != "earlier"]:
        del existing[old]
    for position, (name, value) in enumerate(values.items()):
        if name in existing:
            existing[name] = value
        else:
            existing.insert(min(position, len(existing)), name, value)
