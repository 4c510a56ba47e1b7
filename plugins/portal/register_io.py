"""Writing to the register (``embargo/<id>.yaml``): records are added, never silently
replaced. A record that is replaced on purpose is kept under ``earlier``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from . import frontmatter


class RecordExists(ValueError):
    """A record is already there; the message says how to replace it on purpose."""


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = frontmatter.load_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def record(path: Path, section: str, key: str | None, values: dict[str, str], replace: bool = False,
           command_hint: str = "") -> None:
    """Add ``values`` under ``section`` (and ``key``), e.g. circulation → dfe.

    An existing record is only replaced with ``replace``; it is then kept in ``earlier``.
    """
    data = _read(path)
    parent = data.setdefault(section, {}) if key is not None else data
    name = key if key is not None else section
    existing = parent.get(name)
    if existing:
        if not replace:
            raise RecordExists(
                f"{path}: {section}{'.' + key if key else ''} is already recorded "
                f"({existing}); {command_hint or 'pass --resend to send again'} "
                "(the earlier record is kept)")
        earlier = list(existing.pop("earlier", []) or []) if isinstance(existing, dict) else []
        earlier.append({k: v for k, v in existing.items()} if isinstance(existing, dict) else existing)
        values = {**values, "earlier": earlier}
    parent[name] = values
    _write(path, data)
