"""Bad input: each malformed item or register entry is a clear error naming the file,
``portal check`` exits 1, and ``portal build`` leaves the previous site in place."""

from __future__ import annotations

import shutil

import pytest

from conftest import SKELETON, Edit, Link, Site, fingerprint, write_files

GOOD_REVIEW = """---
title: Child N
status: approved
approved_by: Executive
approved_on: 2026-01-05
publish_at: 2026-01-20
summary: A summary.
themes: [neglect]
review_type: lcspr
reviewer: A. Reviewer
child: Child N
{extra}---

Body.
"""


def review(extra: str = "") -> str:
    return GOOD_REVIEW.format(extra=extra)


# (case id, files to write {path: text or bytes}, expected message fragment)
CASES = [
    ("broken-yaml", {"content/reviews/child-n.md": review().replace("summary: A summary.", 'summary: "unclosed')},
     "content/reviews/child-n.md: front matter is not valid YAML: line"),
    ("no-front-matter", {"content/reviews/child-n.md": "Just a body.\n"},
     "content/reviews/child-n.md: expected YAML front matter"),
    ("wrong-type", {"content/reviews/child-n.md": review().replace("themes: [neglect]", "themes: neglect")},
     "content/reviews/child-n.md: themes: expected a list"),
    ("impossible-date", {"content/reviews/child-n.md": review().replace("publish_at: 2026-01-20", "publish_at: 2026-02-30")},
     "content/reviews/child-n.md: publish_at: 2026-02-30 is not a real date"),
    ("publish-at-in-year-one", {"content/reviews/child-n.md": review().replace("publish_at: 2026-01-20", "publish_at: 0001-01-10")
                                .replace("approved_on: 2026-01-05", "approved_on: 0001-01-05")},
     "content/reviews/child-n.md: publish_at: 0001-01-10 is not a publication date the portal can use"),
    ("publish-at-in-year-9999", {"content/reviews/child-n.md": review().replace("publish_at: 2026-01-20", "publish_at: 9999-12-30")},
     "content/reviews/child-n.md: publish_at: 9999-12-30 is not a publication date the portal can use"),
    ("unknown-status", {"content/reviews/child-n.md": review().replace("status: approved", "status: live")},
     "content/reviews/child-n.md: status: unknown value 'live'"),
    ("unknown-theme", {"content/reviews/child-n.md": review().replace("[neglect]", "[neglectt]")},
     "content/reviews/child-n.md: themes: unknown theme 'neglectt' (did you mean 'neglect'?)"),
    ("pdf-outside-folder", {"content/reviews/child-n.md": review("report: ../secret.pdf\n"), "content/secret.pdf": b"%PDF"},
     "content/reviews/child-n.md: report: '../secret.pdf' leaves the item's folder"),
    ("missing-pdf", {"content/reviews/child-n.md": review("report: child-n.pdf\n")},
     "content/reviews/child-n.md: report: 'child-n.pdf' does not exist"),
    ("unreadable-pdf", {"content/reviews/child-n.md": review("report: child-n.pdf\n"),
                        "content/reviews/child-n.pdf": b"%PDF-1.4 this is not really a PDF"},
     "content/reviews/child-n.md: report: content/reviews/child-n.pdf: the PDF cannot be read"),
    ("duplicate-id", {"content/reviews/child-n.md": review(), "content/reviews/child-n.markdown": review()},
     "content/reviews/child-n.markdown: the id 'reviews/child-n' is already used by content/reviews/child-n.md"),
    ("bad-file-name", {"content/reviews/Child N.md": review()},
     "content/reviews/Child N.md: the file name gives the id 'reviews/Child N'"),
    ("unknown-field", {"content/reviews/child-n.md": review("publish_on: 2026-01-20\n")},
     "content/reviews/child-n.md: publish_on: unknown field (did you mean 'publish_at'?)"),
    ("approved-without-date", {"content/reviews/child-n.md": review().replace("publish_at: 2026-01-20\n", "")},
     "content/reviews/child-n.md: publish_at: required field is missing"),
    ("register-orphan", {"embargo/reviews/child-nn.yaml": "circulation:\n  ofsted: {sent_on: 2026-01-02}\n"},
     "embargo/reviews/child-nn.yaml: register entry for 'reviews/child-nn', but there is no content/reviews/child-nn.md"),
    ("register-bad-date", {"embargo/reviews/example-review.yaml": "circulation:\n  ofsted: {sent_on: 2026-13-02}\n"},
     "embargo/reviews/example-review.yaml: circulation.ofsted.sent_on: 2026-13-02 is not a real date"),
    ("register-broken-yaml", {"embargo/reviews/example-review.yaml": "circulation: [\n"},
     "embargo/reviews/example-review.yaml: not valid YAML"),
    ("unknown-review", {"content/case-studies/example-case-study.md":
                        (SKELETON / "content/case-studies/example-case-study.md").read_text().replace(
                            "review: reviews/example-review", "review: reviews/example-reveiw")},
     "content/case-studies/example-case-study.md: review: no review with id 'reviews/example-reveiw'"),
    ("item-in-wrong-folder", {"content/reviwes/child-n.md": review()},
     "content/reviwes/child-n.md: this looks like a publishable item but is not directly in one of"),
    ("not-utf8", {"content/reviews/child-n.md": review().encode("utf-16")},
     "content/reviews/child-n.md: the file is not UTF-8 text"),
    ("legal-hold-type", {"content/reviews/child-n.md": review("legal_hold: yes please\n")},
     "content/reviews/child-n.md: legal_hold: expected {reason: ..., until: YYYY-MM-DD}"),
    ("bad-theme-file", {"themes.yml": "- id: Neglect Case\n"},
     "themes.yml: entry 1: theme id 'Neglect Case' must be lower-case words joined by hyphens"),
]


