"""The public site's structure from one publication decision: listings, theme pages,
and the view objects templates read. No MkDocs imports: adapters pass plain values."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import yaml
from markupsafe import Markup, escape

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


class FrontMatterError(ValueError):
    """Settings that would not read back from a generated page's front matter unchanged."""


def front_matter(**fields: str) -> str:
    """YAML front matter holding exactly ``fields``, checked by reading it back.

    Only the portal's own settings (a template, a type, a theme id) go here, never an
    author's text: titles are given to MkDocs by ``SiteView.page_title``. Text YAML
    cannot hold (a surrogate pair from ``json.dumps``, a line ``---``) would make MkDocs
    show the front matter as the page's body, where Markdown lets HTML through.
    """
    text = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=float("inf"))
    lines = text.splitlines()
    if yaml.safe_load(text) != fields or any(line.rstrip() in ("---", "...") for line in lines):
        raise FrontMatterError(f"generated front matter would not read back: {fields!r}")
    return "---\n" + text + "---\n"


@dataclass(frozen=True)
class GeneratedPage:
    """A page the portal makes: its settings go into front matter, its title does not."""

    src_uri: str
    title: str
    template: str
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def content(self) -> str:
        return front_matter(template=self.template, **dict(self.settings))


def site_pages(publication: Publication, existing: Iterable) -> list[GeneratedPage]:
    """Listing and theme pages the site needs and the project does not provide itself."""
    have = {getattr(f, "src_uri", f) for f in existing}
    pages = []
    for kind in Kind:
        if kind is Kind.PROGRESS:
            pages.append(GeneratedPage(f"{kind.value}/index.md", "Action-plan progress",
                                       "portal/dashboard.html"))
        else:
            pages.append(GeneratedPage(f"{kind.value}/index.md", kind.plural, "portal/listing.html",
                                       (("listing", kind.value),)))
    pages += [GeneratedPage("archive/index.md", "Archived reports", "portal/archive.html"),
              GeneratedPage("search/index.md", "Search", "portal/search.html"),
              GeneratedPage("themes/index.md", "Themes", "portal/themes.html")]
    pages += [GeneratedPage(f"themes/{theme.id}.md", theme.label, "portal/theme.html",
                            (("theme", theme.id),)) for theme in themes_in_use(publication)]
    return [page for page in pages if page.src_uri not in have]


def generated_pages(publication: Publication, existing: Iterable) -> list[tuple[str, str]]:
    """(src_uri, content) of the listing and theme pages the site needs."""
    return [(page.src_uri, page.content) for page in site_pages(publication, existing)]


def notice_pages(publication: Publication) -> list[tuple[str, str]]:
    """Pages that replace withdrawn and archived items, at the items' own addresses."""
    pages = []
    for item_id in sorted(publication.notice_pages):
        item = publication.project.items[item_id]
        pages.append((item.src_uri, front_matter(template="portal/notice.html")))
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
        self._generated_titles = {page.src_uri: page.title
                                  for page in site_pages(publication, publication.project.files)}

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

    def page_title(self, src_uri: str) -> str | None:
        """The title, as plain text, of a page the portal owns: a live item's, a notice's
        or a generated page's. None for the project's own pages (their front matter
        gives theirs)."""
        item = self._by_src.get(src_uri) or self._notices.get(src_uri)
        if item is not None:
            return item.title
        return self._generated_titles.get(src_uri)

    def page_title_html(self, src_uri: str) -> Markup | None:
        """``page_title`` escaped, for ``page.meta["title"]``.

        Material's templates print a page's title as HTML, unescaped, so the title MkDocs
        holds must already be escaped; as ``Markup`` it is not escaped twice where a
        template escapes (main.html's ``<title>``, Material's ``| e``).
        """
        title = self.page_title(src_uri)
        return None if title is None else escape(title)

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
