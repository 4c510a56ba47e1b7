"""The site's publication settings, as the rules need them (read from mkdocs.yml by the adapter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo

from .themes import ThemeVocabulary


@dataclass(frozen=True)
class Settings:
    """What the rules need to know about the site.

    Attributes:
        timezone: the site's timezone; every local date and time is read in it.
        publication_time: the time of day a bare ``publish_at`` date means.
        themes: the theme vocabulary.
        closure_days: extra non-working days (office closures) for the working-day calendar.
        area: the partnership's area, the default for a review's ``area``.
    """

    timezone: ZoneInfo
    publication_time: time
    themes: ThemeVocabulary
    closure_days: frozenset[date] = field(default_factory=frozenset)
    area: str = ""
