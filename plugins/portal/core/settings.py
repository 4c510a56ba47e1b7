"""The site's publication settings, as the rules need them (read from mkdocs.yml by the adapter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from zoneinfo import ZoneInfo

from .anonymise import DEFAULT_ALLOWED_EMAIL_DOMAINS, DEFAULT_ALLOWED_NUMBERS
from .calendar import WorkingDays
from .circulation import DEFAULT_RULES, CirculationRule
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
        circulation_rules: who must receive what before publication (SPEC §4 rule 4).
    """

    timezone: ZoneInfo
    publication_time: time
    themes: ThemeVocabulary
    closure_days: frozenset[date] = field(default_factory=frozenset)
    area: str = ""
    circulation_rules: tuple[CirculationRule, ...] = DEFAULT_RULES
    nspcc_due_working_days: int = 10
    allowed_phone_numbers: tuple[str, ...] = DEFAULT_ALLOWED_NUMBERS
    allowed_email_domains: tuple[str, ...] = DEFAULT_ALLOWED_EMAIL_DOMAINS

    @cached_property
    def calendar(self) -> WorkingDays:
        return WorkingDays(self.closure_days)
