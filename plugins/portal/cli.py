"""The ``portal`` command: what partnership staff run in a site project directory.

Exit codes: 0 success, 1 content or register errors, 2 bad usage.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .core.dates import UTC, DateError, format_instant, parse_instant
from .core.findings import Finding, Level, error
from .project import SettingsError

console = Console(stderr=False, highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

PREVIEW_MARKER = ".portal-preview"
CONFIG_FILE = "mkdocs.yml"


class ContentErrors(click.ClickException):
    """Content or register errors: printed as ``file: field: message``, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        err_console.print(self.message, markup=False)


def _load(config_file: str, **overrides):
    """Load mkdocs.yml and the portal plugin, or fail as bad usage."""
    from .mkdocs.config_file import ConfigFileError, load_config_file

    if not Path(config_file).is_file():
        raise click.UsageError(
            f"{config_file} not found: run portal in a site project directory (the one with "
            "mkdocs.yml), or make one with 'portal new DIR'")
    try:
        config = load_config_file(config_file, **overrides)
    except ConfigFileError as exc:
        raise ContentErrors(str(exc)) from exc
    plugin = config.plugins.get("portal")
    if plugin is None:
        raise click.UsageError(f"{config_file}: plugins: the 'portal' plugin is not configured")
    return config, plugin


def _settings_tz(plugin):
    from .core.dates import load_timezone

    try:
        return load_timezone(plugin.config.timezone)
    except DateError as exc:
        raise ContentErrors(f"{CONFIG_FILE}: plugins.portal.timezone: {exc}") from exc


def _parse_now(value: str | None, tz, *, allow_future: bool) -> datetime | None:
    if value is None:
        return None
    try:
        moment = parse_instant(value, tz, datetime.min.time())
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from exc
    if not allow_future and moment > datetime.now(UTC):
        raise click.BadParameter(
            f"{format_instant(moment, tz)} is in the future: a public build never shows the "
            "future. Use 'portal build --preview --now ...' to see the site as it will be.",
            param_hint="--now")
    return moment


