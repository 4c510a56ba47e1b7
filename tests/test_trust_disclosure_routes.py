"""The disclosure gate, round 3: routes a deny-listed name still took to the public site
(issue 15).

Promise: a real name or place on any review's deny-list reaches no page, file, theme
label or PDF part of the public site, whether it is in a page that is not an item, a file
MkDocs copies, a theme label, written in another spelling (German transliteration) or
with lookalike letters of another script, split by a Markdown link or image, or hidden
in a PDF's comments, bookmarks, form fields or attachments; and no finding prints it.
Markup that browsers never show (CDATA sections, processing instructions) never reaches
the page source.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from conftest import find_in_site
from portal.core.anonymise import DenyList, reader_text
from portal.core.text import UnclosedComment, strip_html_comments

BIN = Path(sys.executable).parent
SALT = "5b95efc90a136bb930b21d061b0fda0c"
NAMES = ["Wolstenholme", "Jürgen Müller", "Łukasz"]
LISTED = DenyList.of(SALT, NAMES)
OWNER = "reviews/example-review"


def add_identifiers(site, item_id=OWNER, names=NAMES):
    added = subprocess.run([str(BIN / "portal"), "identifiers", "add", item_id], cwd=site.root,
                           input="".join(f"{name}\n" for name in names), capture_output=True, text=True)
    assert added.returncode == 0, added.stderr


def assert_refused(result, place):
    """The command failed, named the file, field and line and the list, never the name."""
    assert result.exit_code == 1, result.output
    assert f"{place}: holds a name or place on the deny-list of {OWNER}" in result.output
    for needle in ("olstenholme", "rgen", "ller", "ukasz", "olstenh"):
        assert needle not in result.output.lower()


# --- 1. pages that are not items, files MkDocs copies, theme labels -----------------------

PAGES = [
    ("content/about.md", "# About us\n\nWe thank the Wolstenholme family.\n", "body (line 3)"),
    ("content/index.md", "# Home\n\nNews: Juergen Mueller spoke.\n", "body (line 3)"),
    ("content/about.md", "# About\n\nA [Wolsten](https://example.org)holme story.\n", "body (line 3)"),
    ("content/notes.txt", "Notes\nLukasz called.\n", "body (line 2)"),
    ("content/extra/page.html", "<p>Hello</p>\n<p>Wolsten<b>holme</b></p>\n", "body (line 2)"),
    ("content/data/people.csv", "id,name\n1,Wolstenholme\n", "body (line 2)"),
    ("content/data/people.json", '{"people": [\n  "J\\u00fcrgen M\\u00fcller"\n]}\n', "body (line 2)"),
    ("content/feed-extra.xml", "<?xml version='1.0'?>\n<a>Wolstenholme</a>\n", "body (line 2)"),
    ("content/img/map.svg", "<svg xmlns='http://www.w3.org/2000/svg'>\n<text>Łukasz</text></svg>\n",
     "body (line 2)"),
    ("content/js/extra.js", "// build\nconst who = 'Wolstenholme';\n", "body (line 2)"),
    ("content/css/extra.css", "body {}\n.x::after { content: 'Wolstenholme'; }\n", "body (line 2)"),
]


@pytest.mark.parametrize("path, text, field", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
def test_a_listed_name_in_a_page_or_copied_file_stops_the_check(site, path, text, field):
    """Promise: every page that is not an item and every text file MkDocs copies is
    scanned against every deny-list, read as MkDocs publishes it; a match is an error
    naming the file and line, never the name."""
    add_identifiers(site)
    site.write(path, text)
    assert_refused(site.check(), f"{path}: {field}")


def test_a_listed_name_in_a_page_stops_the_build_and_keeps_the_previous_site(site):
    """Promise: the build stops (exit 1), and the previous site stays as it was."""
    add_identifiers(site)
    assert site.build().exit_code == 0
    before = sorted(p.read_bytes() for p in site.site.rglob("*") if p.is_file())
    about = site.root / "content/about.md"
    about.write_text(about.read_text() + "\nWith thanks to Wolsten![](x.png)holme.\n")
    site.write("content/notes.txt", "Jürgen Müller\n")
    built = site.build()
    assert_refused(built, "content/about.md: body (line 11)")
    assert "content/notes.txt: body" in built.output
    assert sorted(p.read_bytes() for p in site.site.rglob("*") if p.is_file()) == before
    assert find_in_site(site.site, "olstenholme") == []


def test_a_name_in_a_page_comment_is_not_a_finding(site):
    """Promise: what MkDocs does not publish (a comment in a page) is not reported."""
    add_identifiers(site)
    about = site.root / "content/about.md"
    about.write_text(about.read_text() + "\n<!-- Wolstenholme -->\n")
    assert site.check().exit_code == 0


@pytest.mark.parametrize("field, value", [("label", "Neglect (Wolstenholme)"),
                                          ("description", "As in the Juergen Mueller case.")])
def test_a_listed_name_in_a_theme_label_or_description_stops_the_check(site, field, value):
    themes = site.root / "themes.yml"
    text = themes.read_text()
    assert "label: Neglect" in text
    if field == "label":
        text = text.replace("label: Neglect", f"label: {value}", 1)
    else:
        text = re.sub(r"(label: Neglect\n(\s+)description: ).*", rf"\g<1>{value}", text, count=1)
    themes.write_text(text)
    add_identifiers(site)
    assert_refused(site.check(), f"themes.yml: themes[1].{field}")


# --- 2. spelling variants: transliteration and lookalike letters --------------------------

@pytest.mark.parametrize("text", [
    "Juergen Mueller", "JUERGEN MUELLER", "Jürgen Müller", "Ju\u0308rgen Mu\u0308ller", "Juergen Mueller’s",
    "Wolstenh\u043elme", "W\u043elstenh\u043elme", "W\u041eLSTENH\u041eLME",
    "Wolst\u0435nholm\u0435", "Wolstenhοlme", "WΟLSTENHΟLME", "\u0141uk\u0430\u0455z",
    "\u0141uk\u0430sz",
])
def test_other_spellings_of_a_listed_name_are_caught(text):
    """Promise: ä/ö/ü written ae/oe/ue, and Cyrillic or Greek letters that look like Latin
    ones, read as the listed name."""
    assert LISTED.matches(f"The review met {text} twice.") > 0


@pytest.mark.parametrize("listed, text", [
    ("Juergen Mueller", "Jürgen Müller"), ("Juergen Mueller", "Juergen Mueller"),
    ("Jürgen Müller", "Juergen Mueller"), ("Jürgen Müller", "Jurgen Muller"), ("Strauß", "Strauss"),
    ("Wolstenh\u043elme", "Wolstenholme"),
])
def test_either_spelling_listed_matches_either_spelling_in_text(listed, text):
    assert DenyList.of(SALT, [listed]).matches(text) > 0


@pytest.mark.parametrize("text", ["Juergen Muellerson", "Jurgen", "Mueler", "Wolstenhalme",
                                  "Москва", "Αθήνα", "The agencies met."])
def test_near_misses_of_other_spellings_are_not_caught(text):
    assert DenyList.of(SALT, ["Jürgen Müller", "Wolstenholme"]).matches(text) == 0


def test_a_transliterated_name_in_a_body_keeps_the_item_off_the_site(site):
    add_identifiers(site, names=["Jürgen Müller"])
    path = site.root / "content/reviews/example-review.md"
    path.write_text(path.read_text().replace("## ", "Juergen Mueller met the team.\n\n## ", 1))
    checked = site.check()
    assert checked.exit_code == 1
    assert f"holds a name or place on the deny-list of {OWNER}" in checked.output
    assert "ueller" not in checked.output


# --- 3. names split by Markdown links and images -----------------------------------------

SPLIT = ["[Wolsten](https://example.org)holme", "Wolsten[](url)holme", "Wolsten![](x.png)holme",
         "Wolsten[](https://en.wikipedia.org/wiki/A_(b))holme", "[Wolsten](url \"title\")holme",
         "[Wolsten][1]holme", "Wolsten![](x.png){ width=1 }holme".replace("{ width=1 }", ""),
         "[![](a.png)Wolsten](url)holme"]


@pytest.mark.parametrize("source", SPLIT)
def test_a_name_split_by_a_link_or_image_is_read_as_one_word(source):
    """Promise: the reader's view drops link targets and images, so a name that renders
    as one word (checked with Python-Markdown) is caught."""
    document = f"The review met {source} twice.\n\n[1]: https://example.org\n"
    rendered = html.unescape(re.sub(r"<[^>]*>", "", markdown.markdown(document)))
    assert "Wolstenholme" in rendered, rendered
    assert "Wolstenholme" in reader_text(document)
    assert LISTED.matches(document) > 0


@pytest.mark.parametrize("source", ["See [the report](https://example.org/wolstenholme.pdf).",
                                    "![Wolstenholme home](home.png)", "[x][wolstenholme]"])
def test_names_in_addresses_and_alt_text_are_still_caught(source):
    assert LISTED.matches(source) > 0


def test_a_body_with_a_split_name_keeps_the_item_off_the_site(site):
    add_identifiers(site)
    path = site.root / "content/reviews/example-review.md"
    path.write_text(path.read_text().replace("## ", "The [Wolsten](https://example.org)holme family.\n\n## ", 1))
    checked = site.check()
    assert checked.exit_code == 1
    assert "body (line" in checked.output and f"deny-list of {OWNER}" in checked.output


# --- 4. inside PDFs: comments, bookmarks, form fields, attachments ------------------------

def _pdf(path: Path, extra) -> Path:
    from pypdf import PdfWriter

    from pdfs import make_pdf

    make_pdf(path, "An ordinary report text.", pages=1)
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(path))
    extra(writer)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _annotation(writer):
    from pypdf.annotations import Text

    writer.add_annotation(0, Text(rect=(50, 550, 200, 650), text="Check with Wolstenholme"))


def _outline(writer):
    writer.add_outline_item(title="Interview with Jürgen Müller", page_number=0)


def _form_field(writer):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("mother"),
        NameObject("/V"): TextStringObject("Łukasz"),
        NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (50, 50, 200, 80)])})
    reference = writer._add_object(field)
    page = writer.pages[0]
    page[NameObject("/Annots")] = ArrayObject([reference])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([reference])})


def _attachment(writer):
    writer.add_attachment("notes.txt", b"Nothing to see.")


PDF_PARTS = [("annotation", _annotation, "content/reviews/child-p.pdf annotation (page 1)"),
             ("outline", _outline, "content/reviews/child-p.pdf outline"),
             ("form field", _form_field, "content/reviews/child-p.pdf form field 1")]


@pytest.mark.parametrize("part, extra, place", PDF_PARTS, ids=[p[0] for p in PDF_PARTS])
def test_a_listed_name_in_a_pdf_comment_bookmark_or_form_field_keeps_the_review_off(site, part, extra, place):
    """Promise: what a PDF reader shows besides the page text (comments, bookmarks, form
    fields) is scanned like the text."""
    _pdf(site.root / "content/reviews/child-p.pdf", extra)
    site.review("child-p", title="Child P zqpdfpartcanary", report="child-p.pdf")
    add_identifiers(site, "reviews/child-p")
    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert re.search(re.escape(place) + r"( \(line \d+\))?: holds a name or place on the deny-list of "
                     "reviews/child-p", checked.output), checked.output
    assert site.build().exit_code == 0
    assert find_in_site(site.site, "zqpdfpartcanary") == []


@pytest.mark.parametrize("how", ["document", "annotation"])
def test_a_report_pdf_with_embedded_files_is_refused(site, how):
    """Promise: a PDF carrying attachments (which the gate cannot read: any format, often
    the unredacted original) is refused with what to do, whatever they hold."""
    if how == "document":
        extra = _attachment
    else:
        def extra(writer):
            from pypdf.generic import DictionaryObject, NameObject, TextStringObject

            annotation = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): writer.pages[0].mediabox,
                NameObject("/FS"): DictionaryObject({NameObject("/Type"): NameObject("/Filespec"),
                                                     NameObject("/F"): TextStringObject("draft.docx")})})
            writer.add_annotation(0, annotation)
    _pdf(site.root / "content/reviews/child-p.pdf", extra)
    site.review("child-p", title="Child P", report="child-p.pdf")
    checked = site.check()
    assert checked.exit_code == 1
    assert ("content/reviews/child-p.md: report: content/reviews/child-p.pdf: the PDF carries 1 embedded "
            "file (an attachment)") in checked.output
    assert "draft.docx" not in checked.output and "notes.txt" not in checked.output


# --- 5. markup browsers never show: CDATA sections and processing instructions ------------

HIDDEN = [
    ("cdata", "A <![CDATA[ note ]]> b.\n", "A  b.\n"),
    ("processing instruction", "A <?php note ?> b.\n", "A  b.\n"),
    ("over lines", "<![CDATA[\nnote\n]]>\nText\n", "\n\n\nText\n"),
    ("pi over lines", "<?note\nmore\n?>\nText\n", "\n\n\nText\n"),
    ("mixed", "a <!-- x --> b <?y?> c <![CDATA[z]]> d\n", "a  b  c  d\n"),
    ("fenced code", "```\n<?php x ?> <![CDATA[ y ]]>\n```\n", "```\n<?php x ?> <![CDATA[ y ]]>\n```\n"),
    ("inline code", "`<?php x ?>` <?y?>\n", "`<?php x ?>` \n"),
    ("indented code", "Text\n\n    <![CDATA[ x ]]>\n", "Text\n\n    <![CDATA[ x ]]>\n"),
]


@pytest.mark.parametrize("case, text, expected", HIDDEN, ids=[c[0] for c in HIDDEN])
def test_cdata_and_processing_instructions_are_stripped_and_code_is_kept(case, text, expected):
    assert strip_html_comments(text) == expected


@pytest.mark.parametrize("text, what", [("A <![CDATA[ never closed\n", "a CDATA section '<![CDATA[' is never closed with ']]>'"),
                                        ("A\nB <?php never closed\n", "a processing instruction '<?' is never closed with '?>'")])
def test_unclosed_hidden_markup_is_an_error(text, what):
    with pytest.raises(UnclosedComment, match=re.escape(what)):
        strip_html_comments(text)


def test_hidden_markup_is_removed_from_rendered_html():
    from portal.core.text import strip_hidden_html

    assert strip_hidden_html("<p>a<![CDATA[x]]>b<?y?>c<!--z-->d</p>") == "<p>abcd</p>"
    assert strip_hidden_html("<code>&lt;?php x ?&gt;</code>") == "<code>&lt;?php x ?&gt;</code>"


def test_cdata_and_processing_instructions_never_reach_the_page_source(site):
    """Promise: text browsers never show is not in the page source of an item nor of a
    page that is not an item; in code it is shown, escaped."""
    path = site.root / "content/reviews/example-review.md"
    path.write_text(path.read_text().replace(
        "## ", "Seen <![CDATA[ zqcdatacanary ]]> and <?php zqpicanary ?>.\n\n"
               "`<?php zqshowncanary ?>`\n\n## ", 1))
    about = site.root / "content/about.md"
    about.write_text(about.read_text() + "\n<![CDATA[ zqaboutcdata ]]>\n\n<?note zqaboutpi ?>\n")
    built = site.build()
    assert built.exit_code == 0, built.output
    for canary in ("zqcdatacanary", "zqpicanary", "zqaboutcdata", "zqaboutpi"):
        assert find_in_site(site.site, canary) == [], canary
    page = (site.site / "reviews/example-review/index.html").read_text()
    assert "&lt;?php zqshowncanary ?&gt;" in page


def test_an_unclosed_processing_instruction_in_a_body_is_an_error(site):
    path = site.root / "content/reviews/example-review.md"
    path.write_text(path.read_text().replace("## ", "Seen <?php never closed\n\n## ", 1))
    checked = site.check()
    assert checked.exit_code == 1
    assert "content/reviews/example-review.md: body: line " in checked.output
    assert "a processing instruction '<?' is never closed with '?>'" in checked.output
