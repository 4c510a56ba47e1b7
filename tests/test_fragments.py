"""Material's navigation drawer and tabs are rendered once per folder: every page that
reuses one must be exactly what rendering it for that page gives."""

from __future__ import annotations

import re

from conftest import copy_example
from portal.mkdocs.fragments import FragmentCache


def test_kept_navigation_is_what_each_page_would_render(tmp_path, monkeypatch):
    root = tmp_path / "project"
    kept = []
    original = FragmentCache.keep

    def keep(self, key, html):
        kept.append(key)
        return original(self, key, html)

    # Every page renders its own drawer and tabs and compares them with the kept ones.
    monkeypatch.setattr(FragmentCache, "verify", True)
    monkeypatch.setattr(FragmentCache, "keep", keep)
    result = copy_example(root).build()
    assert result.exit_code == 0, result.output
    assert ("nav", "reviews", ()) in kept and ("tabs", "case-studies", ()) in kept
    assert kept.count(("nav", "reviews", ())) > 3  # several reviews were compared
    assert None in kept  # pages in the navigation are rendered for themselves

    page = (root / "site" / "reviews" / "child-k" / "index.html").read_text()
    assert 'class="md-tabs"' in page and "md-nav--primary" in page
    # Links in the kept drawer are relative to the folder, so they work from every page.
    for href in re.findall(r'class="md-nav__link[^"]*" href="([^"]+)"', page):
        target = (root / "site" / "reviews" / "child-k" / href).resolve()
        assert (target / "index.html").is_file() or target.is_file(), href
