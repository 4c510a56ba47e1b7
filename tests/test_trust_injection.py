"""Injection: the worst text in every field that reaches HTML, XML, JSON, CSV or ICS.

Promise: whatever an author types into a title, summary, theme label, child, reviewer,
learning point, question, action, change note or public withdrawal reason is shown as
that text, and only as text: it never runs as HTML or script, never becomes markup,
Jinja, YAML front matter, an XML element, a JSON key, a spreadsheet formula or a
calendar property, and never stops the build.

Each worst input is put into every such field of one small site, built twice (the
second build withdraws a review published by the first), and every output is read back
with a real parser.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import pytest
import yaml
from icalendar import Calendar

from conftest import SKELETON, Site

SITE_NAME = "Example Safeguarding Children Partnership"
ATOM = "{http://www.w3.org/2005/Atom}"

WORST = {
    "close-title-open-script": "</title><script>alert(1)</script>",
    "break-attribute": '"><img src=x onerror=alert(1)>',
    "jinja-expression": "{{ config }}",
    "jinja-statement": "{% raw %}",
    "close-cdata": "]]></title><x>",
    "outside-the-bmp": "😀 Child 𝔸",
    "already-escaped": "&amp; &lt;b&gt;",
    "front-matter": "---\ntitle: x",
    "javascript-url": "javascript:alert(1)",
    "very-long": "Long " + "x" * 10_000,
}


def yaml_text(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10**9, default_style='"').strip()


def make_site(root: Path, text: str) -> Site:
    """A site whose every author-written field holds ``text``; built, then a review withdrawn.

    One-line fields (titles, names, labels) get ``text`` with its line breaks as spaces:
    validation refuses a line break there (tests/test_bad_input.py), so it never reaches
    an output."""
    shutil.copytree(SKELETON, root)
    site = Site(root)
    line = text.replace("\n", " ")
    themes = yaml.safe_load((root / "themes.yml").read_text())
    themes[0].update(label=line, description=text)  # neglect
    (root / "themes.yml").write_text(yaml.safe_dump(themes, allow_unicode=True), encoding="utf-8")
    site.review("child-x", title=line, summary=text, child=line, reviewer=line,
                learning_points=[text], recommendations=[text],
                changes=[{"on": "2026-02-01", "note": text}])
    site.review("child-w", title=line, summary=text, child=line,
                publish_at="2026-06-02", approved_on="2026-05-01")
    site.review("old", title=line, summary=text, child=line, archived=True,
                publish_at="2025-03-04", approved_on="2025-02-01")
    site.item("case-studies/cs-x.md", title=line, status="approved", approved_by="E",
              approved_on="2026-01-05", publish_at="2026-01-20", summary=text,
              themes=["neglect"], review="reviews/child-x", audience=line,
              learning_points=[text], questions=[text])
    site.item("progress/child-x.md", title=line, status="approved", approved_by="E",
              approved_on="2026-01-05", publish_at="2026-01-20", summary=text,
              review="reviews/child-x",
              actions=[{"id": "A-1", "recommendation": text, "action": text, "lead": line,
                        "due": "2026-03-01", "status": "in-progress", "evidence": text,
                        "impact": text, "updated": "2026-02-01"}])
    result = site.build()
    assert result.exit_code == 0, result.output
    site.register("reviews/child-w", f"""
        circulation:
          national-panel: {{sent_on: 2025-01-02}}
          ofsted: {{sent_on: 2025-01-02}}
          dfe: {{sent_on: 2025-01-02}}
        withdrawal:
          on: 2026-11-18
          reason_public: {yaml_text(text)}
          authorised_by: Independent Scrutineer
        """)
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="module", params=list(WORST), ids=list(WORST))
def worst(request, tmp_path_factory):
    text = WORST[request.param]
    site = make_site(tmp_path_factory.mktemp(request.param) / "project", text)
    return SimpleNamespace(text=text, line=text.replace("\n", " "), site=site, out=site.site)


def norm(text: str) -> str:
    return " ".join(text.split())


def page(out: Path, path: str):
    return lxml.html.fromstring((out / path).read_bytes())


def texts(tree, xpath: str) -> list[str]:
    return [norm(e.text_content()) for e in tree.xpath(xpath)]


# --- HTML ---------------------------------------------------------------------------------

# (page, XPath of an element, what its text must be: {} is the worst input)
SHOWN_AS_TEXT = [
    ("reviews/child-x/index.html", "//title", "{} - " + SITE_NAME),
    ("reviews/child-x/index.html", "//article//h1", "{}"),
    ("reviews/child-x/index.html", "//div[dt='Child']/dd", "{}"),
    ("reviews/child-x/index.html", "//div[dt='Reviewer']/dd", "{}"),
    ("reviews/child-x/index.html", "//p[@class='portal-lead']", "{}"),
    ("reviews/child-x/index.html", "//section[@aria-labelledby='learning-heading']//li", "{}"),
    ("reviews/child-x/index.html", "//section[@aria-labelledby='recs-heading']//li", "{}"),
    ("reviews/child-x/index.html", "//section[contains(@class, 'portal-changes')]//dd[1]", "{}"),
    ("reviews/child-x/index.html", "//dd[contains(@class, 'portal-panel__themes')]/a[1]", "{}"),
    ("reviews/child-x/index.html", "//section[contains(@class, 'portal-related')]//li/a", "{}"),
    ("themes/neglect/index.html", "//title", "{} - " + SITE_NAME),
    ("themes/neglect/index.html", "//article//h1 | //div[@class='md-content']//h1", "{}"),
    ("themes/neglect/index.html", "//p[@class='portal-lead']", "{}"),
    ("themes/index.html", "//ul[@class='portal-theme-grid']/li[1]/a", "{}"),
    ("themes/index.html", "//ul[@class='portal-theme-grid']/li[1]/p", "{}"),
    ("reviews/index.html", "//h3[@class='portal-card__title']/a", "{}"),
    ("reviews/index.html", "//p[@class='portal-card__summary']", "{}"),
    ("reviews/index.html", "//select[@id='filter-theme']/option[2]", "{}"),
    ("case-studies/cs-x/index.html", "//title", "{} - " + SITE_NAME),
    ("case-studies/cs-x/index.html", "//article//h1", "{}"),
    ("case-studies/cs-x/index.html", "//div[dt='For']/dd", "{}"),
    ("case-studies/cs-x/index.html", "//section[@aria-labelledby='learning-heading']//li", "{}"),
    ("case-studies/cs-x/index.html", "//section[@aria-labelledby='questions-heading']//li", "{}"),
    ("progress/child-x/index.html", "//title", "{} - " + SITE_NAME),
    ("progress/child-x/index.html", "//table[contains(@class, 'portal-actions')]//td[2]", "{}"),
    ("progress/child-x/index.html", "//table[contains(@class, 'portal-actions')]//td[1]/p[1]",
     "Recommendation: {}"),
    ("progress/child-x/index.html", "//table[contains(@class, 'portal-actions')]//td[1]/p[2]",
     "Evidence: {}"),
    ("progress/child-x/index.html", "//table[contains(@class, 'portal-actions')]//td[1]/p[3]",
     "Impact: {}"),
    ("progress/index.html", "//h3[@class='portal-card__title']/a", "{}"),
    ("progress/index.html", "//section[@aria-labelledby='overdue']/h3", "{} (1 overdue)"),
    ("reviews/child-w/index.html", "//title", "{} - " + SITE_NAME),
    ("reviews/child-w/index.html", "//article//h1", "{}"),
    ("reviews/child-w/index.html", "//div[@class='portal-withdrawn']/p[2]", "{}"),
    ("reviews/old/index.html", "//title", "{} - " + SITE_NAME),
    ("reviews/old/index.html", "//article//h1", "{}"),
    ("reviews/old/index.html", "//div[dt='Child']/dd", "{}"),
    ("reviews/old/index.html", "//p[@class='portal-lead']", "{}"),
    ("archive/index.html", "//h2[@class='portal-card__title']/a", "{}"),
]


def test_every_field_is_shown_as_its_own_text(worst):
    """Promise: each field shows exactly the text typed, neither escaped twice nor read as
    markup, in the page title, headings, panels, lists, tables and listings."""
    expected_text = norm(worst.text)
    failures = []
    for path, xpath, form in SHOWN_AS_TEXT:
        found = texts(page(worst.out, path), xpath)
        expected = form.format(expected_text)
        if expected not in found:
            failures.append(f"{path} {xpath}: expected {expected[:80]!r}, found {[f[:80] for f in found]}")
    assert failures == []


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if not p.name.startswith("pagefind"))


def injected(tree) -> list[str]:
    """What in a parsed page could only have come from an author's text read as HTML."""
    problems = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "x" or (element.tag == "img" and element.get("src") == "x"):
            problems.append(f"<{element.tag}> element")
        if element.tag == "script" and "alert" in (element.text or "") + (element.get("src") or ""):
            problems.append("<script> with the injected code")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{name}= attribute on <{element.tag}>")
            if name in ("href", "src", "action") and value.strip().lower().startswith("javascript:"):
                problems.append(f"{name}={value!r} on <{element.tag}>")
    return problems


