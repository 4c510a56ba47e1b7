"""The twelve-month protection against the routes around it (issue 15), and `portal due`.

Each test names the promise it checks. The routes: a public build at a mistyped `--now`,
a ledger line deleted, re-dated or never written (a second witness, the public site's own
`api/publications.json`, catches it), ledger lines dated in the future or before approval,
a protection that ended at midnight rather than at the anniversary instant, a withdrawal
that failed because of its review's progress page, and a `due` that ignored withdrawals.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import subprocess
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import CIRCULATED, SKELETON, find_in_site, fingerprint, withdrawn
from portal.core.dates import UTC, parse_instant
from portal.core.items import Item, Kind
from portal.core.ledger import LedgerEntry, anniversary
from portal.core.ledger import parse as parse_ledger
from portal.core.protection import ledger_findings, protection_findings
from portal.core.publication import Block, Decision, State
from test_validate import SETTINGS

LONDON = ZoneInfo("Europe/London")
EXAMPLE_ID = "reviews/example-review"
EXAMPLE_TITLE = "Child A: local child safeguarding practice review"
EXAMPLE_LINE = ("published\treviews/example-review\t2026-01-20T00:01:00+00:00\t")


def at(text: str) -> datetime:
    return parse_instant(text, LONDON, SETTINGS.publication_time)



def ledger_path(site):
    return site.root / "embargo" / "ledger"


@pytest.fixture
def published(site):
    """The skeleton built at NOW (20 November 2026): example-review and its progress page,
    case study and briefing are live and recorded, first published 20 January 2026 00:01."""
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def withdraw_example(site, on: str) -> None:
    site.register(EXAMPLE_ID, withdrawn(on, sent_on="2026-01-06"))


# --- 1. `--now` may not go back before what the public has already seen -------------------

def test_a_public_build_may_not_go_back_before_a_withdrawal(published):
    """Promise: a public build whose --now is before a withdrawal in force is refused
    (exit 2), naming the withdrawal and pointing to the preview; nothing is replaced, and
    the withdrawn report is not republished. A preview may look at the past."""
    withdraw_example(published, "2026-11-18")
    assert published.build().exit_code == 0
    before = fingerprint(published.site)
    result = published.build(now="2026-10-01")  # the year mistyped for 2027-10-01
    assert result.exit_code == 2, result.output
    assert "is before what the public has already seen" in result.output
    assert "reviews/example-review was withdrawn on 18 November 2026" in result.output
    assert "portal build --preview --now" in result.output
    assert fingerprint(published.site) == before
    assert "This review was withdrawn" in (published.site / "reviews/example-review/index.html").read_text()
    preview = published.run("build", "--preview", "--now", "2026-10-01")
    assert preview.exit_code == 0, preview.output


def test_a_public_build_may_not_go_back_before_the_latest_publication(published):
    """Promise: a public build before the ledger's latest event is refused (it would take
    down reviews inside their twelve months); at or after it, it goes ahead."""
    lines = ledger_path(published).read_text()
    ledger_path(published).write_text(lines + "changed\treviews/example-review\t2026-11-19\tsha256:x\tA note.\n")
    result = published.build(now="2026-03-01")
    assert result.exit_code == 2, result.output
    assert "the ledger records a change to reviews/example-review on 19 November 2026" in result.output


def test_a_withdrawal_in_force_by_the_real_clock_is_in_force_whatever_now_says(published):
    """Promise: a withdrawal dated today (by the real clock) cannot be undone by a public
    build at an earlier --now, even one before its date; the real clock applies it."""
    today = datetime.now(LONDON).date()
    withdraw_example(published, today.isoformat())
    result = published.build()  # NOW, 20 November 2026: before today
    assert result.exit_code == 2, result.output
    assert f"reviews/example-review was withdrawn on {today.day} {today:%B %Y}" in result.output
    result = published.build(now=None)
    assert result.exit_code == 0, result.output
    assert "This review was withdrawn" in (published.site / "reviews/example-review/index.html").read_text()


# --- 2. a second witness: the public site's own publications.json ------------------------

def test_publications_json_records_the_first_publication_instant(published):
    """Promise: api/publications.json carries each item's first publication instant (the
    ledger's), which the next build reads back as a witness."""
    records = json.loads((published.site / "api/publications.json").read_text())["publications"]
    record = next(r for r in records if r["id"] == EXAMPLE_ID)
    assert record["first_published"] == "2026-01-20T00:01:00+00:00"


