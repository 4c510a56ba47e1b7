"""Email packs: the pre-publication circulation pack (and the NSPCC submission), written
as .eml files with the standard library's email package and sent over SMTP.

Every header value goes through ``header_text``: a title or name with a line break, a
control character or a bidi override cannot add a header or spoof one. Sending reports
each message's answer (which recipients the server accepted, which it refused) as soon
as the server has accepted it, so that the caller records it before the next is sent.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from .core.circulation import SENDS, CirculationRule
from .core.dates import format_instant
from .core.items import Item, Kind
from .printable import render_document
from .project import Project


SMTP_TIMEOUT_SECONDS = 30.0
"""How long the server may take to answer any one command before sending stops."""

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
"""Bidi marks, embeddings, overrides and isolates: they reorder what a mail client shows."""

_SPACES = re.compile(r"\s+")


class MailError(RuntimeError):
    """Sending failed or cannot start; the message says what to do."""


def header_text(value: object) -> str:
    """``value`` as one line safe in a mail header: line breaks, other control characters
    (C0, C1, DEL, U+2028/U+2029) and bidi controls become a space, runs of white space one
    space. A header built from it can never end early and start another."""
    def is_unsafe(char: str) -> bool:
        return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp")

    text = "".join(" " if is_unsafe(char) else char for char in str(value))
    return _SPACES.sub(" ", text).strip()


def safe_filename(name: str) -> str:
    """An attachment's file name: one header-safe line, no folder separators."""
    return header_text(name).replace("/", "-").replace("\\", "-") or "attachment.pdf"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    username: str
    password_env: str
    sender: str


@dataclass
class Pack:
    """One email to one recipient, with where it is written and the addresses it is sent
    to (the envelope: on a retry, only those that have not accepted it yet)."""

    rule_id: str
    message: EmailMessage
    path: Path
    recipients: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """What the server said to one message: the addresses that accepted it (after the
    server's 250 to DATA) and those it refused, with the server's reply."""

    pack: Pack
    accepted: tuple[str, ...]
    refused: dict[str, str]


def _attachment_name(item: Item, what: str) -> str:
    return f"{item.id.split('/')[-1]}-{what}.pdf"


def _printable_report(item: Item, project: Project, what: str, embargoed: bool = True) -> bytes:
    details = item.details
    lines = [f"Review type: {details.get('review_type', '')}", f"Child: {details.get('child', '')}"]
    if details.get("reviewer"):
        lines.append("Reviewer: " + ", ".join(details["reviewer"]))
    tz = project.settings.timezone
    lines.append(f"Publication: {format_instant(item.publish_at, tz)}")
    header = (embargo_label(item, project.settings) if embargoed
              else f"Published {format_instant(item.publish_at, tz)}")
    note = "EMBARGOED" if embargoed else ""
    sections = (("Learning points", details.get("learning_points", ())),
                ("Recommendations", details.get("recommendations", ())))
    if what == "executive-summary":
        return render_document(f"{item.title}: executive summary", header, lines,
                               body=item.summary, sections=sections, footer_note=note)
    return render_document(item.title, header, lines, body=project.bodies[item.id],
                           sections=sections, footer_note=note)


def attachments_for(item: Item, rule: CirculationRule, project: Project) -> list[tuple[str, bytes]]:
    """What a rule sends, as (file name, PDF bytes): the report's own PDF where it has one,
    otherwise a printable rendering; the review's approved briefings."""
    files = []
    for what in rule.sends:
        if what == "full-report":
            if item.report:
                path = project.docs_dir / item.report
                files.append((path.name, path.read_bytes()))
            else:
                files.append((_attachment_name(item, "report"), _printable_report(item, project, what)))
        elif what == "executive-summary":
            files.append((_attachment_name(item, "executive-summary"),
                          _printable_report(item, project, what)))
        elif what == "briefing":
            for other in project.items.values():
                if other.kind is Kind.BRIEFING and other.review_id == item.id and other.status == "approved":
                    header = embargo_label(item, project.settings)
                    pdf = render_document(other.title, header, [other.summary],
                                          body=project.bodies[other.id], footer_note="EMBARGOED")
                    files.append((f"{other.id.split('/')[-1]}.pdf", pdf))
    return files


def _message(subject: str, smtp: SmtpSettings, to: str, now, idstring: str,
             message_id: str = "") -> EmailMessage:
    """A new message with the headers every pack has, each value made one safe line."""
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = header_text(smtp.sender)
    message["To"] = header_text(to)
    message["Date"] = format_datetime(now)
    sender = header_text(smtp.sender)
    domain = sender.split("@")[-1] if "@" in sender else None
    message["Message-ID"] = header_text(message_id) or make_msgid(idstring=idstring, domain=domain)
    return message


