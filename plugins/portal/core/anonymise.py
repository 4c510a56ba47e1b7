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
import html
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
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=False))
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
    """Lower-case words without accents or punctuation, as deny-lists of version 1 (written
    before ``NORMALISATION``) hashed them: kept to read those lists as they were written."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", plain.lower())


NORMALISATION = 2
"""The version of ``deny_words``, written in each deny-list file. Version 2 (NFKC,
casefold, accents and invisible characters removed, apostrophes dropped, Cyrillic and
Greek lookalikes read as Latin letters) hashes a phrase of plain ASCII words exactly as
version 1 did, so older lists keep matching those."""

_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                          "ı": "i", "ħ": "h", "ŧ": "t", "ĸ": "k", "ŋ": "n", "ŀ": "l", "ʼ": None,
                          "'": None, "’": None, "‘": None, "`": None, "´": None, "ʹ": None, "′": None})
"""Letters that Unicode does not decompose into a base letter and an accent, as people type
them without it (Łukasz, Lukasz); and apostrophes, dropped (O'Neill, O’Neill, ONeill)."""

CONFUSABLES = {
    # Cyrillic capitals and small letters drawn as Latin ones (Unicode's confusables.txt)
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "Ү": "Y", "Һ": "H", "Ғ": "F",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "ѵ": "v", "ɡ": "g",
    "ї": "ï", "ё": "ë", "ӧ": "ö", "ӓ": "ä", "ӱ": "ü", "ѐ": "è",
    # Greek capitals drawn as Latin ones, and the small letters that look Latin
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    "α": "a", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u", "χ": "x", "ϲ": "c",
    "ϳ": "j", "ɑ": "a", "ɩ": "i", "ɪ": "i",
}
"""Letters of other scripts that look like Latin ones (``Wolstenhоlme`` with a Cyrillic о
reads as Wolstenholme), read as those Latin letters before the case is folded: a small
table of the common Cyrillic and Greek lookalikes, taken from Unicode's confusables list
(UTS #39) rather than that whole list, whose mappings to several letters would also fold
ordinary Latin spellings. Capitals and small letters are mapped separately, as they look
different (Greek Η is H, η is not)."""
_LOOKALIKES = str.maketrans(CONFUSABLES)
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
"""German transliteration (Müller, Mueller): read as another spelling of the same name.
(ß needs nothing here: case folding already makes it ss.)"""
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1)
def _unseen() -> re.Pattern:
    """Characters a reader does not see as part of a word's spelling: combining accents
    and format characters (soft hyphen, zero-width space and joiners, word joiner, BOM,
    bidirectional controls)."""
    import sys

    chars = [chr(c) for c in range(sys.maxunicode + 1)
             if unicodedata.category(chr(c)) in ("Mn", "Me", "Cf")]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]+")