def original_line(site) -> str:
    return next(line for line in ledger_path(site).read_text().splitlines()
                if line.startswith(EXAMPLE_LINE))


def expect_witness_error(site, *fragments):
    before = fingerprint(site.site)
    result = site.build()
    assert result.exit_code == 1, result.output
    for fragment in fragments:
        assert fragment in result.stderr, fragment
    assert fingerprint(site.site) == before
    return result


def test_a_deleted_ledger_line_is_caught_and_the_line_to_restore_is_shown(published):
    """Promise: an item the live site lists must be in the ledger; a deleted line fails the
    build, naming the item and giving a command that restores exactly the deleted line, in
    its place (the site's seal of the ledger shows where it was)."""
    line = original_line(published)
    original = ledger_path(published).read_text()
    ledger_path(published).write_text(original.replace(line + "\n", ""))
    result = expect_witness_error(
        published, "embargo/ledger: site/api/publications.json (the site being replaced) lists "
        "reviews/example-review as published on Tuesday 20 January 2026, 00:01 GMT, but the "
        "ledger has no record of it", "git log -p embargo/ledger")
    command = next(text.strip() for text in result.stderr.splitlines()
                   if text.strip().startswith(("printf", "awk")))
    subprocess.run(["sh", "-c", command], cwd=published.root, check=True)
    assert ledger_path(published).read_text() == original
    assert published.build().exit_code == 0


@pytest.mark.parametrize("route", ["ledger deleted", "ledger emptied"])
def test_a_deleted_ledger_is_caught(published, route):
    """Promise: deleting (or emptying) the ledger does not lift any protection."""
    if route == "ledger deleted":
        ledger_path(published).unlink()
    else:
        ledger_path(published).write_text("")
    edit = published.root / "content/reviews/example-review.md"
    edit.write_text(edit.read_text().replace("status: approved", "status: draft"))
    result = expect_witness_error(published, "lists reviews/example-review as published")
    for item_id in ("progress/example-review", "case-studies/example-case-study",
                    "briefings/example-briefing"):
        assert f"lists {item_id} as published" in result.stderr


def test_a_redated_ledger_line_is_caught(published):
    """Promise: a first publication moved earlier in the ledger (so the twelve months end
    sooner) disagrees with the live site: an error naming the line."""
    line = original_line(published)
    number = ledger_path(published).read_text().splitlines().index(line) + 1
    text = ledger_path(published).read_text().replace(line, line.replace("2026-01-20T00:01", "2026-01-06T00:01"))
    ledger_path(published).write_text(text)
    expect_witness_error(
        published, f"embargo/ledger: line {number}: the ledger dates the first publication of "
        "reviews/example-review Tuesday 6 January 2026, 00:01 GMT, but site/api/publications.json "
        "(the site being replaced) lists it as first published on Tuesday 20 January 2026, 00:01 GMT")


