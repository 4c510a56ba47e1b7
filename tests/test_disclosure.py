"""The anonymisation and disclosure gate (DOMAIN rule 1)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fpdf import FPDF

from conftest import REPO, find_in_site
from portal.core.anonymise import detect, nhs_number_is_valid, normalise_words
from portal.disclosure import read_deny_list

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("number, valid", [
    ("9434765919", True), ("9434765918", False), ("4010232137", True), ("0000000000", False),
])
def test_nhs_numbers_are_checked_with_modulus_11(number, valid):
    assert nhs_number_is_valid(number) is valid


def test_detectors_find_what_identifies_and_spare_what_reports_are_made_of():
    text = ("The child, born on 3 April 2016, lived at 14 Larkspur Road, NE1 4ST. NHS number "
            "943 476 5919. On 14 June 2023 a strategy discussion was held under section 47 of "
            "the Children Act 1989 (paragraph 4.12). Call the NSPCC on 0808 800 5000.")
    assert [(d.kind, d.match) for d in detect(text)] == [
        ("date-of-birth", "3 April 2016"), ("street-address", "14 Larkspur Road"),
        ("postcode", "NE1 4ST"), ("nhs-number", "943 476 5919")]


def test_scanning_only_around_digits_finds_what_a_whole_text_scan_finds(monkeypatch):
    """The number-bearing detectors look only near digits and dates of birth only near
    birth cues; at a text's edges, inside long prose and across a line break they must
    find exactly what a whole-text scan finds."""
    from portal.core import anonymise

    prose = "The review found that supervision did not test the assumptions made. " * 40
    details = ["Call 01632 960 123 today", "NHS 943 476 5919.", "NI JM 12 34 56 C",
               "lived at 14 Kingfisher Meadowbank\nGardens", "postcode LS1 4AP", "01632960123",
               "(01632) 960123", "+44 (0)1632 960 123", "on 3 May 2019 at 12 Heron Road, LS1 4AP",
               "Her date of birth, 3 May 2019, was recorded", "born on 3rd May 2019", "DOB: 03/05/2019",
               "d.o.b. 3 May 2019", "(14 Heron Road)"]
    texts = [t for d in details for t in (d, d + " " + prose, prose + d, prose + d + ". " + prose)]
    windowed = [detect(text) for text in texts]
    monkeypatch.setattr(anonymise, "_digit_windows", lambda text, **reach: [(0, len(text))])
    monkeypatch.setattr(anonymise, "_cue_windows", lambda text: [(0, len(text))])
    whole = [detect(text) for text in texts]
    assert windowed == whole
    assert all(windowed)


def test_the_labelled_corpus_has_no_misses_and_few_false_alarms():
    sys.path.insert(0, str(REPO / "tools"))
    from anonymisation_eval import evaluate

    cases = yaml.safe_load((REPO / "tests/data/anonymisation_corpus.yaml").read_text())
    assert len(cases) >= 90
    scores, notes = evaluate(cases)
    tp = sum(c["tp"] for c in scores.values())
    fn = sum(c["fn"] for c in scores.values())
    fp = sum(c["fp"] for c in scores.values())
    assert fn == 0, notes
    assert tp / (tp + fp) >= 0.95, notes


def test_an_identifying_detail_keeps_an_item_off_the_site_until_acknowledged(site):
    site.review("child-x", title="Child X zqdisclosurecanary", body="## About\n\nThe family lived near NE1 4ST.")
    result = site.build()
    assert result.exit_code == 0
    assert find_in_site(site.site, "zqdisclosurecanary") == []
    checked = site.check("--json")
    assert checked.exit_code == 1
    finding = next(f for f in json.loads(checked.stdout)["findings"] if f["code"] == "identifying-detail")
    assert finding["file"] == "content/reviews/child-x.md"
    assert "body: a postcode ('NE1 4ST') could identify someone" in finding["message"]
    ident = finding["message"].split("acknowledged: {")[1].split(":")[0]
    register = site.root / "embargo/reviews/child-x.yaml"
    register.write_text(register.read_text() + f"acknowledged:\n  {ident}: \"The partnership's public office.\"\n")
    assert site.check().exit_code == 0
    assert site.build().exit_code == 0
    assert find_in_site(site.site, "zqdisclosurecanary") != []


def add_identifiers(site, item_id, text):
    return subprocess.run([str(BIN / "portal"), "identifiers", "add", item_id], cwd=site.root,
                          input=text, capture_output=True, text=True)


def pdf_with(path: Path, text: str, author: str = "Report author", xmp: str = "") -> Path:
    pdf = FPDF()
    pdf.set_author(author)
    if xmp:
        pdf.set_xmp_metadata(xmp)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


NAME = "Zqdeny Hartington-Vale"


@pytest.mark.parametrize("where", ["body", "pdf-author", "pdf-text", "pdf-xmp", "summary"])
def test_a_deny_listed_name_keeps_the_item_off_the_site(site, where):
    pdf = pdf_with(site.root / "content/reviews/child-y.pdf",
                   f"Report text {NAME}." if where == "pdf-text" else "Report text.",
                   author=NAME if where == "pdf-author" else "Partnership",
                   xmp=f"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc>{NAME}</dc></x:xmpmeta>" if where == "pdf-xmp" else "")
    site.review("child-y", title="Child Y review zqdenycanary", report=pdf.name,
                body=f"## About\n\nThe mother, {NAME}, said." if where == "body" else "## About\n\nText.",
                summary=f"About {NAME.upper()}." if where == "summary" else "A summary.")
    added = add_identifiers(site, "reviews/child-y", f"{NAME}\n")
    assert added.returncode == 0, added.stderr
    identifiers = (site.root / "embargo/reviews/child-y.identifiers").read_text()
    assert "zqdeny" not in identifiers.lower() and "hartington" not in identifiers.lower()
    assert site.build().exit_code == 0
    assert find_in_site(site.site, "zqdenycanary") == []
    assert find_in_site(site.site, "Hartington") == []
    checked = site.check()
    assert checked.exit_code == 1
    assert "holds a name or place on the deny-list of reviews/child-y" in checked.stderr
    assert "Hartington" not in checked.stderr  # never echoed


def test_the_deny_list_of_a_review_covers_its_case_studies(site):
    site.item("case-studies/from-z.md", f"The account names {NAME}.", title="Study", status="approved",
              approved_by="E", approved_on="2026-01-01", publish_at="2026-01-20", summary="s",
              themes=["neglect"], review="reviews/example-review", learning_points=["x"], questions=["q?"])
    add_identifiers(site, "reviews/example-review", f"{NAME}\n")
    assert site.build().exit_code == 0
    assert not (site.site / "case-studies/from-z").exists()


def test_scrub_removes_pdf_metadata_and_the_copy_passes(site, tmp_path):
    source = pdf_with(tmp_path / "report.pdf", "Clean text.", author=NAME,
                      xmp=f"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc>{NAME}</dc></x:xmpmeta>")
    result = subprocess.run([str(BIN / "portal"), "scrub", str(source), "-o",
                             str(site.root / "content/reviews/child-z.pdf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Author" in result.stdout and "XMP" in result.stdout
    assert NAME.encode() in source.read_bytes()
    assert NAME.encode() not in (site.root / "content/reviews/child-z.pdf").read_bytes()
    site.review("child-z", report="child-z.pdf")
    add_identifiers(site, "reviews/child-z", f"{NAME}\n")
    assert site.check().exit_code == 0


def test_identifiers_are_never_taken_as_arguments(site):
    result = subprocess.run([str(BIN / "portal"), "identifiers", "add", "reviews/example-review", NAME],
                            cwd=site.root, capture_output=True, text=True)
    assert result.returncode == 2
    assert not (site.root / "embargo/reviews/example-review.identifiers").exists()


def test_no_deny_listed_identifier_appears_anywhere_in_the_repository():
    lists = sorted((REPO / "embargo").rglob("*.identifiers"))
    assert lists, "the example site keeps a deny-list"
    skip = {".git", ".venv", "site", "preview", "outbox", "__pycache__", "node_modules"}
    files = [p for p in REPO.rglob("*") if p.is_file() and not skip & set(p.relative_to(REPO).parts)]
    for deny_path in lists:
        deny = read_deny_list(deny_path)
        for path in files:
            if path.suffix in (".pdf", ".png", ".zip", ".gz"):
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            assert deny.matches(text) == 0, f"{path} holds an identifier from {deny_path.name}"
    assert normalise_words("Zoë O'Neill") == ["zoe", "o'neill"]


def _long(words: str, n: int = 700) -> str:
    return " ".join([words] * n)


def test_long_texts_scanned_in_the_pool_while_reading_find_what_one_process_finds(site, monkeypatch):
    """Twenty long reviews (more than Scans.POOL_FROM texts, so a pool of processes scans
    them while the project is read), one with a postcode deep in its body and one whose
    PDF holds a phone number: both are found with an empty cache, again with the cache
    from the first run, and exactly as when everything is scanned in this process."""
    from portal.disclosure import Scans

    prose = "The review looked at how agencies worked together in 2024 and what changed."
    for number in range(20):
        body = f"## About\n\nReview {number}. {_long(prose)}"
        if number == 7:
            body += " The family moved to NE1 4ST in the spring."
        fields = {}
        if number == 12:
            pdf_with(site.root / "content/reviews/child-p12.pdf",
                     _long("Agencies met monthly in 2025.", 200) + " Ring 01632 960 457 for the mother.")
            fields["report"] = "child-p12.pdf"
        site.review(f"child-p{number}", body=body, **fields)

    def findings():
        checked = site.check("--json")
        assert checked.exit_code == 1, checked.stderr
        return sorted((f["file"], f["message"][:70]) for f in json.loads(checked.stdout)["findings"]
                      if f["code"] == "identifying-detail")

    pooled = []
    finish = Scans.finish
    monkeypatch.setattr(Scans, "finish", lambda self: (pooled.append(len(self._submitted)), finish(self)))
    cold = findings()
    assert pooled[0] >= 16  # scanned in the pool
    assert [(file, "child-p12.pdf text" in message, "postcode" in message, "phone" in message)
            for file, message in cold] == [("content/reviews/child-p12.md", True, False, True),
                                           ("content/reviews/child-p7.md", False, True, False)]
    assert (site.root / ".portal-cache" / "detect.json").is_file()
    assert findings() == cold  # from the cache
    shutil.rmtree(site.root / ".portal-cache")
    monkeypatch.setattr(Scans, "POOL_FROM", 10**6)  # everything in this process
    assert findings() == cold
