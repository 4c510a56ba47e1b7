"""Our adapter around Pagefind's indexing service: only the pages and records we hand it
are indexed, and a failure becomes an error that says what to do."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
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

    def _send(self, payload: dict) -> None:
        """Hand a page or record to Pagefind without waiting for its answer: Pagefind
        indexes on the other core while the next page renders. A refusal surfaces at
        the next request or at `write`."""
        try:
            self._service.send(payload)
        except SearchIndexError:
            self.close()
            raise
        except (OSError, ValueError) as exc:
            self.close()
            raise SearchIndexError(f"search index: Pagefind failed ({type(exc).__name__}: {exc})") from exc
        self.count += 1

    def add_page(self, page: IndexPage) -> None:
        self._ensure()
        self._send({"type": "AddFile", "index_id": self._index_id, "url": page.url,
                    "file_path": None, "file_contents": page.html})

    def add_record(self, record: IndexRecord) -> None:
        self._ensure()
        self._send({"type": "AddRecord", "index_id": self._index_id, "url": record.url,
                    "content": record.content, "language": "en", "meta": record.meta,
                    "filters": record.filters, "sort": record.sort})

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
    """Pagefind's indexing service (``pagefind --service``).

    The service reads base64-encoded JSON requests ended by a comma and answers in kind,
    tagged with the request's id. Pagefind's own Python wrapper polls for each answer
    after a tenth of a second's sleep, which costs minutes on a national collection.
    This client pipelines: `send` writes a request and returns, a reader thread collects
    the answers, and `request` waits for its own answer (and so for every earlier one).
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise SearchIndexError("search index: the Pagefind binary is missing: "
                                   "pip install 'pagefind[bin]'")
        self._executable = executable
        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self._kinds: dict[int, str] = {}
        self._awaited: set[int] = set()
        self._answered = threading.Condition()
        self._stopped = False

    def __enter__(self) -> PagefindProcess:
        self._process = subprocess.Popen([str(self._executable), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._reader = threading.Thread(target=self._read_answers, name="pagefind-answers", daemon=True)
        self._reader.start()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._reader.join(timeout=5)

    def send(self, payload: dict, awaited: bool = False) -> int:
        """Write a request and return its id without waiting for the answer."""
        self._raise_refusal()
        self._next_id += 1
        self._kinds[self._next_id] = payload["type"]
        if awaited:
            self._awaited.add(self._next_id)
        message = {"message_id": self._next_id, "payload": payload}
        self._process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        return self._next_id

    def request(self, payload: dict) -> dict:
        """Send a request and wait for its answer (Pagefind answers in order, so every
        earlier request has been answered too)."""
        message_id = self.send(payload, awaited=True)
        self._process.stdin.flush()
        with self._answered:
            while message_id not in self._answers and not self._stopped:
                self._answered.wait()
        self._raise_refusal()
        if message_id not in self._answers:
            raise SearchIndexError("search index: the Pagefind service stopped unexpectedly")
        return self._answers.pop(message_id)

    def _raise_refusal(self) -> None:
        with self._answered:
            for message_id, answer in list(self._answers.items()):
                if answer.get("type") == "Error":
                    del self._answers[message_id]
                    kind = self._kinds.get(message_id, "an indexing")
                    raise SearchIndexError(f"search index: Pagefind refused {kind} request: "
                                           f"{answer.get('message')}")

    def _read_answers(self) -> None:
        """The reader thread: collect answers; keep only refusals and awaited answers
        (an answer to an added page carries nothing we need)."""
        buffer = bytearray()
        stdout = self._process.stdout
        try:
            while chunk := stdout.read1(65536):
                buffer.extend(chunk)
                *complete, rest = bytes(buffer).split(b",")
                buffer = bytearray(rest)
                for encoded in complete:
                    if not encoded:
                        continue
                    response = json.loads(base64.b64decode(encoded))
                    message_id, answer = response.get("message_id"), response["payload"]
                    with self._answered:
                        if message_id in self._awaited or answer.get("type") == "Error":
                            self._awaited.discard(message_id)
                            self._answers[message_id] = answer
                        else:
                            self._kinds.pop(message_id, None)
                        self._answered.notify_all()
        finally:
            with self._answered:
                self._stopped = True
                self._answered.notify_all()


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