def test_a_site_published_by_plain_mkdocs_build_is_recorded_and_its_lost_ledger_caught(site):
    """Promise: a site published with plain `mkdocs build` keeps the ledger (SPEC §5), and
    if that ledger is lost afterwards, the next `portal build` finds the site's items
    missing from it: an error, not a silent start of new twelve months."""
    import sys
    from pathlib import Path

    mkdocs = Path(sys.executable).parent / "mkdocs"
    done = subprocess.run([str(mkdocs), "build", "-q"], cwd=site.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (site.site / "api/publications.json").is_file()
    assert "reviews/example-review" in ledger_path(site).read_text()
    ledger_path(site).unlink()
    expect_witness_error(site, "lists reviews/example-review as published")


def test_a_preview_is_never_a_witness(published, tmp_path):
    """Promise: a preview's publications.json (which lists embargoed items) is not read as
    a record of what was published."""
    from portal.witness import site_witness

    (published.site / ".portal-preview").write_text("")
    assert site_witness(published.site) is None


def serve_directory(directory):
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def set_witness_url(site, url: str) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace('      witness_url: ""', f'      witness_url: "{url}"'))


def test_the_live_site_at_witness_url_is_a_witness_where_site_does_not_survive(published, tmp_path):
    """Promise: with `witness_url` set, the live site's publications.json is checked even
    when the build has no previous site (a CI checkout): a deleted line is caught."""
    live = tmp_path / "live"
    shutil.copytree(published.site, live)
    server = serve_directory(live)
    try:
        set_witness_url(published, f"http://127.0.0.1:{server.server_address[1]}/api/publications.json")
        shutil.rmtree(published.site)
        line = original_line(published)
        ledger_path(published).write_text(ledger_path(published).read_text().replace(line + "\n", ""))
        result = published.build()
        assert result.exit_code == 1, result.output
        assert (f"http://127.0.0.1:{server.server_address[1]}/api/publications.json lists "
                "reviews/example-review as published") in result.stderr
    finally:
        server.shutdown()