@click.group()
@click.version_option(package_name="safeguarding-review-portal")
def main() -> None:
    """Publish safeguarding case reviews, case studies, briefings and action-plan progress.

    Run the commands in a site project directory (the one with mkdocs.yml).
    """


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Make a fresh site project in DIRECTORY that builds as it is."""
    if directory.exists() and any(directory.iterdir()):
        raise click.UsageError(f"{directory} exists and is not empty: choose a new directory")
    skeleton = Path(__file__).parent / "skeleton"
    shutil.copytree(skeleton, directory, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (directory / "gitignore").rename(directory / ".gitignore")
    console.print(f"Made a site project in [bold]{directory}[/]. Next:")
    console.print(f"  cd {directory}\n  portal check\n  portal build")


@main.command()
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: site_dir in mkdocs.yml, usually site/).")
@click.option("--now", "now_text", metavar="T",
              help="Build as at this time (YYYY-MM-DD or 'YYYY-MM-DD HH:MM', site timezone). "
                   "Not later than the real time.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--preview", is_flag=True,
              help="An internal preview (default folder preview/): every item, those not yet public "
                   "marked EMBARGOED or DRAFT, every page noindex; --now may be any time.")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def build(site_dir: Path | None, now_text: str | None, strict: bool, preview: bool, config_file: str) -> None:
    """Build the public site: only live items, with search, feeds and JSON.

    The site is written to a temporary folder and swapped in only when complete: a
    failing build leaves the previous site untouched.
    """
    config, plugin = _load(config_file)
    public_dir = Path(config.site_dir).resolve()
    root = Path(config.config_file_path).resolve().parent
    target = Path(site_dir).resolve() if site_dir else (root / "preview" if preview else public_dir)
    docs = Path(config.docs_dir).resolve()
    if target == docs or docs in target.parents or target in docs.parents:
        raise click.UsageError(f"--site-dir {target} overlaps the content folder {docs}")
    if preview:
        _check_preview_target(target, public_dir)
    elif (target / PREVIEW_MARKER).exists():
        raise click.UsageError(
            f"{target} holds an internal preview (it has {PREVIEW_MARKER}): a public build "
            "never writes over a preview. Choose another --site-dir or delete the preview.")
    now = _parse_now(now_text, _settings_tz(plugin), allow_future=preview)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        publication = _run_mkdocs(config_file, staging, now, strict, preview)
        if preview:
            (staging / PREVIEW_MARKER).write_text(
                "An internal preview built by 'portal build --preview'. Never publish this folder.\n")
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if preview:
        console.print(f"[yellow]Built an internal preview[/] in {target}: not for publication")
        return
    console.print(f"[green]Built[/] the public site in {target}")
    _append_to_ledger(publication)
    _append_progress_history(publication)


def _check_preview_target(target: Path, public_dir: Path) -> None:
    """A preview never goes where the public site goes, or over anything but a preview."""
    if target == public_dir:
        raise click.UsageError(f"{target} is the public site folder (site_dir): a preview goes "
                               "elsewhere (default preview/)")
    if target.exists() and any(target.iterdir()) and not (target / PREVIEW_MARKER).exists():
        raise click.UsageError(f"{target} exists and is not a preview: choose an empty folder")


def _append_progress_history(publication) -> None:
    """Record RAG totals that changed, so the dashboard can show how they have moved."""
    from .progress_view import HISTORY_HEADER, history_updates, read_history

    path = publication.project.ledger_path.parent / "progress-history"
    lines = history_updates(publication, read_history(path))
    if not lines:
        return
    with path.open("a", encoding="utf-8") as history:
        if history.tell() == 0:
            history.write(HISTORY_HEADER)
        history.writelines(lines)


def _append_to_ledger(publication) -> None:
    """Record first publications and content changes: append-only, never rewritten."""
    from .core.ledger import HEADER

    lines = publication.ledger_updates()
    if not lines:
        return
    path = publication.project.ledger_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as ledger:
        if ledger.tell() == 0:
            ledger.write(HEADER)
        ledger.writelines(lines)
    console.print(f"Recorded {len(lines)} publication event{'s' if len(lines) != 1 else ''} in "
                  f"{path.relative_to(publication.project.root)} (commit it)")


def _run_mkdocs(config_file: str, site_dir: Path, now: datetime | None, strict: bool,
                preview: bool = False):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, MkDocsException

    config, plugin = _load(config_file, site_dir=str(site_dir), strict=strict)
    plugin.now = now
    plugin.preview = preview
    handler = _LogHandler()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(handler)
    mkdocs_logger.setLevel(logging.INFO)
    previous_propagate = mkdocs_logger.propagate
    mkdocs_logger.propagate = False
    try:
        with console.status("Building the internal preview…" if preview else "Building the public site…"):
            mkdocs_build(config)
        return plugin.publication
    except (Abort, MkDocsException) as exc:
        detail = "\n".join(handler.errors) or str(exc)
        raise ContentErrors(f"{detail}\nThe build failed: the previous site is unchanged.") from exc
    finally:
        mkdocs_logger.removeHandler(handler)
        mkdocs_logger.propagate = previous_propagate


class _LogHandler(logging.Handler):
    """Shows MkDocs' warnings and errors as they come; keeps errors for the summary."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(message)
        else:
            err_console.print(f"warning: {message}", markup=False)


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames, keeping the old site until then."""
    retired = None
    if target.exists():
        retired = target.with_name(f".{target.name}.previous-{os.getpid()}")
        target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        if retired is not None:
            retired.rename(target)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


@main.command()
@click.option("--now", "now_text", metavar="T", help="Check as at this time (any time).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def check(now_text: str | None, as_json: bool, config_file: str) -> None:
    """Validate content and register and every publication rule; exit 1 on any error."""
    config, plugin, project, publication, tz = _open_project(config_file, now_text)
    now = publication.now
    findings = list(project.findings)
    if not project.errors:
        from .schedule import nspcc_warnings, planning_warnings

        findings.extend(publication.findings)
        findings.extend(planning_warnings(publication))
        findings.extend(nspcc_warnings(publication))
        findings.extend(_progress_warnings(project, publication, plugin.config.progress_stale_after_days))
        findings.extend(_ledger_warnings(publication))
    states = []
    from .core.dates import format_date
    from .core.protection import archive_eligible_from

    for item_id, decision in sorted(publication.decisions.items()):
        item = project.items[item_id]
        row = {"item": item_id, "state": decision.state.value,
               "reasons": [b.message for b in decision.blocks]}
        if decision.is_live:
            eligible = archive_eligible_from(item, project.ledger, tz)
            row["archive_from"] = eligible.isoformat()
            row["reasons"].append(f"may be archived from {format_date(eligible)}")
        states.append(row)
        for block in decision.blocks:
            if block.is_error:
                findings.append(error(f"content/{item.src_uri}", "", block.code, block.message, item_id))
    errors = [f for f in findings if f.level is Level.ERROR]
    if as_json:
        click.echo(json.dumps({"now": now.isoformat(), "findings": [f.as_dict() for f in findings],
                               "items": states}, indent=2))
    else:
        _print_findings(findings)
        _print_states(states, now, tz)
    if errors:
        sys.exit(1)


def _progress_warnings(project, publication, stale_after_days: int) -> list[Finding]:
    from .core.dates import local_date
    from .core.items import Kind
    from .core.progress import progress_warnings

    today = local_date(publication.now, project.settings.timezone)
    findings = []
    for item in project.items.values():
        if item.kind is Kind.PROGRESS:
            findings += progress_warnings(item, project.bodies[item.id], today, stale_after_days,
                                          f"content/{item.src_uri}")
    return findings


def _ledger_warnings(publication) -> list[Finding]:
    from .core.findings import warning

    behind = publication.ledger_updates()
    if not behind:
        return []
    ids = sorted({line.split("\t")[1] for line in behind})
    return [warning(str(publication.project.ledger_path.relative_to(publication.project.root)), "",
                    "ledger-behind", f"{len(behind)} publication event(s) not yet recorded "
                    f"({', '.join(ids)}): run 'portal build' and commit the ledger")]


def _print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        colour = "red" if finding.level is Level.ERROR else "yellow"
        err_console.print(f"[{colour}]{finding.level.value}[/]: ", end="")
        err_console.print(str(finding), markup=False)
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = sum(f.level is Level.WARNING for f in findings)
    err_console.print(f"{errors} error{'s' if errors != 1 else ''}, "
                      f"{warnings} warning{'s' if warnings != 1 else ''}")


def _print_states(states: list[dict], now: datetime, tz) -> None:
    console.print(f"[bold]Publication state at {format_instant(now, tz)}[/]")
    width = max((len(row["state"]) for row in states), default=0)
    for row in states:
        style = "green" if row["state"] == "live" else "yellow"
        why = "; ".join(row["reasons"])
        console.print(f"[{style}]{row['state']:<{width}}[/]  {row['item']}", end="")
        console.print(f" - {why}" if why else "", markup=False)


def _open_project(config_file: str, now_text: str | None = None):
    """Load mkdocs.yml, the project and its publication decision at ``now``."""
    from mkdocs.exceptions import PluginError

    config, plugin = _load(config_file)
    tz = _settings_tz(plugin)
    now = _parse_now(now_text, tz, allow_future=True) or datetime.now(UTC)
    try:
        project = plugin.load_project(config)
    except (PluginError, SettingsError) as exc:
        raise ContentErrors(str(exc)) from exc
    return config, plugin, project, project.decide(now), tz


def _require_valid(project) -> None:
    if project.errors:
        raise ContentErrors("\n".join(str(f) for f in project.errors)
                            + "\nFix these first ('portal check' lists them).")


@main.command()
@click.argument("publication_date", metavar="DATE")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def deadline(publication_date: str, as_json: bool, config_file: str) -> None:
    """For a publication DATE (YYYY-MM-DD), each circulation rule's latest send date."""
    from .core.dates import format_date, parse_date
    from .schedule import deadline_dates

    _, _, project, _, _ = _open_project(config_file)
    try:
        day = parse_date(publication_date)
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint="DATE") from exc
    rows = deadline_dates(day, project)
    why = project.settings.calendar.why_not_working(day)
    if as_json:
        click.echo(json.dumps({"publication_date": day.isoformat(), "not_a_working_day": why,
                               "deadlines": [{"rule": r, "recipient": who, "working_days": n,
                                              "latest_send_date": d.isoformat()}
                                             for r, who, n, d in rows]}, indent=2))
        return
    if why:
        err_console.print(f"[yellow]warning[/]: {format_date(day)} is {why}: publication is "
                          "allowed, but nobody may be at work to handle it")
    table = Table(title=f"Circulation deadlines for publication on {day:%A} {format_date(day)}",
                  title_justify="left")
    for column in ("Rule", "Recipient", "Working days", "Send by"):
        table.add_column(column, no_wrap=column in ("Rule", "Send by"))
    for rule_id, recipient, days, latest in rows:
        table.add_row(rule_id, recipient, str(days), f"{latest:%A} {format_date(latest)}")
    console.print(table)


