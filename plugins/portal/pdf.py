"""Facts about a PDF attachment, read with pypdf (page count, size, whether it opens), and
its text, read with PDFium (three times faster than pypdf's extraction, which was the
largest part of checking a national collection's reports)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

# pypdf logs recoverable oddities at WARNING; they are not ours to report.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfProblem(ValueError):
    """The PDF cannot be published: encrypted or unreadable. The message says what to do."""


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    size_bytes: int

    @property
    def size_label(self) -> str:
        size = self.size_bytes
        if size < 1024 * 1024:
            return f"{max(1, round(size / 1024))} KB"
        return f"{size / (1024 * 1024):.1f} MB"


def extract_text(path: Path) -> str:
    """The text of every page, for the disclosure scan and the search index (the PDF has
    been checked already)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for number in range(len(document)):
            page = document[number]
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        document.close()
    return "\n".join(pages).replace("\r\n", "\n").replace("\r", "\n")


def read_facts(path: Path) -> PdfFacts:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise PdfProblem(
                "the PDF is encrypted or password-protected: publish an unprotected copy "
                "so that everyone, including screen-reader users, can open it"
            )
        pages = len(reader.pages)
    except PdfProblem:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise PdfProblem(f"the PDF cannot be read ({exc}): export it again from the source document") from exc
    if pages == 0:
        raise PdfProblem("the PDF has no pages: export it again from the source document")
    return PdfFacts(pages=pages, size_bytes=path.stat().st_size)