def test_an_unreachable_witness_url_is_a_warning_not_silence(published):
    """Promise: a witness that cannot be fetched is said, not skipped silently; the build
    (still checked against the previous site) goes ahead."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    set_witness_url(published, f"http://127.0.0.1:{port}/api/publications.json")
    result = published.build()
    assert result.exit_code == 0, result.output
    assert (f"plugins.portal.witness_url: http://127.0.0.1:{port}/api/publications.json could not "
            "be fetched") in result.stderr
    assert "the ledger was not checked against it" in result.stderr


# --- 3. the ledger checked against itself and the real clock -----------------------------

def review(approved_on=date(2026, 1, 5)) -> Item:
    return Item(id=EXAMPLE_ID, kind=Kind.REVIEW, src_uri=f"{EXAMPLE_ID}.md", title="T",
                status="approved", summary="S", themes=("neglect",), publish_at=at("2026-01-20"),
                approved_on=approved_on)


REAL_NOW = at("2026-11-24 11:00")
LEDGER_CASES = [
    ("a first publication in the future",
     "published\treviews/example-review\t2026-11-25T00:01:00+00:00\tsha256:a\tT\n",
     "line 1", "ledger-future",
     "the first publication of reviews/example-review is dated Wednesday 25 November 2026, "
     "00:01 GMT, which is still in the future"),
    ("a change in the future",
     "published\treviews/example-review\t2026-01-20T00:01:00+00:00\tsha256:a\tT\n"
     "changed\treviews/example-review\t2026-12-01\tsha256:b\tA note.\n",
     "line 2", "ledger-future", "a change to reviews/example-review is dated 1 December 2026"),
    ("a first publication before publish_at",
     "published\treviews/example-review\t2026-01-19T00:01:00+00:00\tsha256:a\tT\n",
     "line 1", "ledger-before-publish-at",
     "the first publication of reviews/example-review is dated Monday 19 January 2026, 00:01 GMT, "
     "before its publish_at (Tuesday 20 January 2026, 00:01 GMT in content/reviews/example-review.md)"),
    ("a first publication before approval",
     "published\treviews/example-review\t2026-01-02T00:01:00+00:00\tsha256:a\tT\n",
     "line 1", "ledger-backdated",
     "the first publication of reviews/example-review is dated Friday 2 January 2026, 00:01 GMT, "
     "before the item was approved (5 January 2026 in content/reviews/example-review.md)"),
]


@pytest.mark.parametrize("name, text, field, code, message", LEDGER_CASES, ids=[c[0] for c in LEDGER_CASES])
def test_ledger_lines_that_no_build_wrote_are_errors_naming_the_line(name, text, field, code, message):
    """Promise: a ledger line dated after the real clock, or before the item's publish_at
    or approval, is an error naming its line and saying how to restore it."""
    findings = ledger_findings(parse_ledger(text), {EXAMPLE_ID: review()}, REAL_NOW, LONDON)
    assert (("embargo/ledger", field, code) in [(f.file, f.field, f.code) for f in findings])
    found = next(f for f in findings if f.code == code)
    assert message in found.message
    assert "git log -p embargo/ledger" in found.message


def test_a_sound_ledger_has_no_findings():
    text = ("published\treviews/example-review\t2026-01-20T00:01:00+00:00\tsha256:a\tT\n"
            "changed\treviews/example-review\t2026-11-24\tsha256:b\tA note.\n")
    assert ledger_findings(parse_ledger(text), {EXAMPLE_ID: review()}, REAL_NOW, LONDON) == []


def test_a_future_dated_ledger_line_fails_the_build(published):
    """Promise: a published line dated in the future (to start the twelve months later,
    or to hide a publication) fails the build, whatever --now says."""
    lines = ledger_path(published).read_text()
    ledger_path(published).write_text(lines.replace("2026-01-20T00:01:00+00:00", "2099-01-20T00:01:00+00:00", 1))
    result = published.build()
    assert result.exit_code == 1, result.output
    assert "embargo/ledger: line " in result.stderr and "which is still in the future" in result.stderr


# --- 4. the protection lasts to the anniversary instant -----------------------------------

@pytest.mark.parametrize("now, protected", [
    ("2026-11-24 00:00", True),
    ("2026-11-24 09:59", True),
    ("2026-11-24 10:00", False),
])
def test_the_protection_lasts_to_the_anniversary_instant_not_the_date(now, protected):
    """Promise: a review first published 24 November 2025 at 10:00 may not come down at
    midnight on the anniversary, nor at 09:59: only from 10:00."""
    item = review(approved_on=date(2025, 11, 1))
    entry = LedgerEntry(EXAMPLE_ID, "T", at("2025-11-24 10:00"), "sha256:a")
    draft = {EXAMPLE_ID: Decision(EXAMPLE_ID, (Block(State.DRAFT, "draft", "draft"),))}
    archived = {EXAMPLE_ID: Decision(EXAMPLE_ID, (Block(State.ARCHIVED, "archived", "archived"),))}
    for decisions, code in ((draft, "unpublished-within-twelve-months"), (archived, "archived-too-early")):
        findings = protection_findings({EXAMPLE_ID: item}, decisions, {EXAMPLE_ID: entry}, {},
                                       {}, at(now), SETTINGS)
        assert [f.code for f in findings] == ([code] if protected else [])
    removed = protection_findings({}, {}, {EXAMPLE_ID: entry}, {}, {}, at(now), SETTINGS)
    assert bool(removed) is protected


@pytest.mark.parametrize("published, anniversary_local", [
    ("2025-11-24 10:00", "2026-11-24 10:00 GMT"),
    ("2025-07-01 00:01", "2026-07-01 00:01 BST"),
    ("2024-02-29 09:00", "2025-03-01 09:00 GMT"),
    # 01:30 on the last Sunday of March 2026 does not exist: the later reading (02:30 BST).
    ("2025-03-29 01:30", "2026-03-29 02:30 BST"),
    # 01:30 on the last Sunday of October 2026 happens twice: the later one (GMT).
    ("2025-10-25 01:30", "2026-10-25 01:30 GMT"),
])
def test_the_anniversary_is_the_same_local_time_a_year_later(published, anniversary_local):
    found = anniversary(at(published), LONDON).astimezone(LONDON)
    assert f"{found:%Y-%m-%d %H:%M} {found.tzname()}" == anniversary_local


# --- 5. a withdrawal takes the review's dependants with it ---------------------------------

def test_withdrawing_a_review_takes_its_progress_down_and_its_dependants_stop_naming_it(published):
    """Promise: a withdrawal (a court order) of a review whose progress page, case study
    and briefing are live, all inside their twelve months, is one record: the build
    succeeds; the progress page leaves the site; the case study and briefing stay live
    without naming or linking the review."""
    withdraw_example(published, "2026-11-18")
    result = published.build()
    assert result.exit_code == 0, result.output
    site = published.site
    assert "This review was withdrawn on 18 November 2026" in (site / "reviews/example-review/index.html").read_text()
    assert not (site / "progress/example-review").exists()
    assert find_in_site(site, "Child A: action-plan progress") == []
    for page in ("case-studies/example-case-study/index.html", "briefings/example-briefing/index.html"):
        text = (site / page).read_text()
        assert EXAMPLE_TITLE not in text, page
        assert "reviews/example-review" not in text, page
    records = json.loads((site / "api/publications.json").read_text())["publications"]
    assert {r["id"] for r in records} == {"case-studies/example-case-study", "briefings/example-briefing"}
    assert all("review" not in r for r in records)
    assert EXAMPLE_TITLE not in (site / "api/case-studies.json").read_text()
    # check agrees: no error, and says why the progress page is down
    report = json.loads(published.check("--json").stdout)
    assert [f for f in report["findings"] if f["level"] == "error"] == []
    row = next(r for r in report["items"] if r["item"] == "progress/example-review")
    assert row["reasons"] == ["its review has been withdrawn: its progress is withdrawn with it"]


def test_a_case_study_still_needs_its_own_withdrawal_to_come_down_early(published):
    """Promise: the review's withdrawal covers its progress page only; a case study taken
    down inside its twelve months still needs its own withdrawal record."""
    withdraw_example(published, "2026-11-18")
    case_study = published.root / "content/case-studies/example-case-study.md"
    case_study.write_text(case_study.read_text().replace("status: approved", "status: draft"))
    result = published.build()
    assert result.exit_code == 1
    assert "content/case-studies/example-case-study.md: 'Case study: seeing the whole household'" in result.stderr


# --- 6. `portal due` names every instant at which the public site changes ------------------

def due(site, now: str):
    result = site.run("due", "--now", now, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_due_names_a_future_withdrawal_and_what_it_takes_down(published):
    """Promise: a withdrawal dated in the future is due at the start of its day, with the
    review's notice and its progress page leaving the site."""
    withdraw_example(published, "2026-12-03")
    found = due(published, "2026-11-20 12:00")
    assert found["next"] == "2026-12-03T00:00:00+00:00"
    assert found["changes"] == [
        {"item": "progress/example-review", "from": "live", "to": "absent",
         "change": "progress/example-review leaves the site"},
        {"item": "reviews/example-review", "from": "live", "to": "withdrawal-notice",
         "change": "reviews/example-review is replaced by its withdrawal notice"},
    ]


