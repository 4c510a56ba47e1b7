"""Sending and the register's records of it, tried as an unlucky colleague and a hostile
mail server would (issue 15). Every server here is a real SMTP server (aiosmtpd) on
127.0.0.1; concurrent runs are real processes.

Promises:
- A send is recorded per recipient the moment the server accepts it, and a rule is met
  only when every address of it accepted the pack; a retry sends only what is missing.
- A failure part-way keeps every record already made, says what was and was not sent,
  and exits 1; nothing is recorded for a message the server did not accept.
- Two commands at once never send anything twice (one project lock).
- A send changes only the keys it records: staff comments, order and flow style stay.
- An outbox is never inside the content, register, site or preview folders.
- No title, name or setting can add a mail header or spoof one.
- An SMTP failure is one line naming the server and what to check, never a traceback.
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from portal import mail
from portal.cli import main
from test_commands import free_port, use_smtp

FIRST, SECOND = "Mailbox.CPOD@education.gov.uk", "second.cpod@education.gov.uk"
PANEL, OFSTED = "Mailbox.NationalReviewPanel@education.gov.uk", "SCR.SIN@ofsted.gov.uk"
AFTER_PUBLICATION = "2099-01-07 12:00"


class Server:
    """An SMTP handler that refuses chosen addresses at RCPT, and can fail the Nth
    message (drop the connection, answer 421, or stall) or answer slowly."""

    def __init__(self, refuse: dict[str, str] | None = None, fail_on: int | None = None,
                 mode: str = "", delay: float = 0.0):
        self.refuse = refuse or {}
        self.fail_on, self.mode, self.delay = fail_on, mode, delay
        self.delivered: list[tuple[list[str], email.message.EmailMessage]] = []
        self.messages = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.messages == self.fail_on:
            if self.mode == "drop":
                server.transport.abort()
                return "250 never seen"
            if self.mode == "421":
                return "421 4.3.2 Service shutting down"
            if self.mode == "stall":
                await asyncio.sleep(3)
                return "451 too late"
        self.delivered.append((list(envelope.rcpt_tos),
                               email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 2.0.0 OK queued"

    def sent_to(self) -> list[str]:
        return sorted(address for rcpts, _ in self.delivered for address in rcpts)


@pytest.fixture
def serve():
    controllers = []

    def start(handler: Server, **options) -> int:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        controllers.append(controller)
        return controller.port

    yield start
    for controller in controllers:
        controller.stop()


def pending(site, register: str = "circulation:\n  national-panel: {sent_on: 2098-12-01}\n"
                                  "  ofsted: {sent_on: 2098-12-01}\n"):
    """child-s, to be published in 2099; the dfe rule has two addresses."""
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(f"addresses: [{FIRST}]", f"addresses: [{FIRST}, {SECOND}]"))
    site.review("child-s", title="Child S", publish_at="2099-01-06", circulated=False)
    if register is not None:
        site.register("reviews/child-s", register)
    return site


def is_live_after_publication(site, item="reviews/child-s") -> bool:
    report = json.loads(site.check("--json", now=AFTER_PUBLICATION).stdout)
    return {row["item"]: row["state"] for row in report["items"]}[item] == "live"


def register_of(site, item="reviews/child-s") -> dict:
    return yaml.safe_load((site.root / "embargo" / f"{item}.yaml").read_text())


# --- 1. a refused recipient is never recorded as sent ---------------------------------------

@pytest.mark.parametrize("reply", ["550 5.1.1 Mailbox unavailable", "452 4.5.3 Too many recipients"])
def test_an_address_the_server_refuses_is_not_recorded_as_sent_and_a_retry_sends_only_to_it(
        site, serve, reply):
    """Promise: a rule is met only when every address accepted the pack; a partly accepted
    send is recorded per address without sent_on, check names the refused address, and
    the next --send goes only to the addresses that have not accepted it."""
    pending(site)
    refusing = Server(refuse={SECOND: reply})
    use_smtp(site, serve(refusing))
    result = site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe")
    assert result.exit_code == 1, result.output
    assert f"dfe: {SECOND} refused it ({reply})" in result.stderr
    assert refusing.sent_to() == [FIRST]
    dfe = register_of(site)["circulation"]["dfe"]
    assert "sent_on" not in dfe
    assert list(dfe["accepted"]) == [FIRST]
    assert dfe["refused"] == {SECOND: reply}
    reference = dfe["reference"]

    assert not is_live_after_publication(site)
    findings = json.loads(site.check("--json", now=AFTER_PUBLICATION).stdout)["findings"]
    partial = [f for f in findings if f["code"] == "circulation-partial"]
    assert len(partial) == 1 and partial[0]["field"] == "circulation.dfe"
    assert f"{SECOND} refused it ({reply})" in partial[0]["message"]
    assert any(f["item"] == "reviews/child-s" and "rule 'dfe'" in f["message"]
               and "not recorded as sent" in f["message"] for f in findings)

    accepting = Server()
    use_smtp(site, serve(accepting))
    retried = site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe")
    assert retried.exit_code == 0, retried.output
    assert accepting.sent_to() == [SECOND]
    assert accepting.delivered[0][1]["Message-ID"] == reference  # the same message, completed
    dfe = register_of(site)["circulation"]["dfe"]
    assert set(dfe) == {"sent_on", "reference", "recipients"}
    assert set(dfe["recipients"]) == {FIRST, SECOND}
    assert is_live_after_publication(site)
    again = site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe")
    assert "skipped dfe: already recorded" in again.stderr
    assert accepting.sent_to() == [SECOND]


def test_every_address_refused_is_recorded_as_refused_and_nothing_as_sent(site, serve):
    """Promise: a pack nobody accepted is not a send; the register says who refused it."""
    pending(site)
    use_smtp(site, serve(Server(refuse={FIRST: "550 no", SECOND: "550 no"})))
    result = site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe")
    assert result.exit_code == 1
    assert register_of(site)["circulation"]["dfe"] == {
        "reference": register_of(site)["circulation"]["dfe"]["reference"],
        "refused": {FIRST: "550 no", SECOND: "550 no"}}


# --- 2. a failure on the third message ------------------------------------------------------

@pytest.mark.parametrize("mode", ["drop", "421", "stall"])
def test_a_failure_on_the_third_message_keeps_the_first_two_records(site, serve, mode, monkeypatch):
    """Promise: each message is recorded as soon as the server accepts it; a failure on
    the third keeps the first two records, exits 1 naming what was sent and what was not,
    and the retry sends only the third."""
    monkeypatch.setattr(mail, "SMTP_TIMEOUT_SECONDS", 1.0, raising=False)
    pending(site, register=None)
    failing = Server(fail_on=3, mode=mode)
    use_smtp(site, serve(failing))
    result = site.run("circulate", "reviews/child-s", "--send")
    assert result.exit_code == 1, result.output
    assert ("sent and recorded: national-panel, ofsted; not sent (nothing recorded): dfe"
            in result.stderr)
    assert f"the mail server 127.0.0.1:{failing_port(site)}" in result.stderr
    assert "Traceback" not in result.output
    recorded = register_of(site)["circulation"]
    assert set(recorded) == {"national-panel", "ofsted"}
    assert all("sent_on" in record for record in recorded.values())
    assert failing.sent_to() == sorted([PANEL, OFSTED])

    healthy = Server()
    use_smtp(site, serve(healthy))
    retried = site.run("circulate", "reviews/child-s", "--send")
    assert retried.exit_code == 0, retried.output
    assert healthy.sent_to() == sorted([FIRST, SECOND])
    assert set(register_of(site)["circulation"]) == {"national-panel", "ofsted", "dfe"}


def failing_port(site) -> int:
    return yaml.safe_load((site.root / "mkdocs.yml").read_text())["plugins"][0]["portal"]["smtp"]["port"]


def test_a_register_that_cannot_be_written_after_the_server_accepted_says_so(site, serve, monkeypatch):
    """Promise: a full disk after the server accepted a pack is a clear error saying what
    was sent but not recorded and what to add; the register is untouched, no temporary
    file is left, and nothing more is sent."""
    pending(site, register="circulation:\n  ofsted: {sent_on: 2098-12-01}  # by hand\n")
    register_file = site.root / "embargo" / "reviews" / "child-s.yaml"
    before = register_file.read_bytes()
    server = Server()
    use_smtp(site, serve(server))
    real_replace = os.replace

    def full_disk(source, target):
        if str(target).endswith(".yaml"):
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_disk)
    result = site.run("circulate", "reviews/child-s", "--send")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "The server ACCEPTED the national-panel pack" in result.stderr
    assert "the packs after it were not sent" in result.stderr
    assert server.sent_to() == [PANEL]
    assert register_file.read_bytes() == before
    assert not [p.name for p in register_file.parent.iterdir() if p.name.startswith(".")]


# --- 3. two commands at once ------------------------------------------------------------------

def portal(site, *args: str, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "portal.cli", *args], cwd=cwd or site.root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")})


def test_two_circulates_at_once_never_send_anything_twice(site, serve):
    """Promise: two 'portal circulate --send' processes at once send each pack once: the
    second waits for the lock, reads the register again and skips what was sent."""
    pending(site, register=None)
    slow = Server(delay=0.4)
    use_smtp(site, serve(slow))
    runs = [portal(site, "circulate", "reviews/child-s", "--send") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert slow.sent_to() == sorted([PANEL, OFSTED, FIRST, SECOND])
    assert sum("skipped" in err for _, err in outputs) == 1
    assert set(register_of(site)["circulation"]) == {"national-panel", "ofsted", "dfe"}


def test_two_nspcc_submissions_at_once_send_once(site, serve):
    """Promise: the same for 'portal nspcc --send': one sends, the other finds it recorded."""
    slow = Server(delay=0.4)
    use_smtp(site, serve(slow))
    runs = [portal(site, "nspcc", "reviews/example-review", "--send") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert sorted(run.returncode for run in runs) == [0, 1], outputs
    assert any("already recorded as submitted" in err for _, err in outputs)
    assert slow.sent_to() == ["information@nspcc.org.uk"]


def test_digest_waits_for_the_project_lock(site, tmp_path):
    """Promise: 'portal digest' writes its .eml only while it holds the project lock."""
    from portal.workspace import project_lock

    eml = site.root / "outbox" / "digest-2026-01.eml"
    said = tmp_path / "stderr"
    with project_lock(site.root, "build"), said.open("w") as stderr:
        run = subprocess.Popen([sys.executable, "-m", "portal.cli", "digest", "--month", "2026-01",
                                "--to", "list@example.org"], cwd=site.root, stderr=stderr,
                               stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and run.poll() is None and "waiting for" not in said.read_text():
            time.sleep(0.2)
        assert "waiting for 'portal build'" in said.read_text()
        time.sleep(0.5)
        assert not eml.exists()
    assert run.wait(timeout=60) == 0, said.read_text()
    assert eml.exists()


# --- 4. staff's comments survive a send ---------------------------------------------------------

STAFF_REGISTER = """\
# Register for reviews/child-s. Kept by the communications team.
# Do not delete: the panel asked for the reference format below.

