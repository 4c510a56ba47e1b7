"""The ``portal-search`` plugin: a Pagefind index of the pages the gate let through.

Pagefind indexes whatever HTML it is given and ignores ``noindex``, so it is never
pointed at a folder: each rendered page of a live item is handed to it explicitly.
A large collection is split into shards (see ``ShardPlan``); the item pages are rendered
shard by shard so that each shard's index is written while the next one renders.

MkDocs converts every page's Markdown first and only then renders the pages' templates,
so Pagefind, which indexes the final HTML, would wait idle through the longest part of
the build. The Markdown of live items' pages is therefore converted when the page is
about to be rendered instead, by a second process a few pages ahead (``convert.py``),
with the same extensions and the same ``page_content`` hooks, the gate's link check
included: Pagefind indexes and Markdown converts while the main process renders.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ...search import (IndexPage, SearchIndexError, ShardedIndexWriter, ShardPlan, pdf_record,
                       plan_shards)
from ..shared import publication_of
from .config import SearchConfig
from .convert import MarkdownConverter

log = get_plugin_logger(__name__)

CHUNK_LOCATIONS = 20_000
"""Pagefind's default size of an index chunk, in word locations; a shard's chunks are
made proportionally smaller, so a query fetches about as much as from one index."""


class SearchPlugin(BasePlugin[SearchConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.writer: ShardedIndexWriter | None = None
        self.plan = ShardPlan({}, 1)
        self._deferred: dict[str, str] = {}
        self._converter: MarkdownConverter | None = None

    @event_priority(-100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Last of all plugins: plan the shards, and order the live items' pages shard by
        shard (MkDocs renders pages in the order of its files)."""
        publication = publication_of(config)
        project = publication.project
        entries = []
        for item in publication.live_items:
            date = item.publish_at.isoformat()
            entries.append((item.id, date, len(project.bodies.get(item.id, "")) + len(item.title)))
            if item.report:
                entries.append((f"{item.id}#report", date, len(project.pdf_text(item.report))))
        self.plan = plan_shards(entries, int(self.config.shard_text_mb * 1_000_000))
        if self.plan.count == 1:
            return files
        position = {file.src_uri: number for number, file in enumerate(files)}

        def order(file) -> tuple[int, int]:
            # Item pages shard by shard, then the rest (listings, themes...), which render
            # while the last shard's index is written.
            item_id = file.src_uri[: -len(".md")] if file.src_uri.endswith(".md") else None
            shard = self.plan.shard_of.get(item_id, self.plan.count) if item_id else self.plan.count
            return shard, position[file.src_uri]

        return Files(sorted(files, key=order))

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.writer = None
        self._deferred = {}
        self._converter = None

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Last of all plugins: keep a live item's final Markdown for rendering time."""
        if publication_of(config).is_live(_item_id(page)):
            self._deferred[page.file.src_uri] = markdown
            return ""
        return markdown

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Every page is read: start converting the deferred ones, in rendering order."""
        self._converter = MarkdownConverter(config, files, self._deferred)
        return env

    @event_priority(100)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        """First of all plugins: convert a deferred page's Markdown, as MkDocs would have,
        then give the result to every plugin's ``on_page_content``."""
        if self._converter is not None and page.file.src_uri in self._deferred:
            self._converter.convert(page)
            page.content = config.plugins.on_page_content(page.content, page=page, config=config,
                                                          files=self._converter.files)
        context["portal_search_bundles"] = self.plan.bundles(self.config.output_path)
        return context

    def _writer(self, config: MkDocsConfig) -> ShardedIndexWriter:
        if self.writer is None:
            publication = publication_of(config)
            records: dict[int, list] = {}
            for item in publication.live_items:
                if item.report:
                    shard = self.plan.shard_of.get(f"{item.id}#report", 0)
                    records.setdefault(shard, []).append(pdf_record(item, publication))
            chunk = CHUNK_LOCATIONS // self.plan.count if self.plan.count > 1 else None
            self.writer = ShardedIndexWriter(self.plan, records, config.site_dir,
                                             self.config.output_path, chunk)
        return self.writer

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Last of all plugins: hand the final HTML of every live item's page to Pagefind,
        which indexes it in its own process while the next page renders."""
        publication = publication_of(config)
        item_id = _item_id(page)
        if publication.is_live(item_id):
            try:
                self._writer(config).add_page(item_id, IndexPage(url="/" + page.url, html=_indexed(output)))
            except SearchIndexError as exc:
                self.close()
                raise PluginError(str(exc)) from exc
            # The page is written once this returns and MkDocs never reads its HTML or
            # Markdown again: on a national collection, holding them costs hundreds of MB.
            page.content = page.markdown = None
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._close_converter()
        try:
            count = self._writer(config).write()
        except SearchIndexError as exc:
            self.close()
            raise PluginError(str(exc)) from exc
        finally:
            self.writer = None
        shards = f" in {self.plan.count} indexes" if self.plan.count > 1 else ""
        log.info(f"Pagefind indexed {count} pages and records{shards}")

    def _close_converter(self) -> None:
        if self._converter is not None:
            self._converter.close()
            self._converter = None

    def close(self) -> None:
        self._close_converter()
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def on_build_error(self, *, error: Exception) -> None:
        self.close()


def _item_id(page: Page) -> str:
    return page.file.src_uri[: -len(".md")] if page.file.src_uri.endswith(".md") else ""


def _indexed(output: str) -> str:
    """What Pagefind needs of an item's page: the article it indexes (``data-pagefind-body``,
    with the filters, meta and sort key inside it). Without the header, navigation and
    footer around it, Pagefind parses a third less HTML. The page's article is the one
    Material's article wraps, so it ends at the second-last ``</article>``."""
    start = output.find('<article class="portal-item')
    outer_end = output.rfind("</article>")
    end = output.rfind("</article>", 0, outer_end)
    if start < 0 or end < start:
        return output
    return f'<!DOCTYPE html><html lang="en"><head></head><body>{output[start:end]}</article></body></html>'