def test_due_names_the_end_of_a_hold_with_the_progress_that_follows_it(site):
    """Promise: when a legal hold ends, due names the instant and both the review and its
    progress page, which goes live with it."""
    site.review("child-h", title="Child H", publish_at="2026-11-02",
                legal_hold={"reason": "Inquest", "until": "2026-12-14"})
    progress = (SKELETON / "content/progress/example-review.md").read_text()
    site.write("content/progress/child-h.md", progress.replace("reviews/example-review", "reviews/child-h"))
    found = due(site, "2026-11-20 12:00")
    assert found["next"] == "2026-12-15T00:00:00+00:00"
    assert [(c["item"], c["to"]) for c in found["changes"]] == [
        ("progress/child-h", "live"), ("reviews/child-h", "live")]


def test_due_agrees_with_check_an_item_without_circulation_is_not_due(site):
    """Promise: an item whose circulation is missing will not go live at its time, so it
    is not due; recording the circulation makes it due."""
    site.review("child-o", publish_at="2026-12-01", circulated=False)
    assert due(site, "2026-11-20 12:00")["next"] is None
    site.register("reviews/child-o", CIRCULATED)
    assert due(site, "2026-11-20 12:00")["next"] == "2026-12-01T00:01:00+00:00"


def test_due_names_the_instant_an_early_archive_may_go_ahead(published):
    """Promise: an item marked archived inside its twelve months fails the build until the
    anniversary instant; due names that instant, when the site changes."""
    path = published.root / "content/reviews/example-review.md"
    path.write_text(path.read_text().replace("child: Child A\n", "child: Child A\narchived: true\n"))
    found = due(published, "2026-11-20 12:00")
    assert found["next"] == "2027-01-20T00:01:00+00:00"
    assert ("reviews/example-review", "blocked", "archive-notice") in [
        (c["item"], c["from"], c["to"]) for c in found["changes"]]