circulation:
  # Sent by hand from the shared mailbox; ticket CS-1042.
  national-panel: {sent_on: 2098-12-01, reference: "NP/2098/0001"}   # phoned to confirm
  ofsted:
    sent_on: 2098-12-01  # second try, first bounced
    reference: 'OF-77'

# Not yet: waiting for the press office.
not_published_notified: {on: 2098-11-30, to: "Child Safeguarding Practice Review Panel"}
"""


def test_a_send_keeps_the_staffs_comments_order_flow_style_and_file_mode(site, serve):
    """Promise: 'circulate --send' adds its record and changes nothing else in the file:
    every line staff wrote is still there, in order; the file keeps its mode."""
    pending(site, register=STAFF_REGISTER)
    register_file = site.root / "embargo" / "reviews" / "child-s.yaml"
    register_file.chmod(0o640)
    server = Server()
    use_smtp(site, serve(server))
    result = site.run("circulate", "reviews/child-s", "--send")
    assert result.exit_code == 0, result.output
    assert server.sent_to() == [FIRST, SECOND]
    after = register_file.read_text()
    lines = iter(after.splitlines())
    for line in STAFF_REGISTER.splitlines():
        assert any(kept == line for kept in lines), f"lost or moved: {line!r}\n{after}"
    before, now = yaml.safe_load(STAFF_REGISTER), yaml.safe_load(after)
    dfe = now["circulation"].pop("dfe")
    assert now == before
    assert set(dfe) == {"sent_on", "reference", "recipients"}
    assert list(now) == list(before)
    assert register_file.stat().st_mode & 0o777 == 0o640
    assert is_live_after_publication(site)


def test_a_comment_the_writer_cannot_keep_is_named_and_the_record_still_written(site, serve):
    """Promise: ruamel.yaml drops comments inside a {...} mapping written over several
    lines; the send is recorded all the same and the lost comment is shown to be restored."""
    pending(site, register="circulation:\n  ofsted: {\n    sent_on: 2098-12-01,  # bounced once\n"
                           "    reference: 'OF-77'\n  }\n  national-panel: {sent_on: 2098-12-01}\n")
    use_smtp(site, serve(Server()))
    result = site.run("circulate", "reviews/child-s", "--send")
    assert result.exit_code == 0, result.output
    assert "the comment '# bounced once' was inside a {...} mapping" in result.stderr
    assert set(register_of(site)["circulation"]) == {"ofsted", "national-panel", "dfe"}


def test_a_resend_keeps_the_earlier_record_and_its_comment(site, serve):
    """Promise: --resend keeps the replaced record under earlier, comments included."""
    pending(site, register=STAFF_REGISTER)
    use_smtp(site, serve(Server()))
    result = site.run("circulate", "reviews/child-s", "--send", "--rule", "national-panel", "--resend")
    assert result.exit_code == 0, result.output
    text = (site.root / "embargo" / "reviews" / "child-s.yaml").read_text()
    assert "# Sent by hand from the shared mailbox; ticket CS-1042." in text
    record = yaml.safe_load(text)["circulation"]["national-panel"]
    assert record["earlier"] == [{"sent_on": __import__("datetime").date(2098, 12, 1),
                                  "reference": "NP/2098/0001"}]
    assert record["recipients"] == {PANEL: record["sent_on"]}


# --- 5. the outbox is never a project folder -----------------------------------------------------

COMMANDS = {
    "circulate": ["circulate", "reviews/child-s"],
    "nspcc": ["nspcc", "reviews/example-review"],
    "digest": ["digest", "--month", "2026-01", "--to", "list@example.org"],
}


def run_in(site, folder: str, *args: str):
    cwd = os.getcwd()
    os.chdir(site.root / folder)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)


def files_under(folder: Path) -> set[str]:
    """Every path under ``folder`` but the portal's own cache and lock."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if not p.relative_to(folder).parts[0].startswith(".portal")}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("folder, outbox, wording", [
    ("", "content/outbox", "lies inside the content folder"),
    ("", "content", "the content folder"),
    ("", "embargo/outbox", "the register folder"),
    ("", "site/outbox", "lies inside the built site or preview"),
    ("", "preview/outbox", "lies inside the built site or preview"),
    ("", "site_overrides/x", "the theme overrides folder"),
    ("", ".", "it is the project folder or holds it"),
    ("content", "outbox", "lies inside the content folder"),
])
def test_an_outbox_inside_a_project_folder_is_refused_before_anything_is_written(
        site, command, folder, outbox, wording):
    """Promise: no pack is ever written where a build would publish it or where the
    project keeps its records: exit 2, nothing written."""
    pending(site)
    (site.root / "preview").mkdir()
    (site.root / "preview" / ".portal-preview").write_text("preview\n")
    before = files_under(site.root)
    extra = ["-f", "../mkdocs.yml"] if folder else []
    result = run_in(site, folder, *COMMANDS[command], "--outbox", outbox, *extra)
    assert result.exit_code == 2, result.output
    assert "--outbox: " in result.output and wording in result.output
    assert files_under(site.root) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_outbox_in_mkdocs_yml_is_read_from_the_project_folder(site, command):
    """Promise: run from content/ the default outbox is the project's outbox/, never
    content/outbox; run there without -f, the command says where to run it."""
    pending(site)
    content_before = files_under(site.root / "content")
    result = run_in(site, "content", *COMMANDS[command], "-f", "../mkdocs.yml")
    assert result.exit_code == 0, result.output
    assert files_under(site.root / "content") == content_before
    assert any(p.suffix == ".eml" for p in (site.root / "outbox").rglob("*"))
    lost = run_in(site, "content", *COMMANDS[command])
    assert lost.exit_code == 2
    assert "mkdocs.yml not found: run portal in a site project directory" in lost.output
    assert files_under(site.root / "content") == content_before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_outbox_setting_inside_the_content_folder_is_refused(site, command):
    pending(site)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      outbox: outbox\n", "      outbox: content/outbox\n"))
    result = site.run(*COMMANDS[command])
    assert result.exit_code == 2
    assert "mkdocs.yml: plugins.portal.outbox: " in result.output
    assert not (site.root / "content" / "outbox").exists()


