"""The ``portal-search`` plugin: a Pagefind index of the pages the gate let through.

Pagefind indexes whatever HTML it is given and ignores ``noindex``, so it is never
pointed at a folder: each rendered page of a live item is handed to it explicitly.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from ...search import IndexPage, IndexWriter, SearchIndexError, pdf_record
from ..shared import publication_of
from .config import SearchConfig

log = get_plugin_logger(__name__)


class SearchPlugin(BasePlugin[SearchConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.writer: IndexWriter | None = None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.writer = IndexWriter()

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Last of all plugins: hand the final HTML of every live item's page to Pagefind,
        which indexes it in its own process while the next page renders."""
        publication = publication_of(config)
        item_id = page.file.src_uri[: -len(".md")] if page.file.src_uri.endswith(".md") else ""
        if publication.is_live(item_id):
            try:
                self.writer.add_page(IndexPage(url="/" + page.url, html=output))
                item = publication.project.items[item_id]
                if item.report:
                    self.writer.add_record(pdf_record(item, publication))
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from exc
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            count = self.writer.write(config.site_dir, self.config.output_path)
        except SearchIndexError as exc:
            raise PluginError(str(exc)) from exc
        log.info(f"Pagefind indexed {count} pages and records")

    def on_build_error(self, *, error: Exception) -> None:
        if self.writer is not None:
            self.writer.close()
