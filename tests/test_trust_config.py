"""Promise: no setting in mkdocs.yml opens a route around the gate (SPEC §4, §5): the theme
folder MkDocs copies may not be or hold the content or register folder, no extension or
plugin may pull other files into pages, and a public `mkdocs build` is never dirty."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, fingerprint

MKDOCS = Path(sys.executable).parent / "mkdocs"



@pytest.fixture
def built(site):
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def set_config(site, old: str, new: str) -> None:
    config = site.root / "mkdocs.yml"
    text = config.read_text()
    assert old in text, old
    config.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("custom_dir, expected", [
    ("embargo", "theme.custom_dir: embargo is or lies inside the register folder"),
    ("content/reviews", "theme.custom_dir: content/reviews is or lies inside the content folder"),
    (".", "theme.custom_dir: . holds the content folder"),
])
def test_a_theme_folder_that_is_a_project_folder_publishes_nothing(built, custom_dir, expected):
    """`custom_dir: embargo` once published the ledger, every register file and the
    deny-list; `custom_dir: content/reviews` published held and embargoed reports."""
    before = fingerprint(built.site)
    set_config(built, "custom_dir: site_overrides", f"custom_dir: {custom_dir}")
    result = built.build()
    assert result.exit_code in (1, 2)  # 2 where the site folder itself lies in the theme folder
    assert "Traceback" not in result.output
    checked = built.check()
    assert checked.exit_code == 1
    assert f"mkdocs.yml: {expected}" in checked.output
    assert fingerprint(built.site) == before


@pytest.mark.parametrize("setting, expected", [
    ("markdown_extensions:\n  - pymdownx.snippets\n", "markdown_extensions: pymdownx.snippets includes other files"),
    ("markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [embargo]\n",
     "markdown_extensions: pymdownx.snippets includes other files"),
    ("markdown_extensions:\n  - pymdownx.snippets:SnippetExtension:\n      base_path: [content, embargo]\n",
     "markdown_extensions: pymdownx.snippets:SnippetExtension includes other files"),
    ("markdown_extensions:\n  - pymdownx.b64\n", "markdown_extensions: pymdownx.b64 includes other files"),
])
def test_no_extension_pulls_other_files_into_a_page(built, setting, expected):
    """With pymdownx.snippets, `--8<-- "content/reviews/embargoed.md"` in a live body
    published the embargoed review and the register."""
    before = fingerprint(built.site)
    config = built.root / "mkdocs.yml"
    text = config.read_text()
    if "markdown_extensions:\n" in text:
        text = text.replace("markdown_extensions:\n", setting, 1)
    else:
        text += setting
    config.write_text(text)
    result = built.build()
    assert result.exit_code == 1
    assert expected in result.output
    assert fingerprint(built.site) == before


def test_a_public_mkdocs_build_is_never_dirty(built):
    """`mkdocs build --dirty` kept a withdrawn review's PDF, its progress page and search
    entries in the site folder, and deploy.sh deployed them."""
    before = fingerprint(built.site)
    done = subprocess.run([str(MKDOCS), "build", "--dirty"], cwd=built.root, capture_output=True, text=True)
    assert done.returncode != 0
    assert "a public build is never dirty" in done.stderr
    assert "Traceback" not in done.stderr
    assert fingerprint(built.site) == before


def test_the_usual_theme_folder_and_a_clean_mkdocs_build_still_work(built):
    done = subprocess.run([str(MKDOCS), "build"], cwd=built.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert NOW
