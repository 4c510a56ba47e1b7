"""WCAG 2.2 AA: axe-core (from npm) injected by Playwright into every page type of the
example site in real headless Chromium; zero violations. Plus what axe cannot see:
a skip link, visible focus, and status never shown by colour alone."""

from __future__ import annotations

import pytest

from conftest import REPO

pytestmark = pytest.mark.browser
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = {
    "home": "",
    "reviews listing": "reviews/",
    "review with PDF": "reviews/child-t/",
    "withheld review": "reviews/young-person-j/",
    "withdrawn notice": "reviews/child-f/",
    "archived notice": "reviews/child-k/",
    "archive": "archive/",
    "case study": "case-studies/seeing-the-baby-in-parental-treatment/",
    "case studies listing": "case-studies/",
    "seven-minute briefing": "briefings/seven-minute-hidden-harm-babies/",
    "newsletter": "briefings/newsletter-autumn-2026/",
    "progress": "progress/child-m/",
    "dashboard": "progress/",
    "themes": "themes/",
    "theme": "themes/neglect/",
    "search with results": "search/?q=neglect",
    "about": "about/",
    "accessibility statement": "accessibility/",
    "support": "support/",
    "not found": "no-such-page/",
}


def run_axe(page):
    assert AXE.is_file(), "npm ci installs axe-core (tools/run-tests.sh does it)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("width", [1280, 390])
def test_no_axe_violations(page, served, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(served + PAGES[name])
    if name == "search with results":
        page.wait_for_selector(".pagefind-ui__result-link")
        page.wait_for_timeout(300)
    result = run_axe(page)
    violations = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                  for v in result["violations"]]
    assert violations == []


def test_there_is_a_skip_link_and_focus_is_visible(page, served):
    page.goto(served + "reviews/child-t/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused[0].lower().startswith("skip to content")
    assert page.evaluate("getComputedStyle(document.activeElement).visibility") == "visible"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style = page.evaluate("getComputedStyle(document.activeElement)")
    assert style["backgroundColor"] == "rgb(255, 221, 0)" or style["outlineStyle"] != "none"


def test_rag_status_is_never_colour_alone(page, served):
    page.goto(served + "progress/child-m/")
    badges = page.locator(".portal-rag").all_inner_texts()
    assert badges and all(text.strip() for text in badges)
    chart = page.locator("svg.portal-chart").first
    assert chart.get_attribute("role") == "img"
    assert page.locator("svg.portal-chart title").first.text_content().startswith("Actions by RAG status")