@main.command()
@click.option("--days", default=90, show_default=True, type=click.IntRange(min=0),
              help="How far ahead to look, in days.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--ics", "ics_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a calendar (.ics) with each publication and deadline.")
@click.option("--now", "now_text", metavar="T", help="Plan as at this time (default: now).")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def schedule(days: int, as_json: bool, ics_file: Path | None, now_text: str | None, config_file: str) -> None:
    """Upcoming publications: publication times, circulation deadlines and their state,
    legal holds and drafts, and what becomes live when."""
    from .calendar_file import write_ics
    from .core.dates import format_date
    from .schedule import build_schedule, nspcc_due

    config, _, project, publication, tz = _open_project(config_file, now_text)
    _require_valid(project)
    rows = build_schedule(publication, days)
    submissions = nspcc_due(publication)
    if ics_file:
        write_ics(rows, ics_file, tz, config.site_name)
    if as_json:
        click.echo(json.dumps({"now": publication.now.astimezone(tz).isoformat(),
                               "items": [row.as_dict(tz) for row in rows],
                               "nspcc_due": [{"item": s.item.id, "due_by": s.due_by.isoformat(),
                                              "overdue": s.overdue} for s in submissions]},
                              indent=2))
        return
    console.print(f"[bold]Schedule at {format_instant(publication.now, tz)}[/] (next {days} days)\n")
    for row in rows:
        console.print(f"[bold]{row.item.id}[/]  ", end="")
        console.print(row.item.title, markup=False)
        when = format_instant(row.item.publish_at, tz)
        if row.goes_live and row.goes_live != row.item.publish_at:
            when += f" (live from {format_instant(row.goes_live, tz)})"
        console.print(f"  Publication: {when}")
        console.print(f"  Status: {row.status}", markup=False)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for d in row.deadlines:
            grid.add_row(f"  {d.rule.id}", _coloured(d))
        for note in row.notes:
            grid.add_row("  note", note)
        console.print(grid)
        console.print()
    if not rows:
        console.print("Nothing is scheduled in that period.")
    if submissions:
        console.print("[bold]NSPCC repository submissions not yet recorded[/]")
        for status in submissions:
            state = "[bold red]overdue[/]" if status.overdue else "due"
            console.print(f"  {status.item.id}: {state} by {format_date(status.due_by)}")
    if ics_file:
        console.print(f"Wrote {ics_file}")