# --- 6. no header injection ------------------------------------------------------------------------

HOSTILE = [
    ("line feed", "Child S\nBcc: victim@example.com"),
    ("carriage return", "Child S\r\nBcc: victim@example.com"),
    ("bare CR", "Child S\rX-Injected: yes"),
    ("vertical tab and escape", "Child\x0bS\x1b[31m"),
    ("NEL", "Child S\x85Bcc: victim@example.com"),
    ("line separator", "Child S\u2028Bcc: victim@example.com"),
    ("right-to-left override", "Child S \u202egnp.exe"),
    ("isolates", "Child \u2066S\u2069 \u2067x\u2068"),
]


@pytest.mark.parametrize("name, hostile", HOSTILE, ids=[name for name, _ in HOSTILE])
def test_header_text_is_one_safe_line(name, hostile):
    """Promise: whatever a field holds, its header value is one line with no control or
    bidi characters."""
    folded = mail.header_text(hostile)
    assert folded == " ".join(folded.split())
    assert all(ord(c) >= 0x20 and c not in mail.BIDI_CONTROLS and c not in "\x7f\x85\u2028\u2029"
               for c in folded)
    assert "\n" not in mail.safe_filename(hostile + "/../x.pdf")
    assert "/" not in mail.safe_filename(hostile + "/../x.pdf")


