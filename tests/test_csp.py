"""Promise (README, threat model): the example site works in real Chromium under the
Content-Security-Policy that `tools/csp_header.py` prints, so a host can forbid every
script the site did not ship: search, filters and item pages raise no CSP violation."""

from __future__ import annotations

import functools
import importlib.util
import threading

import pytest

from conftest import REPO, Site, _QuietHandler, _Server, copy_example

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location("csp_header", REPO / "tools" / "csp_header.py")
csp_header = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(csp_header)


@pytest.fixture(scope="module")
def served_with_csp(tmp_path_factory):
    root = tmp_path_factory.mktemp("csp") / "project"
    copy_example(root)
    result = Site(root).build()
    assert result.exit_code == 0, result.output
    headers = csp_header.headers(root / "site")

    class Handler(_QuietHandler):
        def end_headers(self) -> None:
            for name, value in headers.items():
                self.send_header(name, value)
            super().end_headers()

    server = _Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", headers
    server.shutdown()


def test_the_policy_forbids_what_the_site_does_not_ship(served_with_csp):
    _, headers = served_with_csp
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_pages_and_search_run_without_a_violation(served_with_csp, page):
    base, _ = served_with_csp
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in ("", "reviews/", "reviews/child-t/", "case-studies/", "progress/", "themes/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    page.goto(base + "search/")
    page.locator(".pagefind-ui__search-input").fill("supervision")
    page.wait_for_selector(".pagefind-ui__result-link")
    assert violations == []


def test_an_injected_inline_script_is_refused(served_with_csp, page):
    """The control: the policy really blocks a script the site did not ship."""
    base, _ = served_with_csp
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(base)
    page.evaluate("() => { const s = document.createElement('script');"
                  " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }")
    assert page.evaluate("() => window.__injected") is None
    assert violations
