"""Detectors of identifying details (DOMAIN rule 1): what could make a child, a family
member or a practitioner identifiable in published text.

Each detector returns ``Detection(kind, match, start, end)``. They are tuned on the
labelled corpus in ``tests/data/anonymisation_corpus.yaml``: no misses there, and few
false alarms on the things real reports are full of (meeting dates, legislation years,
paragraph numbers, helplines, official addresses).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
DAY_MONTH_YEAR = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+\d{{2,4}}"   # 3rd April 2016
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"                  # April 3, 2016
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"                                         # 03/04/2016
    r"|\d{4}-\d{2}-\d{2})"                                                        # 2016-04-03
)
_DATE = re.compile(DAY_MONTH_YEAR, re.I)
_BIRTH_CUE = re.compile(r"\b(?:date\s+of\s+birth\b|d\.\s?o\.\s?b\.?|dob\b|born\b|birth\s?date\b|birthday\b)", re.I)
_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])\s?[0-9][ABD-HJLNP-UW-Z]{2})\b", re.I)
_NHS = re.compile(r"(?<![\d/\-])(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})(?![\d/\-])")
_NI = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])\b", re.I)
_PHONE = re.compile(r"(?<![\w/])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s\-\)]{0,2}){9,10}(?!\d)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
STREET_SUFFIXES = ("Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|Gardens|"
                   "Terrace|Grove|Walk|Row|Square|Mews|View|Rise|Hill|Parade|Park|Green|Vale")
_ADDRESS = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z'’]+\s+){{1,3}}(?:{STREET_SUFFIXES})\b")

DEFAULT_ALLOWED_NUMBERS = ("0808 800 5000", "0800 1111", "116 123", "0808 2000 247", "0800 068 4141",
                           "0808 802 6868", "0300 123 4666", "111", "999")
DEFAULT_ALLOWED_EMAIL_DOMAINS = ("education.gov.uk", "ofsted.gov.uk", "nspcc.org.uk", "gov.uk")


@dataclass(frozen=True)
class Detection:
    kind: str
    match: str
    start: int
    end: int


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@functools.lru_cache(maxsize=8)
def _allowed_digits(numbers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_digits(n) for n in numbers)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def detect(text: str, allowed_numbers: Iterable[str] = DEFAULT_ALLOWED_NUMBERS,
           allowed_email_domains: Iterable[str] = DEFAULT_ALLOWED_EMAIL_DOMAINS) -> list[Detection]:
    """Every identifying detail found in ``text``, in order."""
    if "@" not in text and not _DIGITS.search(text):
        return []  # every detector needs a digit (dates of birth included) or an email's @
    found: list[Detection] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and end > s for s, e in taken):
            return
        taken.append((start, end))
        found.append(Detection(kind, text[start:end], start, end))

    for m in (_EMAIL.finditer(text) if "@" in text else ()):
        domain = m.group(0).rsplit("@", 1)[1].lower()
        allowed = tuple(d.lower() for d in allowed_email_domains)
        if not any(domain == d or domain.endswith("." + d) for d in allowed):
            add("email", m.start(), m.end())
        else:
            taken.append((m.start(), m.end()))
    windows = _digit_windows(text)
    for m in _scan(_NI, text, windows):
        add("ni-number", m.start(), m.end())
    for m in _scan(_NHS, text, windows):
        if nhs_number_is_valid("".join(m.groups())):
            add("nhs-number", m.start(), m.end())
    allowed_digits = _allowed_digits(tuple(allowed_numbers))
    for m in _scan(_PHONE, text, windows):
        digits = _digits(m.group(0))
        # +44 1632 960123 and +44 (0)1632 960123 are both 01632 960123
        national = "0" + digits[2:].removeprefix("0") if digits.startswith("44") else digits
        if national in allowed_digits or digits in allowed_digits or len(national) not in (10, 11):
            continue
        start, end = m.start(), m.end()
        while end > start and not text[end - 1].isdigit():
            end -= 1
        if text[start] == "(" and ")" not in text[start:end]:
            start += 1
        add("phone", start, end)
    # Dates only matter just after a birth cue: look there, not at every date in a report.
    for cue in _scan(_BIRTH_CUE, text, _cue_windows(text)):
        window_end = min(len(text), cue.end() + 60)
        for m in _DATE.finditer(text, cue.end(), window_end + 30):
            if m.start() > window_end:
                break
            between = text[cue.end():m.start()]
            if not re.search(r"[.;!?]\s", between):
                add("date-of-birth", m.start(), m.end())
            break
    for m in _scan(_POSTCODE, text, windows):
        add("postcode", m.start(), m.end())
    for m in _scan(_ADDRESS, text, _digit_windows(text, before=0, after=_ADDRESS_REACH)):
        add("street-address", m.start(), m.end())
    return sorted(found, key=lambda d: d.start)


_DIGITS = re.compile(r"\d+")
_NUMBER_REACH = 40
"""A postcode, a phone, NHS or NI number lies within this many characters of a digit."""
_ADDRESS_REACH = 160
"""A street address begins with its number and runs at most this far: three words and
the street's suffix."""
_CUE_WORDS = ("birth", "born", "dob", "o.b", "o. b")
"""What every birth cue contains (lower case): the cue pattern is tried only near these."""


