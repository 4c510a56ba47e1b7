"""The site's theme vocabulary: the controlled list of themes items may carry."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .text import refused_character


@dataclass(frozen=True)
class Theme:
    """One theme: its id (used in front matter and URLs), label and description."""

    id: str
    label: str
    description: str = ""


class ThemeVocabulary:
    """The themes a site allows, in the order the site lists them."""

    def __init__(self, themes: list[Theme]):
        self._themes = {theme.id: theme for theme in themes}

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._themes

    def __iter__(self):
        return iter(self._themes.values())

    def __len__(self) -> int:
        return len(self._themes)

    def get(self, theme_id: str) -> Theme:
        return self._themes[theme_id]

    def suggest(self, unknown: str, limit: int = 3) -> list[str]:
        """The nearest valid theme ids to a mistyped one, best first."""
        candidates = difflib.get_close_matches(unknown, list(self._themes), n=limit, cutoff=0.5)
        if not candidates:
            candidates = [t for t in self._themes if unknown in t or t in unknown][:limit]
        return candidates

    def unknown_message(self, unknown: str) -> str:
        suggestions = self.suggest(unknown)
        if suggestions:
            hint = " or ".join(repr(s) for s in suggestions)
            return f"unknown theme {unknown!r} (did you mean {hint}?)"
        return f"unknown theme {unknown!r}: use one of the ids in the theme vocabulary"


def vocabulary_from_data(data: object) -> ThemeVocabulary:
    """Build the vocabulary from the site's data file (a list of ``{id, label, description}``).

    Raises ``ValueError`` with a message naming the entry at fault.
    """
    if not isinstance(data, list) or not data:
        raise ValueError("expected a list of themes, each with an id and a label")
    themes = []
    seen: set[str] = set()
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ValueError(f"entry {position}: expected {{id: ..., label: ...}}, got {entry!r}")
        theme_id = entry["id"]
        if theme_id in seen:
            raise ValueError(f"entry {position}: theme id {theme_id!r} is listed twice")
        if not theme_id.replace("-", "").isalnum() or theme_id != theme_id.lower():
            raise ValueError(
                f"entry {position}: theme id {theme_id!r} must be lower-case words "
                "joined by hyphens"
            )
        seen.add(theme_id)
        label = entry.get("label") or theme_id.replace("-", " ").capitalize()
        description = str(entry.get("description", ""))
        for name, value, multiline in (("label", str(label), False), ("description", description, True)):
            problem = refused_character(value, multiline)
            if problem:
                raise ValueError(f"entry {position}: {name}: {problem}")
        themes.append(Theme(theme_id, str(label), description))
    return ThemeVocabulary(themes)
