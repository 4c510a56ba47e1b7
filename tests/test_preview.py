"""portal build --preview: an internal preview that can never be published."""

from __future__ import annotations

import subprocess

from conftest import REPO


def test_the_preview_shows_everything_marked_and_noindex(site):
    site.review("child-s", title="Child S future review", publish_at="2026-12-08 09:30", circulated=False)
    site.review("child-h", title="Child H held review", legal_hold={"reason": "Inquest"})
    result = site.run("build", "--preview", "--now", "2026-12-08 10:00")
    assert result.exit_code == 0, result.output
    preview = site.root / "preview"
    assert (preview / ".portal-preview").is_file()
    future = (preview / "reviews/child-s/index.html").read_text()
    assert "EMBARGOED until Tuesday 8 December 2026, 09:30 GMT" in future
    held = (preview / "reviews/child-h/index.html").read_text()
    assert "EMBARGOED: on legal hold (Inquest)" in held
    embargoed_two = (preview / "reviews/example-embargoed/index.html").read_text()
    assert "EMBARGOED until Tuesday 6 January 2099, 10:00 GMT" in embargoed_two
    for page in preview.rglob("*.html"):
        assert '<meta name="robots" content="noindex, nofollow">' in page.read_text(), page
    assert "INTERNAL PREVIEW: not for publication" in (preview / "index.html").read_text()
    live = (preview / "reviews/example-review/index.html").read_text()
    assert "EMBARGOED" not in live.split("portal-item__kind")[1].split("</h1>")[0]
    assert not (site.root / "embargo/ledger").exists()
    assert not (site.site).exists()


def test_marks_follow_the_real_clock_whatever_now_shows(site):
    site.review("child-s", title="Child S", publish_at="2026-12-08 09:30", circulated=False)
    result = site.run("build", "--preview", "--now", "2027-06-01")
    assert result.exit_code == 0
    assert "EMBARGOED until" in (site.root / "preview/reviews/child-s/index.html").read_text()


def test_a_preview_cannot_be_published(site):
    assert site.run("build", "--preview").exit_code == 0
    refused = site.run("build", "--site-dir", "preview")
    assert refused.exit_code == 2
    assert "holds an internal preview" in refused.output
    deploy = subprocess.run(["bash", str(REPO / "tools/deploy.sh"), str(site.root / "preview"),
                             str(site.root / "www")], capture_output=True, text=True)
    assert deploy.returncode == 1
    assert "is an internal preview" in deploy.stderr
    assert not (site.root / "www").exists()


def test_the_deploy_step_publishes_a_public_site(site):
    assert site.build().exit_code == 0
    deploy = subprocess.run(["bash", str(REPO / "tools/deploy.sh"), str(site.site), str(site.root / "www")],
                            capture_output=True, text=True)
    assert deploy.returncode == 0, deploy.stderr
    assert (site.root / "www/index.html").is_file()


def test_preview_and_public_output_are_never_the_same_folder(site):
    assert site.build().exit_code == 0
    result = site.run("build", "--preview", "--site-dir", "site")
    assert result.exit_code == 2
    assert "is the public site folder" in result.output
    other = site.root / "elsewhere"
    other.mkdir()
    (other / "index.html").write_text("a site")
    result = site.run("build", "--preview", "--site-dir", str(other))
    assert result.exit_code == 2
    assert "is not empty and is not a preview" in result.output
