"""The disclosure gate reads a page as its reader sees it (issue 15, round 6).

Promise: a name on a deny-list is found in a page or a body however the markup arranges
what the reader sees: text shown in another order than it is written (bidi controls,
typed or as entities, ``<bdo>``, a ``bidi-override`` style) is refused with the file and
line, as no deny-list can check it; and the content of elements a reader never sees
(``hidden``, ``<template>``, ``<noscript>`` when JavaScript runs, ``display: none``,
ruby annotations) or that any other trick hides (a CSS class, an attribute list) does not
split a name out of the deny-list's sight. Findings never print the name.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal.core.anonymise import DenyList, reader_text, reader_views
from portal.core.text import refused_body_character

BIN = Path(sys.executable).parent
NAME = "Zebedee Quartermaine"
LISTED = DenyList.of("5b95efc90a136bb930b21d061b0fda0c", [NAME])
OWNER = "reviews/example-review"
RLO, PDF = "\u202e", "\u202c"
REVERSED = "eniamretrauQ eedebeZ"


def add_identifiers(site, item_id=OWNER):
    added = subprocess.run([str(BIN / "portal"), "identifiers", "add", item_id], cwd=site.root,
                           input=f"{NAME}\n", capture_output=True, text=True)
    assert added.returncode == 0, added.stderr


def assert_no_name(output):
    for needle in ("zebedee", "quartermaine", "quarter", "eniamretrauq", "eedebez"):
        assert needle not in output.lower(), output


# --- 1. text shown in another order than it is written ------------------------------------

REVERSING = [
    ("bdo", f'<bdo dir="rtl">{REVERSED}</bdo>', "'<bdo' reverses the text shown to readers"),
    ("bdo-upper", f'<BDO DIR="RTL">{REVERSED}</BDO>', "reverses the text shown to readers"),
    ("css-override", f'<span style="unicode-bidi: bidi-override; direction: rtl">{REVERSED}</span>',
     "'bidi-override' reverses the text shown to readers"),
    ("rlo", f"{RLO}{REVERSED}{PDF}", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("rli", f"\u2067{REVERSED}\u2069", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("rlm", "Zebedee\u200f Quartermaine", "U+200F RIGHT-TO-LEFT MARK"),
    ("alm", "Zebedee\u061c Quartermaine", "U+061C ARABIC LETTER MARK"),
    ("hex-entity", f"&#x202E;{REVERSED}&#x202C;", "the entity '&#x202E;' is U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("hex-entity-lower", f"&#x202e;{REVERSED}&#x202c;", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("hex-entity-padded", f"&#x0202E;{REVERSED}", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("decimal-entity", f"&#8238;{REVERSED}&#8236;", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("entity-no-semicolon", f"&#x202E {REVERSED}", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("named-entity", "Zebedee&rlm; Quartermaine", "U+200F RIGHT-TO-LEFT MARK"),
]


@pytest.mark.parametrize("text, message", [case[1:] for case in REVERSING], ids=[c[0] for c in REVERSING])
def test_text_shown_in_another_order_is_refused_with_its_line(text, message):
    """Promise: a body or page that shows text in another order than it is written is
    refused, naming the line and what does it."""
    refused = refused_body_character(f"# About\n\nWe thank\n{text} today.\n")
    assert refused is not None and refused[0] == 4 and message in refused[1], refused


@pytest.mark.parametrize("text", ["&#x202;", "&#x202E0;", "&#82380;", "&lrmx", "a <bd> b", "<abbr>UK</abbr>",
                                  "direction: rtl", '<p dir="rtl">مرحبا</p>', "&amp;#x202E;",
                                  "zero\u200dwidth joiner", "Zebedee Quartermaine"])
def test_what_does_not_reorder_text_is_not_refused(text):
    """Promise: the refusal is narrow: other entities, tags, right-to-left paragraphs of a
    right-to-left script (which show their letters as written), joiners, are allowed."""
    assert refused_body_character(f"A {text} b") is None


@pytest.mark.parametrize("case", REVERSING[:8:2] + REVERSING[7:8], ids=lambda c: c[0])
def test_a_reversed_name_in_a_page_stops_the_check(site, case):
    """Promise: in a page that is not an item (content/about.md), text shown reversed
    stops `portal check`, naming the file and line; with or without deny-lists."""
    _, text, message = case
    site.write("content/about.md", f"# About us\n\nWe thank\n{text} for her help.\n")
    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert "content/about.md: body (line 4):" in checked.output and message in checked.output
    add_identifiers(site)
    checked = site.check()
    assert checked.exit_code == 1 and "content/about.md: body (line 4):" in checked.output
    assert_no_name(checked.output)


def test_a_reversed_name_in_a_copied_html_file_stops_the_check(site):
    """Promise: a copied HTML file is read as a page is (control characters aside)."""
    site.write("content/extra/note.html", f"<p>Hello</p>\n<p><bdo dir=rtl>{REVERSED}</bdo></p>\n")
    checked = site.check()
    assert checked.exit_code == 1
    assert "content/extra/note.html: body (line 2):" in checked.output


@pytest.mark.parametrize("case", REVERSING[:1] + REVERSING[3:4] + REVERSING[7:8], ids=lambda c: c[0])
def test_a_reversed_name_in_a_live_review_body_stops_the_check(site, case):
    """Promise: in a live review's body, text shown reversed is an error with the line as
    the author's editor counts it."""
    _, text, message = case
    path = site.root / "content/reviews/example-review.md"
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("## ", f"We thank\n{text} today.\n\n## ", 1), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index(f"{text} today.") + 1
    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert f"line {line}: " in checked.output and message in checked.output


