"""What text an author may give: characters that are refused, and what a body publishes.

Two kinds of character are refused in titles, names, summaries and every other field
that reaches a page, a feed, a JSON file or an email:

- control characters (U+0000-U+001F, U+007F-U+009F): XML cannot hold most of them
  (the feeds' lxml stops on them), and a newline in a one-line field becomes a new
  header in an email;
- invisible format characters that change how text reads without being seen: the bidi
  overrides and isolates (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F,
  U+061C) can make "Child T" display as another name, and zero-width characters can
  split a name so that no one searching for it finds it.

The zero-width joiner and non-joiner (U+200C, U+200D) stay allowed: several scripts
and every multi-person emoji need them.

A body's HTML comments (``<!-- editor note -->``) are never published: Python-Markdown
passes them through into the page source, so they are taken out of the Markdown before
anything renders, indexes, prints or scans it. So are the other markup a browser never
shows but the page source keeps: CDATA sections (``<![CDATA[ note ]]>``) and processing
instructions (``<?php note ?>``). Inside code (fenced, indented or inline) they are text
that the page shows, and are kept.
"""

from __future__ import annotations

import html
import html.entities
import re
import unicodedata

_INVISIBLE = {
    0x00AD: "SOFT HYPHEN",
    0x061C: "ARABIC LETTER MARK",
    0x180E: "MONGOLIAN VOWEL SEPARATOR",
    0x200B: "ZERO WIDTH SPACE",
    0x200E: "LEFT-TO-RIGHT MARK",
    0x200F: "RIGHT-TO-LEFT MARK",
    0x202A: "LEFT-TO-RIGHT EMBEDDING",
    0x202B: "RIGHT-TO-LEFT EMBEDDING",
    0x202C: "POP DIRECTIONAL FORMATTING",
    0x202D: "LEFT-TO-RIGHT OVERRIDE",
    0x202E: "RIGHT-TO-LEFT OVERRIDE",
    0x2060: "WORD JOINER",
    0x2061: "FUNCTION APPLICATION",
    0x2062: "INVISIBLE TIMES",
    0x2063: "INVISIBLE SEPARATOR",
    0x2064: "INVISIBLE PLUS",
    0x2066: "LEFT-TO-RIGHT ISOLATE",
    0x2067: "RIGHT-TO-LEFT ISOLATE",
    0x2068: "FIRST STRONG ISOLATE",
    0x2069: "POP DIRECTIONAL ISOLATE",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
}
_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
                  0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}

_CONTROL = "\x00-\x1f\x7f-\x9f"
_INVISIBLE_CLASS = "".join(re.escape(chr(code)) for code in _INVISIBLE) + "\U000e0000-\U000e007f"
_ONE_LINE = re.compile(f"[{_CONTROL}{_INVISIBLE_CLASS}]")
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE_CLASS}]")  # newlines and tabs allowed
_BODY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, newline, CR allowed


def refused_character(value: str, multiline: bool = False) -> str | None:
    """What is wrong with ``value``'s first refused character, or None when there is none.

    ``multiline`` allows newlines and tabs (a summary or a recommendation may run over
    lines); a title, a name or an id is one line.
    """
    found = (_LINES if multiline else _ONE_LINE).search(value)
    if found is None:
        return None
    return describe_character(found.group())


def describe_character(character: str) -> str:
    code = ord(character)
    if code in _INVISIBLE or 0xE0000 <= code <= 0xE007F:
        name = _INVISIBLE.get(code) or unicodedata.name(character, "TAG CHARACTER")
        return (f"contains U+{code:04X} {name}, an invisible character that can make text "
                "read differently from what it is: delete it (retype the text if you cannot see it)")
    if character in "\n\r":
        return "runs over more than one line: write it on one line"
    name = _CONTROL_NAMES.get(code, "a control character")
    return f"contains the control character U+{code:04X} ({name}): delete it"


BIDI_CONTROLS = {code: _INVISIBLE[code] for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                                   *range(0x2066, 0x206A))}
"""The characters that change the order in which text is shown (the bidi embeddings,
overrides, isolates and marks): ``U+202E eniamretrauQ`` shows as Quartermaine."""
_BIDI_ENTITY_NAMES = tuple(name.rstrip(";") for name, value in html.entities.html5.items()
                           if len(value) == 1 and ord(value) in BIDI_CONTROLS)
_BIDI_ENTITY = re.compile(r"&(?:#[xX]0*(?:" + "|".join(f"{code:X}" for code in BIDI_CONTROLS) + r")(?![0-9A-Fa-f]);?"
                          r"|#0*(?:" + "|".join(str(code) for code in BIDI_CONTROLS) + r")(?![0-9]);?"
                          r"|(?:" + "|".join(_BIDI_ENTITY_NAMES) + r");)", re.I)
"""A bidi control written as an HTML entity (``&#x202E;``, ``&#8238;``, ``&rlm;``; a
number's semicolon may be left out, as browsers read it without)."""
_BIDI = re.compile("[" + "".join(chr(code) for code in BIDI_CONTROLS) + "]")
_REVERSING = re.compile(r"<bdo\b|(?:bidi|isolate)-override", re.I)


