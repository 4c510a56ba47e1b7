"""The disclosure gate against the forms a deny-listed name really takes (issue 15).

Promise: a real name or place on any review's deny-list appears nowhere on the public
site, whatever form it is typed in (possessive, plural, split by invisible characters,
entities or Markdown emphasis, broken across lines, without its accents, in full-width
letters), in whatever public field of whatever item, and however its PDF was replaced;
and no finding ever prints the name.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from conftest import find_in_site
from portal.core.anonymise import DenyList, deny_words

BIN = Path(sys.executable).parent
SALT = "5b95efc90a136bb930b21d061b0fda0c"
LISTED = DenyList.of(SALT, ["Wolstenholme", "Łukasz Brzęczyszczykiewicz", "Zoe Hartington-Vale", "Jones",
                            "O'Neill", "Ålesund Close"])


# Promise: every form of a listed name that a reader would read as the name is caught.
@pytest.mark.parametrize("text", [
    "Wolstenholme's mother", "Wolstenholme’s mother", "Wolstenholmeʼs mother", "the Wolstenholmes",
    "the Wolstenholmes’ house", "Jones's", "the Joneses", "Jones’",
    "Wolsten\u00adholme", "Wolsten\u200bholme", "Wolsten\u200cholme", "Wolsten\u200dholme",
    "Wolsten\u2060holme", "Wolsten\ufeffholme", "Wolsten&shy;holme", "&#87;olstenholme", "Wolsten&#x68;olme",
    "Wolsten*holme*", "**Wol**stenholme", "Wolsten_holme_", "Wolsten`holme`", "Wolsten<em>holme</em>",
    "Wol<!-- note -->stenholme", "Wolsten\\holme", "Wolsten-\nholme", "Wolsten-\n   holme",
    "Lukasz Brzeczyszczykiewicz", "ŁUKASZ BRZĘCZYSZCZYKIEWICZ", "Łukasz Brzęczyszczykiewicz’s",
    "ＷＯＬＳＴＥＮＨＯＬＭＥ", "WOLSTENHOLME", "wolstenholme", "Zoe Hartington-Vale", "Zoë Hartington Vale",
    "zoe_hartington_vale.pdf", "ONeill", "O’Neill", "Alesund Close", "Ålesund Close",
])
def test_each_form_of_a_listed_name_is_caught(text):
    assert LISTED.matches(f"The review spoke to {text} in 2024.") > 0


@pytest.mark.parametrize("text", [
    "Wolsten holme", "Wolstenholmer", "Lukas", "Zoe Hartington", "Jonesy", "O Neill and the others",
    "Holme Wolsten", "The agencies worked together.",
])
def test_near_misses_are_not_caught(text):
    assert LISTED.matches(text) == 0


def test_the_reverse_accent_is_caught_too():
    """A name listed without its accents is caught when typed with them."""
    plain = DenyList.of(SALT, ["Lukasz", "Zoe"])
    assert plain.matches("Łukasz said") and plain.matches("Zoë said") and plain.matches("ZOË’S")


def test_normalisation_is_the_same_for_a_phrase_and_a_text():
    assert deny_words("ＷＯＬＳＴＥＮ\u00adHOLME’s Łukasz") == deny_words("wolstenholmes lukasz")


# Promise: the text a reader sees is scanned, and the source too (a name in a link's
# address or an image's alt text is published in the page even if not shown).
MARKDOWN_HIDING = [
    "Wolsten*holme*", "**Wol**stenholme", "***Wolsten***holme", "*Wol*sten**holme**", "Wolsten<span>holme</span>",
    "Wolsten&shy;holme", "&#87;olstenholme", "Wol<!-- x -->stenholme", "`Wolsten`holme", "Wolsten<i>holme</i>",
    "[Wolsten*holme*](https://example.org/)", "Wolsten<b>holme</b>'s",
]


@pytest.mark.parametrize("source", MARKDOWN_HIDING)
def test_what_markdown_renders_as_the_name_is_caught(source):
    """The gate reads the text as a reader sees it without rendering Markdown (rendering
    every report would double the scan's cost); this checks that for each construct the
    rendered text (Python-Markdown, tags removed, entities unescaped) shows the name, and
    that the gate catches it."""
    rendered = html.unescape(re.sub(r"<[^>]*>", "", markdown.markdown(f"The review met {source} twice.")))
    rendered = rendered.replace("\u00ad", "")
    assert "Wolstenholme" in rendered, rendered
    assert LISTED.matches(f"The review met {source} twice.") > 0


@pytest.mark.parametrize("source", [
    "See [the report](https://example.org/wolstenholme-family.pdf).",
    "![Wolstenholme family home](home.png)",
    '<img src="x.png" alt="Wolsten&shy;holme">',
    "[^1]: Wolstenholme.",
])
def test_a_name_in_the_source_but_not_the_rendered_text_is_caught(source):
    assert LISTED.matches(source) > 0


def add_identifiers(site, item_id, text):
    return subprocess.run([str(BIN / "portal"), "identifiers", "add", item_id], cwd=site.root,
                          input=text, capture_output=True, text=True)


def refuses(site, needle="Wolstenholme", owner="reviews/example-review"):
    """The item is kept off the site, the check names the list, and never the name."""
    checked = site.check()
    assert checked.exit_code == 1
    assert f"holds a name or place on the deny-list of {owner}" in checked.stderr
    assert needle.lower() not in checked.stderr.lower() and "olstenholme" not in checked.stderr
    return checked


# Promise: every public field of an item is scanned, from one list of what is private.
BRIEFING = dict(title="Briefing", status="approved", approved_by="E", approved_on="2026-01-01",
                publish_at="2026-01-20", summary="s", themes=["neglect"], briefing_type="practitioner")


@pytest.mark.parametrize("where, fields, body", [
    ("changes", {"changes": [{"on": "2026-02-01", "note": "Corrected the Wolstenholmes' address."}]}, "Text."),
    ("title", {"title": "Learning from Wolstenholme’s case"}, "Text."),
    ("body", {}, "The family (the **Wol**stenholmes) moved."),
    ("body", {}, "The family moved.\n\n![Wolstenholme home](home.png)"),
])
def test_every_public_field_of_a_briefing_is_scanned(site, where, fields, body):
    site.item("briefings/b1.md", body, **{**BRIEFING, "review": "reviews/example-review", **fields})
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    checked = refuses(site)
    assert f"content/briefings/b1.md: {where}" in checked.stderr


@pytest.mark.parametrize("field, value", [
    ("learning_points", ["Listen to Wolstenholme."]), ("questions", ["Why did Wolstenholme’s GP not ask?"]),
])
def test_every_public_field_of_a_case_study_is_scanned(site, field, value):
    fields = dict(title="Study", status="approved", approved_by="E", approved_on="2026-01-01",
                  publish_at="2026-01-20", summary="s", themes=["neglect"], learning_points=["x"],
                  questions=["q?"])
    site.item("case-studies/c1.md", "Text.", **{**fields, field: value})
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    assert f"content/case-studies/c1.md: {field}" in refuses(site).stderr


def test_an_action_field_of_a_progress_page_is_scanned(site):
    path = site.root / "content/progress/example-review.md"
    path.write_text(path.read_text().replace("Protocol agreed and audited.", "Minutes of the Wolstenholme meeting."))
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    assert "content/progress/example-review.md: actions[1].evidence" in refuses(site).stderr


def test_every_field_of_the_item_model_is_public_or_named_private():
    """A new field is scanned unless someone decides it is private: the list is here."""
    import dataclasses

    from portal.core.items import Item
    from portal.disclosure import PRIVATE_FIELDS

    names = {f.name for f in dataclasses.fields(Item)}
    assert PRIVATE_FIELDS <= names
    assert PRIVATE_FIELDS == {"kind", "status", "publish_at", "approved_by", "approved_on", "legal_hold",
                              "archived"}


# Promise: every item is scanned against every review's deny-list.
def test_a_newsletter_that_names_no_review_is_scanned_against_every_deny_list(site):
    site.item("briefings/newsletter.md", "## News\n\nThe Wolstenholme family thanked the partnership.",
              **{**BRIEFING, "title": "Newsletter zqnewscanary", "briefing_type": "newsletter"})
    site.review("child-b", title="Child B")
    add_identifiers(site, "reviews/child-b", "Someone Else\n")
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    checked = refuses(site)
    assert "content/briefings/newsletter.md: body (line 15): holds a name or place on the deny-list of " \
           "reviews/example-review" in checked.stderr
    assert "deny-list of reviews/child-b" not in checked.stderr
    assert site.build().exit_code == 0
    assert find_in_site(site.site, "zqnewscanary") == []
    assert find_in_site(site.site, "olstenholme") == []


def test_new_lists_share_one_salt_and_old_lists_are_still_read(site):
    """Every list written by this version shares the project's salt (one hashing pass
    per text covers all of them); a list written before (no version line, its own salt)
    still matches in its own review, and check says to re-add its names."""
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    site.review("child-c", title="Child C", body="## About\n\nOld list: Hartington.")
    add_identifiers(site, "reviews/child-c", "Someone\n")
    salts = {line.split()[1] for name in ("example-review", "child-c")
             for line in (site.root / f"embargo/reviews/{name}.identifiers").read_text().splitlines()
             if line.startswith("salt ")}
    assert len(salts) == 1
    old = site.root / "embargo/reviews/child-c.identifiers"
    from portal.core.anonymise import identifier_hash
    old.write_text(f"# old\nsalt abc123\n1 {identifier_hash('abc123', 'Hartington')}\n")
    checked = site.check()
    assert "holds a name or place on the deny-list of reviews/child-c" in checked.stderr
    assert "embargo/reviews/child-c.identifiers: written by an older version" in checked.stderr
    assert "Hartington" not in checked.stderr
    added = add_identifiers(site, "reviews/child-c", "Hartington\n")
    assert added.returncode == 0, added.stderr
    text = old.read_text()
    assert "version 2" in text and "legacy" in text and "Hartington" not in text


# Promise: a cache never hides a changed file: every cache is keyed by content.
@pytest.mark.parametrize("where", ["author", "text"])
def test_a_pdf_replaced_with_the_same_size_and_mtime_is_scanned_again(site, where):
    from test_disclosure import pdf_with

    pdf = site.root / "content/reviews/child-r.pdf"
    pdf_with(pdf, "Report text about the Agency Jones group.", author="The Partnership Author Office")
    clean = pdf.read_bytes()
    site.review("child-r", title="Child R zqpdfcanary", report="child-r.pdf")
    add_identifiers(site, "reviews/child-r", "Wolstenholme\n")
    assert site.build().exit_code == 0
    assert find_in_site(site.site, "zqpdfcanary") != []
    stat = pdf.stat()
    pdf_with(pdf, "Report text about Wolstenholme." if where == "text" else "Report text about Agency Jones.",
             author="Wolstenholme Author" if where == "author" else "Partnership Author")
    dirty = pdf.read_bytes()
    assert len(dirty) <= len(clean)
    pdf.write_bytes(dirty + b"\n" * (len(clean) - len(dirty)))  # padded after %%EOF: still a PDF
    os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert pdf.stat().st_size == stat.st_size and pdf.stat().st_mtime_ns == stat.st_mtime_ns
    result = site.build()
    assert result.exit_code == 1  # the review is live and protected: taking it down is refused
    assert "holds a name or place on the deny-list of reviews/child-r" in result.stderr
    assert "olstenholme" not in result.stderr


def test_a_withdrawal_notice_never_shows_a_listed_name(site):
    """Promise: the public reason of a withdrawal (shown on the withdrawal notice, which a
    court order requires to go out) is scanned like every public field; a listed name in
    it stops the build, naming the register file and field, never the name."""
    assert site.build().exit_code == 0  # example-review is published and in the ledger
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    register = site.root / "embargo/reviews/example-review.yaml"
    register.write_text(register.read_text() + "withdrawal:\n  on: 2026-11-19\n"
                        "  reason_public: \"Removed at the request of Mrs Wolstenholme’s solicitor.\"\n"
                        "  authorised_by: Independent Scrutineer\n")
    before = sorted(p.read_bytes() for p in site.site.rglob("*") if p.is_file())
    built = site.build()
    assert built.exit_code == 1
    assert "embargo/reviews/example-review.yaml: withdrawal.reason_public:" in built.output
    assert "olstenholme" not in built.output
    assert sorted(p.read_bytes() for p in site.site.rglob("*") if p.is_file()) == before


def test_the_line_named_is_the_files_line_even_after_a_comment(site):
    """Promise: a finding names the line as the author's file has it, also when the body
    held an editor's comment (stripped before the scan, line for line)."""
    body = "## News\n\n<!-- editor:\ncheck the spelling\n-->\n\nThe Wolstenholme family thanked us."
    site.item("briefings/newsletter.md", body, **{**BRIEFING, "briefing_type": "newsletter"})
    add_identifiers(site, "reviews/example-review", "Wolstenholme\n")
    lines = (site.root / "content/briefings/newsletter.md").read_text().splitlines()
    expected = next(n for n, text in enumerate(lines, start=1) if "Wolstenholme" in text)
    checked = refuses(site)
    assert f"content/briefings/newsletter.md: body (line {expected}):" in checked.stderr
