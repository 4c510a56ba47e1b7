"""The public site's structure from one publication decision: listings, theme pages,
and the view objects templates read. No MkDocs imports: adapters pass plain values."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from functools import cached_property

from .core.items import Item, Kind
from .core.themes import Theme
from .progress_view import (
    ProgressView,
    build_progress_view,
    overdue_by_lead,
    read_history,
    totals_over_time,
    trend_svg,
)
from .project import Publication
from .views import ItemView, NoticeView, build_notice, build_view

LISTING_INTROS = {
    Kind.REVIEW: "Reports of local child safeguarding practice reviews, serious case reviews, "
                 "rapid reviews and other learning reviews, newest first.",
    Kind.CASE_STUDY: "Anonymised case studies with learning points and questions, for "
                     "single- and multi-agency training.",
    Kind.BRIEFING: "Practitioner and manager briefings, seven-minute briefings and "
                   "newsletters on the learning from reviews.",
    Kind.PROGRESS: "What has been done in response to each review, its impact, and what "
                   "more will be done.",
}


def _front_matter(**fields: str) -> str:
    # JSON strings are valid YAML scalars, so any title is quoted safely.
    lines = [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def generated_pages(publication: Publication, existing: Iterable) -> list[tuple[str, str]]:
    """Listing and theme pages the site needs and the project does not provide itself."""
    have = {getattr(f, "src_uri", f) for f in existing}
    pages = []
    for kind in Kind:
        src_uri = f"{kind.value}/index.md"
        if src_uri not in have and kind is Kind.PROGRESS:
            pages.append((src_uri, _front_matter(title="Action-plan progress",
                                                 template="portal/dashboard.html")))
        elif src_uri not in have:
            pages.append((src_uri, _front_matter(
                title=kind.plural, template="portal/listing.html", listing=kind.value)))
    if "archive/index.md" not in have:
        pages.append(("archive/index.md", _front_matter(title="Archived reports", template="portal/archive.html")))
    if "search/index.md" not in have:
        pages.append(("search/index.md", _front_matter(title="Search", template="portal/search.html")))
    if "themes/index.md" not in have:
        pages.append(("themes/index.md", _front_matter(
            title="Themes", template="portal/themes.html")))
    for theme in themes_in_use(publication):
        src_uri = f"themes/{theme.id}.md"
        if src_uri not in have:
            pages.append((src_uri, _front_matter(
                title=theme.label, template="portal/theme.html", theme=theme.id)))
    return pages


def notice_pages(publication: Publication) -> list[tuple[str, str]]:
    """Pages that replace withdrawn and archived items, at the items' own addresses."""
    pages = []
    for item_id, kind in sorted(publication.notice_pages.items()):
        item = publication.project.items[item_id]
        pages.append((item.src_uri, _front_matter(title=item.title, template="portal/notice.html")))
    return pages


def themes_in_use(publication: Publication) -> list[Theme]:
    """Themes carried by at least one live item, in the vocabulary's order.

    A theme page exists only while something live carries the theme, so that neither an
    empty page nor the label of a theme used only by embargoed material is published.
    """
    used = {theme for item in publication.live_items for theme in item.themes}
    return [theme for theme in publication.project.settings.themes if theme.id in used]


