"""Our adapter around Pagefind's indexing service: only the pages and records we hand it
are indexed, and a failure becomes an error that says what to do."""

from __future__ import annotations

import base64
import json
import subprocess
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


class IndexWriter:
    """A Pagefind index filled page by page as MkDocs renders them (the Pagefind service
    works in its own process meanwhile), then written out."""

    def __init__(self) -> None:
        self._service: PagefindProcess | None = None
        self._index_id = None
        self.count = 0

    def _ensure(self) -> None:
        if self._service is None:
            self._service = PagefindProcess().__enter__()
            self._index_id = self._request({"type": "NewIndex", "config": {"force_language": "en"}})["index_id"]

    def _request(self, payload: dict) -> dict:
        try:
            return self._service.request(payload)
        except SearchIndexError:
            self.close()
            raise
        except (OSError, ValueError) as exc:
            self.close()
            raise SearchIndexError(
                f"search index: Pagefind failed ({type(exc).__name__}: {exc}). Check that the "
                "'pagefind[bin]' package is installed (pip install 'pagefind[bin]')") from exc

    def add_page(self, page: IndexPage) -> None:
        self._ensure()
        self._request({"type": "AddFile", "index_id": self._index_id, "url": page.url,
                       "file_path": None, "file_contents": page.html})
        self.count += 1

    def add_record(self, record: IndexRecord) -> None:
        self._ensure()
        self._request({"type": "AddRecord", "index_id": self._index_id, "url": record.url,
                       "content": record.content, "language": "en", "meta": record.meta,
                       "filters": record.filters, "sort": record.sort})
        self.count += 1

    def write(self, site_dir: str, output_path: str = "pagefind") -> int:
        self._ensure()
        try:
            self._request({"type": "WriteFiles", "index_id": self._index_id,
                           "output_path": str(Path(site_dir) / output_path)})
        finally:
            self.close()
        return self.count

    def close(self) -> None:
        if self._service is not None:
            service, self._service = self._service, None
            service.__exit__(None, None, None)


class PagefindProcess:
    """Pagefind's indexing service (``pagefind --service``), spoken to synchronously.

    The service reads base64-encoded JSON requests ended by a comma and answers in kind.
    Pagefind's own Python wrapper polls for each answer after a tenth of a second's sleep,
    which costs minutes on a national collection; this client reads each answer as it
    comes, and needs no event loop.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise SearchIndexError("search index: the Pagefind binary is missing: "
                                   "pip install 'pagefind[bin]'")
        self._executable = executable
        self._next_id = 0

    def __enter__(self) -> PagefindProcess:
        self._process = subprocess.Popen([str(self._executable), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc_info) -> None:
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()

    def request(self, payload: dict) -> dict:
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        self._process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        self._process.stdin.flush()
        answer = self._read_answer()
        if answer.get("type") == "Error":
            raise SearchIndexError(f"search index: Pagefind refused a {payload['type']} request: "
                                   f"{answer.get('message')}")
        return answer

    def _read_answer(self) -> dict:
        buffer = bytearray()
        while True:
            chunk = self._process.stdout.read1(65536) if not buffer.endswith(b",") else b""
            if buffer.endswith(b","):
                break
            if not chunk:
                raise SearchIndexError("search index: the Pagefind service stopped unexpectedly")
            buffer.extend(chunk)
        response = json.loads(base64.b64decode(bytes(buffer[:-1])))
        return response["payload"]


def pdf_record(item, publication) -> IndexRecord:
    """The report PDF's text as a search record pointing at the review's page, with the
    review's filters, so a phrase found only in the PDF finds the review."""
    from .views import build_view

    view = build_view(item, publication)
    text = publication.project.pdf_text(item.report)
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