def test_no_page_runs_injected_html(worst):
    """Promise: no author's text becomes an element, an event handler, a script or a
    javascript: link on any page of the site."""
    found = {str(p.relative_to(worst.out)): injected(lxml.html.fromstring(p.read_bytes()))
             for p in html_pages(worst.out)}
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_generated_pages_never_show_their_front_matter(worst):
    """Promise: the pages the portal makes itself (theme pages, notices of withdrawn and
    archived reports, listings) keep their settings out of the page: a title that YAML
    cannot hold never turns the front matter into visible text."""
    for path in ("themes/neglect/index.html", "reviews/child-w/index.html",
                 "reviews/old/index.html", "themes/index.html", "reviews/index.html"):
        tree = page(worst.out, path)
        body = norm(" ".join(texts(tree, "//body")))
        assert "template:" not in body and "portal/" not in body, path
    notice = page(worst.out, "reviews/child-w/index.html")
    assert texts(notice, "//p[@class='portal-withdrawn__title']") == [
        "This review was withdrawn on 18 November 2026"]
    theme = page(worst.out, "themes/neglect/index.html")
    assert theme.xpath("//h2[@id='reviews']"), "the theme page lists its reviews"


def test_material_navigation_shows_titles_as_text(tmp_path):
    """Promise: without an explicit nav, Material lists every page in its navigation,
    tabs and footer links, printing titles unescaped; the titles the portal gives pages
    are escaped once, so none of them runs there either."""
    text = WORST["close-title-open-script"] + " 😀"
    site = make_site(tmp_path / "project", text)
    config = site.root / "mkdocs.yml"
    settings = config.read_text().split("\nnav:\n", 1)
    settings[1] = settings[1].split("\n\n", 1)[1]
    config.write_text("\n".join(settings).replace(
        "    - navigation.tabs\n", "    - navigation.tabs\n    - navigation.footer\n"))
    assert site.build().exit_code == 0
    theme = page(site.site, "themes/neglect/index.html")
    assert norm(text) in texts(theme, "//nav[contains(@class, 'md-nav')]//a")
    found = {str(p.relative_to(site.site)): injected(lxml.html.fromstring(p.read_bytes()))
             for p in html_pages(site.site)}
    assert {path: problems for path, problems in found.items() if problems} == {}


