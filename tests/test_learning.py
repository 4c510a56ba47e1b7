"""Learning materials: trainer packs, seven-minute briefings, themes and cross-links."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from conftest import find_in_site

SEVEN = """## 1. Background

Text.

## 2. Why it matters

Text.

## 3. Information

Text.

## 4. What to do

Text.

## 5. Questions to consider

Text.

## 6. Reflection

Text.

## 7. Further information

Text.
"""


def briefing(site, slug, body, **fields):
    base = dict(title=f"Seven-minute briefing {slug}", status="approved", approved_by="E",
                approved_on="2026-01-01", publish_at="2026-01-20", summary="A briefing.",
                themes=["neglect"], briefing_type="seven-minute")
    base.update(fields)
    return site.item(f"briefings/{slug}.md", body, **base)


def test_a_complete_seven_minute_briefing_is_valid(site):
    briefing(site, "good", SEVEN)
    assert site.check().exit_code == 0


@pytest.mark.parametrize("remove, message", [
    ("## 2. Why it matters\n", "has no '## 2. Why it matters' section"),
    ("## 7. Further information\n", "has no '## 7. Further information' section"),
])
def test_a_missing_part_is_an_error_naming_it(site, remove, message):
    briefing(site, "bad", SEVEN.replace(remove, ""))
    result = site.check()
    assert result.exit_code == 1
    assert f"content/briefings/bad.md: body: the seven-minute briefing {message}" in result.stderr
    assert "1. Background, 2. Why it matters, 3. Information" in result.stderr


def test_the_parts_come_in_order(site):
    swapped = SEVEN.replace("## 1. Background", "## X").replace("## 2. Why it matters", "## 1. Background")
    briefing(site, "order", swapped.replace("## X", "## 2. Why it matters"))
    result = site.check()
    assert result.exit_code == 1
    assert "the seven parts of a seven-minute briefing come in order" in result.stderr


@pytest.fixture
def built(site):
    site.item("case-studies/future-study.md", "An account zqstudybodycanary.",
              title="Future study zqstudytitlecanary", status="approved", approved_by="E",
              approved_on="2026-01-01", publish_at="2026-12-20", summary="A study.",
              themes=["neglect"], learning_points=["x"], questions=["Question zqquestioncanary?"])
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def test_a_live_case_study_has_a_trainer_pack_that_opens(built):
    data = (built.site / "case-studies/example-case-study/trainer-pack.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == ["example-case-study/case-study.pdf", "example-case-study/questions-handout.pdf",
                         "example-case-study/facilitator-note.pdf"]
        pdfs = {name.split("/")[1]: PdfReader(io.BytesIO(archive.read(name))) for name in names}
    assert all(len(reader.pages) >= 1 for reader in pdfs.values())
    handout = " ".join(page.extract_text() for page in pdfs["questions-handout.pdf"].pages)
    for question in ("Who was in the household, and who knew?", "What would have helped practitioners to ask?"):
        assert question in " ".join(handout.split())
    study = " ".join(" ".join(p.extract_text() for p in pdfs["case-study.pdf"].pages).split())
    assert "Key recommendations of the review" in study
    assert "Agencies share information about a new baby before discharge from hospital." in study
    page = (built.site / "case-studies/example-case-study/index.html").read_text()
    assert 'href="trainer-pack.zip"' in page
    assert "Key recommendations of the review" in page


def test_a_case_study_that_is_not_live_has_no_pack_and_no_trace(built):
    assert not (built.site / "case-studies/future-study").exists()
    for canary in ("zqstudybodycanary", "zqstudytitlecanary", "zqquestioncanary"):
        assert find_in_site(built.site, canary) == []


def test_canary_search_sees_inside_packs(built):
    # The positive control: the live pack's question text is found inside zip and PDF.
    hits = find_in_site(built.site, "What would have helped practitioners to ask?")
    assert "case-studies/example-case-study/trainer-pack.zip/example-case-study/questions-handout.pdf" in hits


def test_cross_links_come_from_the_review_fields(built):
    page = (built.site / "reviews/example-review/index.html").read_text()
    assert "Learning from this review" in page
    assert "Case study: seeing the whole household" in page
    assert "Practitioner briefing: learning from Child A" in page


def test_theme_pages_gather_reviews_case_studies_and_briefings(built):
    page = (built.site / "themes/neglect/index.html").read_text()
    for heading in ('id="reviews">Reviews', 'id="case-studies">Case studies'):
        assert heading in page
    assert "zqstudytitlecanary" not in page


def test_printable_paragraphs_wrap_within_the_page_and_keep_every_word():
    from portal.printable import Document

    pdf = Document("Wrapping")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    width = pdf.w - pdf.l_margin - pdf.r_margin - 2 * pdf.c_margin
    text = ("The review found that supervision did not test the assumptions. " * 12
            + "A" * 200 + " end.\nA second line of the same paragraph.")
    lines = pdf._wrap(text, width)
    assert all(pdf.get_string_width(line) <= width + 0.01 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert lines[-1] == "A second line of the same paragraph."
    assert len(lines) > 10


def test_printable_lines_are_the_bytes_fpdf2s_cell_writes_across_pages():
    from fpdf.enums import XPos, YPos

    from portal.printable import Document

    lines = [f"Caf\u00e9 \u00a35 (note) back\\slash line {n}" for n in range(150)] + ["", "end"]

    def made(write) -> bytes:
        pdf = Document("Lines", "footer note")
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        for line in lines:
            write(pdf, line)
        return bytes(pdf.output())

    by_cell = made(lambda pdf, line: pdf.cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT))
    assert made(lambda pdf, line: pdf._line(line, 6)) == by_cell
    assert by_cell.count(b"/Type /Page\n") >= 3  # the lines ran over several pages
