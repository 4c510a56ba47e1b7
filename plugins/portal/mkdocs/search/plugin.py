"""The ``portal-search`` plugin: a Pagefind index of the pages the gate let through.

Pagefind indexes whatever HTML it is given and ignores ``noindex``, so it is never
pointed at a folder: each rendered page of a live item is handed to it explicitly.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from ...search import IndexPage, IndexRecord, SearchIndexError, pdf_record, write_index
from ..shared import publication_of
from .config import SearchConfig

log = get_plugin_logger(__name__)


class SearchPlugin(BasePlugin[SearchConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[IndexPage] = []
        self.records: list[IndexRecord] = []

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.pages = []
        self.records = []

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Last of all plugins: keep the final HTML of every live item's page."""
        publication = publication_of(config)
        item_id = page.file.src_uri[: -len(".md")] if page.file.src_uri.endswith(".md") else ""
        if publication.is_live(item_id):
            self.pages.append(IndexPage(url="/" + page.url, html=output))
            item = publication.project.items[item_id]
            if item.report:
                self.records.append(pdf_record(item, publication))
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            count = write_index(self.pages, config.site_dir, self.config.output_path, self.records)
        except SearchIndexError as exc:
            raise PluginError(str(exc)) from exc
        log.info(f"Pagefind indexed {count} pages")