@pytest.mark.parametrize("value", ["neglect", "null", "yes", "1e3", "é-ü", "---", "a\n---\nb",
                                   "😀 𝔸", "key: value", "\u2028", "'\""])
def test_generated_front_matter_reads_back_exactly_as_mkdocs_reads_it(value):
    """Promise: the front matter of a generated page reads back, with MkDocs' own reader,
    as exactly the settings written, and leaves the page's body empty."""
    from mkdocs.utils.meta import get_data

    from portal.site import front_matter

    body, meta = get_data(front_matter(template="portal/theme.html", theme=value))
    assert meta == {"template": "portal/theme.html", "theme": value}
    assert body.strip() == ""


def test_json_inside_pages_cannot_close_its_script(worst):
    """Promise: any JSON (or script) embedded in a page never holds '</', which would end
    the script element early."""
    for path in html_pages(worst.out):
        for script in lxml.html.fromstring(path.read_bytes()).iter("script"):
            assert "</" not in (script.text or ""), path


# --- XML ----------------------------------------------------------------------------------

FEEDS = ["feed.xml", "atom.xml"] + [f"{kind}/{name}" for kind in
                                    ("reviews", "case-studies", "briefings", "progress")
                                    for name in ("feed.xml", "atom.xml")]


def test_feeds_and_sitemap_parse_and_hold_the_text(worst):
    """Promise: every feed and the sitemap are well-formed XML whatever the titles and
    summaries hold, and each title and summary reads back as exactly what was typed."""
    for name in FEEDS + ["sitemap.xml"]:
        ET.fromstring((worst.out / name).read_bytes())
    rss = ET.fromstring((worst.out / "feed.xml").read_bytes())
    items = {i.findtext("guid"): i for i in rss.findall("./channel/item")}
    review = items["https://reviews.example.org/reviews/child-x/"]
    assert review.findtext("title") == worst.line
    assert review.findtext("description") == worst.text
    withdrawn = items["https://reviews.example.org/reviews/child-w/"]
    assert withdrawn.findtext("title") == f"Withdrawn: {worst.line}"
    assert withdrawn.findtext("description").endswith(worst.text)
    atom = ET.fromstring((worst.out / "atom.xml").read_bytes())
    entries = {e.findtext(f"{ATOM}id"): e for e in atom.findall(f"{ATOM}entry")}
    entry = entries["https://reviews.example.org/case-studies/cs-x/"]
    assert entry.findtext(f"{ATOM}title") == worst.line
    assert entry.findtext(f"{ATOM}content") == worst.text  # type text, the default


