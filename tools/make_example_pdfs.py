"""Generate the example site's report PDFs from the reviews' Markdown.

    .venv/bin/python tools/make_example_pdfs.py

Each review whose front matter names a ``report`` gets a printable PDF: a title page,
the report text, and an appendix (terms of reference) that appears only in the PDF, so
that search over PDF text can be seen to work. The PDFs are committed; run this again
after changing a review's text. Output is deterministic (fixed creation date).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from portal import frontmatter  # noqa: E402

PARTNERSHIP = "Northmere Safeguarding Children Partnership"
_REPLACEMENTS = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                 "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-"}


def latin1(text: str) -> str:
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    return re.sub(r"[*_`]", "", text)


class Report(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.report_title = title
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, latin1(f"{self.report_title} - page {self.page_no()}"), align="C")


def render(meta: dict, body: str, appendix: str) -> FPDF:
    pdf = Report(meta["title"])
    pdf.set_title(latin1(meta["title"]))
    pdf.set_author(PARTNERSHIP)
    pdf.set_subject("Safeguarding practice review report")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=timezone.utc))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, latin1(PARTNERSHIP), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(30)
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 10, latin1(meta["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("Helvetica", size=12)
    reviewers = meta.get("reviewer") or "Published anonymously"
    if isinstance(reviewers, list):
        reviewers = ", ".join(reviewers)
    pdf.multi_cell(0, 7, latin1(f"Independent reviewer: {reviewers}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 7, latin1(f"Publication date: {str(meta['publish_at'])[:10]}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    pdf.set_font("Helvetica", "I", 11)
    pdf.multi_cell(0, 6, latin1(meta["summary"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.add_page()
    for block in re.split(r"\n\s*\n", plain(body).strip()):
        block = block.strip()
        if block.startswith("#"):
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 14 if block.startswith("## ") else 12)
            pdf.multi_cell(0, 7, latin1(block.lstrip("#").strip()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
            continue
        pdf.set_font("Helvetica", size=11)
        for line in block.splitlines():
            line = line.strip()
            bullet = re.match(r"^([-*]|\d+\.)\s+", line)
            if bullet:
                pdf.multi_cell(0, 6, latin1("  - " + line[bullet.end():]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:
                pdf.multi_cell(0, 6, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, "Appendix: terms of reference", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, latin1(appendix), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf


APPENDIX = (
    "The review was commissioned by the partnership's safeguarding partners under the "
    "statutory guidance Working Together to Safeguard Children. The reviewer was asked to "
    "consider the period covered by agency involvement, to meet practitioners in a "
    "learning event, and to invite the family to contribute. The key lines of enquiry were "
    "agreed by the case review group, which met {n} times. {phrase}"
)
# A phrase per report that is in the PDF and nowhere else, for the search tests.
PDF_ONLY = {
    "reviews/child-t": "The practitioner learning event was held at the Kingfisher training suite.",
    "reviews/child-m": "Terms of reference were revised after the second Marlstone workshop.",
    "reviews/sibling-group-b": "The family's contribution was gathered through an advocate from the Heronsgate service.",
    "reviews/child-k": "The Board's serious case review subgroup chaired every panel meeting in the Quillfield room.",
}


def main() -> int:
    content = ROOT / "content"
    made = 0
    for path in sorted((content / "reviews").glob("*.md")):
        meta, body = frontmatter.split(path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or not meta.get("report"):
            continue
        item_id = f"reviews/{path.stem}"
        phrase = PDF_ONLY.get(item_id, "")
        pdf = render(meta, body, APPENDIX.format(n=4 + made, phrase=phrase))
        out = path.parent / meta["report"]
        pdf.output(str(out))
        made += 1
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
