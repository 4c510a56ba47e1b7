"""Trust (issue 15), content input: no route around the gate through the content folder,
and input that would be read wrongly is refused rather than half-understood.

Each test names the promise it checks. The table of broken inputs with their pinned
wording (and the previous site kept byte for byte) is in ``test_bad_input.py``.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest
from conftest import find_in_site
from mkdocs.structure.files import File, Files

from portal import frontmatter
from portal.core.ledger import LedgerError
from portal.core.ledger import parse as parse_ledger
from portal.core.text import UnclosedComment, refused_character, strip_html_comments
from portal.mkdocs.config_file import _dotted
from portal.mkdocs.gate.plugin import unread_files

# --- symbolic links ------------------------------------------------------------------------


def test_a_symlinked_folder_of_drafts_publishes_nothing(site, tmp_path):
    """Promise: a folder linked into content/reviews/ (MkDocs follows links, the gate's
    walk does not) fails the build before anything is written: its drafts, their PDFs
    and their sitemap entries never reach a site."""
    outside = tmp_path / "drafts"
    outside.mkdir()
    (outside / "child-d.md").write_text("---\ntitle: Canary-Draft-Folder\nstatus: draft\n---\nDraft.\n")
    (outside / "child-d.pdf").write_bytes(b"%PDF-1.4 canary")
    (site.root / "content" / "reviews" / "more").symlink_to(outside)
    (site.root / "content" / "passwd.txt").symlink_to("/etc/passwd")
    (site.root / "content" / "gone.md").symlink_to(tmp_path / "nowhere.md")

    built = site.build()

    assert built.exit_code == 1, built.output
    for link in ("content/reviews/more", "content/passwd.txt", "content/gone.md"):
        assert f"{link}: a symbolic link: the portal never publishes links" in built.stderr
    assert "Traceback" not in built.output
    assert not site.site.exists()
    assert site.check().exit_code == 1


def test_on_files_keeps_only_files_the_walk_saw(tmp_path):
    """Promise: whatever MkDocs collected from docs_dir that the project's own walk did
    not see (and so the gate never decided on) is dropped; theme and generated files stay."""
    docs, theme = tmp_path / "content", tmp_path / "theme"
    docs.mkdir()
    theme.mkdir()
    seen = File("reviews/child-a.md", str(docs), str(tmp_path / "site"), True)
    unseen = File("reviews/more/child-d.md", str(docs), str(tmp_path / "site"), True)
    unseen_pdf = File("passwd.txt", str(docs) + "/", str(tmp_path / "site"), True)
    theme_file = File("assets/app.js", str(theme), str(tmp_path / "site"), True)
    generated = File("reviews/index.md", None, str(tmp_path / "site"), True)
    generated.generated_by = "portal"
    files = Files([seen, unseen, unseen_pdf, theme_file, generated])

    assert unread_files(files, str(docs), {"reviews/child-a.md"}) == [unseen, unseen_pdf]


# --- HTML comments -------------------------------------------------------------------------

COMMENTED_BODY = """## About

Visible-Live-Canary text. <!-- Comment-Canary-Inline: the mother is named here -->

<!--
Comment-Canary-Block: editor's note over
several lines
-->

```html
<!-- shown-fenced-comment -->
```

