"""Real PDFs for tests, made with fpdf2 (and encrypted with pypdf where a test needs it)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter


def make_pdf(path: Path, text: str, pages: int = 2, title: str = "Report") -> Path:
    pdf = FPDF()
    pdf.set_title(title)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, f"{text} (page {page + 1})")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def encrypt_pdf(path: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt("secret")
    with path.open("wb") as handle:
        writer.write(handle)
    return path
