"""portal deadline / schedule / circulate / due, on temporary site projects, with a real
SMTP server (aiosmtpd) on 127.0.0.1 for sending."""

from __future__ import annotations

import email
import json
import socket
from email import policy

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from icalendar import Calendar
from pypdf import PdfReader
from io import BytesIO

from conftest import CIRCULATED
from pdfs import make_pdf

FIXED = "2026-11-24 09:00"  # a Tuesday


def test_deadline_for_a_date_a_user_types(site):
    result = site.run("deadline", "2027-01-05", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {d["rule"]: d["latest_send_date"] for d in data["deadlines"]} == {
        "national-panel": "2026-12-22", "ofsted": "2026-12-22", "dfe": "2026-12-22"}
    human = site.run("deadline", "2026-12-16")
    assert "Monday 7 December 2026" in human.output


def test_deadline_warns_about_a_weekend_or_bank_holiday(site):
    result = site.run("deadline", "2026-12-28")
    assert result.exit_code == 0
    assert "28 December 2026 is a bank holiday (Boxing Day (observed))" in result.stderr
    assert "Wednesday 16 December 2026" in result.output


def test_deadline_rejects_an_impossible_date(site):
    result = site.run("deadline", "2026-02-30")
    assert result.exit_code == 2
    assert "2026-02-30 is not a real date" in result.output


@pytest.fixture
def planned(site):
    """Reviews in every deadline state at FIXED (Tuesday 24 November 2026)."""
    site.review("child-s", title="Child S", publish_at="2026-12-08 09:30", circulated=False)
    site.register("reviews/child-s", "circulation:\n  national-panel: {sent_on: 2026-11-16}\n")
    site.review("child-e", title="Child E", publish_at="2026-12-03", circulated=False)
    site.review("child-o", title="Child O", publish_at="2026-12-01", circulated=False)
    site.review("child-h", title="Child H", publish_at="2026-12-10", circulated=False,
                legal_hold={"reason": "Inquest", "until": "2026-12-14"})
    site.review("child-d", title="Child D", status="draft", publish_at="2027-01-12", circulated=False)
    return site


def test_schedule_shows_every_deadline_state(planned):
    result = planned.run("schedule", "--now", FIXED, "--json")
    assert result.exit_code == 0, result.output
    rows = {row["item"]: row for row in json.loads(result.output)["items"]}
    states = {(item, d["rule"]): d["description"] for item, row in rows.items() for d in row["deadlines"]}
    assert states[("reviews/child-s", "national-panel")] == "done (sent 16 November 2026)"
    assert states[("reviews/child-s", "dfe")] == "due in 3 working days (by 27 November 2026)"
    assert states[("reviews/child-e", "dfe")] == "due today"
    assert states[("reviews/child-o", "dfe")] == "overdue (latest was 20 November 2026)"
    # The hold lifts on 15 December: the deadlines count back from then.
    assert rows["reviews/child-h"]["goes_live"] == "2026-12-15T00:00:00+00:00"
    assert states[("reviews/child-h", "ofsted")] == "due in 8 working days (by 4 December 2026)"
    assert rows["reviews/child-h"]["status"] == "legal hold: Inquest"
    assert rows["reviews/child-d"]["status"].startswith("draft: not approved")
    order = list(rows)
    assert order.index("reviews/child-o") < order.index("reviews/child-e") < order.index("reviews/child-s")
    human = planned.run("schedule", "--now", FIXED)
    assert "overdue (latest was 20 November 2026)" in human.output
    assert "legal hold: Inquest" in human.output


def test_schedule_days_limits_the_horizon(planned):
    result = planned.run("schedule", "--now", FIXED, "--json", "--days", "9")
    items = [row["item"] for row in json.loads(result.output)["items"]]
    assert items == ["reviews/child-o", "reviews/child-e"]


def test_schedule_writes_a_calendar_with_alarms(planned, tmp_path):
    target = tmp_path / "schedule.ics"
    result = planned.run("schedule", "--now", FIXED, "--ics", str(target))
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Publication: Child S" in summaries
    assert "Send to Department for Education: Child S" in summaries
    assert "Send to Child Safeguarding Practice Review Panel: Child S" not in summaries  # done
    assert all(list(e.walk("VALARM")) for e in events)
    publication = next(e for e in events if str(e["SUMMARY"]) == "Publication: Child S")
    assert publication.decoded("DTSTART").isoformat() == "2026-12-08T09:30:00+00:00"


def test_due_is_the_next_change(planned):
    """Promise: due names the next instant a rebuild changes the public site, and agrees
    with check: the planned reviews all lack a circulation, so none of them is due."""
    assert json.loads(planned.run("due", "--now", FIXED, "--json").output) == {"next": None, "changes": []}
    planned.register("reviews/child-o", CIRCULATED)
    result = planned.run("due", "--now", FIXED, "--json")
    data = json.loads(result.output)
    assert data == {"next": "2026-12-01T00:01:00+00:00", "item": "reviews/child-o",
                    "seconds": 7 * 86400 - 9 * 3600 + 60,
                    "changes": [{"item": "reviews/child-o", "from": "absent", "to": "live",
                                 "change": "reviews/child-o goes live"}]}
    human = planned.run("due", "--now", FIXED)
    assert human.stdout.strip() == "2026-12-01T00:01:00+00:00"
    assert "reviews/child-o goes live" in human.stderr
    assert planned.run("due", "--now", FIXED, "--seconds").stdout.strip() == str(data["seconds"])
    assert planned.run("due", "--now", "2099-06-01").output == ""


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"comms" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticate, auth_require_tls=False,
                            auth_exclude_mechanism=["LOGIN"])
    controller.start()
    yield inbox, controller.port
    controller.stop()


