"""``portal scrub``: a copy of a PDF without the metadata that so often names its author."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject


def scrub_pdf(data: bytes) -> tuple[bytes, list[str]]:
    """The bytes of a PDF without document information or XMP, and what went. The copy
    is checked before anyone writes it: ValueError when metadata would survive."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValueError("the PDF is encrypted: export an unprotected copy first")
        removed = [str(key).lstrip("/") for key in (reader.metadata or {})]
        if "/Metadata" in reader.trailer["/Root"]:
            removed.append("XMP")
        # A new document with the pages only: the old document information and XMP
        # objects are not reachable from the pages, so they are not written at all.
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
    except PdfReadError as exc:
        raise ValueError(f"the PDF cannot be read ({exc})") from exc
    for page in writer.pages:
        if NameObject("/Metadata") in page:
            del page[NameObject("/Metadata")]
    copy = io.BytesIO()
    writer.write(copy)
    check = PdfReader(io.BytesIO(copy.getvalue()))
    if check.metadata and any(key not in ("/Producer",) for key in check.metadata):
        raise ValueError("metadata survived the scrub: do not publish this file")
    return copy.getvalue(), removed
