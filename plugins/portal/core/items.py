"""The content model: what an item is once its front matter has been validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum


class Kind(str, Enum):
    """An item's type, given by the folder it lives in under ``content/``."""

    REVIEW = "reviews"
    CASE_STUDY = "case-studies"
    BRIEFING = "briefings"
    PROGRESS = "progress"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self][0]

    @property
    def plural(self) -> str:
        return _KIND_LABELS[self][1]


_KIND_LABELS = {
    Kind.REVIEW: ("Review", "Reviews"),
    Kind.CASE_STUDY: ("Case study", "Case studies"),
    Kind.BRIEFING: ("Briefing", "Briefings"),
    Kind.PROGRESS: ("Action-plan progress", "Action-plan progress"),
}

REVIEW_TYPES = {
    "lcspr": "Local Child Safeguarding Practice Review",
    "scr": "Serious Case Review",
    "rapid-review": "Rapid Review",
    "learning-review": "Learning review",
}

BRIEFING_TYPES = {
    "practitioner": "Practitioner briefing",
    "manager": "Briefing for managers",
    "seven-minute": "Seven-minute briefing",
    "newsletter": "Newsletter",
}

PUBLISHED_FORMS = {
    "full": "Full report",
    "summary": "Executive summary",
    "withheld": "Improvement information (report not published)",
}

STATUSES = ("draft", "approved", "withdrawn")
ACTION_STATUSES = ("not-started", "in-progress", "complete")


@dataclass(frozen=True)
class LegalHold:
    reason: str
    until: date | None = None


@dataclass(frozen=True)
class Change:
    on: date
    note: str


@dataclass(frozen=True)
class Action:
    id: str
    recommendation: str
    action: str
    lead: str
    due: date
    status: str
    evidence: str = ""
    impact: str = ""
    updated: date | None = None


@dataclass
class Item:
    """One publishable item, validated.

    Attributes:
        id: the path under ``content/`` without ``.md`` (``reviews/child-t``).
        kind: the item's type.
        src_uri: the Markdown file's path under ``content/`` (``reviews/child-t.md``).
        publish_at: the aware instant of publication in the site timezone, or None.
        attachments: paths under ``content/`` of the files this item publishes (its PDF).
        details: the type-specific fields (``review_type``, ``questions``...), validated.
    """

    id: str
    kind: Kind
    src_uri: str
    title: str
    status: str
    summary: str
    themes: tuple[str, ...]
    publish_at: datetime | None = None
    approved_by: str = ""
    approved_on: date | None = None
    legal_hold: LegalHold | None = None
    changes: tuple[Change, ...] = ()
    archived: bool = False
    attachments: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The item's site-relative URL (``reviews/child-t/``)."""
        return f"{self.id}/"

    @property
    def review_id(self) -> str | None:
        """The id of the review this item belongs to, for case studies, briefings, progress."""
        return self.details.get("review")

    @property
    def report(self) -> str | None:
        """The report PDF's path under ``content/``, for a review that has one."""
        return self.details.get("report")
