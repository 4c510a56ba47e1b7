"""Screenshots of the built site in headless Chromium, at desktop and mobile widths.

    .venv/bin/python tools/screenshots.py [SITE_DIR] [OUT_DIR]

Serves SITE_DIR (default site/) on 127.0.0.1 and saves PNGs of each page type to
OUT_DIR (default tests/screenshots/), for people to look at.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {
    "home": "",
    "reviews": "reviews/",
    "review": "reviews/child-t/",
    "review-withheld": "reviews/young-person-j/",
    "review-withdrawn": "reviews/child-f/",
    "review-archived": "reviews/child-k/",
    "archive": "archive/",
    "case-study": "case-studies/seeing-the-baby-in-parental-treatment/",
    "briefing": "briefings/seven-minute-hidden-harm-babies/",
    "progress": "progress/child-t/",
    "dashboard": "progress/",
    "themes": "themes/",
    "theme": "themes/neglect/",
    "search": "search/?q=supervision",
    "accessibility": "accessibility/",
}
WIDTHS = {"desktop": (1280, 900), "mobile": (390, 844)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _Server(__import__("http.server").server.ThreadingHTTPServer):
    """A local server that does not refuse connections when a page fetches many files at
    once (the standard library's listen backlog is 5; a merged search index and a busy
    machine overflow it, and the browser's fetch fails)."""

    request_queue_size = 128

def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "tests/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve(site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width_name, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES.items():
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(300)
                target = out / f"{name}-{width_name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"wrote {target}")
            page.close()
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
