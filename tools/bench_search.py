"""Benchmark: what a browser downloads to answer a search, Pagefind against lunr.

    .venv/bin/python tools/bench_search.py [--reviews 2000] [--work /tmp/portal-bench-search]

Generates the synthetic corpus (tools/corpus.py) at N reviews, builds it with the portal
(Pagefind over live pages and PDF text) and, as the baseline in the same run, with vanilla
mkdocs-material and its lunr search plugin (a one-page nav, so the baseline build is not
slowed by navigation; the index is the same). Then, in headless Chromium, it types a
typical query into the portal's search page and counts the bytes of every response the
query needed (engine, UI, index chunks, fragments), then a second query. The lunr figure
is what a browser must fetch before its first result: search_index.json and the search
worker, gzip-compressed as a web server would send them.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VANILLA = """site_name: Benchmark (vanilla mkdocs-material)
docs_dir: content
theme:
  name: material
  font: false
nav:
  - Home: index.md
plugins:
  - search
validation:
  nav: {omitted_files: ignore, not_found: ignore}
  links: {not_found: ignore, unrecognized_links: ignore}
"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


class _Server(__import__("http.server").server.ThreadingHTTPServer):
    """A local server that does not refuse connections when a page fetches many files at
    once (the standard library's listen backlog is 5; a merged search index and a busy
    machine overflow it, and the browser's fetch fails)."""

    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        pass  # the browser cancelling a fetch it no longer needs is not an error

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(directory: Path):
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def query_bytes(site: Path, queries: list[str]) -> list[tuple[int, float, int]]:
    """For each query in turn: bytes fetched under /pagefind/, seconds to results, results."""
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    sizes: list[int] = []
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()

        def record(response):
            # Bytes on the wire from a web server that gzips text: .js, .css and .json
            # compressed; Pagefind's index, fragments and wasm are compressed already.
            if "/pagefind/" in response.url:
                try:
                    body = response.body()
                except Exception:  # noqa: BLE001 - a cancelled request has no body
                    return
                text = response.url.split("?")[0].endswith((".js", ".css", ".json"))
                sizes.append(gz(body) if text else len(body))

        page.on("response", record)
        page.goto(base + "search/", wait_until="networkidle")
        before_query = sum(sizes)
        for query in queries:
            start_bytes, start = sum(sizes), time.perf_counter()
            page.fill(".pagefind-ui__search-input", query)
            # results for this query (a later query must not count the previous one's)
            page.wait_for_function(
                "q => { const m = document.querySelector('.pagefind-ui__message');"
                " return m && m.textContent.includes(q) && document.querySelector('.pagefind-ui__result-link'); }",
                arg=query)
            elapsed = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            count = page.locator(".pagefind-ui__result").count()
            fetched = sum(sizes) - start_bytes
            if not results:
                fetched += before_query  # the UI and engine, loaded with the page
            results.append((fetched, elapsed, count))
        browser.close()
    server.shutdown()
    return results


def main() -> int:
    from corpus import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/portal-bench-search"))
    args = parser.parse_args()
    project = args.work / f"portal-{args.reviews}"
    print(f"generating {args.reviews} reviews in {project}", flush=True)
    generate(project, args.reviews)
    start = time.perf_counter()
    subprocess.run([str(BIN / "portal"), "build", "--now", "2026-11-20 12:00"], cwd=project,
                   check=True, stdout=subprocess.DEVNULL)
    portal_seconds = time.perf_counter() - start
    vanilla = args.work / f"vanilla-{args.reviews}"
    if vanilla.exists():
        shutil.rmtree(vanilla)
    vanilla.mkdir(parents=True)
    shutil.copytree(project / "content", vanilla / "content")
    (vanilla / "mkdocs.yml").write_text(VANILLA)
    start = time.perf_counter()
    subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=vanilla, check=True)
    vanilla_seconds = time.perf_counter() - start
    index = (vanilla / "site" / "search" / "search_index.json").read_bytes()
    worker = next((vanilla / "site" / "assets" / "javascripts" / "workers").glob("search.*.js")).read_bytes()
    lunr_first = gz(index) + gz(worker)
    (first, first_s, first_n), (later, later_s, later_n) = query_bytes(
        project / "site", ["neglect supervision", "missed appointments"])
    rows = [
        ("reviews in the corpus", f"{args.reviews}", ""),
        ("build (portal: gate, pages, Pagefind, feeds, JSON, PDF text)", f"{portal_seconds:.1f} s", ""),
        ("build (vanilla mkdocs-material, lunr, one-page nav)", f"{vanilla_seconds:.1f} s", ""),
        ("lunr search_index.json, raw", f"{len(index) / 1e6:.1f} MB", ""),
        ("lunr: bytes before a first result (index + worker, gzip)", f"{lunr_first / 1e3:,.0f} KB", "baseline"),
        ("Pagefind: first query 'neglect supervision' (engine, UI, index, fragments)",
         f"{first / 1e3:,.0f} KB", f"{first / lunr_first:.3f} of lunr ({lunr_first / first:.0f}x less)"),
        ("Pagefind: a later query 'missed appointments'", f"{later / 1e3:,.0f} KB",
         f"{later / lunr_first:.4f} of lunr"),
        ("Pagefind: time to first results in Chromium", f"{first_s:.2f} s ({first_n} results shown)", ""),
    ]
    print("\n| measure | value | against the baseline |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    print(f"\ntarget: first query under one twentieth of lunr: {'met' if first * 20 < lunr_first else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