def _coloured(deadline) -> str:
    colour = {"done": "green", "overdue": "bold red", "due today": "bold yellow",
              "sent late": "red"}.get(deadline.state.value, "")
    return f"[{colour}]{deadline.description}[/]" if colour else deadline.description


def _smtp(plugin):
    from .mail import SmtpSettings

    smtp = plugin.config.smtp
    sender = smtp.sender or plugin.config.archive_contact
    if not sender:
        raise click.UsageError(f"{CONFIG_FILE}: plugins.portal.smtp.sender: set the From address")
    return SmtpSettings(smtp.host, smtp.port, smtp.starttls, smtp.username, smtp.password_env, sender)


@main.command()
@click.argument("item_id", metavar="ID")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the .eml files (default: outbox/ from mkdocs.yml).")
@click.option("--send", is_flag=True, help="Send through the SMTP server and record sent_on in the register.")
@click.option("--rule", "only_rules", multiple=True, metavar="RULE", help="Only this circulation rule (repeatable).")
@click.option("--resend", is_flag=True, help="Send again where a send is already recorded (the earlier record is kept).")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def circulate(item_id: str, outbox: Path | None, send: bool, only_rules: tuple[str, ...],
              resend: bool, config_file: str) -> None:
    """The pre-publication pack for item ID: one email per recipient, EMBARGOED UNTIL in
    the subject, the report attached. Without --send nothing is recorded."""
    from . import mail, register_io
    from .core.dates import local_date

    config, plugin, project, publication, tz = _open_project(config_file)
    _require_valid(project)
    item = _item(project, item_id)
    if item.status != "approved":
        raise ContentErrors(f"content/{item.src_uri}: status: the item is {item.status}, not approved: "
                            "only approved material is circulated")
    rules = [r for r in project.settings.circulation_rules if r.applies(item)
             and (not only_rules or r.id in only_rules)]
    unknown = set(only_rules) - {r.id for r in project.settings.circulation_rules}
    if unknown:
        raise click.BadParameter(f"no circulation rule {sorted(unknown)[0]!r}", param_hint="--rule")
    if not rules:
        raise ContentErrors(f"content/{item.src_uri}: no circulation rule applies to this item")
    smtp = _smtp(plugin)
    target = outbox or Path(plugin.config.outbox)
    entry = project.register.get(item.id)
    packs = []
    for rule in rules:
        recorded = entry.circulation.get(rule.id) if entry else None
        if send and recorded and not resend:
            err_console.print(f"skipped {rule.id}: already recorded as sent on {recorded.sent_on} "
                              "(--resend to send again)", markup=False)
            continue
        pack = mail.circulation_pack(item, rule, project, smtp, config.site_url or "",
                                     plugin.config.partnership or config.site_name,
                                     publication.now, target)
        console.print(f"wrote {mail.write_eml(pack)}", markup=False)
        packs.append(pack)
    if not send:
        console.print("Not sent and nothing recorded. To record a send made by hand, add "
                      f"sent_on under circulation in embargo/{item.id}.yaml.")
        return
    if not packs:
        return
    try:
        mail.send([p.message for p in packs], smtp)
    except mail.MailError as exc:
        raise ContentErrors(str(exc)) from exc
    register_file = project.root / plugin.config.register_dir / f"{item.id}.yaml"
    today = local_date(publication.now, tz)
    for pack in packs:
        register_io.record(register_file, "circulation", pack.rule_id,
                           {"sent_on": today.isoformat(), "reference": str(pack.message["Message-ID"])},
                           replace=resend)
        console.print(f"sent {pack.rule_id} to {pack.message['To']}; recorded in {register_file}",
                      markup=False)


