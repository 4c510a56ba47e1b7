"""Shared fixtures: tiny site projects made by ``portal new`` in a temporary directory."""

from __future__ import annotations

import gzip
import os
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from portal.cli import main

REPO = Path(__file__).resolve().parents[1]
SKELETON = REPO / "plugins" / "portal" / "skeleton"
# A fixed build instant in the past, so that results never depend on the day tests run.
NOW = "2026-11-20 12:00"


CIRCULATED = """
circulation:
  national-panel: {sent_on: 2025-01-02}
  ofsted: {sent_on: 2025-01-02}
  dfe: {sent_on: 2025-01-02}
"""


def withdrawn(on: str = "2026-11-18", sent_on: str = "2025-01-02") -> str:
    """A register entry: circulated to the statutory three on ``sent_on``, and an authorised
    withdrawal from ``on`` (a court order)."""
    return CIRCULATED.replace("2025-01-02", sent_on) + (
        f"withdrawal:\n  on: {on}\n  reason_public: Removed following a court order.\n"
        "  authorised_by: Independent Scrutineer\n")


class Site:
    """A site project in a temporary directory, with helpers to write items and build."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def item(self, relative: str, body: str = "Body text.", **fields) -> Path:
        """Write ``content/<relative>`` with the given front matter (YAML-dumped)."""
        front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        path = self.root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
        return path

    def review(self, slug: str, body: str = "## About\n\nReview text.", circulated: bool = True,
               **overrides) -> Path:
        """A review, by default circulated in time to the National Panel, Ofsted and DfE."""
        fields = dict(
            title=f"Review {slug}", status="approved", approved_by="Executive",
            approved_on="2026-01-05", publish_at="2026-01-20",
            summary=f"Summary of {slug}.", themes=["neglect"], review_type="lcspr",
            reviewer="A. Reviewer", child="Child Z")
        fields.update(overrides)
        fields = {k: v for k, v in fields.items() if v is not None}
        if circulated:
            self.register(f"reviews/{slug}", CIRCULATED)
        return self.item(f"reviews/{slug}.md", body, **fields)

    def register(self, item_id: str, text: str) -> Path:
        return self.write(f"embargo/{item_id}.yaml", text)

    def run(self, *args: str):
        runner = CliRunner()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            return runner.invoke(main, list(args), catch_exceptions=False)
        finally:
            os.chdir(cwd)

    def build(self, *args: str, now: str | None = NOW):
        extra = ["--now", now] if now else []
        return self.run("build", *extra, *args)

    def check(self, *args: str, now: str | None = NOW):
        extra = ["--now", now] if now else []
        return self.run("check", *extra, *args)

    @property
    def site(self) -> Path:
        return self.root / "site"


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """The skeleton project, built once per test module: the good site a table of broken
    inputs starts from (tests/test_bad_input.py, test_trust_routes.py)."""
    root = tmp_path_factory.mktemp("good") / "project"
    shutil.copytree(SKELETON, root)
    result = Site(root).build()
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "project"
    shutil.copytree(SKELETON, root, ignore=shutil.ignore_patterns("__pycache__"))
    return Site(root)


def fingerprint(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` by its path, with the SHA-256 of its bytes: to prove a
    failing command left a folder (the previous site, the register) exactly as it was."""
    import hashlib

    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def every_byte(directory: Path):
    """(path, bytes) for every file in a built site, with what is compressed opened up.

    Gzip streams (sitemap.xml.gz, Pagefind's index and fragments) are decompressed; zip
    archives (trainer packs) are opened member by member; PDFs (whose text is in
    compressed streams) also yield their extracted text and metadata. A canary cannot
    hide in any of them.
    """
    links = [str(p) for p in directory.rglob("*") if p.is_symlink()]
    # rglob does not go into a linked folder, so a canary behind a link would pass unseen;
    # a build never writes a link, so one in a site is a failure of its own.
    assert not links, f"the built site holds symbolic links: {links}"
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        yield from _opened(path, path.read_bytes())


