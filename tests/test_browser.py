"""The public site in real headless Chromium (Debian's chromium, driven by Playwright):
search, filters, PDF text, listings, keyboard-only use."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def search(page, base, query):
    page.goto(base + "search/")
    box = page.locator(".pagefind-ui__search-input")
    box.fill(query)
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_timeout(300)
    return page


def result_titles(page):
    return page.locator(".pagefind-ui__result-link").all_inner_texts()


def test_typing_a_query_shows_results(page, served):
    search(page, served, "supervision")
    titles = result_titles(page)
    assert any("Briefing for managers: supervising work with hidden harm" in t for t in titles)
    assert re.search(r"\d+ results? for supervision", page.locator(".pagefind-ui__message").inner_text())


def result_count(page) -> int:
    page.wait_for_function("() => /\\d+ results? for/.test("
                           "document.querySelector('.pagefind-ui__message')?.textContent || '')")
    return int(re.search(r"(\d+) results? for", page.locator(".pagefind-ui__message").inner_text()).group(1))


def test_a_filter_narrows_the_results(page, served):
    search(page, served, "neglect")
    before = result_count(page)
    page.locator(".pagefind-ui__filter-name", has_text=re.compile(r"^\s*Type\s*$")).click()
    page.locator(".pagefind-ui__filter-label", has_text="Case study").click()
    # Wait for the filtered results themselves, however long a loaded machine takes.
    page.wait_for_function(
        "before => { const m = (document.querySelector('.pagefind-ui__message')?.textContent || '')"
        ".match(/(\\d+) results? for/); return m && +m[1] < before; }", arg=before)
    assert 0 < result_count(page) < before
    page.wait_for_timeout(300)
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all("/case-studies/" in href for href in hrefs)


def test_a_phrase_only_in_the_pdf_finds_its_review(page, served):
    search(page, served, "Kingfisher training suite")
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "/reviews/child-t/#report" in hrefs
    assert any("(report, PDF)" in t for t in result_titles(page))


def test_embargoed_material_is_not_found(page, served):
    page.goto(served + "search/")
    page.locator(".pagefind-ui__search-input").fill("Child S")
    page.wait_for_timeout(1200)
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert not any("child-s" in href for href in hrefs)


def test_newest_first_sorting(page, served):
    page.goto(served + "search/?q=review&sort=newest")
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_timeout(500)
    assert page.locator("#portal-sort-newest").is_checked()
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs[0].startswith("/briefings/newsletter-autumn-2026/")


def test_listing_filters_work_in_the_browser(page, served):
    page.goto(served + "reviews/")
    cards = page.locator(".portal-card")
    total = cards.count()
    page.select_option("#filter-year", "2025")
    visible = page.locator(".portal-card:visible")
    assert 0 < visible.count() < total
    assert all(year == "2025" for year in visible.evaluate_all("els => els.map(e => e.dataset.year)"))
    assert "shown" in page.locator("[data-portal-count]").inner_text()
    assert "year=2025" in page.url
    page.goto(served + "reviews/?type=lcspr")
    types = page.locator(".portal-card:visible").evaluate_all("els => els.map(e => e.dataset.type)")
    assert 0 < len(types) < total and set(types) == {"lcspr"}
    assert page.locator("#filter-type").input_value() == "lcspr"


def test_keyboard_only(page, served):
    page.goto(served)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "portal-header-q":
            break
    assert page.evaluate("document.activeElement.id") == "portal-header-q"
    page.keyboard.type("safer sleep")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=safer\+sleep"))
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_timeout(300)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('pagefind-ui__result-link')"):
            break
    target = page.evaluate("document.activeElement.getAttribute('href')")
    assert target
    outline = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert outline == "rgb(255, 221, 0)"  # the visible yellow focus state
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(target.split("#")[0])))


def test_a_trainer_goes_from_a_theme_to_a_case_study_and_downloads_its_pack(page, served, tmp_path):
    import io
    import zipfile

    from pypdf import PdfReader

    page.goto(served + "themes/infants/")
    page.locator("#case-studies").scroll_into_view_if_needed()
    page.get_by_role("link", name="Seeing the baby behind the treatment plan").first.click()
    page.wait_for_url(re.compile(r"/case-studies/seeing-the-baby-in-parental-treatment/"))
    questions = page.locator(".portal-questions li").all_inner_texts()
    assert len(questions) >= 4
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the trainer pack")).click()
    target = tmp_path / "pack.zip"
    download_info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        files = {name.rsplit("/", 1)[-1]: archive.read(name) for name in archive.namelist()}
    assert set(files) == {"case-study.pdf", "questions-handout.pdf", "facilitator-note.pdf"}
    assert len(PdfReader(io.BytesIO(files["case-study.pdf"])).pages) >= 1
    handout = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(files["questions-handout.pdf"])).pages).split())
    for question in questions:
        printable = question.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        assert " ".join(printable.split()) in handout, question


SEVEN_MINUTE = ["seven-minute-hidden-harm-babies", "seven-minute-bruising-non-mobile-babies",
                "seven-minute-voice-of-children-domestic-abuse"]


@pytest.mark.parametrize("slug", SEVEN_MINUTE)
def test_a_seven_minute_briefing_prints_on_at_most_two_a4_pages(page, served, slug, tmp_path):
    from pypdf import PdfReader

    page.goto(served + f"briefings/{slug}/")
    page.emulate_media(media="print")
    target = tmp_path / f"{slug}.pdf"
    page.pdf(path=str(target), format="A4", print_background=True)
    pages = len(PdfReader(target).pages)
    text = PdfReader(target).pages[0].extract_text()
    assert 1 <= pages <= 2, f"{slug} prints on {pages} pages"
    assert "Northmere Safeguarding Children Partnership" not in text.split("\n")[0]  # no site header
    assert "1. Background" in text


def _all_results(browser, base, query, sort=""):
    """Every result of a query, on a page of its own (leaving a page while Pagefind is
    still loading an index is reported as a page error)."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(exc.message))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url} {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}"))
    try:
        return _results_on(page, base, query, sort)
    finally:
        page.wait_for_load_state("networkidle")
        context.close()
        assert errors == []