# --- JSON and CSV -------------------------------------------------------------------------


def test_json_outputs_round_trip_exactly(worst):
    """Promise: the open data holds each field exactly as typed (json.loads gives it back)."""
    text, line = worst.text, worst.line
    publications = json.loads((worst.out / "api/publications.json").read_text(encoding="utf-8"))
    record = next(r for r in publications["publications"] if r["id"] == "reviews/child-x")
    assert (record["title"], record["summary"], record["child"], record["reviewers"],
            record["changes"][0]["note"]) == (line, text, line, [line], text)
    studies = json.loads((worst.out / "api/case-studies.json").read_text(encoding="utf-8"))
    study = next(s for s in studies["case_studies"] if s["id"] == "case-studies/cs-x")
    assert (study["title"], study["learning_points"], study["questions"], study["audience"]) == (
        line, [text], [text], [line])
    progress = json.loads((worst.out / "progress/child-x.json").read_text(encoding="utf-8"))
    action = progress["actions"][0]
    assert progress["title"] == line
    assert [action[k] for k in ("recommendation", "action", "lead", "evidence", "impact")] == [
        text, text, line, text, text]


def test_progress_csv_round_trips_and_never_starts_a_formula(worst):
    """Promise: the progress CSV reads back field for field, and a field a spreadsheet
    would run as a formula (=, +, -, @ first) is prefixed with an apostrophe."""
    rows = list(csv.DictReader(io.StringIO(
        (worst.out / "progress/child-x.csv").read_text(encoding="utf-8"))))
    def cell(text: str) -> str:
        return "'" + text if text[0] in "=+-@" else text

    assert [rows[0][k] for k in ("recommendation", "action", "lead", "evidence", "impact")] == [
        cell(worst.text), cell(worst.text), cell(worst.line), cell(worst.text), cell(worst.text)]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1", "Ordinary text", "Sum = 3"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(text):
    """Promise: no CSV cell the portal writes starts with a character that makes a
    spreadsheet read it as a formula; other cells are as typed."""
    from portal.progress_view import csv_cell

    risky = text[0] in "=+-@\t\r"
    assert csv_cell(text) == ("'" + text if risky else text)


# --- XML text: characters XML 1.0 cannot hold ----------------------------------------------