def _opened(path: Path, data: bytes):
    import io
    import zipfile

    yield path, data
    for start in (0, data.find(b"\x1f\x8b")):
        if start >= 0 and data[start:start + 2] == b"\x1f\x8b":
            try:
                yield path, gzip.decompress(data[start:])
            except (OSError, EOFError):
                pass
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield from _opened(path / name, archive.read(name))
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        yield path, (text + "\n" + repr(reader.metadata)).encode("utf-8")


def find_in_site(directory: Path, needle: str) -> list[str]:
    """Every file of the built site whose path or bytes (decompressed too) contain
    ``needle``, in UTF-8, in its HTML-escaped or JSON form, case-insensitively."""
    import html as html_module
    import json

    forms = {needle, html_module.escape(needle), json.dumps(needle)[1:-1]}
    encoded = [f.encode("utf-8").lower() for f in forms]
    hits = []
    for path, data in every_byte(directory):
        lowered = data.lower() + b"\n" + str(path.relative_to(directory)).lower().encode()
        if any(e in lowered for e in encoded):
            hits.append(str(path.relative_to(directory)))
    return sorted(set(hits))


# --- the example site served on 127.0.0.1, and real headless Chromium ---------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Server(__import__("http.server").server.ThreadingHTTPServer):
    """A local server that does not refuse connections when a page fetches many files at
    once (the standard library's listen backlog is 5; a merged search index and a busy
    machine overflow it, and the browser's fetch fails)."""

    request_queue_size = 128

class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def copy_example(root: Path) -> Site:
    """The repository's example site project, copied to ``root`` (without build output)."""
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", "preview", "__pycache__", "*.egg-info", "tests", "outbox", "node_modules"))
    return Site(root)


def _serve_example(root: Path, configure=None):
    import functools
    import threading

    copy_example(root)
    if configure is not None:
        configure(root / "mkdocs.yml")
    result = Site(root).build()
    assert result.exit_code == 0, result.output
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """The example site, built at NOW and served over HTTP on 127.0.0.1."""
    server, base = _serve_example(tmp_path_factory.mktemp("served") / "project")
    yield base
    server.shutdown()


@pytest.fixture(scope="session")
def served_in_shards(tmp_path_factory):
    """The example site with its search index split into several Pagefind indexes, as a
    national collection's is (a tiny shard size stands in for thousands of reports)."""
    def configure(config: Path) -> None:
        text = config.read_text()
        config.write_text(text.replace("  - portal-search\n", "  - portal-search:\n      shard_text_mb: 0.02\n"))

    root = tmp_path_factory.mktemp("served-in-shards") / "project"
    server, base = _serve_example(root, configure)
    yield base, root / "site"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc.message}\n{exc.stack}"))
    yield page
    context.close()
    assert errors == []


# --- writing a table's files into a project (tests/test_bad_input.py, test_trust_routes.py) ---

class Link:
    """A symbolic link to write in place of a file (``target`` as given, maybe dangling)."""

    def __init__(self, target: str):
        self.target = target


class HardLink:
    """A hard link to ``target`` (a path in the project): the same file, a second name."""

    def __init__(self, target: str):
        self.target = target


class Edit:
    """A change to a file of the good project: ``old`` replaced by ``new``."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new


def write_files(root: Path, files: dict) -> None:
    """Write each ``{relative path: text, bytes, Link, HardLink or Edit}`` under ``root``."""
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Link):
            path.symlink_to(data.target)
        elif isinstance(data, HardLink):
            os.link(root / data.target, path)
        elif isinstance(data, Edit):
            text = path.read_text(encoding="utf-8")
            assert data.old in text, f"{relative} has no {data.old!r}"
            path.write_text(text.replace(data.old, data.new), encoding="utf-8")
        elif isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
