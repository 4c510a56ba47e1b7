"""Front-matter validation, field by field (pure: no files, no MkDocs)."""

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.core.settings import Settings
from portal.core.themes import Theme, ThemeVocabulary
from portal.core.validate import validate_item

SETTINGS = Settings(
    timezone=ZoneInfo("Europe/London"),
    publication_time=time(0, 1),
    themes=ThemeVocabulary([Theme("neglect", "Neglect"), Theme("domestic-abuse", "Domestic abuse"),
                            Theme("information-sharing", "Information sharing")]),
    area="Testshire",
)
FILES = {"reviews/child-t.md", "reviews/child-t.pdf", "reviews/notes.txt", "other/x.pdf"}


def review(**changes):
    meta = {
        "title": "Child T", "status": "approved", "approved_by": "Executive",
        "approved_on": "2026-01-05", "publish_at": "2026-01-20", "summary": "Summary.",
        "themes": ["neglect"], "review_type": "lcspr", "reviewer": "A. Reviewer",
        "child": "Child T",
    }
    meta.update(changes)
    return {k: v for k, v in meta.items() if v is not None}


def messages(meta, src="reviews/child-t.md"):
    item, findings = validate_item(src, meta, SETTINGS, FILES)
    return item, [str(f) for f in findings]


def test_a_valid_review():
    item, found = messages(review(report="child-t.pdf", recommendations=["Do better."]))
    assert found == []
    assert item.id == "reviews/child-t"
    assert item.url == "reviews/child-t/"
    assert item.publish_at == datetime(2026, 1, 20, 0, 1, tzinfo=timezone.utc)
    assert item.attachments == ("reviews/child-t.pdf",)
    assert item.details["area"] == "Testshire"
    assert item.details["published_form"] == "full"


@pytest.mark.parametrize("changes, expected", [
    ({"title": None}, "content/reviews/child-t.md: title: required field is missing"),
    ({"title": ""}, "content/reviews/child-t.md: title: must not be empty"),
    ({"title": ["a"]}, "content/reviews/child-t.md: title: expected text, got a list"),
    ({"status": "published"}, "content/reviews/child-t.md: status: unknown value 'published'"),
    ({"status": "aproved"}, "did you mean 'approved'?"),
    ({"approved_by": None}, "approved_by: required field is missing (an approved item needs it)"),
    ({"publish_at": None}, "publish_at: required field is missing (an approved item needs its publication date"),
    ({"publish_at": "2026-02-30"}, "publish_at: 2026-02-30 is not a real date"),
    ({"publish_at": "next week"}, "publish_at: expected a date (YYYY-MM-DD) or a local date and time"),
    ({"publish_at": "2027-03-28 01:30"}, "does not exist in Europe/London"),
    ({"approved_on": "2026-02-01"}, "approved_on: approved on 2026-02-01 but set to publish on 2026-01-20"),
    ({"summary": None}, "summary: required field is missing"),
    ({"themes": "neglect"}, "themes: expected a list (one '- ' line per entry), got the text 'neglect'"),
    ({"themes": []}, "themes: expected a list with at least one entry"),
    ({"themes": ["neglet"]}, "themes: unknown theme 'neglet' (did you mean 'neglect'?)"),
    ({"themes": ["domestic-violence"]}, "did you mean 'domestic-abuse'?"),
    ({"themes": ["neglect", "neglect"]}, "themes: a theme is listed more than once"),
    ({"legal_hold": "court"}, "legal_hold: expected {reason: ..., until: YYYY-MM-DD}"),
    ({"legal_hold": {"until": "2027-01-01"}}, "legal_hold: a legal hold needs a 'reason'"),
    ({"legal_hold": {"reason": "x", "untill": "2027-01-01"}}, "legal_hold: unknown key 'untill'"),
    ({"changes": [{"on": "2026-01-32", "note": "x"}]}, "changes: entry 1: 2026-01-32 is not a real date"),
    ({"changes": [{"date": "2026-01-02", "note": "x"}]}, "changes: entry 1: expected {on: YYYY-MM-DD, note: ...}"),
    ({"archived": "yes"}, "archived: expected true or false, got 'yes'"),
    ({"review_type": "serious-case-review"}, "review_type: unknown value 'serious-case-review'"),
    ({"review_type": None}, "review_type: required field is missing"),
    ({"child": None}, "child: required field is missing"),
    ({"reviewer": None}, "reviewer: a published review names its reviewer(s)"),
    ({"reviewer_anonymous": True}, "'reviewer_anonymous: true' but reviewers are named"),
    ({"published_form": "partial"}, "published_form: unknown value 'partial'"),
    ({"report": "../other/x.pdf"}, "report: '../other/x.pdf' leaves the item's folder"),
    ({"report": "/etc/passwd.pdf"}, "leaves the item's folder"),
    ({"report": "missing.pdf"}, "report: 'missing.pdf' does not exist (looked for content/reviews/missing.pdf)"),
    ({"report": "notes.txt"}, "report: 'notes.txt' is not a PDF"),
    ({"published_form": "withheld", "report": "child-t.pdf"}, "published_form is 'withheld', so the report is not published"),
    ({"recommendations": "one"}, "recommendations: expected a list"),
    ({"titel": "x"}, "titel: unknown field (did you mean 'title'?)"),
    ({"questions": ["q"]}, "questions: unknown field"),
])
def test_each_mistake_names_the_file_the_field_and_what_would_be_right(changes, expected):
    item, found = messages(review(**changes))
    assert item is None
    assert any(expected in message for message in found), found


def test_a_draft_needs_no_approval_or_date():
    item, found = messages(review(status="draft", approved_by=None, approved_on=None, publish_at=None))
    assert found == [] and item.status == "draft"


def test_every_error_of_a_file_is_reported_together():
    _, found = messages(review(title=None, themes=["nope"], publish_at="2026-02-30"))
    assert len(found) == 3


def test_front_matter_that_is_not_a_mapping():
    _, found = messages(["a", "list"])
    assert "expected YAML front matter" in found[0]


def test_case_study_fields():
    meta = review(review_type=None, reviewer=None, child=None, review="reviews/child-t",
                  learning_points=["x"], questions=["Why?"], audience="Trainers")
    item, found = messages(meta, "case-studies/cs.md")
    assert found == []
    assert item.review_id == "reviews/child-t"
    assert item.details["audience"] == ("Trainers",)
    _, found = messages({**meta, "questions": None}, "case-studies/cs.md")
    assert "content/case-studies/cs.md: questions: required field is missing" in found


def test_briefing_type_is_checked():
    meta = review(review_type=None, reviewer=None, child=None, briefing_type="seven-minutes")
    _, found = messages(meta, "briefings/b.md")
    assert any("briefing_type: unknown value 'seven-minutes' (did you mean 'seven-minute'?)" in m for m in found)


def test_progress_actions_are_validated_one_by_one():
    meta = {"title": "P", "status": "approved", "approved_by": "E", "approved_on": "2026-01-01",
            "publish_at": "2026-01-20", "summary": "s", "review": "reviews/child-t",
            "actions": [
                {"id": "1", "recommendation": "r", "action": "a", "lead": "Police",
                 "due": "2026-06-31", "status": "done"},
            ]}
    _, found = messages(meta, "progress/p.md")
    assert any("actions[1].due: 2026-06-31 is not a real date" in m for m in found)
    assert any("actions[1].status: unknown value 'done'" in m for m in found)
