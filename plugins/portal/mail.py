"""Email packs: the pre-publication circulation pack (and the NSPCC submission), written
as .eml files with the standard library's email package and sent over SMTP."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from .core.circulation import SENDS, CirculationRule
from .core.dates import format_instant
from .core.items import Item, Kind
from .printable import render_document
from .project import Project


class MailError(RuntimeError):
    """Sending failed or cannot start; the message says what to do."""


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
    """One email to one recipient, with where it is written."""

    rule_id: str
    message: EmailMessage
    path: Path


def _attachment_name(item: Item, what: str) -> str:
    return f"{item.id.split('/')[-1]}-{what}.pdf"


def _printable_report(item: Item, project: Project, what: str, embargoed: bool = True) -> bytes:
    details = item.details
    lines = [f"Review type: {details.get('review_type', '')}", f"Child: {details.get('child', '')}"]
    if details.get("reviewer"):
        lines.append("Reviewer: " + ", ".join(details["reviewer"]))
    tz = project.settings.timezone
    lines.append(f"Publication: {format_instant(item.publish_at, tz)}")
    header = (f"EMBARGOED UNTIL {format_instant(item.publish_at, tz)}" if embargoed
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
                    header = f"EMBARGOED UNTIL {format_instant(item.publish_at, project.settings.timezone)}"
                    pdf = render_document(other.title, header, [other.summary],
                                          body=project.bodies[other.id], footer_note="EMBARGOED")
                    files.append((f"{other.id.split('/')[-1]}.pdf", pdf))
    return files


def _message(subject: str, smtp: SmtpSettings, to: str, now, idstring: str) -> EmailMessage:
    """A new message with the headers every pack has."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = smtp.sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    domain = smtp.sender.split("@")[-1] if "@" in smtp.sender else None
    message["Message-ID"] = make_msgid(idstring=idstring, domain=domain)
    return message


def circulation_pack(item: Item, rule: CirculationRule, project: Project, smtp: SmtpSettings,
                     site_url: str, partnership: str, now, outbox: Path) -> Pack:
    tz = project.settings.timezone
    when = format_instant(item.publish_at, tz)
    message = _message(f"EMBARGOED UNTIL {when} \u2013 {item.title}", smtp, ", ".join(rule.addresses),
                       now, rule.id)
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
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    path = outbox / item.id / f"circulation-{rule.id}.eml"
    return Pack(rule.id, message, path)


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
        message.add_attachment(path.read_bytes(), maintype="application", subtype="pdf", filename=path.name)
    else:
        message.add_attachment(_printable_report(item, project, "full-report", embargoed=False),
                               maintype="application", subtype="pdf",
                               filename=_attachment_name(item, "report"))
    return Pack("nspcc", message, outbox / item.id / "nspcc.eml")


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
    return Pack("digest", message, outbox / f"digest-{month}.eml")


def write_eml(pack: Pack) -> Path:
    pack.path.parent.mkdir(parents=True, exist_ok=True)
    pack.path.write_bytes(bytes(pack.message))
    return pack.path


def send(messages: list[EmailMessage], smtp: SmtpSettings) -> None:
    """Send through the configured server. The password comes only from the environment."""
    password = os.environ.get(smtp.password_env, "") if smtp.username else ""
    if smtp.username and not password:
        raise MailError(f"set the environment variable {smtp.password_env} to the SMTP password "
                        f"for {smtp.username} (it is never read from mkdocs.yml)")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, password)
            for message in messages:
                server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"sending through {smtp.host}:{smtp.port} failed ({exc}); nothing was "
                        "recorded in the register") from exc