Inline code `<!-- shown-inline-comment -->` stays.
"""


def test_html_comments_in_a_live_body_are_in_no_byte_of_the_site(site):
    """Promise: an editor's HTML comment in a live item's body (or any page) is in no byte
    of the built site (page source, search index, feeds, trainer packs), while code that
    shows ``<!--`` still shows it."""
    site.review("child-c", body=COMMENTED_BODY)
    study = site.root / "content" / "case-studies" / "example-case-study.md"
    study.write_text(study.read_text() + "\n<!-- Comment-Canary-Pack: for trainers' eyes only -->\n")
    about = site.root / "content" / "about.md"
    about.write_text(about.read_text() + "\n<!-- Comment-Canary-About -->\n")

    built = site.build()

    assert built.exit_code == 0, built.output
    assert find_in_site(site.site, "Visible-Live-Canary")  # the positive control
    for canary in ("Comment-Canary-Inline", "Comment-Canary-Block", "Comment-Canary-Pack",
                   "Comment-Canary-About"):
        assert find_in_site(site.site, canary) == [], canary
    page = (site.site / "reviews" / "child-c" / "index.html").read_text()
    assert "&lt;!-- shown-fenced-comment --&gt;" in page
    assert "&lt;!-- shown-inline-comment --&gt;" in page


STRIPPED = [
    ("inline", "A <!-- x --> b.\n", "A  b.\n"),
    ("block keeps line count", "<!--\nnote\n-->\nText\n", "\n\n\nText\n"),
    ("two on a line", "a <!-- x --> b <!-- y --> c\n", "a  b  c\n"),
    ("fenced code", "```\n<!-- x -->\n```\n", "```\n<!-- x -->\n```\n"),
    ("tilde fence, longer closer needed", "~~~~\n~~~\n<!-- x -->\n~~~~\n<!-- y -->\n",
     "~~~~\n~~~\n<!-- x -->\n~~~~\n\n"),
    ("inline code", "`<!-- x -->` <!-- y -->\n", "`<!-- x -->` \n"),
    ("double-backtick code", "``a ` <!-- x -->`` b\n", "``a ` <!-- x -->`` b\n"),
    ("indented code", "Text\n\n    <!-- x -->\n", "Text\n\n    <!-- x -->\n"),
    ("list continuation is not code", "- item\n\n    <!-- x -->\n", "- item\n\n    \n"),
    ("no comment", "Plain & simple\n", "Plain & simple\n"),
]


@pytest.mark.parametrize("case, markdown, expected", STRIPPED, ids=[c[0] for c in STRIPPED])
def test_comments_are_stripped_and_code_is_kept(case, markdown, expected):
    """Promise: HTML comments leave the Markdown; ``<!--`` in code is the page's text."""
    assert strip_html_comments(markdown) == expected


def test_a_comment_that_never_closes_is_an_error():
    """Promise: an unclosed ``<!--`` (which would hide the rest of the page in its
    source) is reported with its line, not guessed at."""
    with pytest.raises(UnclosedComment, match="line 2"):
        strip_html_comments("Text\nMore <!-- never closed\nand more\n")


# --- YAML: duplicate keys, anchors and aliases ---------------------------------------------


def test_a_key_given_twice_is_an_error_naming_both_lines():
    """Promise: a second ``publish_at`` never silently wins (an embargo lost)."""
    with pytest.raises(frontmatter.RefusedYaml) as caught:
        frontmatter.split("---\ntitle: T\npublish_at: 2099-01-01\nsummary: S\npublish_at: 2026-01-01\n---\n")
    assert str(caught.value) == "line 5: the key 'publish_at' is given twice (lines 3 and 5): keep one"
    with pytest.raises(frontmatter.RefusedYaml, match="'ofsted' is given twice"):
        frontmatter.load_yaml("circulation:\n  ofsted: {sent_on: 2026-01-01}\n  ofsted: {sent_on: 2026-01-02}\n")


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=False))