def test_characters_xml_cannot_hold_never_crash_the_build_or_break_a_feed(site):
    """Promise: a title holding a control character (a bell, an escape sequence pasted
    from a terminal, U+FFFE) either stops the build with a clear message naming the file
    and field, or is left out of the feeds; never a traceback or malformed XML."""
    site.review("child-c", title="Bell\x07 and\x0b tab\x1b[31m red \ufffe end",
                summary="Summary\x01 of child-c.", publish_at="2026-01-20")
    result = site.build()
    if result.exit_code != 0:
        assert "Traceback" not in result.output
        assert "content/reviews/child-c.md: title:" in result.output
        return
    for name in FEEDS:
        ET.fromstring((site.site / name).read_bytes())
    rss = ET.fromstring((site.site / "feed.xml").read_bytes())
    titles = [i.findtext("title") for i in rss.findall("./channel/item")]
    assert "Bell and tab[31m red  end" in titles


@pytest.mark.parametrize("raw, clean", [
    ("plain", "plain"), ("tab\tline\nreturn\r", "tab\tline\nreturn\r"),
    ("nul\x00bell\x07vt\x0bff\x0cesc\x1b", "nulbellvtffesc"), ("del\x7fc1\x85\x9f", "delc1"),
    ("\ufffe\uffff\ud800", ""), ("😀 𝔸 é", "😀 𝔸 é"),
])
def test_plain_text_keeps_every_character_a_reader_can_see(raw, clean):
    """Promise: the one function that prepares text for XML and iCalendar removes control
    characters, non-characters and lone surrogates, and nothing else."""
    from portal.outputs import plain_text

    assert plain_text(raw) == clean


# --- ICS ----------------------------------------------------------------------------------

ICS_TITLES = [
    "Line one\nATTENDEE:mailto:evil@example.org\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected",
    "Commas, semicolons; backslashes \\ and \\n",
    "😀 Child 𝔸 " + "é" * 200,
    "Bell\x07 escape\x1b[0m",
]


def ics_rows(titles):
    tz = timezone.utc
    when = datetime(2026, 12, 8, 9, 30, tzinfo=tz)
    rule = SimpleNamespace(id="ofsted", recipient="Ofsted; Inspectorate\nATTENDEE:x",
                           addresses=("a@example.org",), working_days=7)
    return [SimpleNamespace(
        item=SimpleNamespace(id=f"reviews/child-{n}", title=title, publish_at=when),
        status="approved, under embargo",
        deadlines=[SimpleNamespace(state=None, rule=rule, latest_send_date=(when - timedelta(days=9)).date())])
        for n, title in enumerate(titles)]


def test_calendar_text_round_trips_and_injects_no_property(tmp_path):
    """Promise: the schedule's calendar parses with icalendar, every SUMMARY and
    DESCRIPTION reads back as the title typed (control characters left out), no title
    adds a property or an event, and every line is folded at 75 octets."""
    from portal.calendar_file import write_ics
    from portal.outputs import plain_text

    target = tmp_path / "schedule.ics"
    write_ics(ics_rows(ICS_TITLES), target, timezone.utc, "Site; name,\nX-INJECTED:1")
    data = target.read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert not any(0 < b < 32 and b not in (9, 10, 13) for b in data)
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2 * len(ICS_TITLES)
    summaries = {str(e["SUMMARY"]) for e in events}
    for title in ICS_TITLES:
        assert f"Publication: {plain_text(title)}" in summaries
        assert f"Send to Ofsted; Inspectorate\nATTENDEE:x: {plain_text(title)}" in summaries
    for component in calendar.walk():
        assert "ATTENDEE" not in component and "X-INJECTED" not in component
    # icalendar reads an X- property raw: the name is there once, escaped as TEXT.
    assert str(calendar["X-WR-CALNAME"]) == r"Site\; name\,\nX-INJECTED:1: publication schedule"


def test_schedule_writes_the_worst_title_as_text(site, tmp_path):
    """Promise: ``portal schedule --ics`` writes a title with iCalendar's own syntax in it
    as one SUMMARY, without adding a property (a line break in a title is refused before
    it gets here: tests/test_bad_input.py)."""
    title = ICS_TITLES[0].replace("\n", " ")
    site.review("child-q", title=title, publish_at="2026-12-08 09:30", approved_on="2026-11-01")
    target = tmp_path / "schedule.ics"
    result = site.run("schedule", "--now", "2026-11-20 12:00", "--ics", str(target))
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(target.read_bytes())
    assert f"Publication: {title}" in {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert not any("ATTENDEE" in c for c in calendar.walk())