EXPECTED_HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "MIME-Version", "Content-Type",
                    "Content-Transfer-Encoding"}


def parsed_headers(path: Path) -> email.message.EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert set(message.keys()) <= EXPECTED_HEADERS, message.keys()
    assert len(message.get_all("Subject")) == 1
    subject = str(message["Subject"])
    assert "\n" not in subject and "\r" not in subject
    assert not any(c in mail.BIDI_CONTROLS for c in subject)
    return message


@pytest.mark.parametrize("name, hostile", HOSTILE, ids=[name for name, _ in HOSTILE])
def test_a_hostile_title_never_reaches_a_mail_header(site, tmp_path, name, hostile):
    """Promise: a title with a line break, control or bidi character is either refused by
    validation or folded to one line: never a traceback, never an injected header."""
    pending(site)
    site.review("child-s", title=hostile, publish_at="2099-01-06", circulated=False)
    site.review("child-n", title=hostile, publish_at="2026-03-03", approved_on="2026-02-01")
    runs = [(site.run("circulate", "reviews/child-s", "--rule", "dfe", "--outbox", str(tmp_path / "c")),
             tmp_path / "c/reviews/child-s/circulation-dfe.eml"),
            (site.run("nspcc", "reviews/child-n", "--outbox", str(tmp_path / "n")),
             tmp_path / "n/reviews/child-n/nspcc.eml"),
            (site.run("digest", "--month", "2026-03", "--to", "list@example.org", "--outbox",
                      str(tmp_path / "d")), tmp_path / "d/digest-2026-03.eml")]
    for result, eml in runs:
        if result.exit_code == 1:  # refused by validation, with the file and field
            assert "content/reviews/child-" in result.stderr and "title" in result.stderr
            assert not eml.exists()
            continue
        assert result.exit_code == 0, result.output
        message = parsed_headers(eml)
        if "digest" not in eml.name:
            assert str(message["Subject"]).endswith(mail.header_text(hostile))
        assert message["Bcc"] is None and message["X-Injected"] is None


