"""Canary tests: what is not live leaves no trace in any byte of the built site.

Unique strings are planted in the title, summary, body, themes, file name and attachment
of a draft, a future-dated and a legal-hold review (and in items that depend on them);
the site is built and every file, decompressed where compressed (sitemap.xml.gz,
Pagefind's index and fragments), is searched. A live item planted the same way must be
found everywhere it should be, so the search is known to work.
"""

from __future__ import annotations

import pytest

from conftest import find_in_site
from pdfs import make_pdf

HIDDEN = {
    "draft": dict(status="draft"),
    "future": dict(publish_at="2026-12-24 09:30"),
    "hold": dict(legal_hold={"reason": "Inquest pending"}),
}


def plant(site, key: str, **overrides) -> dict[str, str]:
    """A review whose every field carries canaries; returns them by where they are."""
    c = {part: f"zq{key}{part}canary" for part in
         ("slug", "title", "summary", "body", "theme", "themelabel", "pdfname", "pdftext",
          "child", "reviewer", "casestudy", "progress", "briefing")}
    themes = site.root / "themes.yml"
    themes.write_text(themes.read_text() + f"\n- id: {c['theme']}\n  label: Label {c['themelabel']}\n")
    make_pdf(site.root / "content" / "reviews" / f"{c['pdfname']}.pdf", f"PDF {c['pdftext']}")
    site.review(
        c["slug"], body=f"## Findings\n\nText {c['body']}.",
        title=f"Child Q {c['title']}", summary=f"Summary {c['summary']}.",
        themes=[c["theme"]], child=f"Child {c['child']}", reviewer=f"Dr {c['reviewer']}",
        report=f"{c['pdfname']}.pdf", **overrides)
    site.item(f"progress/{c['progress']}.md", "## Actions taken\n\nSome.",
              title=f"Progress {c['progress']}", status="approved", approved_by="E",
              approved_on="2026-01-01", publish_at="2026-01-20", summary="Progress.",
              review=f"reviews/{c['slug']}",
              actions=[{"id": "1", "recommendation": "r", "action": "a", "lead": "Police",
                        "due": "2026-06-30", "status": "complete", "evidence": "e"}])
    # Live items that point at the hidden review must not reveal it.
    site.item(f"case-studies/{key}-study.md", "An account.",
              title=f"Case study from {key}", status="approved", approved_by="E",
              approved_on="2026-01-01", publish_at="2026-01-20", summary="A study.",
              themes=["neglect"], review=f"reviews/{c['slug']}", learning_points=["x"],
              questions=["Why?"])
    site.item(f"briefings/{key}-briefing.md",
              f"See [the other review](../reviews/{c['slug']}.md) and "
              f"[its page](/reviews/{c['slug']}/).",
              title=f"Briefing {key}", status="approved", approved_by="E",
              approved_on="2026-01-01", publish_at="2026-01-20", summary="A briefing.",
              themes=["neglect"], briefing_type="practitioner", review=f"reviews/{c['slug']}")
    return c


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import SKELETON, Site
    import shutil

    root = tmp_path_factory.mktemp("canary") / "project"
    shutil.copytree(SKELETON, root)
    site = Site(root)
    planted = {key: plant(site, key, **overrides) for key, overrides in HIDDEN.items()}
    live = plant(site, "live")
    result = site.build()
    assert result.exit_code == 0, result.output
    return site, planted, live, result


@pytest.mark.parametrize("key", sorted(HIDDEN))
def test_a_non_live_item_leaves_no_trace(built, key):
    site, planted, _, _ = built
    leaks = {where: find_in_site(site.site, canary)
             for where, canary in planted[key].items()}
    assert {where: hits for where, hits in leaks.items() if hits} == {}


def test_the_search_finds_a_live_canary_everywhere_it_belongs(built):
    site, _, live, _ = built
    title_hits = find_in_site(site.site, live["title"])
    for expected in ("index.html", "reviews/index.html", "feed.xml", "atom.xml",
                     "api/publications.json", f"reviews/{live['slug']}/index.html"):
        assert expected in title_hits
    assert any(hit.startswith("pagefind/fragment/") for hit in find_in_site(site.site, live["body"]))
    assert any(hit.startswith("pagefind/fragment/") for hit in find_in_site(site.site, live["pdftext"]))
    assert f"reviews/{live['pdfname']}.pdf" in find_in_site(site.site, live["pdfname"])
    assert any("sitemap.xml.gz" == hit for hit in find_in_site(site.site, live["slug"]))
    assert f"themes/{live['theme']}/index.html" in find_in_site(site.site, live["themelabel"])
    assert f"progress/{live['progress']}/index.html" in find_in_site(site.site, live["progress"])


def test_links_to_hidden_items_are_removed_and_warned(built):
    site, planted, _, result = built
    page = (site.site / "briefings" / "future-briefing" / "index.html").read_text()
    assert "See the other review and its page." in page
    assert f"briefings/future-briefing.md: links to 'reviews/{planted['future']['slug']}', which is not live" in result.output


def test_a_case_study_of_a_hidden_review_names_no_source(built):
    site, _, live, _ = built
    hidden_page = (site.site / "case-studies" / "hold-study" / "index.html").read_text()
    assert "Source review" not in hidden_page
    live_page = (site.site / "case-studies" / "live-study" / "index.html").read_text()
    assert "Source review" in live_page and live["title"] in live_page


def test_a_nav_entry_for_a_hidden_item_is_left_out(site):
    site.review("zqnavslugcanary", publish_at="2026-12-24", title="Nav canary")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - About: about.md", "  - About: about.md\n  - Zqnavtitlecanary: reviews/zqnavslugcanary.md"))
    result = site.build()
    assert result.exit_code == 0, result.output
    assert "nav: 'reviews/zqnavslugcanary.md' is not live" in result.output
    assert find_in_site(site.site, "zqnavslugcanary") == []
    assert find_in_site(site.site, "zqnavtitlecanary") == []
