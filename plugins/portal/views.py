"""What templates show: plain view objects built from items and the publication decision.

Templates never look at raw front matter. Everything here comes from a ``Publication``,
so a template cannot show a title, link or attachment of an item that is not live.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .core.dates import format_date, local_date
from .core.items import BRIEFING_TYPES, PUBLISHED_FORMS, REVIEW_TYPES, Item, Kind
from .pdf import PdfFacts
from .project import Publication


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # site-relative, no leading slash
    note: str = ""


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str
    format: str
    size: str
    pages: int

    @property
    def facts(self) -> str:
        return f"{self.format}, {self.size}, {self.pages} page{'s' if self.pages != 1 else ''}"


@dataclass
class ItemView:
    """One live item as templates show it."""

    id: str
    kind: str
    kind_label: str
    title: str
    url: str
    summary: str
    published: str
    published_iso: str
    year: int
    type_id: str
    type_label: str
    themes: list[Link]
    details: dict
    attachment: Attachment | None = None
    review: Link | None = None
    related: dict[str, list[Link]] = field(default_factory=dict)
    changes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class NoticeView:
    """A withdrawn or archived item's page: what may still be said about it."""

    id: str
    kind: str  # "withdrawn" or "archived"
    kind_label: str
    title: str
    url: str
    published: str
    published_iso: str
    summary: str = ""
    withdrawn_on: str = ""
    reason: str = ""
    contact: str = ""
    type_label: str = ""
    child: str = ""


def build_notice(item: Item, publication: Publication, contact: str) -> NoticeView:
    tz = publication.project.settings.timezone
    ledger = publication.project.ledger.get(item.id)
    first = ledger.published_at if ledger else item.publish_at
    kind = publication.notice_pages[item.id]
    view = NoticeView(
        id=item.id, kind=kind, kind_label=item.kind.label, title=item.title, url=item.url,
        published=format_date(local_date(first, tz)), published_iso=first.astimezone(tz).isoformat(),
        contact=contact, type_label=item_type(item)[1], child=item.details.get("child", ""))
    if kind == "withdrawn":
        withdrawal = publication.project.register[item.id].withdrawal
        view.withdrawn_on = format_date(withdrawal.on)
        view.reason = withdrawal.reason_public
    else:
        view.summary = item.summary
    return view


def pack_path(item: Item) -> str:
    """Where a case study's trainer pack is published."""
    return f"{item.id}/trainer-pack.zip"


def item_type(item: Item) -> tuple[str, str]:
    """An item's sub-type id and label (review type, briefing type) for listings and filters."""
    if item.kind is Kind.REVIEW:
        key = item.details["review_type"]
        return key, REVIEW_TYPES[key]
    if item.kind is Kind.BRIEFING:
        key = item.details["briefing_type"]
        return key, BRIEFING_TYPES[key]
    return item.kind.value, item.kind.label


def build_view(item: Item, publication: Publication) -> ItemView:
    project = publication.project
    settings = project.settings
    type_id, type_label = item_type(item)
    attachment = None
    if item.report:
        facts: PdfFacts = project.pdfs[item.report]
        attachment = Attachment(
            url=item.report, name=posixpath.basename(item.report), format="PDF",
            size=facts.size_label, pages=facts.pages)
    review_link = None
    if item.review_id and publication.is_public(item.review_id):
        review = project.items[item.review_id]
        review_link = Link(review.title, review.url)
    details = dict(item.details)
    if item.kind is Kind.CASE_STUDY:
        details["pack_url"] = pack_path(item)
        if item.review_id and publication.is_live(item.review_id):
            details["key_recommendations"] = project.items[item.review_id].details.get("recommendations", ())
    if item.kind is Kind.REVIEW:
        details["published_form_label"] = PUBLISHED_FORMS[details["published_form"]]
    return ItemView(
        id=item.id,
        kind=item.kind.value,
        kind_label=item.kind.label,
        title=item.title,
        url=item.url,
        summary=item.summary,
        published=format_date(local_date(item.publish_at, settings.timezone)),
        published_iso=item.publish_at.astimezone(settings.timezone).isoformat(),
        year=local_date(item.publish_at, settings.timezone).year,
        type_id=type_id,
        type_label=type_label,
        themes=[Link(settings.themes.get(t).label, f"themes/{t}/") for t in item.themes],
        details=details,
        attachment=attachment,
        review=review_link,
        related=related_links(item, publication),
        changes=[(format_date(c.on), c.note) for c in reversed(item.changes)],
    )


def related_links(item: Item, publication: Publication) -> dict[str, list[Link]]:
    """A review's live case studies, briefings and progress, from their ``review`` fields."""
    if item.kind is not Kind.REVIEW:
        return {}
    related: dict[str, list[Link]] = {}
    for other in publication.live_from_review(item.id):
        related.setdefault(other.kind.plural, []).append(Link(other.title, other.url))
    return related
