"""Bad input: each malformed item or register entry is a clear error naming the file,
``portal check`` exits 1, and ``portal build`` leaves the previous site in place."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from conftest import SKELETON, Site

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


@pytest.fixture(scope="module")
def good_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("good") / "project"
    shutil.copytree(SKELETON, root)
    result = Site(root).build()
    assert result.exit_code == 0, result.output
    return root


def fingerprint(directory):
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case, files, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_error_and_keeps_the_previous_site(tmp_path, good_project, case, files, expected):
    root = tmp_path / "project"
    shutil.copytree(good_project, root)
    site = Site(root)
    before = fingerprint(site.site)
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")

    checked = site.check()
    assert checked.exit_code == 1, checked.output
    assert expected in checked.stderr, checked.stderr

    built = site.build()
    assert built.exit_code == 1, built.output
    assert expected in built.stderr
    assert fingerprint(site.site) == before


def test_there_are_at_least_fifteen_cases():
    assert len(CASES) >= 15
