"""The NSPCC national repository submission (DOMAIN rule 6; 004 §10.5.3): published
reports are sent to the repository, after publication and never before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import format_date, local_date
from .items import REVIEW_TYPES, Item, Kind
from .register import RegisterEntry

DEFAULT_ADDRESS = "information@nspcc.org.uk"


def needs_submission(item: Item) -> bool:
    """Reviews whose report is published (not withheld) go to the repository."""
    return item.kind is Kind.REVIEW and item.details.get("published_form") != "withheld"


def missing_for_entry(item: Item) -> list[str]:
    """Fields the repository entry needs that the review does not give."""
    missing = []
    for field_name in ("area", "incident_summary", "recommendations"):
        if not item.details.get(field_name):
            missing.append(field_name)
    return missing


def heading(item: Item, tz) -> str:
    year = local_date(item.publish_at, tz).year
    return f"{year} \u2013 {item.details.get('area') or 'Unknown area'} \u2013 {item.details['child']}"


def entry_text(item: Item, theme_labels: dict[str, str], tz, url: str) -> str:
    """The entry as the NSPCC repository lists reviews."""
    details = item.details
    themes = "; ".join(theme_labels.get(t, t).lower() for t in item.themes)
    recommendations = "; ".join(r.rstrip(".") for r in details.get("recommendations", ()))
    reviewer = ("published anonymously" if details.get("reviewer_anonymous")
                else ", ".join(details.get("reviewer", ())))
    lines = [
        heading(item, tz),
        "",
        details.get("incident_summary") or "",
        "",
        f"Learning themes include: {themes}.",
        f"Recommendations include: {recommendations}." if recommendations else "",
        "",
        f"Review type: {REVIEW_TYPES[details['review_type']]}",
        f"Publication date: {format_date(local_date(item.publish_at, tz))}",
        f"Reviewer: {reviewer}",
        f"Report: {url}",
    ]
    return "\n".join(lines).replace("\n\n\n", "\n\n")


@dataclass(frozen=True)
class SubmissionDue:
    item: Item
    due_by: date
    overdue: bool
    submitted_on: date | None


def submission_status(item: Item, entry: RegisterEntry, today: date, settings,
                      working_days: int) -> SubmissionDue:
    published = local_date(item.publish_at, settings.timezone)
    due_by = settings.calendar.after(published, working_days)
    submitted = entry.nspcc.submitted_on if entry.nspcc else None
    return SubmissionDue(item, due_by, submitted is None and today > due_by, submitted)
