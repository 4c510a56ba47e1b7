"""Markdown conversion of the live items' pages in a second process, ahead of rendering.

Converting Markdown is the largest single cost of a build (Python-Markdown, about 9 ms
for a 4,000-word report) and MkDocs does it in the one process that also renders every
template. A process forked once the pages are read converts them in the order they will
be rendered, while the main process renders the previous ones; the result (HTML, table of
contents, anchors, link warnings) is set on the page exactly as ``Page.render`` would
have, and every plugin's ``on_page_content`` then runs in the main process as usual.

Where ``fork`` is not available, or on one core, pages are converted in the main
process as before.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_INHERITED: tuple[MkDocsConfig, Files, dict[str, str]] | None = None
"""What the forked process converts from: set just before forking, read in the child."""


@dataclass
class Converted:
    src_uri: str
    content: str
    toc: object
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None
    log: list[tuple[str, int, str]]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _convert(src_uri: str) -> Converted:
    """In the child: convert one page as MkDocs would, capturing what it logs."""
    config, files, markdown = _INHERITED
    page = files.get_file_from_path(src_uri).page
    page.markdown = markdown[src_uri]
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False
    handlers = [h for h in logger.handlers if h is not collect]
    for handler in handlers:
        logger.removeHandler(handler)
    try:
        page.render(config, files)
    finally:
        for handler in handlers:
            logger.addHandler(handler)
        logger.removeHandler(collect)
        logger.propagate = propagate
    links = page.links_to_anchors
    result = Converted(src_uri, page.content, page.toc, page._title_from_render, page.present_anchor_ids,
                       {to.src_uri: dict(found) for to, found in links.items()} if links else links,
                       collect.records)
    page.content = page.markdown = None  # the child keeps nothing it has handed over
    return result


class MarkdownConverter:
    """Converts deferred pages: in a forked process if it can, else in this one."""

    def __init__(self, config: MkDocsConfig, files: Files, markdown: dict[str, str]) -> None:
        global _INHERITED
        self.config, self.files, self.markdown = config, files, markdown
        self._pool = None
        self._results = None
        self._ready: dict[str, Converted] = {}
        order = [file.src_uri for file in files.documentation_pages() if file.src_uri in markdown]
        if len(order) > 8 and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
            _INHERITED = (config, files, markdown)
            # Objects frozen out of the collector's reach are not touched (and so not
            # copied) by the child's garbage collections: it shares the parent's memory.
            gc.freeze()
            try:
                self._pool = multiprocessing.get_context("fork").Pool(1)
            finally:
                gc.unfreeze()
                _INHERITED = None
            self._results = self._pool.imap(_convert, order, chunksize=4)

    def convert(self, page: Page) -> None:
        """Set ``page``'s HTML, table of contents and anchors from its deferred Markdown."""
        src_uri = page.file.src_uri
        page.markdown = self.markdown.pop(src_uri)
        converted = self._take(src_uri)
        if converted is None:
            page.render(self.config, self.files)
            return
        for name, level, message in converted.log:
            logging.getLogger(name).log(level, message)
        page.content = converted.content
        page.toc = converted.toc
        page._title_from_render = converted.title
        page.present_anchor_ids = converted.anchors
        if converted.links_to_anchors is not None:
            page.links_to_anchors = {self.files.get_file_from_path(uri): links
                                     for uri, links in converted.links_to_anchors.items()}
        if not self.markdown:
            # The last deferred page: the other process's memory (about 200 MB at 5,000
            # reviews) is freed now, before the last search shards are written.
            self.close()

    def _take(self, src_uri: str) -> Converted | None:
        """The other process's result for this page (results come in rendering order;
        any that come early wait). None if it has none: the page is converted here."""
        if src_uri in self._ready:
            return self._ready.pop(src_uri)
        while self._results is not None:
            try:
                converted = next(self._results)
            except StopIteration:
                self._results = None
                break
            except Exception:  # noqa: BLE001 - converted again here, where the error shows
                return None
            if converted.src_uri == src_uri:
                return converted
            self._ready[converted.src_uri] = converted
        return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self._results = None