def use_smtp(site, port, username=""):
    config = site.root / "mkdocs.yml"
    text = config.read_text()
    start = text.index("      smtp:")
    end = text.index("      # Where .eml files are written.")
    config.write_text(text[:start] + (
        f"      smtp:\n        host: 127.0.0.1\n        port: {port}\n        starttls: false\n"
        f"        username: \"{username}\"\n        password_env: TEST_SMTP_PASSWORD\n"
        "        sender: comms@example.org\n") + text[end:])


def test_circulate_writes_one_email_per_recipient_with_the_report(planned, tmp_path):
    make_pdf(planned.root / "content" / "reviews" / "child-w.pdf", "The report of Child W", pages=4)
    planned.review("child-w", title="Child W", publish_at="2027-01-05", report="child-w.pdf",
                   circulated=False)
    result = planned.run("circulate", "reviews/child-w", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out" / "reviews" / "child-w").glob("*.eml"))
    assert [f.name for f in files] == ["circulation-dfe.eml", "circulation-national-panel.eml",
                                       "circulation-ofsted.eml"]
    message = email.message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert message["Subject"] == "EMBARGOED UNTIL Tuesday 5 January 2027, 00:01 GMT \u2013 Child W"
    assert message["To"] == "Mailbox.NationalReviewPanel@education.gov.uk"
    body = message.get_body(("plain",)).get_content()
    assert "must not be published" in body and "Tuesday 5 January 2027, 00:01 GMT" in body
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["child-w.pdf"]
    assert len(PdfReader(BytesIO(attachments[0].get_content())).pages) == 4
    assert "nothing recorded" in result.output
    assert not (planned.root / "embargo" / "reviews" / "child-w.yaml").exists()


def test_circulate_renders_a_printable_report_where_there_is_no_pdf(planned, tmp_path):
    result = planned.run("circulate", "reviews/child-s", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(
        (tmp_path / "out" / "reviews" / "child-s" / "circulation-dfe.eml").read_bytes(), policy=policy.default)
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "child-s-report.pdf"
    text = PdfReader(BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "EMBARGOED UNTIL Tuesday 8 December 2026, 09:30 GMT" in text
    assert "Child S" in text


def test_circulate_refuses_an_item_that_is_not_approved(planned, tmp_path):
    result = planned.run("circulate", "reviews/child-d", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "content/reviews/child-d.md: status: the item is draft, not approved" in result.stderr
    assert not (tmp_path / "out").exists()


def test_circulate_send_records_the_send_and_never_silently_overwrites(planned, smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server
    use_smtp(planned, port, username="comms")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    result = planned.run("circulate", "reviews/child-s", "--send", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    # national-panel was already recorded: skipped, not overwritten.
    assert "skipped national-panel: already recorded as sent on 2026-11-16" in result.stderr
    assert sorted(rcpt for e in inbox.envelopes for rcpt in e.rcpt_tos) == [
        "Mailbox.CPOD@education.gov.uk", "SCR.SIN@ofsted.gov.uk"]
    received = email.message_from_bytes(inbox.envelopes[0].content, policy=policy.default)
    assert received["Subject"].startswith("EMBARGOED UNTIL Tuesday 8 December 2026, 09:30 GMT")
    assert next(received.iter_attachments()).get_filename() == "child-s-report.pdf"
    register = yaml.safe_load((planned.root / "embargo" / "reviews" / "child-s.yaml").read_text())
    assert str(register["circulation"]["national-panel"]["sent_on"]) == "2026-11-16"
    dfe = register["circulation"]["dfe"]
    references = {str(email.message_from_bytes(e.content, policy=policy.default)["Message-ID"])
                  for e in inbox.envelopes}
    assert dfe["reference"] in references
    assert register["circulation"]["ofsted"]["sent_on"] == dfe["sent_on"]
    check = planned.check()
    assert check.exit_code == 0, check.output

    again = planned.run("circulate", "reviews/child-s", "--send", "--rule", "dfe", "--outbox", str(tmp_path / "out"))
    assert "skipped dfe: already recorded" in again.stderr
    assert len(inbox.envelopes) == 2
    resent = planned.run("circulate", "reviews/child-s", "--send", "--rule", "dfe", "--resend",
                         "--outbox", str(tmp_path / "out"))
    assert resent.exit_code == 0, resent.output
    register = yaml.safe_load((planned.root / "embargo" / "reviews" / "child-s.yaml").read_text())
    assert register["circulation"]["dfe"]["earlier"][0]["reference"] == dfe["reference"]


def test_send_needs_the_password_from_the_environment(planned, smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server
    use_smtp(planned, port, username="comms")
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    result = planned.run("circulate", "reviews/child-s", "--send", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "set the environment variable TEST_SMTP_PASSWORD" in result.stderr
    assert inbox.envelopes == []
    register = yaml.safe_load((planned.root / "embargo" / "reviews" / "child-s.yaml").read_text())
    assert set(register["circulation"]) == {"national-panel"}


def test_a_refused_login_records_nothing(planned, smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server
    use_smtp(planned, port, username="comms")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    result = planned.run("circulate", "reviews/child-s", "--send", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "nothing was recorded in the register" in result.stderr
    register = yaml.safe_load((planned.root / "embargo" / "reviews" / "child-s.yaml").read_text())
    assert set(register["circulation"]) == {"national-panel"}


def test_check_warns_about_a_weekend_publication_and_missed_deadlines(planned):
    planned.review("child-x", title="Child X", publish_at="2026-12-26", circulated=False)
    result = planned.check("--json", now=FIXED)
    assert result.exit_code == 0, result.output
    found = {(f["item"], f["code"]): f["message"] for f in json.loads(result.stdout)["findings"]}
    assert found[("reviews/child-x", "non-working-day")].startswith(
        "publication on Saturday 26 December 2026 falls on Saturday")
    assert "was due by 20 November 2026 and is not recorded" in found[("reviews/child-o", "circulation-overdue")]


def test_nspcc_is_refused_writing_nothing_until_the_review_is_live(planned, tmp_path):
    result = planned.run("nspcc", "reviews/child-s", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "the review is not live (embargoed until Tuesday 8 December 2026, 09:30 GMT)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_nspcc_writes_the_repository_entry_with_the_report(site, tmp_path):
    make_pdf(site.root / "content/reviews/child-n.pdf", "Report of Child N", pages=3)
    site.review("child-n", title="Child N review", child="Child N", report="child-n.pdf",
                themes=["neglect", "domestic-abuse"], area="Wyke",
                incident_summary="A two-year-old girl died after a period of neglect, in 2025.",
                recommendations=["Agencies share information.", "Health visitors ask about every adult."],
                publish_at="2026-03-03", approved_on="2026-02-01")
    result = site.run("nspcc", "reviews/child-n", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "out/reviews/child-n/nspcc.eml").read_bytes(),
                                       policy=policy.default)
    assert message["To"] == "information@nspcc.org.uk"
    body = message.get_body(("plain",)).get_content()
    for expected in ("2026 \u2013 Wyke \u2013 Child N",
                     "A two-year-old girl died after a period of neglect, in 2025.",
                     "Learning themes include: neglect; domestic abuse.",
                     "Recommendations include: Agencies share information; Health visitors ask about every adult.",
                     "Review type: Local Child Safeguarding Practice Review",
                     "Publication date: 3 March 2026", "Reviewer: A. Reviewer",
                     "Report: https://reviews.example.org/reviews/child-n/"):
        assert expected in body, expected
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "child-n.pdf"
    assert len(PdfReader(BytesIO(attachment.get_content())).pages) == 3


def test_nspcc_send_records_the_submission(site, smtp_server, tmp_path):
    inbox, port = smtp_server
    use_smtp(site, port)
    result = site.run("nspcc", "reviews/example-review", "--send", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert inbox.envelopes[0].rcpt_tos == ["information@nspcc.org.uk"]
    text = (site.root / "embargo/reviews/example-review.yaml").read_text()
    register = yaml.safe_load(text)
    assert register["nspcc"]["reference"].startswith("<")
    assert "  dfe: {sent_on: 2026-01-06}\n" in text  # kept as staff wrote it
    again = site.run("nspcc", "reviews/example-review", "--send", "--outbox", str(tmp_path / "out"))
    assert again.exit_code == 1
    assert "already recorded as submitted" in again.stderr
    assert len(inbox.envelopes) == 1


def test_check_and_schedule_show_submissions_due(site):
    site.review("child-q", title="Child Q", publish_at="2026-11-02", approved_on="2026-10-01")
    report = json.loads(site.check("--json").stdout)
    codes = {(f["item"], f["code"]) for f in report["findings"]}
    assert ("reviews/child-q", "nspcc-overdue") in codes  # due 16 November 2026
    assert ("reviews/child-q", "nspcc-entry-incomplete") in codes  # no incident_summary
    assert ("reviews/example-review", "nspcc-entry-incomplete") not in codes
    schedule = json.loads(site.run("schedule", "--json", "--now", "2026-11-20 12:00").stdout)
    due = {s["item"]: s for s in schedule["nspcc_due"]}
    assert due["reviews/child-q"] == {"item": "reviews/child-q", "due_by": "2026-11-16", "overdue": True}


def test_send_uses_starttls_when_configured(planned, tmp_path, monkeypatch):
    trustme = pytest.importorskip("trustme")
    import ssl

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=server_context, require_starttls=True)
    controller.start()
    try:
        use_smtp(planned, controller.port)
        config = planned.root / "mkdocs.yml"
        config.write_text(config.read_text().replace("        starttls: false\n", "        starttls: true\n"))
        result = planned.run("circulate", "reviews/child-s", "--send", "--rule", "dfe",
                             "--outbox", str(tmp_path / "out"))
        assert result.exit_code == 0, result.output
        assert [e.rcpt_tos for e in inbox.envelopes] == [["Mailbox.CPOD@education.gov.uk"]]
    finally:
        controller.stop()
