"""Facts about a PDF attachment, read with pypdf (page count, size, whether it opens, what
a PDF reader shows besides the pages: comments, bookmarks, form fields), and its text,
read with PDFium (three times faster than pypdf's extraction, which was the largest part
of checking a national collection's reports).

A PDF that carries embedded files (attachments, in the document or in a page's comment)
is refused: they can be of any format (often the unredacted original the report was
exported from), and the disclosure gate cannot read them."""

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
        embedded = embedded_file_count(reader)
    except PdfProblem:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise PdfProblem(f"the PDF cannot be read ({exc}): export it again from the source document") from exc
    if pages == 0:
        raise PdfProblem("the PDF has no pages: export it again from the source document")
    if embedded:
        files = "file (an attachment)" if embedded == 1 else "files (attachments)"
        raise PdfProblem(
            f"the PDF carries {embedded} embedded {files}, which readers can open and the portal "
            "cannot check for names: export the report again without attachments, or remove them "
            "in a PDF editor")
    return PdfFacts(pages=pages, size_bytes=path.stat().st_size)


def embedded_file_count(reader: PdfReader) -> int:
    """How many files the PDF carries: in the document's EmbeddedFiles name tree and in
    file-attachment comments on its pages."""
    count = 0
    names = reader.trailer["/Root"].get("/Names")
    if names is not None:
        tree = names.get_object().get("/EmbeddedFiles")
        count += len(_name_tree_values(tree.get_object())) if tree is not None else 0
    for page in reader.pages:
        for annotation in _annotations(page):
            if annotation.get("/Subtype") == "/FileAttachment":
                count += 1
    return count


def _name_tree_values(node, depth: int = 0) -> list:
    if depth > 32:
        return []
    values = list(node.get("/Names", []))[1::2]
    for kid in node.get("/Kids", []):
        values += _name_tree_values(kid.get_object(), depth + 1)
    return values


def _annotations(page) -> list:
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    return [a.get_object() for a in annotations.get_object() if hasattr(a.get_object(), "get")]


ANNOTATION_TEXTS = ("/Contents", "/T", "/Subj", "/RC", "/TU", "/V", "/DV")
"""What a comment or a form field's widget holds as text: its note, author, subject, rich
text, tooltip and value (a link's address is read from its action)."""


def shown_parts(reader: PdfReader) -> list[tuple[str, str]]:
    """(where, text) for what a PDF reader shows besides the page text: comments (and a
    link's address) on each page, the bookmarks (outline), and form fields (by number:
    a field's name may itself be the name to keep out of messages)."""
    parts: list[tuple[str, str]] = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in _annotations(page):
            texts = [_text(annotation.get(key)) for key in ANNOTATION_TEXTS]
            action = annotation.get("/A")
            if action is not None and hasattr(action.get_object(), "get"):
                texts.append(_text(action.get_object().get("/URI")))
            text = "\n".join(t for t in texts if t)
            if text:
                parts.append((f"annotation (page {number})", text))
    titles = _outline_titles(reader.outline)
    if titles:
        parts.append(("outline", "\n".join(titles)))
    for position, (name, field) in enumerate(sorted((reader.get_fields() or {}).items()), start=1):
        texts = [name] + [_text(field.get(key)) for key in ("/V", "/DV", "/TU", "/T")]
        parts.append((f"form field {position}", "\n".join(t for t in texts if t)))
    return parts


def _outline_titles(outline, depth: int = 0) -> list[str]:
    titles: list[str] = []
    for entry in outline if depth < 32 else ():
        if isinstance(entry, list):
            titles += _outline_titles(entry, depth + 1)
        else:
            titles.append(str(getattr(entry, "title", "") or ""))
    return titles


def _text(value) -> str:
    if value is None:
        return ""
    value = value.get_object() if hasattr(value, "get_object") else value
    if hasattr(value, "get_data"):
        return value.get_data().decode("utf-8", "replace")  # rich text held in a stream
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(v) for v in value)
    return str(value)