def test_due_is_correct_by_construction_on_the_example_site(tmp_path):
    """Promise: at the instant due names, the publication differs from now's, and at
    every candidate instant before it, it does not."""
    from conftest import copy_example
    from portal.schedule import change_candidates, next_change, site_shape

    example = copy_example(tmp_path / "example")
    from mkdocs.config import load_config

    config = load_config(str(example.root / "mkdocs.yml"))
    plugin = config.plugins["portal"]
    project = plugin.load_project(config)
    for now in (at("2026-11-20 12:00"), at("2025-06-01")):
        found = next_change(project, now)
        shape = site_shape(project.decide(now))
        for moment in change_candidates(project, now):
            if found is not None and moment >= found.at:
                break
            assert site_shape(project.decide(moment)) == shape
        if found is not None:
            assert site_shape(project.decide(found.at)) != shape
            assert site_shape(project.decide(found.at - timedelta(seconds=1))) == shape
    # On 20 November 2026 every planned review is short of a circulation: nothing is due.
    assert next_change(project, at("2026-11-20 12:00")) is None
    assert next_change(project, at("2025-06-01")) is not None


# --- 7. a reminder to commit the ledger -------------------------------------------------

@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_build_reminds_to_commit_a_changed_ledger(site):
    """Promise: a build that leaves uncommitted ledger changes says so (a scheduled build
    whose ledger is never committed protects nothing)."""
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=site.root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=site.root, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=site.root, check=True)
    result = site.build()
    assert result.exit_code == 0, result.output
    assert "reminder: embargo/ledger has changes that are not committed" in result.stderr
    subprocess.run([*git, "add", "embargo/ledger"], cwd=site.root, check=True)
    subprocess.run([*git, "commit", "-qm", "ledger"], cwd=site.root, check=True)
    assert "reminder" not in site.build().stderr


def test_real_now_is_used_for_the_future_check():
    """The cross-checks use the real clock, never --now: a sanity check of the clock the
    tests assume (NOW, 20 November 2026, is in the past)."""
    assert at("2026-11-20 12:00") < datetime.now(UTC)


def test_check_finds_a_deleted_ledger_line_as_the_build_does(published):
    """Promise: `portal check` (what staff run before a publication day) reads the same
    witness as `portal build`, so a deleted ledger line is an error there too."""
    line = original_line(published)
    ledger_path(published).write_text(ledger_path(published).read_text().replace(line + "\n", ""))
    checked = published.check()
    assert checked.exit_code == 1
    assert "lists reviews/example-review as published" in checked.stderr


