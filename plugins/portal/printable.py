"""Printable PDF renderings made with fpdf2: a report that has no PDF of its own, an
executive summary, a briefing. Used for circulation packs (and trainer packs)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from fpdf import FPDF

_REPLACEMENTS = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                 "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-"}


def latin1(text: str) -> str:
    """The PDF core fonts are Latin-1: map typographic punctuation, replace the rest."""
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = re.sub(r"\{[:.#][^}]*\}", "", text)
    return re.sub(r"[*_`]", "", text)


class Document(FPDF):
    """An A4 document with a running footer."""

    def __init__(self, title: str, footer_note: str = ""):
        super().__init__(format="A4")
        self.document_title = title
        self.footer_note = footer_note
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(True, margin=20)
        self.set_title(latin1(title))
        self.set_creation_date(datetime(2026, 1, 1, tzinfo=timezone.utc))

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        note = f"{self.footer_note} - " if self.footer_note else ""
        self.cell(0, 8, latin1(f"{note}{self.document_title} - page {self.page_no()}"), align="C")

    def para(self, text: str, size: int = 11, style: str = "", height: int = 6) -> None:
        """A paragraph, wrapped at word boundaries to the text width.

        fpdf2's ``multi_cell`` measures the growing line again for every character
        (150 ms for a short case study; at 1,700 trainer packs, minutes of a build), so
        lines are broken here from the width of each word and written as cells.
        """
        self.set_font("Helvetica", style, size)
        for line in self._wrap(latin1(text), self.w - self.l_margin - self.r_margin - 2 * self.c_margin):
            self._line(line, height)

    def _line(self, line: str, height: float) -> None:
        """One line, as ``cell(0, height, line, new_x=LMARGIN, new_y=NEXT)`` writes it
        (the same bytes; tests/test_learning.py) at a fifth of the cost: a case study's
        pack writes a few hundred lines, and a national collection has thousands of packs."""
        if self.y + height > self.page_break_trigger and self.auto_page_break:
            self.add_page()
        if line:
            self.text(self.l_margin + self.c_margin, self.y + 0.5 * height + 0.3 * self.font_size, line)
        self.set_y(self.y + height)

    def _wrap(self, text: str, width: float) -> list[str]:
        # The core fonts' character widths (thousandths of the font size); fpdf2's own
        # get_string_width builds styled fragments for every call.
        widths = self.current_font.cw
        scale = self.font_size / 1000

        known: dict[str, float] = {}  # prose repeats its words

        def measure(word: str) -> float:
            width = known.get(word)
            if width is None:
                try:
                    width = sum(widths[c] for c in word) * scale
                except (KeyError, TypeError):
                    width = self.get_string_width(word)
                known[word] = width
            return width

        space = measure(" ")
        lines: list[str] = []
        for source_line in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in source_line.split(" "):
                wide = measure(word)
                while wide > width:  # a word longer than a line: break it anywhere
                    cut = len(word) - 1
                    while cut > 1 and measure(word[:cut]) > width - (used + space if line else 0):
                        cut -= 1
                    if line and measure(word[:cut]) > width - used - space:
                        lines.append(" ".join(line))
                        line, used = [], 0.0
                        continue
                    line.append(word[:cut])
                    lines.append(" ".join(line))
                    line, used, word = [], 0.0, word[cut:]
                    wide = measure(word)
                extra = wide + (space if line else 0)
                if line and used + extra > width:
                    lines.append(" ".join(line))
                    line, used, extra = [], 0.0, wide
                line.append(word)
                used += extra
            lines.append(" ".join(line))
        return lines

    def heading(self, text: str, level: int = 2) -> None:
        self.ln(2)
        self.para(text, size={1: 20, 2: 14, 3: 12}.get(level, 12), style="B", height=8 if level == 1 else 7)
        self.ln(1)

    def markdown(self, body: str) -> None:
        """Headings, paragraphs and lists of a Markdown body, as plain print."""
        for block in re.split(r"\n\s*\n", plain(body).strip()):
            block = block.strip()
            heading = re.match(r"^(#{1,6})\s+(.*)", block)
            if heading and "\n" not in block:
                self.heading(heading.group(2), min(len(heading.group(1)), 3))
                continue
            entries: list[str] = []  # a paragraph's wrapped lines join; list items stay apart
            for line in block.splitlines():
                line = line.strip().lstrip(">").strip()
                bullet = re.match(r"^([-*+]|\d+\.)\s+", line)
                if bullet or not entries:
                    entries.append(("  - " + line[bullet.end():]) if bullet else line)
                else:
                    entries[-1] += " " + line
            for entry in entries:
                self.para(entry)
            self.ln(3)

    def bullets(self, title: str, entries) -> None:
        if entries:
            self.heading(title, 2)
            for entry in entries:
                self.para(f"  - {entry}")
            self.ln(2)


def render_document(title: str, header: str, lines: list[str], body: str = "",
                    sections: tuple[tuple[str, tuple[str, ...]], ...] = (),
                    footer_note: str = "") -> bytes:
    """A printable document: a header line, a title, facts, a body, then listed sections."""
    pdf = Document(title, footer_note)
    pdf.add_page()
    pdf.para(header, size=10, style="B")
    pdf.ln(6)
    pdf.heading(title, 1)
    for line in lines:
        pdf.para(line)
    pdf.ln(4)
    if body:
        pdf.markdown(body)
    for section_title, entries in sections:
        pdf.bullets(section_title, entries)
    return bytes(pdf.output())