def test_an_alias_bomb_is_refused_at_once_in_little_memory():
    """Promise: a few hundred bytes of nested aliases (gigabytes once expanded, then
    MemoryError) are refused in well under a second, using almost no memory."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(frontmatter.RefusedYaml, match="line 1: YAML anchors and aliases are not allowed"):
        frontmatter.load_yaml(BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.2
    assert peak < 1_000_000


@pytest.mark.parametrize("text", ["a: &x 1\n", "a: [&x 1]\n", "a: 1\nb: !!str &x 2\n", "a: &x\n  b: 1\n",
                                  "<<: {a: 1}\n"])
def test_anchors_and_merge_keys_are_refused_even_unused(text):
    """Promise: the rule is simply 'no anchors, no aliases' (and so no merge keys)."""
    with pytest.raises(frontmatter.RefusedYaml):
        frontmatter.load_yaml(text)


@pytest.mark.parametrize("text", ["title: Q&A & answers\n", "summary: 'a &b *c'\n", "t: a*b*c\n"])
def test_ampersands_and_asterisks_in_text_are_text(text):
    """Promise: the anchor check refuses YAML anchors, not the characters in prose."""
    assert isinstance(frontmatter.load_yaml(text), dict)


def test_a_cached_yaml_result_from_a_laxer_reader_is_never_used(tmp_path):
    """Promise: front matter read (and cached) before duplicate keys were refused is read
    again, so an upgrade cannot keep a silently lost embargo."""
    from portal.cache import BuildCache, CacheTable, key_of

    text = "a: 1\na: 2\n"
    cache = CacheTable(BuildCache(tmp_path), "yaml")
    cache.put("yaml", key_of("yaml", text), b'{"a": 2}')  # how the old reader kept it
    with pytest.raises(frontmatter.RefusedYaml):
        frontmatter.load_yaml(text, cache)


# --- characters ----------------------------------------------------------------------------

CHARACTERS = [
    ("plain", "Child T: a review", False, None),
    ("accents and emoji", "Łukasz, Zoë 🙂, 👩‍👧 (joiner kept)", False, None),
    ("newline in one line", "Child T\nBcc: x@example.org", False, "runs over more than one line"),
    ("newline in prose", "First line.\nSecond line.", True, None),
    ("tab in one line", "a\tb", False, "U+0009 (TAB)"),
    ("C1 control", "a\x85b", False, "U+0085"),
    ("delete", "a\x7fb", True, "U+007F (DELETE)"),
    ("bidi override", "Child \u202eT", True, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("bidi isolate", "\u2066Child T\u2069", False, "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("left-to-right mark", "Child\u200eT", False, "U+200E LEFT-TO-RIGHT MARK"),
    ("zero width space", "Wolsten\u200bholme", False, "U+200B ZERO WIDTH SPACE"),
    ("tag character", "Child T\U000e0041", False, "U+E0041"),
]


@pytest.mark.parametrize("case, value, multiline, expected", CHARACTERS, ids=[c[0] for c in CHARACTERS])
def test_control_and_invisible_characters_are_refused(case, value, multiline, expected):
    """Promise: no field carries a control character (feeds' XML, mail headers) or an
    invisible character that makes it read as something else; names in every script do."""
    problem = refused_character(value, multiline)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


# --- the ledger and mkdocs.yml -------------------------------------------------------------


def test_a_ledger_time_without_offset_is_an_error_naming_the_line():
    """Promise: a publication time that names no instant is refused, never guessed."""
    text = ("# header\npublished\treviews/a\t2026-10-13T00:01:00+01:00\tsha256:1\tA\n"
            "published\treviews/b\t2026-10-13T00:01:00\tsha256:2\tB\n")
    with pytest.raises(LedgerError, match=r"embargo/ledger: line 3: the time '2026-10-13T00:01:00' has no UTC offset"):
        parse_ledger(text)


def test_mkdocs_errors_are_named_by_the_option_path():
    """Promise: mkdocs.yml errors say which option, as ``plugins.portal.closure_days: ...``."""
    message = ("Plugin 'portal' option 'closure_days': expected a list\n"
               "Plugin 'portal' option 'smtp': Sub-option 'port': expected a number")
    assert _dotted(f"Config value 'plugins': {message}") == [
        "plugins.portal.closure_days: expected a list", "plugins.portal.smtp.port: expected a number"]
    assert _dotted("Config value 'theme': Unrecognised theme name: 'x'.") == ["theme: Unrecognised theme name: 'x'."]