def test_a_link_typed_into_a_body_never_leads_to_a_withdrawn_review(published):
    """Promise: once a review is withdrawn, a link to it written by hand in another live
    page's Markdown is removed (and reported), as for any review that is not live; the
    withdrawal notice itself stays at its address."""
    briefing = published.root / "content/briefings/example-briefing.md"
    text = briefing.read_text().replace("---\n", "---\nchanges:\n  - on: 2026-11-19\n    note: A link added.\n", 1)
    briefing.write_text(text + "\nRead [the full review](../reviews/example-review.md).\n")
    withdraw_example(published, "2026-11-18")
    result = published.build()
    assert result.exit_code == 0, result.output
    page = (published.site / "briefings/example-briefing/index.html").read_text()
    assert "the full review" in page and "reviews/example-review" not in page
    assert (published.site / "reviews/example-review/index.html").is_file()


def test_due_tries_only_protections_that_block_and_finds_the_same_instant(site):
    """Promise (and the speed trick's proof): `due` skips the end of a protection that
    blocks nothing, and finds the same next change as trying every protection's end:
    here a review archived too early (blocked until its anniversary) among others whose
    protections block nothing."""
    from mkdocs.config import load_config

    from portal.schedule import change_candidates, next_change

    for n in range(3):
        site.review(f"r{n}", publish_at=f"2026-0{n + 1}-20", approved_on="2026-01-05")
    site.review("early", publish_at="2026-03-10", approved_on="2026-01-05")
    assert site.build().exit_code == 0
    early = site.root / "content/reviews/early.md"
    early.write_text(early.read_text().replace("status: approved", "archived: true\nstatus: approved"))
    config = load_config(str(site.root / "mkdocs.yml"))
    project = config.plugins["portal"].load_project(config)
    now = at("2026-11-20 12:00")
    blocked = {f.item for f in project.decide(now).findings if f.item}
    assert blocked == {"reviews/early"}
    assert len(change_candidates(project, now, blocked)) < len(change_candidates(project, now))
    fast, slow = next_change(project, now), next_change(project, now, every_candidate=True)
    assert fast == slow and fast is not None
    assert fast.at == at("2027-03-10 00:01")
    for now in (at("2026-02-01"), at("2026-03-01"), at("2027-06-01")):
        assert next_change(project, now) == next_change(project, now, every_candidate=True)


def test_a_build_killed_between_the_two_renames_leaves_the_site_to_be_put_back(published):
    """Promise: a build killed after the old site was retired but before the new one was
    renamed in (no site/, `.site.previous-*` beside it) loses neither the public site nor
    the ledger's witness: the next build puts the retired site back and checks the ledger
    against it (here a deleted ledger line is still caught), and only then tidies up."""
    retired = published.site.with_name(f".{published.site.name}.previous-4242")
    published.site.rename(retired)
    line = original_line(published)
    ledger_path(published).write_text(ledger_path(published).read_text().replace(line + "\n", ""))
    result = published.build()
    assert result.exit_code == 1
    assert "lists reviews/example-review as published" in result.stderr
    assert (published.site / "api/publications.json").is_file() and not retired.exists()


@pytest.mark.parametrize("fields, recorded", [
    ({"legal_hold": {"reason": "Criminal proceedings", "until": "2026-06-30"}}, "2026-07-01T00:00:00+01:00"),
    ({}, "2026-01-20T00:01:00+00:00"),
])
def test_the_ledger_records_when_the_public_could_first_see_an_item(site, fields, recorded):
    """Promise: the twelve months run from when the item could first go out, never from a
    publish_at at which it was still held (it would otherwise be removable months early;
    an approval after publish_at is already an error)."""
    site.review("late", **{"publish_at": "2026-01-20", "approved_on": "2026-01-05", **fields})
    result = site.build()
    assert result.exit_code == 0, result.output
    line = next(line for line in ledger_path(site).read_text().splitlines() if "\treviews/late\t" in line)
    assert line.split("\t")[2] == recorded
    assert site.build().exit_code == 0  # and the ledger's own cross-checks accept it
