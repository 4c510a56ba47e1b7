"""Our adapter around Pagefind's Python API (async, writes files only on a clean exit)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from dataclasses import dataclass
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message says what to try."""


@dataclass(frozen=True)
class IndexPage:
    url: str
    html: str


@dataclass(frozen=True)
class IndexRecord:
    """A record that is not a page: the text of a report PDF, found at its review's URL."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]


def write_index(pages: list[IndexPage], site_dir: str, output_path: str = "pagefind",
                records: list[IndexRecord] = ()) -> int:
    """Index exactly ``pages`` and ``records`` and write the bundle to ``site_dir/output_path``."""
    try:
        return _run(_write(pages, list(records), Path(site_dir) / output_path))
    except SearchIndexError:
        raise
    except Exception as exc:  # Pagefind reports failures tersely; say what to do.
        raise SearchIndexError(
            f"search index: Pagefind failed ({type(exc).__name__}: {exc}). Check that the "
            "'pagefind[bin]' package is installed (pip install 'pagefind[bin]')") from exc


def _run(coroutine):
    """Run a coroutine to completion, also when this thread already runs an event loop
    (the caller may itself be asynchronous): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _write(pages: list[IndexPage], records: list[IndexRecord], output: Path) -> int:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"force_language": "en"}) as index:
        for page in pages:
            await index.add_html_file(content=page.html, url=page.url)
        for record in records:
            await index.add_custom_record(url=record.url, content=record.content, language="en",
                                          meta=record.meta, filters=record.filters, sort=record.sort)
        await index.write_files(output_path=str(output))
    return len(pages) + len(records)


def pdf_record(item, publication) -> IndexRecord:
    """The report PDF's text as a search record pointing at the review's page, with the
    review's filters, so a phrase found only in the PDF finds the review."""
    from .pdf import extract_text
    from .views import build_view

    view = build_view(item, publication)
    text = extract_text(publication.project.docs_dir / item.report)
    filters = {"type": [view.kind_label], "theme": [t.title for t in view.themes],
               "year": [str(view.year)]}
    if item.kind.value == "reviews":
        filters["review type"] = [view.type_label]
    # Its own address (the report's place on the review page): Pagefind keeps one record
    # per URL, and the page itself must stay in the index too.
    return IndexRecord(
        url=f"/{item.url}#report",
        content=text,
        meta={"title": f"{item.title} (report, PDF)", "date": view.published,
              "type": view.type_label, "summary": item.summary},
        filters=filters,
        sort={"date": view.published_iso[:10]},
    )