def _results_on(page, base, query, sort):
    page.goto(base + f"search/?q={query}{sort}")
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_load_state("networkidle")
    while page.locator(".pagefind-ui__button").count():
        page.locator(".pagefind-ui__button").click()
        page.wait_for_load_state("networkidle")
    message = page.locator(".pagefind-ui__message").inner_text()
    # each result's own link (not its sub-results' links to sections), once all have loaded
    page.wait_for_function("() => [...document.querySelectorAll('.pagefind-ui__result')]"
                           ".every(r => r.querySelector('.pagefind-ui__result-link'))")
    urls = page.locator(".pagefind-ui__result").evaluate_all(
        "results => results.map(r => r.querySelector('.pagefind-ui__result-link').getAttribute('href'))")
    return message, urls


def test_a_search_index_split_into_shards_finds_what_one_index_finds(browser, served, served_in_shards):
    base, site = served_in_shards
    bundles = sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind"))
    assert len(bundles) >= 3, bundles  # the example site really is split
    one_message, one = _all_results(browser, served, "neglect")
    message, sharded = _all_results(browser, base, "neglect")
    assert message == one_message and sorted(sharded) == sorted(one)
    assert all(url.startswith("/") and "/../" not in url for url in sharded)
    # PDF text lives in a shard too
    _, pdf = _all_results(browser, base, "Kingfisher training suite")
    assert "/reviews/child-t/#report" in pdf or "/reviews/child-t/" in pdf


def test_newest_first_holds_across_shards(browser, served_in_shards):
    base, site = served_in_shards
    shards = len([p for p in site.iterdir() if p.name.startswith("pagefind")])
    _, urls = _all_results(browser, base, "review", "&sort=newest")
    dates = []
    for url in urls:
        html = (site / url.split("#")[0].strip("/") / "index.html").read_text()
        dates.append(re.search(r'data-pagefind-sort="date:([0-9-]+)"', html).group(1))
    assert len(dates) > shards
    # Entries are dealt to shards round-robin by date, so the merged order is newest
    # first to within a run of as many entries as there are shards.
    for position, date in enumerate(dates):
        assert all(date >= later for later in dates[position + shards:]), (position, shards, " ".join(dates), urls)
