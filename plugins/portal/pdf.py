"""Facts about a PDF attachment, read with pypdf: page count, size, whether it opens."""

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
    """The text of every page, for the search index (the PDF has been checked already)."""
    reader = PdfReader(path)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


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
