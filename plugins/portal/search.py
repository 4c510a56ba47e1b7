"""Our adapter around Pagefind's Python API (async, writes files only on a clean exit)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message says what to try."""


@dataclass(frozen=True)
class IndexPage:
    url: str
    html: str


def write_index(pages: list[IndexPage], site_dir: str, output_path: str = "pagefind") -> int:
    """Index exactly ``pages`` and write the bundle to ``site_dir/output_path``."""
    try:
        return asyncio.run(_write(pages, Path(site_dir) / output_path))
    except SearchIndexError:
        raise
    except Exception as exc:  # Pagefind reports failures tersely; say what to do.
        raise SearchIndexError(
            f"search index: Pagefind failed ({type(exc).__name__}: {exc}). Check that the "
            "'pagefind[bin]' package is installed (pip install 'pagefind[bin]')") from exc


async def _write(pages: list[IndexPage], output: Path) -> int:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"force_language": "en"}) as index:
        for page in pages:
            await index.add_html_file(content=page.html, url=page.url)
        await index.write_files(output_path=str(output))
    return len(pages)
