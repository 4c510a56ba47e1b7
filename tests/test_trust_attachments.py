"""Trust (issue 15), round 5: a report reaches the site only as its own review's report.

Routes an adversarial review found around the gate's decision on attachments: a live
review naming another review's PDF as its report, a byte-identical copy of a report
outside the item folders, and a circulation pack (.eml, with the full report attached)
written into another project's content/. Each test names the promise it checks; each
bad input goes through a real ``portal build``: a clear ``file: field: message`` error,
exit 1, nothing published.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
from conftest import SKELETON, Site, find_in_site, fingerprint, withdrawn
from pdfs import make_pdf

from portal.core.items import Item, Kind
from portal.core.publication import Block, Decision, State
from portal.project import EMAIL_MESSAGE, Project, Publication, refused_name
from test_trust_mail import pending
from test_validate import SETTINGS

CANARY = "zqheldreportcanary"


def built(site: Site) -> None:
    """Build the site as it stands: the previous site a refused build must leave alone."""
    result = site.build()
    assert result.exit_code == 0, result.output
    assert find_in_site(site.site, CANARY) == []


def held_report(site: Site) -> None:
    """child-h, on legal hold, with its report child-h.pdf; the site built without it."""
    make_pdf(site.root / "content/reviews/child-h.pdf", f"Full report {CANARY}")
    site.review("child-h", report="child-h.pdf", legal_hold={"reason": "Criminal proceedings"})
    built(site)


def archived_report(site: Site) -> None:
    make_pdf(site.root / "content/reviews/child-h.pdf", f"Full report {CANARY}")
    site.review("child-h", report="child-h.pdf", publish_at="2025-03-04",
                approved_on="2025-02-01", archived=True)
    built(site)


def withdrawn_report(site: Site) -> None:
    """child-h, published (the ledger records it), then withdrawn by court order: the site
    holds its withdrawal notice and nothing of the report."""
    make_pdf(site.root / "content/reviews/child-h.pdf", f"Full report {CANARY}")
    site.review("child-h", report="child-h.pdf", publish_at="2026-06-02", approved_on="2026-05-01")
    result = site.build()
    assert result.exit_code == 0, result.output
    site.register("reviews/child-h", withdrawn())
    built(site)


NOT_LIVE = {"held": held_report, "archived": archived_report, "withdrawn": withdrawn_report}


def assert_refused(site: Site, expected: str) -> None:
    """The build fails naming the problem; the previous site stays byte for byte, and no
    byte of it (decompressed, PDF text included) holds the withheld report's canary."""
    before = fingerprint(site.site)
    result = site.build()
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert fingerprint(site.site) == before
    assert find_in_site(site.site, CANARY) == []


# --- 1. a report belongs to one review ------------------------------------------------------


@pytest.mark.parametrize("state", sorted(NOT_LIVE))
def test_a_live_review_naming_another_reviews_report_is_an_error(site, state):
    """Promise: a live review cannot publish the PDF of a review on legal hold, archived
    or withdrawn by giving it as its own report: a report file is claimed by one review
    only, and a second claim is an error naming both."""
    NOT_LIVE[state](site)
    site.review("child-p", report="child-h.pdf")
    assert_refused(site, "content/reviews/child-p.md: report: child-h.pdf is already the report of "
                         "reviews/child-h: each report belongs to one review")


def test_the_review_named_after_the_report_keeps_it_whatever_the_order(site):
    """Promise: the error lands on the review that borrowed the report, not on its owner
    (the review whose name the file carries), even when the borrower sorts first."""
    held_report(site)
    site.review("child-a", report="child-h.pdf")
    assert_refused(site, "content/reviews/child-a.md: report: child-h.pdf is already the report of "
                         "reviews/child-h: each report belongs to one review")


def test_a_report_given_by_another_path_is_the_same_report(site):
    """Promise: './child-h.pdf' or 'sub/../child-h.pdf' is the same file as 'child-h.pdf'."""
    held_report(site)
    site.review("child-p", report="./child-h.pdf")
    assert_refused(site, "content/reviews/child-p.md: report: child-h.pdf is already the report of "
                         "reviews/child-h: each report belongs to one review")


def test_a_report_with_the_same_bytes_as_another_reviews_report_is_an_error(site):
    """Promise: a copy of a held report under a new name in the item folder, given as a
    live review's report, is caught as the same report."""
    held_report(site)
    shutil.copyfile(site.root / "content/reviews/child-h.pdf", site.root / "content/reviews/child-p.pdf")
    site.review("child-p", report="child-p.pdf")
    assert_refused(site, "content/reviews/child-p.md: report: child-p.pdf has the same bytes as "
                         "content/reviews/child-h.pdf (the report of reviews/child-h): each report "
                         "belongs to one review")


def review(slug: str, report: str) -> Item:
    return Item(id=f"reviews/{slug}", kind=Kind.REVIEW, src_uri=f"reviews/{slug}.md", title=slug,
                status="approved", summary="s", themes=("neglect",), attachments=(report,))


