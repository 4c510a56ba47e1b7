"""The example partnership's site: it passes its own checks and shows every state."""

from __future__ import annotations

import shutil
import pytest

from conftest import REPO, Site, find_in_site

LIVE_REVIEWS = ["baby-r", "child-l", "child-m", "child-p", "child-t", "sibling-group-b",
                "young-person-j"]
HIDDEN_REVIEWS = {"child-s": "embargoed", "child-w": "embargoed", "child-e": "embargoed",
                  "child-d": "draft", "child-h": "legal-hold"}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("example") / "project"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", "preview", "__pycache__", "*.egg-info", "tests", "outbox"))
    site = Site(root)
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def test_the_example_passes_its_own_checks(example):
    result = example.check("--json")
    assert result.exit_code == 0, result.output


def test_the_example_has_enough_content_in_every_state(example):
    import json

    states = {row["item"]: row["state"] for row in json.loads(example.check("--json").output)["items"]}
    kinds = [item.split("/")[0] for item in states]
    assert kinds.count("reviews") >= 10
    assert kinds.count("case-studies") >= 6
    assert kinds.count("briefings") >= 8
    assert kinds.count("progress") >= 4
    for slug, state in HIDDEN_REVIEWS.items():
        assert states[f"reviews/{slug}"] == state
    assert {"live", "draft", "embargoed", "legal-hold"} <= set(states.values())


def test_live_reviews_are_published_with_their_pdfs(example):
    for slug in LIVE_REVIEWS:
        assert (example.site / "reviews" / slug / "index.html").is_file(), slug
    for pdf in ("child-t.pdf", "child-m.pdf", "sibling-group-b.pdf"):
        assert (example.site / "reviews" / pdf).is_file(), pdf


def test_the_withdrawn_and_archived_reports_show_notices(example):
    withdrawn = (example.site / "reviews" / "child-f" / "index.html").read_text()
    assert "This review was withdrawn on 16 November 2026" in withdrawn
    assert "Removed following a court order" in withdrawn
    body = (example.root / "content" / "reviews" / "child-f.md").read_text().split("\n---\n", 1)[1]
    sentence = next(line for line in body.splitlines() if "fracture" in line)[:60]
    assert find_in_site(example.site, sentence) == []
    archived = (example.site / "reviews" / "child-k" / "index.html").read_text()
    assert "This report has been archived." in archived
    assert "reviews@northmere-scp.example" in archived
    assert not (example.site / "reviews" / "child-k.pdf").exists()
    listing = (example.site / "reviews" / "index.html").read_text()
    assert "Child K" not in listing and "Child F" not in listing
    assert "Child K: Serious Case Review" in (example.site / "archive" / "index.html").read_text()


def test_hidden_reviews_leave_no_trace(example):
    for slug in HIDDEN_REVIEWS:
        text = (example.root / "content" / "reviews" / f"{slug}.md").read_text()
        title = text.split("title:", 1)[1].splitlines()[0].strip().strip('"')
        assert find_in_site(example.site, title) == [], title
        assert find_in_site(example.site, f"reviews/{slug}") == [], slug
        assert not (example.site / "reviews" / f"{slug}.pdf").exists()


def test_the_withheld_review_shows_improvement_information_only(example):
    page = (example.site / "reviews" / "young-person-j" / "index.html").read_text()
    assert "The report of this review is not published." in page
    assert "Download the report" not in page


def test_the_example_is_clearly_fictional(example):
    home = (example.site / "index.html").read_text()
    assert "fictional partnership" in home


def test_the_example_schedule_shows_every_deadline_state(example):
    import json

    result = example.run("schedule", "--now", "2026-11-24 09:00", "--json")
    assert result.exit_code == 0, result.output
    states = {(row["item"], d["rule"]): d["state"]
              for row in json.loads(result.output)["items"] for d in row["deadlines"]}
    assert states[("reviews/child-s", "national-panel")] == "done"
    assert states[("reviews/child-s", "dfe")] == "due"
    assert states[("reviews/child-e", "national-panel")] == "due today"
    assert states[("reviews/child-e", "relevant-organisations")] == "overdue"
    assert states[("reviews/child-e", "ofsted")] == "done"


def test_the_example_deadline_uses_its_closure_days(example):
    import json

    result = example.run("deadline", "2027-01-05", "--json")
    deadlines = {d["rule"]: d["latest_send_date"] for d in json.loads(result.output)["deadlines"]}
    # 29-31 December 2026 are the partnership's closure days, on top of the bank holidays.
    assert deadlines == {"national-panel": "2026-12-17", "ofsted": "2026-12-17",
                         "dfe": "2026-12-17", "relevant-organisations": "2026-12-14"}


def test_the_example_progress_pages_show_every_rag_state(example):
    pages = "".join((example.site / "progress" / slug / "index.html").read_text()
                    for slug in ("child-t", "child-m", "sibling-group-b"))
    for badge in ('portal-rag--green">Complete<', 'portal-rag--amber">In progress<',
                  'portal-rag--red">Overdue<', 'portal-rag--not-started">Not started<',
                  'portal-rag--amber">Complete, evidence awaited<'):
        assert badge in pages, badge
