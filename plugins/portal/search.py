"""Our adapter around Pagefind's indexing service: only the pages and records we hand it
are indexed, and a failure becomes an error that says what to do."""

from __future__ import annotations

import base64
import json
import math
import os
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

    def __init__(self, chunk_size: int | None = None) -> None:
        self._service: PagefindProcess | None = None
        self._index_id = None
        self._chunk_size = chunk_size
        self.count = 0

    def _ensure(self) -> None:
        if self._service is None:
            self._service = PagefindProcess(self._chunk_size).__enter__()
            self._index_id = self._request({"type": "NewIndex", "config": {"force_language": "en"}})["index_id"]

    def _request(self, payload: dict) -> dict:
        return self._guarded(self._service.request, payload)

    def _send(self, payload: dict) -> None:
        """Hand a page or record to Pagefind without waiting for its answer: Pagefind
        indexes on the other core while the next page renders. A refusal surfaces at
        the next request or at `write`."""
        self._guarded(self._service.send, payload)
        self.count += 1

    def _guarded(self, call, payload: dict):
        """A call to the service; on any failure the service is closed and the error says
        what to try."""
        try:
            return call(payload)
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
        self._send({"type": "AddFile", "index_id": self._index_id, "url": page.url,
                    "file_path": None, "file_contents": page.html})

    def add_record(self, record: IndexRecord) -> None:
        self._ensure()
        self._send({"type": "AddRecord", "index_id": self._index_id, "url": record.url,
                    "content": record.content, "language": "en", "meta": record.meta,
                    "filters": record.filters, "sort": record.sort})

    def write(self, site_dir: str, output_path: str = "pagefind") -> int:
        self._ensure()
        bundle = Path(site_dir) / output_path
        try:
            self._request({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(bundle)})
            self._service.wait_for_writes(bundle)
        finally:
            self.close()
        entry = bundle / "pagefind-entry.json"
        try:
            json.loads(entry.read_text(encoding="utf-8"))["languages"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SearchIndexError(f"search index: Pagefind left {entry} incomplete ({exc}); "
                                   "build again") from exc
        return self.count

    def close(self) -> None:
        if self._service is not None:
            service, self._service = self._service, None
            service.__exit__(None, None, None)


@dataclass(frozen=True)
class ShardPlan:
    """Which Pagefind index (shard) each page and record goes into.

    Pagefind holds a whole index in memory and needs several times that while writing it
    (about 1 GB for 1,000 long reports), so a national collection is indexed as several
    indexes that the search page merges. Entries are dealt round-robin in date order:
    every shard then has the same mix of old and new, long and short, so relevance scores
    agree between shards, and a shard's sort position of an entry is its overall date
    rank divided by the number of shards, so "newest first" holds across the merged
    results (to within a run of as many entries as there are shards).
    """

    shard_of: dict[str, int]
    count: int

    def bundle(self, output_path: str, shard: int) -> str:
        """The folder of a shard's bundle under the site: the first is ``output_path``."""
        return output_path if shard == 0 else f"{output_path}-{shard}"

    def bundles(self, output_path: str) -> list[str]:
        return [self.bundle(output_path, shard) for shard in range(self.count)]


def plan_shards(entries: list[tuple[str, str, int]], budget: int) -> ShardPlan:
    """Shards for (key, sort date, size of text) entries: as many as needed to keep each
    shard's text within ``budget`` characters."""
    total = sum(size for _, _, size in entries)
    count = max(1, math.ceil(total / budget)) if budget > 0 else 1
    ordered = sorted(entries, key=lambda entry: (entry[1], entry[0]))
    return ShardPlan({key: rank % count for rank, (key, _, _) in enumerate(ordered)}, count)


class ShardedIndexWriter:
    """Pages arrive shard by shard (the build renders them in that order): each shard is
    written out by its own Pagefind process, in the background, as soon as the next shard
    begins (after the shard before it), so only the last one's writing is left when the
    pages are done."""

    def __init__(self, plan: ShardPlan, records: dict[int, list[IndexRecord]], site_dir: str,
                 output_path: str = "pagefind", chunk_size: int | None = None) -> None:
        self.plan = plan
        self._records = records
        self._site_dir = site_dir
        self._output_path = output_path
        self._chunk_size = chunk_size
        self._current = -1
        self._writer: IndexWriter | None = None
        self._writing: list[threading.Thread] = []
        self._errors: list[SearchIndexError] = []
        self._pages_left: dict[int, int] = {}
        for key, shard in plan.shard_of.items():
            if "#" not in key:
                self._pages_left[shard] = self._pages_left.get(shard, 0) + 1
        self.count = 0

    def add_page(self, key: str, page: IndexPage) -> None:
        # A page out of order joins the open shard: it is still found; only its place
        # among ties in "newest first" can differ.
        self._move_to(max(self.plan.shard_of.get(key, 0), self._current, 0))
        if self._writer is None:
            raise SearchIndexError(f"search index: the page {page.url} came after the last index "
                                   "was written; this is a bug in the portal, please report it")
        self._writer.add_page(page)
        self.count += 1
        self._pages_left[self._current] = self._pages_left.get(self._current, 0) - 1
        if self._current == self.plan.count - 1 and self._pages_left[self._current] == 0:
            self._finish_current()  # the last shard is complete: write it while the rest renders

    def _move_to(self, shard: int) -> None:
        while self._current < shard:
            self._finish_current()
            if len(self._writing) >= 2:
                # Pagefind holds each shard in memory until it is written: when pages come
                # faster than shards are written, wait, rather than pile them up (at most
                # one shard writing and one filling).
                self._writing[-2].join()
            self._current += 1
            self._writer = IndexWriter(self._chunk_size)
            for record in self._records.pop(self._current, []):
                self._writer.add_record(record)
                self.count += 1

    def _finish_current(self) -> None:
        if self._errors:
            raise self._errors[0]
        writer, self._writer = self._writer, None
        if writer is None:
            return
        bundle = self.plan.bundle(self._output_path, self._current)
        previous = self._writing[-1] if self._writing else None

        def write() -> None:
            # One shard is written at a time: writing needs several times the memory
            # of filling, and on two cores a second writer only slows the first.
            if previous is not None:
                previous.join()
            try:
                writer.write(self._site_dir, bundle)
            except SearchIndexError as exc:
                self._errors.append(exc)

        thread = threading.Thread(target=write, name=f"pagefind-write-{self._current}")
        thread.start()
        self._writing.append(thread)

    def write(self) -> int:
        """Write every shard not yet written (one with no pages still gets its bundle)
        and wait for all of them."""
        try:
            self._move_to(self.plan.count - 1)
            self._finish_current()
        finally:
            for thread in self._writing:
                thread.join()
        if self._errors:
            raise self._errors[0]
        return self.count

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for thread in self._writing:
            thread.join()


class PagefindProcess:
    """Pagefind's indexing service (``pagefind --service``).

    The service reads base64-encoded JSON requests ended by a comma and answers in kind,
    tagged with the request's id. Pagefind's own Python wrapper polls for each answer
    after a tenth of a second's sleep, which costs minutes on a national collection.
    This client pipelines: `send` writes a request and returns, a reader thread collects
    the answers, and `request` waits for its own answer (and so for every earlier one).
    """

    def __init__(self, chunk_size: int | None = None) -> None:
        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise SearchIndexError("search index: the Pagefind binary is missing: "
                                   "pip install 'pagefind[bin]'")
        self._executable = executable
        self._environment = dict(os.environ)
        if chunk_size:  # word locations per index chunk (Pagefind's default: 20,000)
            self._environment["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = str(chunk_size)
        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self._kinds: dict[int, str] = {}
        self._awaited: set[int] = set()
        self._answered = threading.Condition()
        self._stopped = False

    def __enter__(self) -> PagefindProcess:
        self._process = subprocess.Popen([str(self._executable), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         env=self._environment)
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

    def wait_for_writes(self, directory: Path, timeout: float = 60) -> None:
        """Wait until Pagefind has closed every file it opened under ``directory``.

        Pagefind answers a WriteFiles request once its writes are queued, not done, and
        exits the moment its input closes: closing it straight away can leave files
        empty (seen under load: an empty pagefind-entry.json, and no search at all). On
        Linux its open files are watched in /proc; elsewhere it is given a second.
        """
        import time

        fds = Path(f"/proc/{self._process.pid}/fd")
        if not fds.is_dir():
            time.sleep(1)
            return
        prefix = str(directory.resolve())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                open_files = [os.readlink(fd) for fd in fds.iterdir()]
            except OSError:  # a file closed while we looked, or Pagefind has exited
                if self._process.poll() is not None:
                    return
                time.sleep(0.005)
                continue
            if not any(path.startswith(prefix) for path in open_files):
                return
            time.sleep(0.01)

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