def test_a_hostile_partnership_name_and_addresses_never_reach_a_header(site, tmp_path):
    """Promise: settings that reach headers (partnership, sender, addresses) are folded too."""
    config = site.root / "mkdocs.yml"
    text = config.read_text().replace('      partnership: ""\n',
                                      '      partnership: "Example\\r\\nBcc: victim@example.com"\n')
    config.write_text(text.replace("        sender: safeguarding@example.org\n",
                                   '        sender: "safeguarding@example.org\\nX-Injected: yes"\n'))
    result = site.run("digest", "--month", "2026-01", "--to", "list@example.org\nBcc: v@example.com",
                      "--outbox", str(tmp_path / "d"))
    if result.exit_code != 0:
        assert result.exit_code in (1, 2) and "mkdocs.yml" in result.output
        return
    message = parsed_headers(tmp_path / "d/digest-2026-01.eml")
    assert message["Subject"] == "New from Example Bcc: victim@example.com: January 2026"


# --- 7. SMTP failures: one line, never a traceback, nothing recorded ---------------------------

class _Silent:
    """A TCP server that accepts connections and never says a word (a firewall, a wrong port)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.connections.append(self.socket.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        self.socket.close()


def _tls_server(serve) -> int:
    """A STARTTLS server whose certificate nobody trusts."""
    trustme = pytest.importorskip("trustme")
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)
    return serve(Server(), tls_context=context, require_starttls=True)


def _auth_server(serve) -> int:
    """A server that refuses every login."""
    from aiosmtpd.smtp import AuthResult

    return serve(Server(), authenticator=lambda *args: AuthResult(success=False, handled=False),
                 auth_require_tls=False, auth_exclude_mechanism=["LOGIN"])


@pytest.mark.parametrize("failure, expected", [
    ("refused", "refused the connection: check smtp.host and smtp.port in plugins.portal.smtp in "
                "mkdocs.yml and that the server is running"),
    ("timeout", "did not answer within 1 s: check smtp.host and smtp.port"),
    ("no starttls", "does not offer STARTTLS: check smtp.port"),
    ("untrusted certificate", ": TLS failed (CERTIFICATE_VERIFY_FAILED): check the server's certificate"),
    ("login", "refused the login for 'comms' (535 5.7.8 Authentication credentials invalid): "
              "check smtp.username in plugins.portal.smtp in mkdocs.yml and the password in "
              "$TEST_SMTP_PASSWORD"),
])
def test_an_smtp_failure_is_one_line_naming_the_server_and_records_nothing(
        site, serve, tmp_path, monkeypatch, failure, expected):
    """Promise: when the server cannot be reached or refuses us, the command exits 1 with
    one line naming the server and what to check; nothing is recorded."""
    monkeypatch.setattr(mail, "SMTP_TIMEOUT_SECONDS", 1.0, raising=False)
    pending(site)
    register_file = site.root / "embargo" / "reviews" / "child-s.yaml"
    before = register_file.read_bytes()
    silent = None
    starttls = False
    username = ""
    if failure == "refused":
        port = free_port()
    elif failure == "timeout":
        silent = _Silent()
        port = silent.port
    elif failure == "no starttls":
        port, starttls = serve(Server()), True
    elif failure == "untrusted certificate":
        port, starttls = _tls_server(serve), True
    else:
        port, username = _auth_server(serve), "comms"
        monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    try:
        use_smtp(site, port, username=username)
        if starttls:
            config = site.root / "mkdocs.yml"
            config.write_text(config.read_text().replace("        starttls: false\n", "        starttls: true\n"))
        result = site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe",
                          "--outbox", str(tmp_path / "out"))
    finally:
        if silent:
            silent.close()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"the mail server 127.0.0.1:{port}")
    assert expected in lines[0]
    assert lines[0].endswith("nothing was sent and nothing was recorded in the register")
    assert register_file.read_bytes() == before


# --- the register's circulation records, validated -------------------------------------------------

@pytest.mark.parametrize("record, expected", [
    ("{sent_on: 2026-01-01, refused: {a@x.gov.uk: '550 no'}}",
     "circulation.dfe.refused: a rule is met (sent_on) only when every address accepted the pack"),
    ("{sent_on: 2026-01-01, by: Jo}",
     "circulation.dfe.by: unknown field: expected sent_on, reference, recipients, accepted, refused, earlier"),
    ("{accepted: [a@x.gov.uk]}",
     "circulation.dfe.accepted: expected a mapping of address to the date it accepted the pack"),
    ("{accepted: {a@x.gov.uk: 2026-02-30}}", "circulation.dfe.accepted.a@x.gov.uk: 2026-02-30 is not a real date"),
    ("{refused: {a@x.gov.uk: 550}}", "circulation.dfe.refused: expected a mapping of address to the server's answer"),
    ("{reference: x}", "circulation.dfe: expected {sent_on: YYYY-MM-DD, reference: ...}"),
    ("{sent_on: 2026-01-01, earlier: {sent_on: 2025-01-01}}",
     "circulation.dfe.earlier: expected a list of the records a resend replaced"),
])
def test_a_bad_circulation_record_is_an_error_naming_the_field(record, expected):
    """Promise: the register's circulation records are a schema: anything else is an
    error naming the file and field, never silently ignored."""
    from portal.core.register import parse_entry
    from portal.frontmatter import load_yaml

    entry, findings = parse_entry(load_yaml(f"circulation:\n  dfe: {record}\n"), "embargo/r.yaml", "r")
    assert entry is None
    assert len(findings) == 1
    assert str(findings[0]).startswith(f"embargo/r.yaml: {expected}")


def test_the_rule_is_met_only_when_every_address_has_accepted():
    """Promise (core): accepted addresses add up across sends; the rule is met, dated the
    day the last one accepted, only when all have."""
    from datetime import date

    from portal.core.register import Circulation, PartialCirculation, circulation_after_send

    addresses = ("a@x", "b@x")
    first = circulation_after_send(None, addresses, {"a@x": date(2026, 1, 5)}, {"b@x": "550 no"}, "<m1>")
    assert first == PartialCirculation({"a@x": date(2026, 1, 5)}, {"b@x": "550 no"}, "<m1>")
    still = circulation_after_send(first, addresses, {}, {"b@x": "452 later"}, "<m2>")
    assert still == PartialCirculation({"a@x": date(2026, 1, 5)}, {"b@x": "452 later"}, "<m1>")
    done = circulation_after_send(still, addresses, {"b@x": date(2026, 1, 7)}, {}, "<m3>")
    assert done == Circulation(date(2026, 1, 7), "<m1>", {"a@x": date(2026, 1, 5), "b@x": date(2026, 1, 7)})
    assert circulation_after_send(None, addresses, {"a@x": date(2026, 1, 5), "b@x": date(2026, 1, 5)},
                                  {}, "<m>") == Circulation(date(2026, 1, 5), "<m>",
                                                            {"a@x": date(2026, 1, 5), "b@x": date(2026, 1, 5)})


def test_a_rule_whose_refused_address_was_removed_is_met_without_sending_again(site, serve):
    """Promise: once the refused address is corrected out of the rule, a retry records the
    rule as met (every address of it accepted) and sends nothing twice."""
    pending(site)
    use_smtp(site, serve(Server(refuse={SECOND: "550 no such user"})))
    assert site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe").exit_code == 1
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(f"addresses: [{FIRST}, {SECOND}]", f"addresses: [{FIRST}]"))
    server = Server()
    use_smtp(site, serve(server))
    result = site.run("circulate", "reviews/child-s", "--send", "--rule", "dfe")
    assert result.exit_code == 0, result.output
    assert server.delivered == []
    dfe = register_of(site)["circulation"]["dfe"]
    assert set(dfe) == {"sent_on", "reference", "recipients"} and list(dfe["recipients"]) == [FIRST]
    assert is_live_after_publication(site)


def test_a_refused_nspcc_submission_is_not_recorded(site, serve):
    """Promise: an NSPCC submission the server refuses is an error and is not recorded."""
    use_smtp(site, serve(Server(refuse={"information@nspcc.org.uk": "550 5.1.1 unknown"})))
    result = site.run("nspcc", "reviews/example-review", "--send")
    assert result.exit_code == 1
    assert ("information@nspcc.org.uk refused it (550 5.1.1 unknown): check "
            "plugins.portal.nspcc_address in mkdocs.yml; nothing was recorded") in result.stderr
    assert "nspcc" not in register_of(site, "reviews/example-review")


def test_a_withdrawn_report_is_never_circulated_and_a_held_one_names_no_past_date(site, tmp_path):
    """Promise: a circulation pack never states an embargo that has passed: a withdrawn
    review is refused (nothing written); a review held past its publish_at is embargoed
    until the hold lifts, or with no date while the hold has no end."""
    site.review("gone", publish_at="2026-01-20", circulated=False)
    site.register("reviews/gone", "withdrawal:\n  on: 2026-11-01\n  reason_public: A court order.\n"
                  "  authorised_by: Independent Scrutineer\n")
    site.review("held", publish_at="2026-01-20", circulated=False,
                legal_hold={"reason": "Criminal proceedings"})
    site.review("held-until", publish_at="2026-01-20", circulated=False,
                legal_hold={"reason": "Criminal proceedings", "until": "2027-02-28"})
    outbox = tmp_path / "out"
    refused = site.run("circulate", "reviews/gone", "--outbox", str(outbox))
    assert refused.exit_code == 1 and "a withdrawn report is never circulated again" in refused.output
    assert not outbox.exists()
    import email
    import email.policy

    for item_id, subject in (("held", "EMBARGOED (legal hold: no publication date yet) \u2013 Review held"),
                             ("held-until", "EMBARGOED UNTIL Monday 1 March 2027, 00:00 GMT \u2013 Review held-until")):
        result = site.run("circulate", f"reviews/{item_id}", "--outbox", str(outbox))
        assert result.exit_code == 0, result.output
        pack = next((outbox / "reviews" / item_id).glob("*.eml"))
        message = email.message_from_bytes(pack.read_bytes(), policy=email.policy.default)
        assert message["Subject"] == subject
