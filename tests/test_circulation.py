"""Rule 4: pre-publication circulation, in the core and through the build."""

from datetime import date

from portal.core.circulation import DEFAULT_RULES, DeadlineState, deadlines
from portal.core.dates import parse_instant
from portal.core.publication import RuleContext, State, decide
from portal.core.register import Circulation, RegisterEntry
from test_publication import item
from test_validate import SETTINGS


def entry(**sent):
    return RegisterEntry(circulation={k: Circulation(v) for k, v in sent.items()})


def test_deadline_states():
    review = item(publish_at=parse_instant("2027-01-05", SETTINGS.timezone, SETTINGS.publication_time))
    register = entry(**{"national-panel": date(2026, 12, 17), "ofsted": date(2026, 12, 23)})
    found = {d.rule.id: d for d in deadlines(review, DEFAULT_RULES, register, date(2026, 12, 18), SETTINGS)}
    assert found["national-panel"].state is DeadlineState.DONE
    assert found["national-panel"].latest_send_date == date(2026, 12, 22)
    # a send dated after today has not happened: it counts for nothing yet
    assert found["ofsted"].state is DeadlineState.DUE and found["ofsted"].sent_on is None
    late = {d.rule.id: d for d in deadlines(review, DEFAULT_RULES, register, date(2026, 12, 24), SETTINGS)}
    assert late["ofsted"].state is DeadlineState.LATE
    assert found["dfe"].state is DeadlineState.DUE
    assert found["dfe"].working_days_left == 2
    assert found["dfe"].description == "due in 2 working days (by 22 December 2026)"
    on_the_day = deadlines(review, DEFAULT_RULES, RegisterEntry(), date(2026, 12, 22), SETTINGS)
    assert {d.state for d in on_the_day} == {DeadlineState.DUE_TODAY}
    after = deadlines(review, DEFAULT_RULES, RegisterEntry(), date(2026, 12, 23), SETTINGS)
    assert {d.state for d in after} == {DeadlineState.OVERDUE}


def test_rules_apply_only_to_their_kinds():
    from portal.core.items import Kind

    briefing = item("briefings/b", Kind.BRIEFING)
    assert deadlines(briefing, DEFAULT_RULES, RegisterEntry(), date(2026, 1, 1), SETTINGS) == []


def test_a_review_due_but_not_circulated_is_not_live_and_says_what_to_do():
    review = item(publish_at=parse_instant("2027-01-05", SETTINGS.timezone, SETTINGS.publication_time))
    register = {"reviews/child-t": entry(**{"national-panel": date(2026, 12, 22),
                                            "ofsted": date(2026, 12, 24)})}
    now = parse_instant("2027-01-05 09:00", SETTINGS.timezone, SETTINGS.publication_time)
    decision = decide(review, RuleContext(now=now, settings=SETTINGS, register=register))
    assert decision.state is State.NONCOMPLIANT
    messages = [b.message for b in decision.blocks]
    assert len(messages) == 2
    assert messages[0].startswith(
        "circulation to Ofsted (rule 'ofsted', 7 working days) was sent on 24 December 2026, "
        "too late: it had to be sent by 22 December 2026; the recorded circulation allows "
        "publication from 7 January 2027.")
    assert messages[1].startswith(
        "circulation to Department for Education (rule 'dfe', 7 working days) is not recorded "
        "as sent: it had to be sent by 22 December 2026; if sent today, the earliest compliant "
        "publication date is 14 January 2027.")
    assert all(b.is_error for b in decision.blocks)


def test_before_its_date_a_missing_circulation_is_only_a_deadline():
    review = item(publish_at=parse_instant("2027-01-05", SETTINGS.timezone, SETTINGS.publication_time))
    now = parse_instant("2026-12-30", SETTINGS.timezone, SETTINGS.publication_time)
    decision = decide(review, RuleContext(now=now, settings=SETTINGS))
    assert [b.code for b in decision.blocks] == ["embargoed"]


def test_a_build_leaves_out_an_uncirculated_review_and_check_fails(site):
    site.review("child-u", title="Uncirculated zqcirccanary", circulated=False)
    site.register("reviews/child-u", "circulation:\n  ofsted: {sent_on: 2026-01-09}\n")
    result = site.build()
    assert result.exit_code == 0, result.output
    assert not (site.site / "reviews" / "child-u").exists()
    assert "content/reviews/child-u.md: circulation to Child Safeguarding Practice Review Panel" in result.output
    from conftest import find_in_site

    assert find_in_site(site.site, "zqcirccanary") == []
    checked = site.check()
    assert checked.exit_code == 1
    assert ("content/reviews/child-u.md: circulation to Ofsted (rule 'ofsted', 7 working days) "
            "was sent on 9 January 2026, too late: it had to be sent by 9 January 2026") not in checked.stderr
    assert "rule 'dfe'" in checked.stderr and "rule 'national-panel'" in checked.stderr
    assert "rule 'ofsted'" not in checked.stderr  # 9 January is exactly seven working days before 20 January
