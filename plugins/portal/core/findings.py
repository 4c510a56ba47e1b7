"""Findings: what validation and the publication rules have to say about an item."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth knowing) about a file.

    Attributes:
        level: error (blocks the build), warning or info.
        file: the path a user opens to fix it, relative to the project.
        field: the front-matter or register field concerned ("" for the whole file).
        code: a stable identifier for scripts and tests (e.g. ``unknown-theme``).
        message: what is wrong and what would be right.
        item: the item id, when the finding is about an item.
    """

    level: Level
    file: str
    field: str
    code: str
    message: str
    item: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["level"] = self.level.value
        return data


def error(file: str, field: str, code: str, message: str, item: str = "") -> Finding:
    return Finding(Level.ERROR, file, field, code, message, item)


def warning(file: str, field: str, code: str, message: str, item: str = "") -> Finding:
    return Finding(Level.WARNING, file, field, code, message, item)


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level is Level.ERROR]