# A "billion laughs": 486 bytes of nested aliases that expand to gigabytes.
ALIAS_BOMB = "lol: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=False)) + "x" * 138 + ": 1\n"
LEDGER = "published\treviews/example-review\t{when}\tsha256:0\tExample\n"
SETTINGS = "      closure_days: []\n"

# Promise: content that would route around the gate or be read wrongly (issue 15) is an
# error naming the file and what is wrong, never a traceback, and nothing is published.
CASES += [
    ("symlink-out-of-the-project", {"content/passwd.txt": Link("/etc/passwd")},
     "content/passwd.txt: a symbolic link: the portal never publishes links (they can point outside "
     "the project); copy the file in instead"),
    ("symlinked-folder-of-drafts", {"drafts/child-d.md": review().replace("approved", "draft", 1),
                                    "content/reviews/more": Link("../../drafts")},
     "content/reviews/more: a symbolic link: the portal never publishes links"),
    ("dangling-symlink", {"content/reviews/gone.md": Link("/nonexistent/gone.md")},
     "content/reviews/gone.md: a symbolic link"),
    ("duplicate-key", {"content/reviews/child-n.md": review("publish_at: 2099-01-01\n")},
     "content/reviews/child-n.md: line 12: the key 'publish_at' is given twice (lines 6 and 12): keep one"),
    ("duplicate-key-in-register", {"embargo/reviews/example-review.yaml":
                                   "circulation:\n  ofsted: {sent_on: 2026-01-02}\n  ofsted: {sent_on: 2026-01-03}\n"},
     "embargo/reviews/example-review.yaml: line 3: the key 'ofsted' is given twice (lines 2 and 3)"),
    ("duplicate-key-in-themes", {"themes.yml": "- id: neglect\n  label: Neglect\n  label: Other\n"},
     "themes.yml: line 3: the key 'label' is given twice (lines 2 and 3)"),
    ("alias-bomb-in-front-matter", {"content/reviews/child-n.md": "---\n" + ALIAS_BOMB + "---\n\nBody.\n"},
     "content/reviews/child-n.md: line 2: YAML anchors and aliases are not allowed"),
    ("alias-bomb-in-register", {"embargo/reviews/example-review.yaml": ALIAS_BOMB},
     "embargo/reviews/example-review.yaml: line 1: YAML anchors and aliases are not allowed"),
    ("alias-bomb-in-themes", {"themes.yml": ALIAS_BOMB},
     "themes.yml: line 1: YAML anchors and aliases are not allowed"),
    ("register-not-utf8", {"embargo/reviews/example-review.yaml":
                           "circulation:\n  ofsted: {sent_on: 2026-01-02, reference: Caf\xe9}\n".encode("latin-1")},
     "embargo/reviews/example-review.yaml: line 2: not UTF-8 text: save it as UTF-8"),
    ("ledger-not-utf8", {"embargo/ledger": LEDGER.format(when="2026-01-20T00:01:00+00:00").replace(
        "Example", "Caf\xe9").encode("latin-1")},
     "embargo/ledger: line 1: not UTF-8 text: save it as UTF-8"),
    ("themes-not-utf8", {"themes.yml": "- id: neglect\n  label: N\xe9glect\n".encode("latin-1")},
     "themes.yml: line 2: not UTF-8 text: save it as UTF-8"),
    ("ledger-time-without-offset", {"embargo/ledger": LEDGER.format(when="2026-10-13T00:01:00")},
     "embargo/ledger: line 1: the time '2026-10-13T00:01:00' has no UTC offset"),
    ("closure-day-that-does-not-exist", {"mkdocs.yml": Edit(SETTINGS, "      closure_days: [2026-12-32]\n")},
     "mkdocs.yml: plugins.portal.closure_days: line "),
    ("closure-days-not-a-list", {"mkdocs.yml": Edit(SETTINGS, "      closure_days: 5\n")},
     "mkdocs.yml: plugins.portal.closure_days: expected a list of dates"),
    ("timezone-not-text", {"mkdocs.yml": Edit("      timezone: Europe/London\n", "      timezone: 5\n")},
     "mkdocs.yml: plugins.portal.timezone: expected text"),
    ("script-as-support-link", {"mkdocs.yml": Edit("      support_url: support/\n",
                                                   '      support_url: "javascript:alert(1)"\n')},
     "mkdocs.yml: plugins.portal.support_url: expected a path on the site (e.g. support/) or an https:// address, "
     "got 'javascript:alert(1)'"),
    ("witness-not-a-web-address", {"mkdocs.yml": Edit('      witness_url: ""\n', '      witness_url: "file:///etc/passwd"\n')},
     "mkdocs.yml: plugins.portal.witness_url: expected an https:// address"),
    ("publication-time-not-a-time", {"mkdocs.yml": Edit('      publication_time: "00:01"\n',
                                                        '      publication_time: "25:00"\n')},
     "mkdocs.yml: plugins.portal.publication_time: 25:00 is not a real time of day"),
    ("negative-count", {"mkdocs.yml": Edit("      nspcc_due_working_days: 10\n", "      nspcc_due_working_days: -3\n")},
     "mkdocs.yml: plugins.portal.nspcc_due_working_days: expected a whole number, 0 or more, got -3"),
    ("control-character-in-title", {"content/reviews/child-n.md": review().replace("title: Child N", 'title: "Child\\x07N"')},
     "content/reviews/child-n.md: title: contains the control character U+0007 (BELL): delete it"),
    ("newline-in-title", {"content/reviews/child-n.md": review().replace("title: Child N", 'title: "Child N\\nBcc: x@y.z"')},
     "content/reviews/child-n.md: title: runs over more than one line"),
    ("bidi-override-in-title", {"content/reviews/child-n.md": review().replace("title: Child N", "title: Child \u202eN")},
     "content/reviews/child-n.md: title: contains U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character"),
    ("bidi-isolate-in-summary", {"content/reviews/child-n.md": review().replace("A summary.", "A \u2067summary.")},
     "content/reviews/child-n.md: summary: contains U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("mark-in-child", {"content/reviews/child-n.md": review().replace("child: Child N", "child: Child\u200fN")},
     "content/reviews/child-n.md: child: contains U+200F RIGHT-TO-LEFT MARK"),
    ("arabic-mark-in-reviewer", {"content/reviews/child-n.md": review().replace("A. Reviewer", "A.\u061cReviewer")},
     "content/reviews/child-n.md: reviewer: contains U+061C ARABIC LETTER MARK"),
    ("control-character-in-summary", {"content/reviews/child-n.md": review().replace("A summary.", '"A\\x1bsummary."')},
     "content/reviews/child-n.md: summary: contains the control character U+001B (ESCAPE)"),
    ("control-character-in-body", {"content/reviews/child-n.md": review().replace("Body.", "Bo\x0cdy.")},
     "content/reviews/child-n.md: body: line 14: contains the control character U+000C (FORM FEED)"),
    ("bidi-in-theme-label", {"themes.yml": "- id: neglect\n  label: Neg\u202elect\n"},
     "themes.yml: entry 1: label: contains U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("control-character-in-theme-description", {"themes.yml": "- id: neglect\n  description: \"a\\x00b\"\n"},
     "themes.yml: entry 1: description: contains the control character U+0000 (NULL)"),
    ("unknown-circulation-rule", {"embargo/reviews/example-review.yaml":
                                  "circulation:\n  natinal-panel: {sent_on: 2026-01-06}\n  ofsted: {sent_on: 2026-01-06}\n"
                                  "  dfe: {sent_on: 2026-01-06}\n"},
     "embargo/reviews/example-review.yaml: circulation.natinal-panel: no circulation rule 'natinal-panel' "
     "(the rules are national-panel, ofsted, dfe; did you mean 'national-panel'?)"),
    ("bidi-in-withdrawal-reason", {"embargo/reviews/example-review.yaml":
                                   "withdrawal:\n  on: 2026-11-19\n  reason_public: \"Removed \u202eredro truoc\"\n"
                                   "  authorised_by: Independent Scrutineer\n"},
     "embargo/reviews/example-review.yaml: withdrawal.reason_public: contains U+202E"),
    ("newline-in-withdrawal-authority", {"embargo/reviews/example-review.yaml":
                                         "withdrawal:\n  on: 2026-11-19\n  reason_public: Removed.\n"
                                         "  authorised_by: \"Scrutineer\\nBcc: x@example.org\"\n"},
     "embargo/reviews/example-review.yaml: withdrawal.authorised_by: runs over more than one line"),
    ("unclosed-comment", {"content/reviews/child-n.md": review().replace("Body.", "Body. <!-- editor note")},
     "content/reviews/child-n.md: body: line 14: an HTML comment '<!--' is never closed with '-->'"),
]



@pytest.mark.parametrize("case, files, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_error_and_keeps_the_previous_site(tmp_path, good_project, case, files, expected):
    root = tmp_path / "project"
    shutil.copytree(good_project, root)
    site = Site(root)
    before = fingerprint(site.site)
    write_files(root, files)

    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert expected in checked.stderr, checked.stderr

    built = site.build()
    assert built.exit_code == 1, built.output
    assert expected in built.stderr
    assert fingerprint(site.site) == before


def test_there_are_at_least_fifteen_cases():
    assert len(CASES) >= 15