def deny_words(text: str, transliterate: bool = False) -> list[str]:
    """The words of ``text`` as every deny-list compares them (``NORMALISATION``): full-width
    and compatibility forms folded (NFKC), Cyrillic and Greek lookalikes read as Latin
    (``CONFUSABLES``), case folded, accents and invisible characters removed, letters such
    as ł read as l, apostrophes dropped; a word is a run of letters and digits.
    ``transliterate`` spells ä, ö and ü as ae, oe and ue first (see ``spellings``)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = text.translate(_LOOKALIKES)
    text = text.casefold()
    if not text.isascii():
        if transliterate:
            text = unicodedata.normalize("NFC", text).translate(_GERMAN)
        text = _unseen().sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text.translate(_LETTERS))


def spellings(text: str) -> list[list[str]]:
    """The words of ``text`` in each spelling a name may be written in: as ``deny_words``
    reads them, and with ä, ö, ü written ae, oe, ue (Jürgen Müller, Juergen Mueller) when
    the text has them. A list holds the hashes of both spellings of each name and a text
    is read in both, so either spelling in a text matches either spelling listed."""
    words = deny_words(text)
    if text.isascii() or not _UMLAUT.search(text):
        return [words]
    german = deny_words(text, transliterate=True)
    return [words] if german == words else [words, german]


_UMLAUT = re.compile("[äöüÄÖÜ\u0308ӓӧӱӒӦӰ]")


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_BLOCK_TAG = re.compile(r"</?(?:address|article|aside|blockquote|br|caption|dd|details|div|dl|dt|fig\w*|footer|"
                        r"h[1-6]|header|hr|img|li|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|"
                        r"thead|tr|ul)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_MARKUP = re.compile(r"[*_`~\\]+|-[ \t]*\r?\n[ \t>]*")
_TARGET = r"(?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])?"
"""A link's or image's target: ``(address "title")`` (one level of brackets inside, as
in Wikipedia addresses), ``[reference]``, or nothing (a shortcut reference)."""
_IMAGE = re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]" + _TARGET)
_LINK = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])")


def source_text(text: str) -> str:
    """Every word a page's text holds, shown or not, as far as the spelling of words goes,
    without rendering it: comments and tags removed (block tags part words, inline ones do
    not), images removed and links reduced to their text (``Wolsten![](x.png)holme`` and
    ``[Wolsten](https://example.org)holme`` read as one word), entities decoded,
    emphasis, code and escape marks removed, and a word broken by a hyphen at the end of
    a line joined again. (Addresses and alt text are in the source, scanned too.)"""
    if "<" in text:
        text = _TAG.sub("", _BLOCK_TAG.sub("\n", _COMMENT.sub("", text)))
    if "](" in text or "][" in text or "![" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    if "&" in text:
        text = html.unescape(text)
    return _MARKUP.sub("", text)


def reader_text(text: str, script: bool = True) -> str:
    """What a reader sees of Markdown ``text``: ``source_text`` without the elements a
    browser never shows, and their content (``hides``): ``Quarter<span hidden>x</span>maine``
    reads Quartermaine. ``script`` says whether the reader's browser runs JavaScript (then
    ``<noscript>`` is not shown; without it, it is)."""
    if "<" in text:
        text = _without_hidden(_COMMENT.sub("", text), script)
    return source_text(text)


def bare_text(text: str, nested: bool = False) -> str:
    """``text`` without its inline elements and their content, tags and all: HTML elements
    (those that hold no other element, or with ``nested`` every element, innermost first),
    Markdown emphasis, code and links, attribute lists (``{ hidden }``) and images. A name
    split by an element that CSS or any other trick hides (``Quarter<span class="x">x
    </span>maine``, ``Quarter*x*{ hidden }maine``) reads as one word here, whichever trick
    hides it."""
    text = _COMMENT.sub("", text)
    if "<" in text:
        text = _VOID_TAG.sub(lambda m: "\n" if m.group(1).lower() in ("br", "hr") else "", text)
        previous = None
        while previous != text:
            previous, text = text, _LEAF_ELEMENT.sub("", text)
            if not nested:
                break
    if "{" in text:
        text = _ATTRIBUTE_LIST.sub("", text)
    text = _IMAGE.sub("", text)
    return source_text(_MARKDOWN_SPAN.sub("", text))


def reader_views(text: str) -> list[str]:
    """Each way ``text`` may read, for checking it against deny-lists: everything it holds
    (``source_text``), what a reader sees with and without JavaScript (``reader_text``),
    and without its inline elements (``bare_text``); each once."""
    views = [source_text(text)]
    candidates = [reader_text(text), reader_text(text, script=False)] if "<" in text else []
    if _GLUED_OPEN.search(text) and _GLUED_CLOSE.search(text):
        candidates += [bare_text(text), bare_text(text, nested=True)]
    for view in candidates:
        if view not in views:
            views.append(view)
    return views


_GLUED_OPEN = re.compile(r"[^\W_](?:<[A-Za-z]|\*|`|\[|~~|==)")
_GLUED_CLOSE = re.compile(r"(?:>|\*|`|\)|\]|\}|~~|==)[^\W_]")
"""A word written against the start of markup (``Quarter<span``, ``Quarter*x``) and one
against the end of markup (``</span>maine``, ``{ hidden }maine``): only when a text has
both can leaving out an inline element join two words. (An underscore inside a word is
not emphasis in Python-Markdown.)"""


_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_NEVER_SHOWN = frozenset({"template", "script", "style", "rt", "rp", "head", "title"})
"""Elements whose content no reader sees (ruby's ``rt`` and ``rp`` are annotations above
or beside the text: left out, the text reads as its base)."""
_ELEMENT_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_VOID_TAG = re.compile(r"<(" + "|".join(sorted(_VOID)) + r")\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_LEAF_ELEMENT = re.compile(r"<([A-Za-z][\w:-]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>[^<]*</\1\s*>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s="'/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)
_ATTRIBUTE_LIST = re.compile(r"\{:?[ \t]*[.#\w][^{}\n]*\}")
_MARKDOWN_SPAN = re.compile(r"(\*{1,3}|_{1,3}|`+|~~|==|\^\^)(?=\S)(?:(?!\1).)+?(?<=\S)\1"
                            r"|\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]" + _TARGET)


def hides(name: str, attributes: str, script: bool = True) -> bool:
    """Whether an element (its name in lower case, and the text of its attributes) and its
    content are never shown: ``<template>``, ``<script>``, ``<style>``, ruby annotations,
    ``<noscript>`` when JavaScript runs, the ``hidden`` attribute, and a ``style`` with
    ``display: none`` or ``visibility: hidden``. (``aria-hidden`` hides nothing from the
    eye: it is shown.)"""
    if name in _NEVER_SHOWN or (script and name == "noscript"):
        return True
    for attribute, value in _ATTRIBUTE.findall(attributes):
        attribute = attribute.lower()
        if attribute == "hidden":
            return True
        if attribute == "style" and _HIDING_STYLE.search(html.unescape(value.strip("\"'"))):
            return True
    return False


def _without_hidden(text: str, script: bool) -> str:
    """``text`` without the elements that ``hides`` and their content (nested elements
    counted; an element never closed hides the rest)."""
    out: list[str] = []
    stack: list[str] = []
    hidden_at: int | None = None  # the depth of the outermost hidden element we are in
    position = 0
    for tag in _ELEMENT_TAG.finditer(text):
        if hidden_at is None:
            out.append(text[position:tag.start()])
        position = tag.end()
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
                if hidden_at is not None and len(stack) <= hidden_at:
                    hidden_at = None
                    continue
        elif name not in _VOID and not attributes.rstrip().endswith("/"):
            stack.append(name)
            if hidden_at is None and hides(name, attributes, script):
                hidden_at = len(stack) - 1
        if hidden_at is None:
            out.append(tag.group())
    if hidden_at is None:
        out.append(text[position:])
    return "".join(out)


def _views(text: str) -> list[list[str]]:
    """The words of each way ``text`` can be read: as the reader sees it (``reader_views``),
    and its source with entities decoded (where a link's address or an image's alt text
    keeps a name); each in every spelling (``spellings``)."""
    source = html.unescape(text) if "&" in text else text
    views = spellings(source)
    for shown in reader_views(text):
        if shown != source:
            views += spellings(shown)
    return views


def candidate_phrases(text: str, lengths: Iterable[int], legacy: bool = False) -> set[str]:
    """Every sequence of ``lengths`` words in any reading of ``text``, and the same with a
    plural or possessive ending taken off its last word (Wolstenholmes, Wolstenholme’s,
    Joneses). ``legacy`` adds the words as version 1 lists read them."""
    views = _views(text)
    if legacy:
        views.append(normalise_words(text))
    phrases: set[str] = set()
    for words in views:
        for n in lengths:
            phrases.update(words if n == 1 else map(" ".join, zip(*(words[i:] for i in range(n)), strict=False)))
    endings = [p[:-1] for p in phrases if p.endswith("s")]
    phrases.update(endings)
    phrases.update(p[:-1] for p in endings if p.endswith("e"))
    return phrases


def identifier_hash(salt: str, phrase: str) -> str:
    return phrase_hash(salt, " ".join(deny_words(phrase)))


def phrase_hash(salt: str, words: str) -> str:
    return hashlib.sha256(f"{salt}\0{words}".encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DenyList:
    """Salted hashes of word sequences; ``lengths`` says which sequence lengths to try.

    ``version`` 1 lists were written before ``NORMALISATION`` 2, each with a salt of its
    own: they are read with both normalisations, and only in their own review and the
    items that name it (hashing every text of a site once per salt would not scale)."""

    salt: str
    hashes: frozenset[str]
    lengths: frozenset[int]
    version: int = NORMALISATION
    legacy: DenyList | None = None
    """In a list of this version, the hashes of the older list it replaced."""

    @classmethod
    def of(cls, salt: str, phrases: Iterable[str]) -> DenyList:
        words = [spelling for p in phrases for spelling in spellings(p)]
        return cls(salt, frozenset(phrase_hash(salt, " ".join(w)) for w in words if w),
                   frozenset(len(w) for w in words if w))

    def matches(self, text: str) -> int:
        """How many word sequences of ``text`` are on the list (never which: that would
        need the plain text)."""
        hits = sum(1 for phrase in candidate_phrases(text, self.lengths, self.version < NORMALISATION)
                   if phrase_hash(self.salt, phrase) in self.hashes)
        return hits + (self.legacy.matches(text) if self.legacy is not None else 0)


def finding_id(item_id: str, kind: str, match: str) -> str:
    """A stable id for one finding, for acknowledging it in the register."""
    digest = hashlib.sha256(f"{item_id}\0{kind}\0{' '.join(match.split()).lower()}".encode()).hexdigest()
    return f"{kind}-{digest[:10]}"
