"""The ledger, the twelve-month minimum listing, withdrawals, archive and change history."""

from __future__ import annotations

import json

import pytest

from conftest import find_in_site, fingerprint, withdrawn
from pdfs import make_pdf

# example-review in the skeleton was published on 20 January 2026 (NOW is 20 November 2026).
EXAMPLE = "content/reviews/example-review.md"



@pytest.fixture
def published(site):
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def ledger_lines(site):
    return [l for l in (site.root / "embargo" / "ledger").read_text().splitlines() if not l.startswith("#")]


def test_the_build_records_first_publications_once(published):
    lines = ledger_lines(published)
    ids = [line.split("\t")[1] for line in lines]
    assert sorted(ids) == ["briefings/example-briefing", "case-studies/example-case-study",
                           "progress/example-review", "reviews/example-review"]
    review = next(l for l in lines if "\treviews/example-review\t" in l).split("\t")
    assert review[0] == "published" and review[2] == "2026-01-20T00:01:00+00:00"
    assert review[4] == "Child A: local child safeguarding practice review"
    before = (published.root / "embargo" / "ledger").read_bytes()
    assert published.build().exit_code == 0
    assert (published.root / "embargo" / "ledger").read_bytes() == before


def test_check_reports_a_ledger_behind_the_live_content(site):
    result = site.check("--json")
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "ledger-behind" in codes
    site.build()
    codes = [f["code"] for f in json.loads(site.check("--json").stdout)["findings"]]
    assert "ledger-behind" not in codes


def expect_protected(site, fragment):
    before = fingerprint(site.site)
    result = site.build()
    assert result.exit_code == 1, result.output
    message = result.stderr
    assert "'Child A: local child safeguarding practice review' (reviews/example-review)" in message
    assert fragment in message
    assert ("published on Tuesday 20 January 2026, 00:01 GMT and must stay available until at least "
            "Wednesday 20 January 2027, 00:01 GMT") in message
    assert "record an authorised withdrawal in embargo/reviews/example-review.yaml" in message
    assert "reason_public" in message and "authorised_by" in message
    assert fingerprint(site.site) == before
    assert site.check().exit_code == 1


def edit(site, old, new):
    path = site.root / EXAMPLE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_removing_a_report_within_twelve_months_fails(published):
    (published.root / EXAMPLE).unlink()
    for dependent in ("content/progress/example-review.md",):
        (published.root / dependent).unlink()
    for path in ("content/case-studies/example-case-study.md", "content/briefings/example-briefing.md"):
        p = published.root / path
        p.write_text(p.read_text().replace("review: reviews/example-review\n", ""))
    (published.root / "embargo/reviews/example-review.yaml").unlink()
    expect_protected(published, "has been removed")


def test_setting_a_report_back_to_draft_fails(published):
    edit(published, "status: approved", "status: draft")
    expect_protected(published, "would no longer be live (draft: not approved for publication)")


def test_a_new_legal_hold_fails(published):
    edit(published, "child: Child A\n", "child: Child A\nlegal_hold: {reason: Inquest}\n")
    expect_protected(published, "would no longer be live (on legal hold (Inquest) with no end date)")


def test_a_later_publish_at_fails(published):
    edit(published, "publish_at: 2026-01-20", "publish_at: 2026-12-20")
    edit(published, "approved_on: 2026-01-05", "approved_on: 2026-01-05")
    expect_protected(published, "would no longer be live (embargoed until")


def test_renaming_a_report_fails(published):
    source = published.root / EXAMPLE
    source.rename(published.root / "content/reviews/child-a.md")
    register = published.root / "embargo/reviews/example-review.yaml"
    register.rename(published.root / "embargo/reviews/child-a.yaml")
    for path in ("content/case-studies/example-case-study.md", "content/briefings/example-briefing.md",
                 "content/progress/example-review.md"):
        p = published.root / path
        p.write_text(p.read_text().replace("review: reviews/example-review", "review: reviews/child-a"))
    expect_protected(published, "has been renamed to reviews/child-a")


def test_status_withdrawn_without_a_register_record_fails(published):
    edit(published, "status: approved", "status: withdrawn")
    result = published.build()
    assert result.exit_code == 1
    assert "'status: withdrawn' needs an authorised withdrawal" in result.stderr


def test_archiving_within_twelve_months_fails(published):
    edit(published, "child: Child A\n", "child: Child A\narchived: true\n")
    result = published.build()
    assert result.exit_code == 1
    assert "it may be archived from Wednesday 20 January 2027, 00:01 GMT, not before" in result.stderr


def test_after_twelve_months_a_report_may_come_down(site):
    site.review("old", title="Old review zqoldcanary", publish_at="2025-06-03", approved_on="2025-05-01")
    assert site.build().exit_code == 0
    (site.root / "content/reviews/old.md").unlink()
    (site.root / "embargo/reviews/old.yaml").unlink()
    assert site.build().exit_code == 0
    assert find_in_site(site.site, "zqoldcanary") == []