def _item(project, item_id: str):
    item_id = item_id.strip("/").removesuffix(".md").removeprefix("content/")
    if item_id not in project.items:
        raise click.BadParameter(f"no item {item_id!r} (ids look like reviews/child-t)", param_hint="ID")
    return project.items[item_id]


@main.command()
@click.argument("item_id", metavar="ID")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the .eml file (default: outbox/ from mkdocs.yml).")
@click.option("--send", is_flag=True, help="Send through the SMTP server and record submitted_on in the register.")
@click.option("--resend", is_flag=True, help="Send again where a submission is already recorded (the earlier record is kept).")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def nspcc(item_id: str, outbox: Path | None, send: bool, resend: bool, config_file: str) -> None:
    """The NSPCC national repository submission for live review ID: the entry in the
    repository's shape, with the report attached. Refused, writing nothing, until the
    review is live."""
    from . import mail, register_io
    from .core.dates import local_date
    from .core.nspcc import missing_for_entry

    config, plugin, project, publication, tz = _open_project(config_file)
    _require_valid(project)
    item = _item(project, item_id)
    if item.kind.value != "reviews":
        raise click.BadParameter(f"{item.id} is not a review", param_hint="ID")
    if not publication.is_live(item.id):
        reasons = "; ".join(b.message for b in publication.decisions[item.id].blocks)
        raise ContentErrors(f"content/{item.src_uri}: the review is not live ({reasons}): the NSPCC "
                            "submission follows publication, never precedes it. Nothing was written.")
    for missing in missing_for_entry(item):
        err_console.print(f"warning: content/{item.src_uri}: {missing}: the repository entry needs it",
                          markup=False)
    entry = project.register.get(item.id)
    if send and entry and entry.nspcc and not resend:
        raise ContentErrors(f"embargo/{item.id}.yaml: nspcc: already recorded as submitted on "
                            f"{entry.nspcc.submitted_on}; pass --resend to send again (the earlier "
                            "record is kept)")
    smtp = _smtp(plugin)
    pack = mail.nspcc_pack(item, project, smtp, plugin.config.nspcc_address, config.site_url or "",
                           plugin.config.partnership or config.site_name, publication.now,
                           outbox or Path(plugin.config.outbox))
    console.print(f"wrote {mail.write_eml(pack)}", markup=False)
    if not send:
        console.print("Not sent and nothing recorded.")
        return
    try:
        mail.send([pack.message], smtp)
    except mail.MailError as exc:
        raise ContentErrors(str(exc)) from exc
    register_file = project.root / plugin.config.register_dir / f"{item.id}.yaml"
    register_io.record(register_file, "nspcc", None,
                       {"submitted_on": local_date(publication.now, tz).isoformat(),
                        "reference": str(pack.message["Message-ID"])}, replace=resend)
    console.print(f"sent to {pack.message['To']}; recorded in {register_file}", markup=False)


@main.group()
def identifiers() -> None:
    """A review's deny-list: real names and places it must never show, kept only as
    salted hashes in embargo/<id>.identifiers."""