def _attach_pdf(message: EmailMessage, data: bytes, name: str) -> None:
    message.add_attachment(data, maintype="application", subtype="pdf", filename=safe_filename(name))


def embargo_label(item: Item, settings) -> str:
    """The embargo a pack states: until the item goes live by its date and legal hold (a
    hold that outlasts ``publish_at`` moves it), or no date at all while a hold has no end."""
    from .core.publication import goes_live_at

    live_from = goes_live_at(item, settings)
    if live_from is None:
        return "EMBARGOED (legal hold: no publication date yet)"
    return f"EMBARGOED UNTIL {format_instant(live_from, settings.timezone)}"


def circulation_pack(item: Item, rule: CirculationRule, project: Project, smtp: SmtpSettings,
                     site_url: str, partnership: str, now, outbox: Path,
                     recipients: Iterable[str] | None = None, message_id: str = "") -> Pack:
    """The rule's pack, addressed to all of the rule's addresses and sent to
    ``recipients`` (default: all of them); ``message_id`` continues an earlier send."""
    from .core.publication import goes_live_at

    tz = project.settings.timezone
    live_from = goes_live_at(item, project.settings)
    when = format_instant(live_from, tz) if live_from else "a date not yet set (a legal hold is in force)"
    message = _message(f"{embargo_label(item, project.settings)} \u2013 {item.title}", smtp,
                       ", ".join(rule.addresses),
                       now, rule.id, message_id)
    attached = attachments_for(item, rule, project)
    sends = ", ".join(SENDS[s] for s in rule.sends)
    url = site_url.rstrip("/") + "/" + item.url if site_url else item.url
    listing = "\n".join(f"  - {name}" for name, _ in attached) or "  (none)"
    message.set_content(
        f"Dear {rule.recipient},\n\n"
        f"{partnership} will publish \"{item.title}\" on {when}.\n\n"
        f"EMBARGO: the attached material is sent to you in confidence under embargo. It must "
        f"not be published, shared beyond those who need it to prepare, or quoted before "
        f"{when}. After that time it will be public at:\n  {url}\n\n"
        f"We send you {sends} under our circulation rule '{rule.id}': no later than "
        f"{rule.working_days} working days before publication.\n\n"
        f"Attached:\n{listing}\n\n"
        f"If you have any question about this publication, reply to this email.\n\n"
        f"{partnership}\n")
    for name, data in attached:
        _attach_pdf(message, data, name)
    path = outbox / item.id / f"circulation-{rule.id}.eml"
    chosen = list(rule.addresses if recipients is None else recipients)
    return Pack(rule.id, message, path, [header_text(a) for a in chosen])


def nspcc_pack(item: Item, project: Project, smtp: SmtpSettings, address: str, site_url: str,
               partnership: str, now, outbox: Path) -> Pack:
    """The NSPCC repository submission: the entry in the repository's own shape, and the
    report attached."""
    from .core.nspcc import entry_text

    tz = project.settings.timezone
    url = site_url.rstrip("/") + "/" + item.url if site_url else item.url
    labels = {theme.id: theme.label for theme in project.settings.themes}
    message = _message(f"National case review repository: {item.title}", smtp, address, now, "nspcc")
    message.set_content(
        "Dear NSPCC Library and Information Service,\n\n"
        f"{partnership} has published the review below. Please include it in the National "
        "Repository of Safeguarding Case Reviews. The report is attached and is public at the "
        "address given.\n\n"
        f"{entry_text(item, labels, tz, url)}\n\n{partnership}\n")
    if item.report:
        path = project.docs_dir / item.report
        _attach_pdf(message, path.read_bytes(), path.name)
    else:
        _attach_pdf(message, _printable_report(item, project, "full-report", embargoed=False),
                    _attachment_name(item, "report"))
    return Pack("nspcc", message, outbox / item.id / "nspcc.eml", [header_text(address)])


def digest_pack(items: list[Item], month: str, project: Project, smtp: SmtpSettings, to: str,
                site_url: str, partnership: str, now, outbox: Path) -> Pack:
    """The monthly digest of new publications for the partnership's mailing list, as the
    NSPCC's monthly case reviews update does: plain text with an HTML alternative."""
    from datetime import date
    from html import escape

    from .core.dates import format_date, local_date
    from .views import item_type

    tz = project.settings.timezone
    year, number = (int(part) for part in month.split("-"))
    label = f"{date(year, number, 1):%B %Y}"
    message = _message(f"New from {partnership}: {label}", smtp, to, now, "digest")
    lines = [f"{partnership}: new publications in {label}", ""]
    blocks = []
    for item in items:
        url = site_url.rstrip("/") + "/" + item.url
        kind = item_type(item)[1]
        when = format_date(local_date(item.publish_at, tz))
        lines += [f"{item.title}", f"{kind}, published {when}", item.summary, url, ""]
        blocks.append(f"<h2><a href=\"{escape(url)}\">{escape(item.title)}</a></h2>"
                      f"<p><strong>{escape(kind)}</strong>, published {escape(when)}</p>"
                      f"<p>{escape(item.summary)}</p>")
    if not items:
        lines.append("Nothing new was published this month.")
        blocks.append("<p>Nothing new was published this month.</p>")
    message.set_content("\n".join(lines))
    message.add_alternative(
        f"<!DOCTYPE html><html lang=\"en\"><body><h1>{escape(partnership)}: new publications in "
        f"{escape(label)}</h1>{''.join(blocks)}</body></html>", subtype="html")
    return Pack("digest", message, outbox / f"digest-{month}.eml", [header_text(to)])