class SiteView:
    """What every template may ask about the public site. Built from live items only."""

    def __init__(self, publication: Publication, options: Mapping, site_name: str):
        self.publication = publication
        self.options = options
        self.partnership = options.get("partnership") or site_name
        self.support_notice = options.get("support_notice", "")
        self.support_url = options.get("support_url", "support/")
        self.archive_contact = options.get("archive_contact", "")
        self._views: dict[str, ItemView] = {}
        self._progress: dict[str, ProgressView] = {}
        self._by_src = {item.src_uri: item for item in publication.live_items}
        self._notices = {publication.project.items[i].src_uri: publication.project.items[i]
                         for i in publication.notice_pages}

    @property
    def preview(self) -> bool:
        return self.publication.preview

    def banner(self, item_id: str) -> str:
        return self.publication.banners.get(item_id, "")

    def item_for(self, src_uri: str) -> Item | None:
        """The live item whose page this is, or None."""
        return self._by_src.get(src_uri)

    def notice_for(self, src_uri: str) -> Item | None:
        """The withdrawn or archived item whose notice page this is, or None."""
        return self._notices.get(src_uri)

    def notice_view(self, item_id: str) -> NoticeView:
        return build_notice(self.publication.project.items[item_id], self.publication,
                            self.archive_contact)

    @property
    def archived(self) -> list[NoticeView]:
        ids = [i for i, kind in self.publication.notice_pages.items() if kind == "archived"]
        views = [self.notice_view(i) for i in ids]
        return sorted(views, key=lambda v: v.published_iso, reverse=True)

    def progress(self, item_id: str) -> ProgressView:
        if item_id not in self._progress:
            self._progress[item_id] = build_progress_view(self.publication.project.items[item_id],
                                                          self.publication)
        return self._progress[item_id]

    def progress_for_review(self, review_id: str) -> ProgressView | None:
        for item in self.publication.live_from_review(review_id):
            if item.kind is Kind.PROGRESS:
                return self.progress(item.id)
        return None

    @property
    def dashboard(self) -> list[ProgressView]:
        return [self.progress(item.id) for item in self.publication.live_of_kind(Kind.PROGRESS)]

    @property
    def overdue_by_lead(self):
        return overdue_by_lead(self.publication)

    @cached_property
    def trend(self) -> list[tuple[str, dict[str, int]]]:
        path = self.publication.project.root / self.options.get("register_dir", "embargo") / "progress-history"
        return totals_over_time(self.publication, read_history(path))

    @property
    def trend_chart(self) -> str:
        return trend_svg(self.trend)

    def view(self, item_id: str) -> ItemView:
        if item_id not in self._views:
            self._views[item_id] = build_view(self.publication.project.items[item_id], self.publication)
        return self._views[item_id]

    def views(self, items: Iterable[Item]) -> list[ItemView]:
        return [self.view(item.id) for item in items]

    def latest_of(self, kind_value: str) -> list[ItemView]:
        return self.listing(kind_value)[: self.options.get("latest_count", 6)]

    def latest_except(self, kind_value: str) -> list[ItemView]:
        others = [i for i in self.publication.live_items if i.kind is not Kind(kind_value)]
        return self.views(others[: self.options.get("latest_count", 6)])

    def listing(self, kind_value: str) -> list[ItemView]:
        return self.views(self.publication.live_of_kind(Kind(kind_value)))

    def kind_label(self, kind_value: str) -> str:
        return Kind(kind_value).plural

    def listing_intro(self, kind_value: str) -> str:
        return LISTING_INTROS[Kind(kind_value)]

    @cached_property
    def kinds(self) -> list[tuple[str, str, int]]:
        return [(k.value, k.plural, len(self.publication.live_of_kind(k))) for k in Kind]

    def theme(self, theme_id: str) -> Theme:
        return self.publication.project.settings.themes.get(theme_id)

    def theme_items(self, theme_id: str) -> list[ItemView]:
        return self.views(i for i in self.publication.live_items if theme_id in i.themes)

    @cached_property
    def themes(self) -> list[tuple[Theme, int]]:
        counts: dict[str, int] = {}
        for item in self.publication.live_items:
            for theme in item.themes:
                counts[theme] = counts.get(theme, 0) + 1
        return [(t, counts[t.id]) for t in themes_in_use(self.publication)]

    def group_by_kind(self, views: Collection[ItemView]) -> list[tuple[str, str, list[ItemView]]]:
        """Views grouped by type, reviews first: for theme pages."""
        groups = []
        for kind in Kind:
            items = [v for v in views if v.kind == kind.value]
            if items:
                groups.append((kind.value, kind.plural, items))
        return groups

    def themes_of(self, views: Collection[ItemView]) -> list[tuple[str, str]]:
        """(id, label) of the themes these items carry, in vocabulary order."""
        used = {link.url.split("/")[1] for view in views for link in view.themes}
        return [(t.id, t.label) for t in self.publication.project.settings.themes if t.id in used]

    def years(self, views: Collection[ItemView]) -> list[int]:
        return sorted({v.year for v in views}, reverse=True)

    def types(self, views: Collection[ItemView]) -> list[tuple[str, str]]:
        return sorted({(v.type_id, v.type_label) for v in views}, key=lambda t: t[1])