@identifiers.command("add")
@click.argument("item_id", metavar="ID")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def identifiers_add(item_id: str, config_file: str) -> None:
    """Add names and places to ID's deny-list, one per line, typed at a hidden prompt or
    piped on standard input (never as arguments, which shells keep in their history)."""
    from .disclosure import add_identifiers

    _, plugin, project, _, _ = _open_project(config_file)
    item = _item(project, item_id)
    if sys.stdin.isatty():
        phrases = []
        err_console.print("Type each name or place and press Enter; an empty line ends. "
                          "Nothing you type is shown or stored as text.")
        while True:
            phrase = click.prompt("Name or place", default="", hide_input=True, show_default=False,
                                  err=True)
            if not phrase.strip():
                break
            phrases.append(phrase)
    else:
        phrases = [line for line in sys.stdin.read().splitlines() if line.strip()]
    path = project.root / plugin.config.register_dir / f"{item.id}.identifiers"
    added = add_identifiers(path, item.id, phrases)
    console.print(f"Added {added} identifier{'s' if added != 1 else ''} to {path.relative_to(project.root)} "
                  "(salted hashes only). Run 'portal check' to scan the item.")


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the copy (default: NAME-scrubbed.pdf beside it).")
def scrub(source: Path, output: Path | None) -> None:
    """Write a copy of a PDF with its metadata removed (Author, Title, Subject, Keywords,
    Creator, Producer and the XMP packet). The original is left as it is."""
    from .scrub import scrub_pdf

    target = output or source.with_name(f"{source.stem}-scrubbed.pdf")
    if target.resolve() == source.resolve():
        raise click.UsageError("--output must differ from the source: the original is kept")
    try:
        removed = scrub_pdf(source, target)
    except ValueError as exc:
        raise ContentErrors(f"{source}: {exc}") from exc
    console.print(f"wrote {target}; removed: {', '.join(removed) or 'nothing (no metadata)'}", markup=False)


@main.command()
@click.option("--month", required=True, metavar="YYYY-MM", help="The month of publication.")
@click.option("--to", "to", help="The mailing list's address (default: mailing_list in mkdocs.yml).")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the .eml file (default: outbox/ from mkdocs.yml).")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def digest(month: str, to: str | None, outbox: Path | None, config_file: str) -> None:
    """The monthly digest of new publications, as an .eml for the mailing list: items
    published in MONTH that are live now."""
    import re

    from . import mail
    from .core.dates import local_date

    if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", month):
        raise click.BadParameter(f"expected a month written YYYY-MM, got {month!r}", param_hint="--month")
    config, plugin, project, publication, tz = _open_project(config_file)
    _require_valid(project)
    address = to or plugin.config.mailing_list
    if not address:
        raise click.UsageError("give --to ADDRESS, or set plugins.portal.mailing_list in mkdocs.yml")
    items = [i for i in reversed(publication.live_items)
             if local_date(i.publish_at, tz).strftime("%Y-%m") == month]
    pack = mail.digest_pack(items, month, project, _smtp(plugin), address, config.site_url or "",
                            plugin.config.partnership or config.site_name, publication.now,
                            outbox or Path(plugin.config.outbox))
    console.print(f"wrote {mail.write_eml(pack)} ({len(items)} publication{'s' if len(items) != 1 else ''})",
                  markup=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--seconds", is_flag=True, help="Print only the seconds until then (for scripts).")
@click.option("--now", "now_text", metavar="T", help="As at this time (default: now).")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def due(as_json: bool, seconds: bool, now_text: str | None, config_file: str) -> None:
    """The next time at which a rebuild changes the public site (for a scheduler).

    Prints nothing (and exits 0) when nothing is scheduled.
    """
    from .schedule import next_change

    _, _, project, publication, tz = _open_project(config_file, now_text)
    _require_valid(project)
    found = next_change(publication)
    if found is None:
        if as_json:
            click.echo(json.dumps({"next": None}))
        return
    moment, item = found
    wait = max(0, int((moment - publication.now).total_seconds()))
    if as_json:
        click.echo(json.dumps({"next": moment.astimezone(tz).isoformat(), "item": item.id,
                               "seconds": wait}))
    elif seconds:
        click.echo(str(wait))
    else:
        click.echo(moment.astimezone(tz).isoformat())
        err_console.print(f"{item.id} goes live at {format_instant(moment, tz)}", markup=False)


if __name__ == "__main__":  # pragma: no cover
    main()
