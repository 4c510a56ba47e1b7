"""Action-plan progress: RAG derived at its boundaries, warnings, pages, exports, dashboard."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from portal.core.items import Action, Item, Kind
from portal.core.progress import Rag, progress_warnings, rag_of, summarise

TODAY = date(2026, 11, 20)


def action(status="in-progress", due=TODAY, evidence="", updated=TODAY, action_id="A-1"):
    return Action(id=action_id, recommendation="r", action="a", lead="Police", due=due,
                  status=status, evidence=evidence, updated=updated)


@pytest.mark.parametrize("status, due, evidence, rag, label", [
    ("in-progress", date(2026, 11, 20), "", Rag.AMBER, "In progress"),      # due today: not late
    ("in-progress", date(2026, 11, 19), "", Rag.RED, "Overdue"),            # due yesterday
    ("not-started", date(2026, 11, 20), "", Rag.NOT_STARTED, "Not started"),
    ("not-started", date(2026, 11, 19), "", Rag.RED, "Overdue"),
    ("complete", date(2026, 11, 19), "Audit", Rag.GREEN, "Complete"),       # complete late is complete
    ("complete", date(2026, 12, 1), "", Rag.AMBER, "Complete, evidence awaited"),
    ("complete", date(2026, 11, 1), "", Rag.AMBER, "Complete, evidence awaited"),
])
def test_rag_is_derived_at_its_boundaries(status, due, evidence, rag, label):
    state = rag_of(action(status, due, evidence), TODAY)
    assert (state.rag, state.label) == (rag, label)


def progress_item(actions, body="## Actions taken\n\n## The impact of these actions\n\n## What more will be done\n"):
    return Item(id="progress/p", kind=Kind.PROGRESS, src_uri="progress/p.md", title="P", status="approved",
                summary="s", themes=(), details={"review": "reviews/r", "actions": tuple(actions)}), body


def test_the_headline_counts_complete_and_overdue():
    item, _ = progress_item([action("complete", evidence="e"), action(due=date(2026, 1, 1), action_id="A-2"),
                             action("not-started", due=date(2027, 1, 1), action_id="A-3")])
    assert summarise(item, TODAY).headline == "1 of 3 actions complete, 1 overdue"


def test_warnings():
    item, body = progress_item([
        action("complete", evidence=""),
        action(updated=date(2026, 8, 19), action_id="A-2"),
        action(updated=date(2026, 8, 20), action_id="A-2"),
    ], body="## Actions taken\n\nText.\n")
    codes = [f.code for f in progress_warnings(item, body, TODAY, 92, "content/progress/p.md")]
    assert codes.count("complete-without-evidence") == 1
    assert codes.count("stale-update") == 1  # 93 days old; 92 days is not yet stale
    assert codes.count("duplicate-action-id") == 1
    assert codes.count("missing-progress-section") == 2


@pytest.fixture
def built(site):
    progress = site.root / "content/progress/example-review.md"
    text = progress.read_text()
    more = """  - id: A-2
    recommendation: Audit assessments.
    action: Audit twenty assessments.
    lead: Children's social care
    due: 2026-10-31
    status: in-progress
    updated: 2026-10-01
  - id: A-3
    recommendation: Train staff.
    action: Train health visitors.
    lead: Health visiting
    due: 2027-03-31
    status: not-started
    updated: 2026-10-01
"""
    progress.write_text(text.replace("    updated: 2026-10-30\n", "    updated: 2026-10-30\n" + more))
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def test_the_progress_page_shows_headline_chart_badges_and_exports(built):
    page = (built.site / "progress/example-review/index.html").read_text()
    assert "1 of 3 actions complete, 1 overdue" in page
    assert '<svg class="portal-chart" role="img"' in page
    assert "<title id=\"progress-example-review-title\">" in page and "<desc id=" in page
    assert 'portal-rag portal-rag--red">Overdue</span>' in page
    assert 'portal-rag portal-rag--green">Complete</span>' in page
    assert 'portal-rag portal-rag--not-started">Not started</span>' in page
    rows = list(csv.DictReader(io.StringIO((built.site / "progress/example-review.csv").read_text())))
    assert [(r["id"], r["rag"]) for r in rows] == [("A-1", "green"), ("A-2", "red"), ("A-3", "not-started")]
    data = json.loads((built.site / "progress/example-review.json").read_text())
    assert data["totals"] == {"green": 1, "amber": 0, "red": 1, "not-started": 1}


def test_the_review_page_shows_its_progress(built):
    page = (built.site / "reviews/example-review/index.html").read_text()
    assert "1 of 3 actions complete, 1 overdue" in page
    assert 'href="../../progress/example-review/"' in page


def test_the_dashboard_groups_overdue_actions_by_lead_and_records_history(built):
    page = (built.site / "progress/index.html").read_text()
    assert "Children&#39;s social care" in page and "A-2 Audit twenty assessments." in page
    history = (built.root / "embargo/progress-history").read_text().splitlines()
    assert history[-1].split("\t") == ["2026-11-20", "progress/example-review", "1", "0", "1", "1"]
    assert built.build().exit_code == 0
    assert (built.root / "embargo/progress-history").read_text().splitlines() == history
    assert "RAG totals by date" in page


def test_check_reports_progress_warnings(built):
    report = json.loads(built.check("--json").stdout)
    codes = {f["code"] for f in report["findings"]}
    assert "stale-update" not in codes
    late = built.check("--json", now="2027-03-01")
    assert "stale-update" in {f["code"] for f in json.loads(late.stdout)["findings"]}