def refused_body_character(body: str, controls: bool = True) -> tuple[int, str] | None:
    """(line number, what is wrong) for the first thing in a body or a page that no one may
    publish: a control character other than tab and line breaks; a bidi control
    (``BIDI_CONTROLS``), typed or as an entity (``&#x202E;``); a ``<bdo>`` element or a
    ``bidi-override`` style, which show text reversed. Text shown in another order than it
    is written cannot be checked against a deny-list; or None. ``controls=False`` leaves
    control characters alone (in a copied file that is not a page: a CSV, a script)."""
    found = []
    for pattern in (_BODY, _BIDI, _BIDI_ENTITY, _REVERSING)[0 if controls else 1:]:
        match = pattern.search(body)
        if match is not None:
            found.append((match.start(), pattern, match.group()))
    if not found:
        return None
    start, pattern, text = min(found, key=lambda entry: entry[0])
    line = body.count("\n", 0, start) + 1
    if pattern is _REVERSING:
        return line, (f"'{text}' reverses the text shown to readers: the deny-list cannot check it; "
                      "write the text as it should read")
    if pattern is _BIDI_ENTITY:
        character = html.unescape(text if text.endswith(";") else text + ";")[0]
        return line, (f"the entity '{text}' is U+{ord(character):04X} {BIDI_CONTROLS[ord(character)]}, "
                      "an invisible character that changes the order in which text is shown: delete it")
    return line, describe_character(text)


# --- HTML comments -------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d+[.)])[ \t]")
_CODE_SPAN_OR_COMMENT = re.compile(r"(`+)|(<!--|<!\[CDATA\[|<\?)")
HIDDEN_MARKUP = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
"""What opens and closes each kind of markup that a browser never shows: an HTML comment,
a CDATA section, a processing instruction."""
_HIDDEN_NAMES = {"<!--": "an HTML comment", "<![CDATA[": "a CDATA section", "<?": "a processing instruction"}
_HIDDEN_IN_HTML = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)", re.S)


def has_hidden_markup(text: str) -> bool:
    return "<!--" in text or "<![CDATA[" in text or "<?" in text


def strip_hidden_html(html_text: str) -> str:
    """Rendered HTML without comments, CDATA sections and processing instructions (in
    rendered HTML, code shows each escaped, so every literal one is markup)."""
    return _HIDDEN_IN_HTML.sub("", html_text) if has_hidden_markup(html_text) else html_text


class UnclosedComment(ValueError):
    """A ``<!--`` with no ``-->`` after it (or a ``<![CDATA[`` without ``]]>``, a ``<?``
    without ``?>``): everything after it would be hidden."""

    def __init__(self, line: int, opening: str = "<!--"):
        self.line, self.opening, self.closing = line, opening, HIDDEN_MARKUP[opening]
        self.what = _HIDDEN_NAMES[opening]
        super().__init__(f"line {line}: {self.what} '{opening}' is never closed with '{self.closing}'")


def strip_html_comments(markdown: str) -> str:
    """``markdown`` without its HTML comments, CDATA sections and processing instructions;
    code keeps them as text.

    Each line of one leaves its line break, so line numbers stay those of the file.
    Raises ``UnclosedComment`` for one that never ends.
    """
    if not has_hidden_markup(markdown):
        return markdown
    out: list[str] = []
    fence = None  # the fence that opened the code block we are in
    comment_from, opening = 0, ""  # the line a comment still open began on, and its opening
    previous_blank, in_list, in_indented_code = True, False, False
    for number, line in enumerate(markdown.splitlines(keepends=True), start=1):
        ending = line[len(line.rstrip("\r\n")):]
        if comment_from:
            end = line.find(HIDDEN_MARKUP[opening])
            if end < 0:
                out.append(ending)
                continue
            comment_from = 0
            line = line[end + len(HIDDEN_MARKUP[opening]):]
            stripped, comment_from, opening = _strip_in_line(line, number)
            out.append(stripped)
            previous_blank = False
            continue
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            continue
        opening_fence = _FENCE.match(line)
        if opening_fence:
            fence = opening_fence.group(1)
            out.append(line)
            continue
        blank = not line.strip()
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        code_indent = 8 if in_list else 4
        if not blank and indent >= code_indent and (previous_blank or in_indented_code):
            in_indented_code = True
            out.append(line)
            continue
        if not blank:
            in_indented_code = False
            if _LIST_ITEM.match(line):
                in_list = True
            elif indent == 0 and previous_blank:
                in_list = False
        stripped, comment_from, opening = _strip_in_line(line, number)
        out.append(stripped)
        previous_blank = blank
    if comment_from:
        raise UnclosedComment(comment_from, opening)
    return "".join(out)


def _strip_in_line(line: str, number: int) -> tuple[str, int, str]:
    """The line without its hidden markup outside code spans, and the line number and
    opening of one it leaves open (0 and "" when none)."""
    if not has_hidden_markup(line):
        return line, 0, ""
    ending = line[len(line.rstrip("\r\n")):]
    kept: list[str] = []
    position = 0
    while True:
        found = _CODE_SPAN_OR_COMMENT.search(line, position)
        if found is None:
            kept.append(line[position:])
            return "".join(kept), 0, ""
        if found.group(1):  # a code span: keep it whole, up to its closing run of backticks
            ticks = found.group(1)
            close = re.compile(f"(?<!`){ticks}(?!`)").search(line, found.end())
            end = close.end() if close else found.end()
            kept.append(line[position:end])
            position = end
            continue
        kept.append(line[position:found.start()])
        closing = HIDDEN_MARKUP[found.group(2)]
        end = line.find(closing, found.end())
        if end < 0:
            kept.append(ending)
            return "".join(kept), number, found.group(2)
        position = end + len(closing)