def _digit_windows(text: str, before: int = _NUMBER_REACH, after: int = _NUMBER_REACH) -> list[tuple[int, int]]:
    """Stretches of ``text`` around its digits, merged, each ending at whitespace or the
    end of the text: the only places a postcode, phone, NHS or NI number or street
    address can be. Scanning these instead of the whole text makes the detectors several
    times faster on report prose (most of which holds no digits)."""
    return _merged(text, ((m.start() - before, m.end() + after)
                          for m in _digit_clusters(before + after).finditer(text)))


@functools.lru_cache(maxsize=4)
def _digit_clusters(gap: int) -> re.Pattern:
    """Runs of digits with at most ``gap`` other characters between one and the next:
    their windows would overlap, so they are found as one (by the regex engine, not one
    by one in Python: report prose is full of dates and paragraph numbers)."""
    return re.compile(rf"\d(?:\D{{0,{gap}}}\d)*")


def _cue_windows(text: str) -> list[tuple[int, int]]:
    lowered = text.lower()
    spans = []
    for word in _CUE_WORDS:
        at = lowered.find(word)
        while at >= 0:
            spans.append((at - 12, at + len(word) + 12))
            at = lowered.find(word, at + 1)
    return _merged(text, sorted(spans))


def _merged(text: str, spans) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        start = max(0, start)
        while end < len(text) and not text[end].isspace():
            end += 1
        end = min(end, len(text))
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _scan(pattern: re.Pattern, text: str, windows: list[tuple[int, int]]):
    """``pattern.finditer`` over the windows only (a window's start may cut a word, so a
    match must not begin inside a word that started before the window)."""
    for start, end in windows:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        yield from pattern.finditer(text, start, end)


# --- deny-lists: names and places a review must never show, kept only as salted hashes ----

def normalise_words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation, as the deny-list compares them."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", plain.lower())


def identifier_hash(salt: str, phrase: str) -> str:
    words = " ".join(normalise_words(phrase))
    return hashlib.sha256(f"{salt}\0{words}".encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DenyList:
    """Salted hashes of word sequences; ``lengths`` says which sequence lengths to try."""

    salt: str
    hashes: frozenset[str]
    lengths: frozenset[int]

    def matches(self, text: str) -> int:
        """How many word sequences of ``text`` are on the list (never which: that would
        need the plain text)."""
        words = normalise_words(text)
        hits = 0
        for n in self.lengths:
            for i in range(len(words) - n + 1):
                phrase = " ".join(words[i:i + n])
                if hashlib.sha256(f"{self.salt}\0{phrase}".encode("utf-8")).hexdigest() in self.hashes:
                    hits += 1
        return hits


def finding_id(item_id: str, kind: str, match: str) -> str:
    """A stable id for one finding, for acknowledging it in the register."""
    digest = hashlib.sha256(f"{item_id}\0{kind}\0{' '.join(match.split()).lower()}".encode()).hexdigest()
    return f"{kind}-{digest[:10]}"
