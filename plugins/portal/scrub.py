"""``portal scrub``: a copy of a PDF without the metadata that so often names its author."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject


def scrub_pdf(source: Path, target: Path) -> list[str]:
    """Copy ``source`` to ``target`` without document information or XMP; return what went."""
    try:
        reader = PdfReader(source)
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
    with target.open("wb") as handle:
        writer.write(handle)
    check = PdfReader(target)
    if check.metadata and any(key not in ("/Producer",) for key in check.metadata):
        raise ValueError("metadata survived the scrub: do not publish this file")
    return removed