def test_an_authorised_withdrawal_replaces_the_page_with_a_notice(site):
    make_pdf(site.root / "content/reviews/zqwpdfcanary.pdf", "PDF text zqwpdftextcanary")
    site.review("child-w", title="Child W review", report="zqwpdfcanary.pdf",
                summary="Summary zqwsummarycanary.", body="## Findings\n\nBody zqwbodycanary.",
                publish_at="2026-06-02", approved_on="2026-05-01")
    assert site.build().exit_code == 0
    site.register("reviews/child-w", withdrawn())
    result = site.build()
    assert result.exit_code == 0, result.output
    page = (site.site / "reviews/child-w/index.html").read_text()
    assert "This review was withdrawn on 18 November 2026" in page
    assert "Removed following a court order." in page
    assert "2 June 2026" in page and "Child W review" in page
    for canary in ("zqwpdfcanary", "zqwpdftextcanary", "zqwsummarycanary", "zqwbodycanary"):
        assert find_in_site(site.site, canary) == [], canary
    feed = (site.site / "feed.xml").read_text()
    assert "<title>Withdrawn: Child W review</title>" in feed
    assert "Removed following a court order." in feed
    document = json.loads((site.site / "api/publications.json").read_text())
    assert "reviews/child-w" not in json.dumps(document["publications"])
    # Named only where the next build checks its ledger: what the notice says, no content.
    assert document["withdrawn"] == [{"id": "reviews/child-w", "withdrawn": "2026-11-18T00:00:00+00:00",
                                      "reason_public": "Removed following a court order."}]
    assert "Child W review" not in (site.site / "reviews/index.html").read_text()
    assert not any("child-w" in line for line in ledger_lines(site) if line.startswith("changed"))


def test_archived_reports_leave_listings_and_search_and_are_available_on_request(site):
    make_pdf(site.root / "content/reviews/zqapdfcanary.pdf", "PDF zqapdftextcanary")
    site.review("old", title="Old review", summary="Summary of the old review.",
                body="Body zqabodycanary.", report="zqapdfcanary.pdf",
                publish_at="2025-03-04", approved_on="2025-02-01", archived=True)
    result = site.build()
    assert result.exit_code == 0, result.output
    page = (site.site / "reviews/old/index.html").read_text()
    assert "This report has been archived." in page and "safeguarding@example.org" in page
    for canary in ("zqapdfcanary", "zqapdftextcanary", "zqabodycanary"):
        assert find_in_site(site.site, canary) == [], canary
    assert "Old review" not in (site.site / "reviews/index.html").read_text()
    assert "Old review" in (site.site / "archive/index.html").read_text()
    assert not any(p.endswith(".pf_fragment") and "Old review" in p for p in find_in_site(site.site, "Old review"))
    assert [h for h in find_in_site(site.site, "Summary of the old review") if h.startswith("pagefind")] == []


def test_check_says_when_items_may_be_archived(published):
    report = json.loads(published.check("--json").stdout)
    row = next(r for r in report["items"] if r["item"] == "reviews/example-review")
    assert row["archive_from"] == "2027-01-20T00:01:00+00:00"  # the anniversary instant


def test_a_changed_report_needs_a_change_note_and_shows_its_history(published):
    edit(published, "Write the report here", "Rewrite the report here")
    result = published.build()
    assert result.exit_code == 1
    assert "content/reviews/example-review.md: changes: the published content of 'Child A" in result.stderr
    assert "has changed since 20 January 2026" in result.stderr
    edit(published, "child: Child A\n", "child: Child A\nchanges:\n  - {on: 2026-11-19, note: Corrected the account of the hospital admission.}\n")
    result = published.build()
    assert result.exit_code == 0, result.output
    page = (published.site / "reviews/example-review/index.html").read_text()
    assert "Change history" in page and "Corrected the account of the hospital admission." in page
    assert "19 November 2026" in page
    assert any(l.startswith("changed\treviews/example-review\t2026-11-19") for l in ledger_lines(published))
    assert published.build().exit_code == 0
    edit(published, "Rewrite the report here", "Rewrite the report again here")
    result = published.build()
    assert result.exit_code == 1
    assert "has changed since 19 November 2026" in result.stderr


def test_a_withheld_report_needs_the_national_panel_told(site):
    site.review("child-j", title="Child J improvement information zqwithheldcanary", published_form="withheld",
                body="## Improvements\n\nWhat is changing zqwithheldbodycanary.")
    result = site.build()
    assert result.exit_code == 0
    assert not (site.site / "reviews/child-j").exists()
    for canary in ("zqwithheldcanary", "zqwithheldbodycanary"):
        assert find_in_site(site.site, canary) == []
    checked = site.check()
    assert checked.exit_code == 1
    assert "the report is withheld, but the register does not record that the National Panel was told" in checked.stderr
    register = site.root / "embargo/reviews/child-j.yaml"
    register.write_text(register.read_text() + "not_published_notified: {on: 2026-01-06, to: Child Safeguarding Practice Review Panel}\n")
    assert site.build().exit_code == 0
    assert "The report of this review is not published." in (site.site / "reviews/child-j/index.html").read_text()
