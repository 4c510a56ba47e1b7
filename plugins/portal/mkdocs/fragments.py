"""Material's navigation drawer and tabs, rendered once per folder instead of once per page.

Every page outside the navigation (every item's page) gets the same drawer and tabs as
its neighbours in the folder: the same links, relative to the same folder, with the same
entries active. Rendering them (Jinja macros over the navigation) was a third of an item
page's template time; ``partials/nav.html`` and ``partials/tabs.html`` now keep the first
rendering for each folder and print it again for the rest. Pages in the navigation
(listings, home, about) are rendered as usual.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import material
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

MATERIAL_TEMPLATES = Path(material.__file__).resolve().parent / "templates"


def with_material_prefix(loader):
    """``material/partials/nav.html`` is Material's own partial even where a theme
    directory overrides ``partials/nav.html`` (as the portal does, to keep it)."""
    material_only = PrefixLoader({"material": FileSystemLoader(str(MATERIAL_TEMPLATES))})
    return ChoiceLoader([loader, material_only])


class FragmentCache:
    """One build's rendered fragments, by (partial, folder, active navigation entries)."""

    verify = False
    """Tests set this: every fragment is then rendered again and compared with the kept one."""

    def __init__(self) -> None:
        self._kept: dict[tuple, str] = {}
        self._nav_urls: tuple[int, tuple[str, ...]] | None = None

    def key(self, name: str, page, nav) -> tuple | None:
        """The fragment's key on ``page``, or None where it must be rendered for the page
        itself: the home page, a page in the navigation (its entry is marked current and
        may hold its table of contents), or one with a navigation page inside its folder."""
        if page is None or nav is None or not getattr(page, "url", ""):
            return None
        urls = self._urls_of(nav)
        if any(url.startswith(page.url) for url in urls):
            return None
        active = tuple(item.title for item in _entries(nav.items) if item.active)
        return (name, posixpath.dirname(page.url.rstrip("/")), active)

    def has(self, key: tuple | None) -> bool:
        return key is not None and key in self._kept and not self.verify

    def get(self, key: tuple) -> str:
        return self._kept[key]

    def keep(self, key: tuple | None, html: str) -> str:
        if key is not None:
            if self.verify and key in self._kept and self._kept[key] != html:
                raise AssertionError(f"fragment {key} differs between pages of the same folder")
            self._kept.setdefault(key, html)
        return html

    def _urls_of(self, nav) -> tuple[str, ...]:
        if self._nav_urls is None or self._nav_urls[0] != id(nav):
            self._nav_urls = (id(nav), tuple(p.url for p in nav.pages if p.url is not None))
        return self._nav_urls[1]


def _entries(items):
    for item in items:
        yield item
        yield from _entries(getattr(item, "children", None) or ())
