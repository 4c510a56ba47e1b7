"""The publication decision (SPEC §4 rules 1-3), table-driven: no files, no MkDocs."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.core.dates import parse_instant
from portal.core.items import Item, Kind, LegalHold
from portal.core.publication import RuleContext, State, decide, decide_all
from portal.core.register import Circulation, RegisterEntry
from test_validate import SETTINGS

LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    return parse_instant(text, LONDON, SETTINGS.publication_time)


def item(item_id="reviews/child-t", kind=Kind.REVIEW, **fields) -> Item:
    base = dict(id=item_id, kind=kind, src_uri=f"{item_id}.md", title="T", status="approved",
                summary="S", themes=("neglect",), publish_at=at("2026-12-08 09:30"))
    base.update(fields)
    return Item(**base)


SENT = RegisterEntry(circulation={rule: Circulation(date(2025, 1, 2))
                                  for rule in ("national-panel", "ofsted", "dfe")})


def ctx(now: datetime | str) -> RuleContext:
    """A context in which reviews/child-t was circulated in time."""
    moment = at(now) if isinstance(now, str) else now
    return RuleContext(now=moment, settings=SETTINGS, register={"reviews/child-t": SENT})


def state(it: Item, now: str) -> State:
    return decide(it, ctx(now)).state


@pytest.mark.parametrize("now, expected", [
    ("2026-12-08 09:29", State.EMBARGOED),
    ("2026-12-08 09:30", State.LIVE),  # now >= publish_at: live at the instant itself
    ("2026-12-09", State.LIVE),
])
def test_embargo_lifts_at_the_publication_instant(now, expected):
    assert state(item(), now) is expected


@pytest.mark.parametrize("status, expected", [
    ("draft", State.DRAFT), ("withdrawn", State.WITHDRAWN), ("approved", State.LIVE),
])
def test_only_approved_items_are_live(status, expected):
    assert state(item(status=status), "2027-01-01") is expected


def test_a_legal_hold_without_end_keeps_an_item_unpublished_whatever_its_date():
    held = item(legal_hold=LegalHold("criminal proceedings"))
    assert state(held, "2030-01-01") is State.HELD


@pytest.mark.parametrize("now, expected", [
    ("2027-01-10 23:59", State.HELD),  # in force through its 'until' date
    ("2027-01-11 00:00", State.LIVE),
])
def test_a_legal_hold_lifts_the_day_after_its_until_date(now, expected):
    held = item(legal_hold=LegalHold("inquest", until=date(2027, 1, 10)))
    assert state(held, now) is expected


def test_every_reason_is_kept():
    it = item(status="draft", legal_hold=LegalHold("inquest"))
    decision = decide(it, ctx(at("2026-01-01")))
    assert [b.code for b in decision.blocks] == ["draft", "embargoed", "legal-hold"]
    assert "embargoed until Tuesday 8 December 2026, 09:30 GMT" in decision.blocks[1].message


def test_publication_at_0001_on_the_day_the_clocks_go_back():
    # 25 October 2026: 00:01 BST is 23:01 UTC on the 24th.
    it = item(publish_at=at("2026-10-25"))
    assert decide(it, ctx(datetime(2026, 10, 24, 23, 0, tzinfo=timezone.utc))).state is State.EMBARGOED
    assert decide(it, ctx(datetime(2026, 10, 24, 23, 1, tzinfo=timezone.utc))).is_live


def test_the_repeated_hour_is_compared_as_instants():
    # 01:30 on 25 October 2026 means the later 01:30 (GMT, 01:30 UTC). At 01:45 BST
    # (00:45 UTC) it is not yet live, though its wall-clock time is later.
    it = item(publish_at=at("2026-10-25 01:30"))
    bst_0145 = datetime(2026, 10, 25, 0, 45, tzinfo=timezone.utc)
    assert decide(it, ctx(bst_0145)).state is State.EMBARGOED


def test_publication_at_0001_on_the_day_the_clocks_go_forward():
    it = item(publish_at=at("2027-03-28"))
    assert decide(it, ctx(datetime(2027, 3, 28, 0, 1, tzinfo=timezone.utc))).is_live
    assert not decide(it, ctx(datetime(2027, 3, 28, 0, 0, tzinfo=timezone.utc))).is_live


def test_progress_of_a_review_that_is_not_live_is_not_live():
    review = item()
    progress = item("progress/child-t", Kind.PROGRESS, publish_at=at("2026-01-01"),
                    details={"review": "reviews/child-t"})
    context = ctx(at("2026-12-01"))
    decisions = decide_all([review, progress], context)
    assert decisions["progress/child-t"].state is State.DEPENDENT
    context = ctx(at("2026-12-09"))
    assert decide_all([review, progress], context)["progress/child-t"].is_live


def test_a_case_study_of_an_embargoed_review_may_be_live_on_its_own():
    review = item()
    study = item("case-studies/x", Kind.CASE_STUDY, publish_at=at("2026-01-01"),
                 details={"review": "reviews/child-t"})
    context = ctx(at("2026-12-01"))
    assert decide_all([review, study], context)["case-studies/x"].is_live