# --- 2. what the reader never sees does not split a name ----------------------------------

HIDDEN = [
    ("hidden", "Zebedee Quarter<span hidden>x</span>maine"),
    ("hidden-value", 'Zebedee Quarter<span hidden="until-found">x</span>maine'),
    ("template", "Zebedee Quarter<template>x</template>maine"),
    ("noscript", "Zebedee Quarter<noscript>x</noscript>maine"),
    ("display-none", 'Zebedee Quarter<span style="display:none">x</span>maine'),
    ("display-none-spaced", "Zebedee Quarter<span style='color: red; DISPLAY : none'>x</span>maine"),
    ("visibility", 'Zebedee Quarter<b style="visibility: hidden">x</b>maine'),
    ("ruby", "Zebedee Quarter<ruby>mai<rp>(</rp><rt>x</rt><rp>)</rp></ruby>ne"),
    ("nested-hidden", "<em>Zebedee Quarter<span hidden>x<b>y</b>z</span>maine</em>"),
    ("hidden-div", "Zebedee Quarter<div hidden>x</div>maine"),
    ("class", 'Zebedee Quarter<span class="visually-hidden">x</span>maine'),
    ("class-nested", '<em>Zebedee Quarter<span class="sr">x</span>maine</em>'),
    ("zero-image", 'Zebedee Quarter<img src="x.png" width="0">maine'),
    ("attr-list", "Zebedee Quarter*x*{ hidden }maine"),
    ("attr-list-link", "Zebedee Quarter[x](#){: style=\"display:none\" }maine"),
    ("details", "Zebedee Quarter<details><summary>x</summary>y</details>maine"),
    ("summary", "<details><summary>Zebedee Quarter<span hidden>x</span>maine</summary>More.</details>"),
    ("entities", "Zebedee Quarter&#60;span hidden>x</span>maine".replace("&#60;", "<")),
    ("hidden-before-space", "Zebedee <span hidden>Middle</span>Quartermaine"),
]


@pytest.mark.parametrize("text", [case[1] for case in HIDDEN], ids=[case[0] for case in HIDDEN])
def test_a_name_split_by_what_the_reader_never_sees_is_caught(text):
    """Promise: one of the ways the text may read (``reader_views``) joins the name."""
    document = f"Thanks to {text} for her help.\n"
    assert LISTED.matches(document) > 0, reader_views(document)


def test_the_reader_text_drops_hidden_elements_and_keeps_what_is_shown():
    """Promise: ``reader_text`` is what the reader sees: hidden content out, aria-hidden
    content (which is seen) in, noscript content in for a reader without JavaScript."""
    assert reader_text("Quarter<span hidden>x</span>maine") == "Quartermaine"
    assert reader_text('Quarter<span aria-hidden="true">x</span>maine') == "Quarterxmaine"
    assert reader_text("Quarter<noscript>x</noscript>maine") == "Quartermaine"
    assert reader_text("Quarter<noscript>x</noscript>maine", script=False) == "Quarterxmaine"
    assert reader_text('<p>One</p><p class="hidden">Two</p>').split() == ["One", "Two"]


def test_a_hidden_name_is_still_found_in_the_page_source():
    """Promise: what is hidden is still in the page's source: it is scanned too."""
    assert LISTED.matches("Hello <span hidden>Zebedee Quartermaine</span>.") > 0
    assert LISTED.matches("Hello <template><p>Zebedee Quartermaine</p></template>.") > 0


@pytest.mark.parametrize("text", [
    "Zebedee met <span>Quarter</span> and <b>maine</b> people.",
    "Zebedee Quarter <span hidden>x</span> maine",
    "Quarter<br>maine Zebedee",
    "Zebedee <em>Quarter</em>master",
    "<p>Zebedee</p>\n<p>Quartermaster</p>",
])
def test_what_does_not_show_the_name_is_not_a_finding(text):
    """Promise: few false alarms: words the reader sees apart stay apart."""
    assert LISTED.matches(text) == 0, reader_views(text)


@pytest.mark.parametrize("case", [HIDDEN[0], HIDDEN[3], HIDDEN[4], HIDDEN[7], HIDDEN[10], HIDDEN[13]],
                         ids=lambda c: c[0])
def test_a_split_name_in_a_page_stops_the_check_and_is_not_printed(site, case):
    """Promise: content/about.md with a split name fails `portal check`, naming the line."""
    add_identifiers(site)
    site.write("content/about.md", f"# About us\n\nWe thank\n{case[1]} for her help.\n")
    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert f"content/about.md: body (line 4): holds a name or place on the deny-list of {OWNER}" in checked.output
    assert_no_name(checked.output)


@pytest.mark.parametrize("case", [HIDDEN[0], HIDDEN[2], HIDDEN[13]], ids=lambda c: c[0])
def test_a_split_name_in_a_live_review_body_keeps_it_off_the_site(site, case):
    """Promise: a live review whose body splits a listed name is held back."""
    add_identifiers(site)
    path = site.root / "content/reviews/example-review.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## ", f"We thank {case[1]}.\n\n## ", 1),
                    encoding="utf-8")
    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert f"deny-list of {OWNER}" in checked.output
    assert_no_name(checked.output)
