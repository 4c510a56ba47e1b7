"""Generate the example site's report PDFs from the reviews' Markdown.

    .venv/bin/python tools/make_example_pdfs.py

Each review whose front matter names a ``report`` gets a printable PDF: a title page,
the report text, and an appendix (terms of reference) that appears only in the PDF, so
that search over PDF text can be seen to work. The PDFs are committed; run this again
after changing a review's text. Output is deterministic (fixed creation date).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from portal import frontmatter  # noqa: E402
from portal.printable import Document  # noqa: E402

PARTNERSHIP = "Northmere Safeguarding Children Partnership"


def render(meta: dict, body: str, appendix: str) -> Document:
    pdf = Document(meta["title"])
    pdf.set_author(PARTNERSHIP)
    pdf.set_subject("Safeguarding practice review report")
    pdf.add_page()
    pdf.para(PARTNERSHIP, style="B")
    pdf.ln(30)
    pdf.heading(meta["title"], 1)
    reviewers = meta.get("reviewer") or "Published anonymously"
    if isinstance(reviewers, list):
        reviewers = ", ".join(reviewers)
    pdf.para(f"Independent reviewer: {reviewers}", size=12, height=7)
    pdf.para(f"Publication date: {str(meta['publish_at'])[:10]}", size=12, height=7)
    pdf.ln(8)
    pdf.para(meta["summary"], style="I")
    pdf.add_page()
    pdf.markdown(body)
    pdf.add_page()
    pdf.heading("Appendix: terms of reference")
    pdf.para(appendix)
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