def test_a_file_claimed_by_an_item_not_live_is_withheld_even_if_a_live_item_claims_it(tmp_path):
    """Promise (defence in depth, if the claim check were ever bypassed): the publication
    withholds every path claimed by an item that is not live, whoever else claims it."""
    held, live = review("child-h", "reviews/child-h.pdf"), review("child-p", "reviews/child-h.pdf")
    project = Project(root=tmp_path, docs_dir=tmp_path / "content", settings=SETTINGS,
                      items={held.id: held, live.id: live},
                      files={"reviews/child-h.md", "reviews/child-p.md", "reviews/child-h.pdf"})
    hold = Block(State.HELD, "legal-hold", "on legal hold")
    publication = Publication(datetime(2026, 11, 20, tzinfo=timezone.utc), project,
                              {held.id: Decision(held.id, (hold,)), live.id: Decision(live.id)})
    assert "reviews/child-h.pdf" not in publication.published_files
    assert "reviews/child-h.pdf" in publication.withheld_paths
    assert publication.published_files == {"reviews/child-p.md"}


# --- 2. no copy of a report outside the item folders ----------------------------------------


@pytest.mark.parametrize("state", sorted(NOT_LIVE))
def test_a_copy_of_a_report_outside_the_item_folders_is_an_error(site, state):
    """Promise: a byte-identical copy of a report anywhere outside the item folders (a
    downloads page) is an error: it would be published whatever the review's state."""
    NOT_LIVE[state](site)
    copy = site.root / "content/downloads/annual-report-2026.pdf"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(site.root / "content/reviews/child-h.pdf", copy)
    assert_refused(site, "content/downloads/annual-report-2026.pdf: a copy of content/reviews/child-h.pdf "
                         "(the report of reviews/child-h): it would be published whatever that "
                         "review's state; link to the review's page instead")


def test_a_copy_of_a_live_report_is_an_error_too(site):
    """Promise: the rule does not depend on today's state (tomorrow's hold would not reach
    the copy)."""
    make_pdf(site.root / "content/reviews/child-l.pdf", "Live report")
    site.review("child-l", report="child-l.pdf")
    shutil.copyfile(site.root / "content/reviews/child-l.pdf", site.root / "content/child-l-copy.pdf")
    result = site.build()
    assert result.exit_code == 1, result.output
    assert "content/child-l-copy.pdf: a copy of content/reviews/child-l.pdf (the report of reviews/child-l)" \
        in result.output


def test_a_file_of_the_same_size_but_other_bytes_is_published(site):
    """Promise (positive control): only equal bytes are a copy; a file of the report's size
    with other bytes is published as before."""
    held_report(site)
    size = (site.root / "content/reviews/child-h.pdf").stat().st_size
    (site.root / "content/downloads").mkdir()
    (site.root / "content/downloads/data.bin").write_bytes(b"\1" * size)
    result = site.build()
    assert result.exit_code == 0, result.output
    assert (site.site / "downloads/data.bin").exists()
    assert find_in_site(site.site, CANARY) == []


# --- 3. no email under content/ ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["pack.eml", "PACK.EML", "letter.msg", "inbox.mbox"])
def test_refused_name_refuses_email_files(name):
    """Promise: an email file, whatever its case, is never a file of the site."""
    assert refused_name(name) == EMAIL_MESSAGE


@pytest.mark.parametrize("name", ["emlyn.md", "message.pdf", "mbox-notes.txt"])
def test_refused_name_lets_other_names_through(name):
    assert refused_name(name) is None


def test_a_circulation_pack_written_into_another_projects_content_is_never_published(site, tmp_path):
    """Promise: `portal circulate --outbox /other/project/content/mail` (the other project's
    outbox check cannot see it) leaves a pack that the other project's build refuses."""
    pending(site)
    other = tmp_path / "other"
    shutil.copytree(SKELETON, other, ignore=shutil.ignore_patterns("__pycache__"))
    written = site.run("circulate", "reviews/child-s", "--outbox", str(other / "content/mail"))
    assert written.exit_code == 0, written.output
    packs = sorted((other / "content/mail").rglob("*.eml"))
    assert packs
    result = Site(other).build()
    assert result.exit_code == 1, result.output
    shown = packs[0].relative_to(other).as_posix()
    assert (f"{shown}: an email (perhaps a circulation pack with the full report): it would be "
            "published as it is; move it out of content/") in result.output
    assert not (other / "site").exists() or not list((other / "site").rglob("*.eml"))


def test_only_files_of_a_reports_size_are_read_for_the_copy_check(site, monkeypatch):
    """Promise (cost): the copy check stats every file outside the item folders but reads
    only those whose size equals some report's size."""
    import portal.project

    held_report(site)
    size = (site.root / "content/reviews/child-h.pdf").stat().st_size
    for n in range(1, 30):
        (site.root / f"content/data-{n}.bin").write_bytes(b"\1" * (size + n))
    (site.root / "content/same-size.bin").write_bytes(b"\1" * size)
    read = []
    real = portal.project._sha256
    monkeypatch.setattr(portal.project, "_sha256", lambda path: read.append(path.name) or real(path))
    assert site.check().exit_code == 0
    assert sorted(read) == ["child-h.pdf", "same-size.bin"]
