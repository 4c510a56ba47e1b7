"""portal new / build / check end to end, in temporary site projects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import find_in_site
from pdfs import encrypt_pdf, make_pdf

BIN = Path(sys.executable).parent


def test_portal_new_makes_a_project_that_builds_as_it_is(tmp_path):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    made = subprocess.run(["portal", "new", "fresh"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "fresh"
    for expected in ("mkdocs.yml", "themes.yml", ".gitignore", "content/index.md",
                     "embargo/reviews/example-review.yaml", "site_overrides"):
        assert (project / expected).exists(), expected
    checked = subprocess.run(["portal", "check"], cwd=project, env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    built = subprocess.run(["portal", "build"], cwd=project, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    site = project / "site"
    assert (site / "reviews" / "example-review" / "index.html").is_file()
    assert not (site / "reviews" / "example-embargoed").exists()
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert find_in_site(site, "Child B: a review under embargo") == []


def test_portal_new_refuses_a_directory_that_is_not_empty(tmp_path, site):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    result = site.run("new", str(tmp_path / "taken"))
    assert result.exit_code == 2
    assert "exists and is not empty" in result.output
    assert (tmp_path / "taken" / "keep.txt").read_text() == "mine"


def test_mkdocs_build_gives_the_public_view(site):
    result = subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=site.root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (site.site / "reviews" / "example-review" / "index.html").is_file()
    assert not (site.site / "reviews" / "example-embargoed").exists()


def test_a_failing_build_leaves_the_previous_site_untouched(site):
    assert site.build().exit_code == 0
    before = {p.relative_to(site.site): p.read_bytes() for p in site.site.rglob("*") if p.is_file()}
    site.review("broken", publish_at="2026-02-30")
    result = site.build()
    assert result.exit_code == 1
    assert "content/reviews/broken.md: publish_at: 2026-02-30 is not a real date" in result.output
    assert "the previous site is unchanged" in result.output
    after = {p.relative_to(site.site): p.read_bytes() for p in site.site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".site")] == []


def test_a_build_replaces_the_site_only_when_complete(site):
    assert site.build().exit_code == 0
    (site.site / "stale.html").write_text("old")
    assert site.build().exit_code == 0
    assert not (site.site / "stale.html").exists()
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".site")] == []


def test_a_public_build_refuses_a_time_in_the_future(site):
    result = site.build(now="2099-01-01")
    assert result.exit_code == 2
    assert "is in the future: a public build never shows the future" in result.output
    assert not site.site.exists()


def test_a_public_build_never_writes_over_a_preview(site):
    site.site.mkdir()
    (site.site / ".portal-preview").write_text("preview")
    result = site.build()
    assert result.exit_code == 2
    assert "holds an internal preview" in result.output


def test_check_passes_on_a_new_project_and_reports_states(site):
    result = site.check("--json")
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.output)
    states = {row["item"]: row["state"] for row in report["items"]}
    assert states["reviews/example-review"] == "live"
    assert states["reviews/example-embargoed"] == "embargoed"


def test_check_outside_a_project_is_bad_usage(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner

    from portal.cli import main

    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert "mkdocs.yml not found" in result.output


def test_a_title_holding_html_is_shown_as_text(site):
    site.review("html-title", title="<script>alert('x')</script> <b>Child X</b>",
                summary="<img src=x onerror=alert(1)> summary")
    assert site.build().exit_code == 0
    page = (site.site / "reviews" / "html-title" / "index.html").read_text()
    listing = (site.site / "reviews" / "index.html").read_text()
    for html_text in (page, listing):
        assert "<script>alert" not in html_text
        assert "<b>Child X</b>" not in html_text
        assert "<img src=x" not in html_text
    assert "&lt;b&gt;Child X&lt;/b&gt;" in page
    assert "<title>&lt;script&gt;" in page


def test_the_review_page_shows_its_metadata_and_pdf_facts(site):
    make_pdf(site.root / "content" / "reviews" / "child-r.pdf", "Report text", pages=3)
    site.review("child-r", child="Child R", reviewer=["Dr One", "Ms Two"], report="child-r.pdf",
                themes=["neglect", "domestic-abuse"])
    assert site.build().exit_code == 0
    page = (site.site / "reviews" / "child-r" / "index.html").read_text()
    for expected in ("Child R", "Local Child Safeguarding Practice Review", "Dr One, Ms Two",
                     "20 January 2026", "Neglect", "Domestic abuse", "PDF, ", "3 pages",
                     "Content notice", "0808 800 5000"):
        assert expected in page, expected
    assert (site.site / "reviews" / "child-r.pdf").is_file()


def test_an_encrypted_pdf_is_a_build_error(site):
    encrypt_pdf(make_pdf(site.root / "content" / "reviews" / "child-e.pdf", "Secret"))
    site.review("child-e", report="child-e.pdf")
    result = site.build()
    assert result.exit_code == 1
    assert "content/reviews/child-e.md: report: content/reviews/child-e.pdf: the PDF is encrypted" in result.output


def test_a_stray_file_in_an_item_folder_is_not_published(site):
    # (An office document is refused anywhere under content/: test_trust_routes.py.)
    (site.root / "content" / "reviews" / "genogram.png").write_bytes(b"\x89PNG not really")
    (site.root / "content" / "reviews" / "child-a-notes.txt").write_bytes(b"draft")
    assert site.build().exit_code == 0
    assert not (site.site / "reviews" / "genogram.png").exists()
    assert not (site.site / "reviews" / "child-a-notes.txt").exists()


def test_listings_are_newest_first(site):
    site.review("older", title="Older review", publish_at="2025-03-01", approved_on="2025-02-01")
    site.review("newer", title="Newer review", publish_at="2026-03-01")
    assert site.build().exit_code == 0
    listing = (site.site / "reviews" / "index.html").read_text()
    assert listing.index("Newer review") < listing.index("Child A: local") < listing.index("Older review")


def test_the_build_time_decides_what_is_live(site):
    site.review("tomorrow", title="Tomorrow review", publish_at="2026-11-21 09:00")
    assert site.build(now="2026-11-21 08:59").exit_code == 0
    assert not (site.site / "reviews" / "tomorrow").exists()
    assert site.build(now="2026-11-21 09:00").exit_code == 0
    assert (site.site / "reviews" / "tomorrow" / "index.html").exists()
