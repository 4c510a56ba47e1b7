"""Print the Content-Security-Policy (and companion headers) for a built public site.

Usage: .venv/bin/python tools/csp_header.py site/ [--nginx]

The policy allows only the site's own files: scripts from the site itself plus the
hashes of the few inline scripts mkdocs-material writes into every page (they change
only when Material is upgraded: run this again after an upgrade), WebAssembly for
Pagefind's search, images from the site and data: URIs (Material's icons). No inline
event handlers, no plugins, no framing, no form posts elsewhere. A title that someone
managed to smuggle markup into still cannot run a script under this policy.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from pathlib import Path

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_DATA_TYPES = ("application/json", "application/ld+json")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_hashes(site: Path) -> tuple[set[str], set[str], bool]:
    """The hashes of every executable inline script and inline style in the site's pages,
    and whether any element carries a style attribute."""
    scripts: set[str] = set()
    styles: set[str] = set()
    style_attributes = False
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        for attributes, body in _SCRIPT.findall(text):
            if re.search(r"\bsrc\s*=", attributes, re.I):
                continue
            kind = re.search(r"\btype\s*=\s*[\"']?([^\"' >]+)", attributes, re.I)
            if kind and kind.group(1).lower() in _DATA_TYPES:
                continue  # data, never executed
            scripts.add(_hash(body))
        styles.update(_hash(body) for body in _STYLE.findall(text))
        style_attributes = style_attributes or bool(re.search(r"<[^>]+\sstyle\s*=", text, re.I))
    return scripts, styles, style_attributes


def headers(site: Path) -> dict[str, str]:
    scripts, styles, style_attributes = inline_hashes(site)
    style_src = "'self' 'unsafe-inline'" if style_attributes else " ".join(["'self'", *sorted(styles)])
    policy = "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *sorted(scripts)]),
        f"style-src {style_src}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built public site (e.g. site/)")
    parser.add_argument("--nginx", action="store_true", help="print nginx add_header lines")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}: not a built site (no index.html): run 'portal build' first", file=sys.stderr)
        return 2
    for name, value in headers(args.site).items():
        print(f'add_header {name} "{value}" always;' if args.nginx else f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
