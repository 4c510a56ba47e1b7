"""Machine-readable outputs built from live items only: RSS and Atom feeds, JSON."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import jsonschema
from feedgen.feed import FeedGenerator

from .core.dates import UTC, start_of_day
from .core.items import Item, Kind
from .project import Publication
from .views import item_type


# What XML 1.0 may hold (its Char production), less the control characters it only
# tolerates (DEL and C1): RFC 5545 forbids those in calendar text too.
_NOT_TEXT = re.compile(r"[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def plain_text(text: str) -> str:
    """``text`` without the characters a feed or a calendar cannot hold: control
    characters (other than tab and line breaks), U+FFFE, U+FFFF and lone surrogates.

    lxml refuses to write them (the build stopped with a traceback) and readers refuse a
    file that holds them. Reporting them in an item is content validation's job; this
    keeps every feed and calendar well-formed whatever reaches it.
    """
    return _NOT_TEXT.sub("", text)


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def build_feeds(publication: Publication, site_url: str, title: str, description: str,
                kind: Kind | None = None) -> tuple[str, str]:
    """The RSS 2.0 and Atom feeds of every live item, newest first.

    Entry dates are publication times; ``lastBuildDate``/``updated`` is the newest of
    them (never the build clock, which could reveal that a build ran for embargoed
    material), and GUIDs are the items' permanent URLs.
    """
    feed = FeedGenerator()
    feed.id(absolute(site_url, ""))
    feed.title(plain_text(title))
    feed.description(plain_text(description))
    feed.link(href=absolute(site_url, ""), rel="alternate")
    feed.language("en-GB")
    items = publication.live_items if kind is None else publication.live_of_kind(kind)
    withdrawn = [w for w in _withdrawals(publication) if kind is None or w[0].kind is kind]
    prefix = f"{kind.value}/" if kind else ""
    stamps = [item.publish_at for item in items] + [moment for _, moment, _ in withdrawn]
    newest = max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC)
    feed.lastBuildDate(newest)
    feed.updated(newest)
    for item, moment, reason in sorted(withdrawn, key=lambda w: w[1]):
        # An update to the item's own entry (same id), saying it was withdrawn: no content.
        entry = feed.add_entry()
        url = absolute(site_url, item.url)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(plain_text(f"Withdrawn: {item.title}"))
        entry.link(href=url)
        entry.description(plain_text(f"This was withdrawn on {moment:%d %B %Y}. {reason}"))
        entry.published(publication.project.ledger[item.id].published_at)
        entry.updated(moment)
    for item in reversed(items):  # feedgen puts the last added first
        entry = feed.add_entry()
        url = absolute(site_url, item.url)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(plain_text(item.title))
        entry.link(href=url)
        entry.description(plain_text(item.summary))
        entry.published(item.publish_at)
        entry.updated(item.publish_at)
        entry.category([{"term": theme} for theme in item.themes])
    feed.link(href=absolute(site_url, f"{prefix}feed.xml"), rel="self")
    rss = feed.rss_str(pretty=True).decode("utf-8")
    feed.link(href=absolute(site_url, f"{prefix}atom.xml"), rel="self", replace=True)
    atom = feed.atom_str(pretty=True).decode("utf-8")
    return rss, atom


def _withdrawals(publication: Publication):
    tz = publication.project.settings.timezone
    result = []
    for item_id, kind in publication.notice_pages.items():
        if kind == "withdrawn":
            item = publication.project.items[item_id]
            withdrawal = publication.project.register[item_id].withdrawal
            result.append((item, start_of_day(withdrawal.on, tz), withdrawal.reason_public))
    return result


def publication_record(item: Item, publication: Publication, site_url: str) -> dict:
    type_id, type_label = item_type(item)
    tz = publication.project.settings.timezone
    record = {
        "id": item.id,
        "type": item.kind.value,
        "subtype": type_id,
        "subtype_label": type_label,
        "title": item.title,
        "summary": item.summary,
        "themes": list(item.themes),
        "published": item.publish_at.astimezone(tz).isoformat(),
        # The ledger's instant (publish_at until it is recorded): the second witness of the
        # twelve-month protection, read back by the next build (portal.witness).
        "first_published": publication.first_published(item).astimezone(tz).isoformat(),
        "url": absolute(site_url, item.url) if site_url else item.url,
    }
    if item.review_id and publication.is_public(item.review_id):
        record["review"] = item.review_id
    if item.changes:
        record["changes"] = [{"on": c.on.isoformat(), "note": c.note} for c in item.changes]
    if item.kind.value == "reviews":
        record["child"] = item.details["child"]
        record["reviewers"] = list(item.details["reviewer"])
        record["published_form"] = item.details["published_form"]
        if item.report:
            record["report"] = absolute(site_url, item.report) if site_url else item.report
    return record


def build_publications_json(publication: Publication, site_url: str) -> str:
    """Every live item; then, for the next build's check of its ledger (``portal.witness``),
    the withdrawn items (id, instant and the public reason their notice gives: nothing of
    their content) and the seal of the ledger as this build leaves it."""
    records = [publication_record(i, publication, site_url) for i in publication.live_items]
    document: dict = {"publications": records}
    register = publication.project.register
    document["withdrawn"] = [{"id": item_id, "withdrawn": moment.isoformat(),
                              "reason_public": register[item_id].withdrawal.reason_public}
                             for item_id, moment in sorted(publication.withdrawals.items())]
    sealed = publication.ledger_seal()
    if sealed is not None:
        document["ledger"] = sealed.as_dict()
    return _checked(document, "publications.schema.json")


def build_case_studies_json(publication: Publication, site_url: str) -> str:
    """Live case studies with their learning points and questions, for trainers' systems."""
    tz = publication.project.settings.timezone
    records = []
    for item in publication.live_of_kind(Kind.CASE_STUDY):
        record = {
            "id": item.id, "title": item.title, "summary": item.summary,
            "themes": list(item.themes),
            "learning_points": list(item.details["learning_points"]),
            "questions": list(item.details["questions"]),
            "audience": list(item.details.get("audience") or ()),
            "published": item.publish_at.astimezone(tz).isoformat(),
            "url": absolute(site_url, item.url),
        }
        if item.review_id and publication.is_public(item.review_id):
            review = publication.project.items[item.review_id]
            record["review"] = {"id": review.id, "title": review.title,
                                "url": absolute(site_url, review.url)}
        records.append(record)
    return _checked({"case_studies": records}, "case-studies.schema.json")


SCHEMAS = Path(__file__).parent / "schemas"


def schema_text(name: str) -> str:
    return (SCHEMAS / name).read_text(encoding="utf-8")


def _checked(data: dict, schema_name: str) -> str:
    """The JSON, after checking it against the schema published beside it."""
    jsonschema.validate(data, json.loads(schema_text(schema_name)))
    return json.dumps(data, indent=2, ensure_ascii=False)