def write_eml(pack: Pack) -> Path:
    """Write the pack's .eml in one step (never half a message in the outbox)."""
    from .workspace import write_atomic

    write_atomic(pack.path, bytes(pack.message))
    return pack.path


def send(packs: list[Pack], smtp: SmtpSettings, on_answer: Callable[[Answer], None]) -> None:
    """Send each pack over one connection, in turn. ``on_answer`` is called as soon as
    the server has answered a pack, before the next is sent, so that what it accepted is
    recorded even if a later one fails. A pack refused for some or all recipients is
    answered and sending goes on; any other failure stops sending and raises
    ``MailError`` naming the server and what to check (the packs not answered were not
    sent). The password comes only from the environment."""
    password = os.environ.get(smtp.password_env, "") if smtp.username else ""
    if smtp.username and not password:
        raise MailError(f"set the environment variable {smtp.password_env} to the SMTP password "
                        f"for {smtp.username} (it is never read from mkdocs.yml)")
    try:
        with _connect(smtp, password) as server:
            for pack in packs:
                on_answer(_send_one(server, pack, smtp))
    except MailError:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(explain(exc, smtp)) from exc


def _connect(smtp: SmtpSettings, password: str) -> smtplib.SMTP:
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.username:
            server.login(smtp.username, password)
    except BaseException:
        server.close()
        raise
    return server


def _send_one(server: smtplib.SMTP, pack: Pack, smtp: SmtpSettings) -> Answer:
    try:
        refused = server.send_message(pack.message, from_addr=header_text(smtp.sender),
                                      to_addrs=pack.recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        if any(code == 421 for code, _ in exc.recipients.values()):
            raise smtplib.SMTPServerDisconnected(_reply(*next(
                answer for answer in exc.recipients.values() if answer[0] == 421))) from exc
        return Answer(pack, (), {a: _reply(*answer) for a, answer in exc.recipients.items()})
    accepted = tuple(a for a in pack.recipients if a not in refused)
    return Answer(pack, accepted, {a: _reply(*answer) for a, answer in refused.items()})


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return header_text(f"{code} {text}")


def explain(exc: BaseException, smtp: SmtpSettings) -> str:
    """One line: the server, what went wrong, what to check."""
    where = f"the mail server {smtp.host}:{smtp.port}"
    settings = "plugins.portal.smtp in mkdocs.yml"
    # smtplib reports a reply that never came as a closed connection "...: timed out"
    if isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc):
        return (f"{where} did not answer within {SMTP_TIMEOUT_SECONDS:g} s: check smtp.host and "
                f"smtp.port in {settings} (587 for STARTTLS) and the network")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return (f"{where} refused the login for {smtp.username!r} ({reply}): check "
                f"smtp.username in {settings} and the password in ${smtp.password_env}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if "AUTH" in str(exc):
            return (f"{where} does not offer a login (SMTP AUTH), perhaps not before STARTTLS: "
                    f"check smtp.port, smtp.starttls and smtp.username in {settings}")
        return (f"{where} does not offer STARTTLS: check smtp.port in {settings} (587 is the usual "
                "port for STARTTLS); never turn smtp.starttls off on a network you do not trust")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return f"{where} refused the sender {exc.sender!r} ({reply}): check smtp.sender in {settings}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return (f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}: try again later, or ask "
                "the server's administrator")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return (f"{where} closed the connection ({header_text(exc) or 'no reason given'}): try again "
                "later; check smtp.port and smtp.starttls in " + settings)
    if isinstance(exc, ssl.SSLError):
        reason = header_text(getattr(exc, "reason", None) or exc)
        return (f"{where}: TLS failed ({reason}): check the server's certificate and smtp.host "
                f"(the name on the certificate) in {settings}")
    if isinstance(exc, ConnectionRefusedError):
        return (f"{where} refused the connection: check smtp.host and smtp.port in {settings} and "
                "that the server is running")
    if isinstance(exc, socket.gaierror):
        return f"{where}: no such host ({exc.strerror}): check smtp.host in {settings}"
    return f"{where}: sending failed ({header_text(exc)}): check {settings} and the network"
