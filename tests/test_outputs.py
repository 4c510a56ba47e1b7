"""Feeds, JSON and the digest: they validate, and they hold live items only."""

from __future__ import annotations

import email
import json
import xml.etree.ElementTree as ET
from email import policy

import jsonschema
import pytest

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import shutil

    from conftest import SKELETON, Site

    root = tmp_path_factory.mktemp("outputs") / "project"
    shutil.copytree(SKELETON, root)
    site = Site(root)
    site.review("child-n", title="Child N & the <review>", publish_at="2026-03-03 10:00",
                approved_on="2026-02-01")
    site.review("child-future", title="Future zqfuturecanary", publish_at="2026-12-24")
    result = site.build()
    assert result.exit_code == 0, result.output
    return site


def test_rss_is_valid_and_newest_first(built):
    root = ET.fromstring((built.site / "feed.xml").read_bytes())
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    titles = [i.findtext("title") for i in items]
    assert titles[0] == "Child N & the <review>"
    assert "zqfuturecanary" not in (built.site / "feed.xml").read_text()
    first = items[0]
    assert first.findtext("guid") == "https://reviews.example.org/reviews/child-n/"
    assert first.find("guid").get("isPermaLink") == "true"
    assert first.findtext("link") == "https://reviews.example.org/reviews/child-n/"
    assert first.findtext("pubDate") == "Tue, 03 Mar 2026 10:00:00 +0000"
    assert root.findtext("./channel/lastBuildDate") == "Tue, 03 Mar 2026 10:00:00 +0000"


def test_atom_is_valid(built):
    root = ET.fromstring((built.site / "atom.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "https://reviews.example.org/reviews/child-n/"
    assert entry.findtext(f"{ATOM}published").startswith("2026-03-03T10:00:00")


def test_there_is_a_feed_per_type(built):
    for kind in ("reviews", "case-studies", "briefings", "progress"):
        for name in ("feed.xml", "atom.xml"):
            ET.fromstring((built.site / kind / name).read_bytes())
    reviews = (built.site / "reviews" / "feed.xml").read_text()
    assert "child-n" in reviews and "example-case-study" not in reviews
    studies = (built.site / "case-studies" / "feed.xml").read_text()
    assert "example-case-study" in studies and "child-n" not in studies


@pytest.mark.parametrize("name, key", [("publications", "publications"), ("case-studies", "case_studies")])
def test_json_validates_against_the_schema_published_beside_it(built, name, key):
    data = json.loads((built.site / "api" / f"{name}.json").read_text())
    schema = json.loads((built.site / "api" / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data[key]


def test_case_studies_json_carries_what_trainers_need(built):
    data = json.loads((built.site / "api" / "case-studies.json").read_text())["case_studies"]
    study = data[0]
    assert study["id"] == "case-studies/example-case-study"
    assert study["questions"] == ["Who was in the household, and who knew?",
                                  "What would have helped practitioners to ask?"]
    assert study["review"]["url"] == "https://reviews.example.org/reviews/example-review/"


def test_the_digest_lists_the_month_live_items_only(built, tmp_path):
    built.review("child-m2", title="March review two", publish_at="2026-03-20", approved_on="2026-02-01")
    built.review("child-m3", title="March draft zqdigestcanary", status="draft", publish_at="2026-03-21")
    result = built.run("digest", "--month", "2026-03", "--to", "list@example.org", "--outbox", str(tmp_path))
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "digest-2026-03.eml").read_bytes(), policy=policy.default)
    assert message["Subject"] == "New from Example Safeguarding Children Partnership: March 2026"
    text = message.get_body(("plain",)).get_content()
    assert text.index("Child N & the <review>") < text.index("March review two")
    assert "https://reviews.example.org/reviews/child-n/" in text
    assert "zqdigestcanary" not in message.as_string()
    assert "&lt;review&gt;" in message.get_body(("html",)).get_content()
    bad = built.run("digest", "--month", "2026-13", "--to", "x@example.org")
    assert bad.exit_code == 2


def test_search_shards_deal_entries_round_robin_by_date():
    from portal.search import plan_shards

    entries = [(f"item-{n}", f"2026-01-{n + 1:02d}", 1000) for n in range(10)]
    plan = plan_shards(entries, budget=2500)
    assert plan.count == 4
    assert [plan.shard_of[f"item-{n}"] for n in range(10)] == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert plan.bundles("pagefind") == ["pagefind", "pagefind-1", "pagefind-2", "pagefind-3"]
    assert plan_shards(entries, budget=10_000_000).count == 1
    assert plan_shards([], budget=1).count == 1
