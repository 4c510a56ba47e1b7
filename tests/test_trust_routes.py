"""Trust (issue 15), round 3: the routes an adversarial review found still open around
the gate: links in the theme's folder, copies and hard links in content/, script in
mkdocs.yml's names, YAML nested until the reader crashes, and input read wrongly (a
byte-order mark, an address with a line break in it, a build instant in the year 1).

Each test names the promise it checks. Every bad input goes through a real ``portal
check`` and ``portal build``: a clear ``file: field: message`` error, exit 1 (2 for bad
usage), no traceback, and the previous site kept byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SKELETON, Edit, HardLink, Link, Site, find_in_site, fingerprint, write_files
from mkdocs.structure.files import File, Files

from portal import frontmatter
from portal.core.addresses import is_email_address
from portal.mkdocs.gate.plugin import linked_sources

EMBARGOED = (SKELETON / "content" / "reviews" / "example-embargoed.md").read_text(encoding="utf-8")
DEEP = "[" * 2000 + "]" * 2000



def project_with(tmp_path: Path, good_project: Path, files: dict) -> Site:
    root = tmp_path / "project"
    shutil.copytree(good_project, root, symlinks=True)
    write_files(root, files)
    return Site(root)


def assert_refused(site: Site, expected: str, *, checked: bool = True) -> None:
    """``portal check`` and ``portal build`` both fail with ``expected``, no traceback,
    and the previous site (and the ledger) are kept byte for byte."""
    before = fingerprint(site.site)
    ledger = (site.root / "embargo" / "ledger").read_bytes()
    if checked:
        result = site.check()
        assert result.exit_code == 1, result.output
        assert expected in result.stderr, result.stderr
    built = site.build()
    assert built.exit_code == 1, built.output
    assert expected in built.stderr, built.stderr
    assert "Traceback" not in built.output
    assert fingerprint(site.site) == before
    assert (site.root / "embargo" / "ledger").read_bytes() == ledger


# --- 1. symbolic links in the theme's custom_dir -------------------------------------------

LINK_MESSAGE = "a symbolic link: the portal never publishes links"
THEME_LINKS = [
    ("draft-pdf", "../../content/reviews/example-embargoed.md"),
    ("ledger", "../../embargo/ledger"),
    ("register-file", "../../embargo/reviews/example-review.yaml"),
    ("etc-passwd", "/etc/passwd"),
]


@pytest.mark.parametrize("case, target", THEME_LINKS, ids=[c[0] for c in THEME_LINKS])
def test_a_symbolic_link_in_the_theme_folder_publishes_nothing(tmp_path, good_project, case, target):
    """Promise: MkDocs copies no file that is, or lies under, a symbolic link in
    custom_dir (site_overrides/): a link to a draft, the ledger, the register folder or
    /etc/passwd fails the build, naming the link, and nothing is published."""
    site = project_with(tmp_path, good_project, {"site_overrides/assets/s.pdf": Link(target)})

    # portal check reads the content and register, not the theme: the build is the gate.
    assert_refused(site, f"site_overrides/assets/s.pdf: {LINK_MESSAGE}", checked=False)


def test_a_linked_folder_in_the_theme_folder_reaches_no_byte_of_the_site(site):
    """Promise: a folder linked into custom_dir (here the register) publishes none of its
    files: MkDocs does not follow it today, and the check above stops the build if a
    later version does."""
    site.register("reviews/example-review", "circulation:\n  ofsted: {sent_on: 2025-01-02, "
                  "reference: Canary-Register-Ref}\n  national-panel: {sent_on: 2025-01-02}\n"
                  "  dfe: {sent_on: 2025-01-02}\n")
    (site.root / "site_overrides" / "register").symlink_to("../embargo")

    built = site.build()

    assert find_in_site(site.site, "Canary-Register-Ref") == []
    assert not (site.site / "register").exists()
    assert built.exit_code in (0, 1), built.output


def test_linked_sources_finds_links_in_every_source_folder(tmp_path):
    """Promise: the check covers every file MkDocs collected, from any folder (docs_dir,
    custom_dir, a source a later MkDocs adds): a linked file or a file under a linked
    folder is found, each link named once; real files and generated ones pass."""
    theme, docs, outside = tmp_path / "theme", tmp_path / "docs", tmp_path / "outside"
    for folder in (theme / "assets", docs, outside / "deep"):
        folder.mkdir(parents=True)
    (theme / "assets" / "real.css").write_text("a {}")
    (outside / "deep" / "x.pdf").write_text("x")
    (theme / "assets" / "s.pdf").symlink_to(outside / "deep" / "x.pdf")
    (theme / "linked").symlink_to(outside)
    (docs / "page.md").write_text("x")
    site_dir = str(tmp_path / "site")
    generated = File("reviews/index.md", None, site_dir, True)
    generated.generated_by = "portal"
    files = Files([File("assets/real.css", str(theme), site_dir, True),
                   File("assets/s.pdf", str(theme), site_dir, True),
                   File("linked/deep/x.pdf", str(theme) + "/", site_dir, True),
                   File("linked/deep/y.pdf", str(theme), site_dir, True),
                   File("page.md", str(docs), site_dir, True), generated])

    assert linked_sources(files) == [str(theme / "assets" / "s.pdf"), str(theme / "linked")]


# --- 2. copies, office files and hard links in content/ ------------------------------------

BACKUP = "a backup or draft file: it would be published as it is; move it out of content/"
OFFICE = "an office document: it would be published as it is"
NOT_AN_ITEM = ("this looks like a publishable item but is not directly in one of content/reviews/, "
               "case-studies/, briefings/ or progress/ as a .md file")

# (case id, files to write, expected message)
CONTENT_CASES = [
    ("bak-copy-of-embargoed-draft", {"content/drafts/child-b.md.bak": EMBARGOED},
     f"content/drafts/child-b.md.bak: {BACKUP}"),
    ("txt-copy-of-embargoed-draft", {"content/child-b-draft.txt": EMBARGOED},
     f"content/child-b-draft.txt: {NOT_AN_ITEM}"),
    ("markdown-extension-outside-items", {"content/drafts/child-b.markdown": EMBARGOED},
     f"content/drafts/child-b.markdown: {NOT_AN_ITEM}"),
    ("no-extension-with-bom-and-quoted-key", {"content/notes/child-b": "\ufeff---\n\"status\": draft\n---\nx\n"},
     f"content/notes/child-b: {NOT_AN_ITEM}"),
    ("md-outside-items", {"content/drafts/child-b.md": EMBARGOED}, f"content/drafts/child-b.md: {NOT_AN_ITEM}"),
    ("hard-link-to-register", {"content/reg.txt": HardLink("embargo/reviews/example-review.yaml")},
     "content/reg.txt: a hard link to embargo/reviews/example-review.yaml (the same file under a second "
     "name): the register is never published; delete this link"),
    ("hard-link-to-ledger", {"content/reviews/ledger.pdf": HardLink("embargo/ledger")},
     "content/reviews/ledger.pdf: a hard link to embargo/ledger"),
] + [(f"left-behind-{name}", {f"content/reviews/{name}": "x\n"}, f"content/reviews/{name}: {BACKUP}")
     for name in ("x.bak", "x.orig", "x.OLD", "x.tmp", "child-t.md.swp", "child-t.md~", "#child-t.md#")
     ] + [(f"office-{name}", {f"content/{name}": b"PK\x03\x04"}, f"content/{name}: {OFFICE}")
          for name in ("report.docx", "report.doc", "report.odt", "actions.xlsx")]


def test_hidden_files_an_editor_leaves_open_neither_block_nor_reach_the_site(tmp_path, good_project):
    """Promise: a hidden file (an editor's swap file, an office suite's lock file, both
    left while someone has a file open) blocks no build, and MkDocs never copies it."""
    site = project_with(tmp_path, good_project, {"content/reviews/.child-t.md.swp": "draft text\n",
                                                "content/.~lock.report.docx#": "lock\n"})
    result = site.build()
    assert result.exit_code == 0, result.output
    assert not any(p.name.startswith((".child-t", ".~lock")) for p in site.site.rglob("*"))


@pytest.mark.parametrize("case, files, expected", CONTENT_CASES, ids=[c[0] for c in CONTENT_CASES])
def test_files_in_content_that_are_not_items_are_refused(tmp_path, good_project, case, files, expected):
    """Promise: a copy of a draft under any name, a file an editor or office suite left
    behind, or a second name of a register file is never published as it is: the build
    fails naming it, and the previous site stays."""
    assert_refused(project_with(tmp_path, good_project, files), expected)


def test_a_page_with_front_matter_but_no_status_is_still_a_page(site):
    """Promise: the 'looks like an item' rule is about a status, not about front matter:
    a text file or page with ordinary front matter outside the item folders builds."""
    site.write("content/notes/readme.txt", "---\ntitle: Notes\n---\nPlain text.\n")

    built = site.build()

    assert built.exit_code == 0, built.output
    assert (site.site / "notes" / "readme.txt").is_file()


# --- 3. script in mkdocs.yml's names -------------------------------------------------------

SCRIPT = '"><img src=x onerror=alert(1)>'
CONFIG_CASES = [
    ("script-in-site-name", Edit("site_name: Example Safeguarding Children Partnership\n",
                                 f"site_name: '{SCRIPT}'\n"),
     'mkdocs.yml: site_name: contains " < >, which the theme would print as HTML'),
    ("tag-in-site-description", Edit("site_description: Published", "site_description: <b>Published"),
     "mkdocs.yml: site_description: contains < >"),
    ("control-character-in-site-name", Edit("site_name: Example Safeguarding Children Partnership\n",
                                            'site_name: "Example\\x1b Partnership"\n'),
     "mkdocs.yml: site_name: contains the control character U+001B (ESCAPE)"),
    ("header-in-sender", Edit("sender: safeguarding@example.org", 'sender: "a@b.org\\r\\nBcc: x@example.org"'),
     "mkdocs.yml: plugins.portal.smtp.sender: expected one email address (e.g. reviews@example.org), "
     "got 'a@b.org\\r\\nBcc: x@example.org'"),
    ("two-archive-contacts", Edit("archive_contact: safeguarding@example.org",
                                  'archive_contact: "a@example.org, b@example.org"'),
     "mkdocs.yml: plugins.portal.archive_contact: expected one email address"),
    ("named-nspcc-address", Edit("nspcc_address: information@nspcc.org.uk",
                                 'nspcc_address: "NSPCC <information@nspcc.org.uk>"'),
     "mkdocs.yml: plugins.portal.nspcc_address: expected one email address"),
    ("mailing-list-not-an-address", Edit('mailing_list: ""', "mailing_list: the learning list"),
     "mkdocs.yml: plugins.portal.mailing_list: expected one email address"),
]


@pytest.mark.parametrize("case, edit, expected", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_names_and_addresses_in_mkdocs_yml_are_checked(tmp_path, good_project, case, edit, expected):
    """Promise: nothing in mkdocs.yml that a theme prints unescaped (site_name in the
    logo's aria-label of every page) or that goes into a mail header (From, To) can
    carry HTML, a control character, a line break or a second address."""
    assert_refused(project_with(tmp_path, good_project, {"mkdocs.yml": edit}), expected)


@pytest.mark.parametrize("text, expected", [
    ("reviews@example.org", True), ("first.last+tag@mail.example.co.uk", True),
    ("", False), ("reviews@localhost", False), ("a@b.org\r\nBcc: x@y.org", False),
    ("a@b.org, c@d.org", False), ("Name <a@b.org>", False), ("a b@c.org", False),
    ("a@b.org\n", False), ("a@@b.org", False), ("a@-b.org", False)])
def test_one_email_address(text, expected):
    """Promise: an address is one plain address, nothing before, after or inside it."""
    assert is_email_address(text) is expected


def test_digest_to_must_be_one_address(site):
    """Promise: ``portal digest --to`` is checked as mkdocs.yml's addresses are (bad usage)."""
    result = site.run("digest", "--month", "2026-01", "--to", "a@b.org\r\nBcc: x@y.org")

    assert result.exit_code == 2, result.output
    assert "Invalid value for --to: expected one email address" in result.output


# --- 4. YAML nested until the reader crashes -----------------------------------------------

NESTING_CASES = [
    ("front-matter", {"content/reviews/child-n.md": f"---\ntitle: T\nx: {DEEP}\n---\nBody.\n"},
     "content/reviews/child-n.md: line 3: nested too deeply (more than 20 levels)"),
    ("register", {"embargo/reviews/example-review.yaml": f"x: {DEEP}\n"},
     "embargo/reviews/example-review.yaml: line 1: nested too deeply (more than 20 levels)"),
    ("themes", {"themes.yml": f"- id: neglect\n  label: {DEEP}\n"},
     "themes.yml: line 2: nested too deeply (more than 20 levels)"),
    ("page-outside-items", {"content/notes.md": f"---\nx: {DEEP}\n---\nText.\n"},
     "content/notes.md: line 2: nested too deeply"),
]


@pytest.mark.parametrize("case, files, expected", NESTING_CASES, ids=[c[0] for c in NESTING_CASES])
def test_deeply_nested_yaml_is_refused_without_a_traceback(tmp_path, good_project, case, files, expected):
    """Promise: YAML nested deeper than 20 levels (2,000 brackets ended in a
    RecursionError; 100,000 crash libyaml) is an error naming the file and line."""
    assert_refused(project_with(tmp_path, good_project, files), expected)


def test_nesting_that_would_crash_libyaml_is_refused_at_once():
    """Promise: 100,000 levels (a segmentation fault in libyaml's composer) are refused
    before libyaml builds anything."""
    with pytest.raises(frontmatter.RefusedYaml, match="line 1: nested too deeply"):
        frontmatter.load_yaml("x: " + "[" * 100_000)


NESTED = [
    ("flow pairs", "[a: [b: [c: [d: 1]]]]", 8),
    ("indentless sequences", "a:\n- b:\n  - c:\n    - d: 1\n", 7),
    ("compact sequences", "- - - - - 1\n", 5),
    ("explicit keys", "? a\n: - - b\n", 3),
    ("block mappings", "a:\n  b:\n    c:\n      d: 1\n", 4),
    ("dash at the end", "a:\n-", 2),
    ("twenty-one levels", "x: " + "[" * 20 + "]" * 20, 21),
]


@pytest.mark.parametrize("case, text, depth", NESTED, ids=[c[0] for c in NESTED])
def test_the_quick_depth_bound_is_never_below_the_real_depth(case, text, depth):
    """Promise: the quick check that lets most texts skip the event scan (``most_depth``)
    never says a text is shallower than it is, and the scan measures what YAML builds."""
    import yaml

    assert frontmatter.most_depth(text) >= depth
    measured = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            measured += 1
            deepest = max(deepest, measured)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            measured -= 1
    assert deepest == depth
    if depth > frontmatter.MAX_DEPTH:
        with pytest.raises(frontmatter.RefusedYaml, match="nested too deeply"):
            frontmatter.load_yaml(text)
    else:
        frontmatter.load_yaml(text)


# --- 5. input read wrongly -----------------------------------------------------------------


def test_files_saved_with_a_byte_order_mark_are_read(site):
    """Promise: an item, a register file and the theme file saved with a UTF-8
    byte-order mark (as Windows Notepad may) are read as they read, not refused as
    having no front matter."""
    bom = "\ufeff"
    review = site.review("child-m", title="Canary-Bom-Review")
    review.write_text(bom + review.read_text(encoding="utf-8"), encoding="utf-8")
    register = site.root / "embargo" / "reviews" / "child-m.yaml"
    register.write_text(bom + register.read_text(encoding="utf-8"), encoding="utf-8")
    themes = site.root / "themes.yml"
    themes.write_text(bom + themes.read_text(encoding="utf-8"), encoding="utf-8")

    built = site.build()

    assert built.exit_code == 0, built.output
    assert find_in_site(site.site, "Canary-Bom-Review")


@pytest.mark.parametrize("now", ["0001-01-01", "1999-12-31 23:59", "2101-01-01"])
def test_now_outside_2000_to_2100_is_bad_usage(tmp_path, good_project, now):
    """Promise: ``--now`` in an implausible year (0001-01-01 was shown as "1 January 1,
    00:00 LMT") is refused as bad usage for a build, a preview and ``portal due``, and
    the previous site stays."""
    site = project_with(tmp_path, good_project, {})
    before = fingerprint(site.site)
    for args in (["build", "--now", now], ["build", "--preview", "--now", now], ["due", "--now", now]):
        result = site.run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"Invalid value for --now: '{now}' is in the year" in result.output
        assert "between 2000 and 2100" in result.output
    assert fingerprint(site.site) == before
