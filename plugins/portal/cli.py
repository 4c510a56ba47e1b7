"""The ``portal`` command: what partnership staff run in a site project directory.

Exit codes: 0 success, 1 content or register errors, 2 bad usage.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import signal
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .core.addresses import is_email_address
from .core.dates import UTC, DateError, format_instant, parse_instant
from .core.findings import Finding, Level, error
from .project import SettingsError
from .workspace import (
    PREVIEW_MARKER,  # noqa: F401  (the name other modules and tests use)
    OutputKind,
    ProjectFolders,
    RecordError,
    WorkspaceError,
    check_output_dir,
    make_staging,
    project_lock,
    record_publication,
    remove_stale_staging,
    shown_path,
    swap_in,
    update_in_place,
)

console = Console(stderr=False, highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

CONFIG_FILE = "mkdocs.yml"


class ContentErrors(click.ClickException):
    """Content or register errors: printed as ``file: field: message``, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        err_console.print(self.message, markup=False)


def _load(config_file: str, **overrides):
    """Load mkdocs.yml and the portal plugin. Its mistakes are ``mkdocs.yml: option: message``
    (exit 1); a missing mkdocs.yml or portal plugin is bad usage."""
    from .mkdocs.config_file import ConfigFileError, load_config_file

    _project_root(config_file)
    try:
        config = load_config_file(config_file, **overrides)
    except ConfigFileError as exc:
        raise ContentErrors(str(exc)) from None
    plugin = config.plugins.get("portal")
    if plugin is None:
        raise click.UsageError(f"{config_file}: plugins: the 'portal' plugin is not configured")
    # MkDocs keeps one plugin instance per process (it has on_startup): start from defaults.
    plugin.now, plugin.preview, plugin.mkdocs_command, plugin.previous_site = None, False, None, None
    return config, plugin


def _settings_tz(plugin):
    from .core.dates import load_timezone

    try:
        return load_timezone(plugin.config.timezone)
    except DateError as exc:
        raise ContentErrors(f"{CONFIG_FILE}: plugins.portal.timezone: {exc}") from exc


NOW_YEARS = (2000, 2100)
"""The years ``--now`` may name: anything else is a typing mistake (0001-01-01 was shown
as "1 January 1, 00:00 LMT")."""


def _parse_now(value: str | None, tz, *, allow_future: bool,
               register_dir: Path | None = None) -> datetime | None:
    """The instant ``--now`` names. A public build (``allow_future`` false) may not show
    the future; given its ``register_dir``, it may not go back before what the public
    has already seen either: the latest ledger event or withdrawal in force by the real
    clock (a mistyped year would republish a withdrawn report and take down reviews
    inside their twelve months)."""
    if value is None:
        return None
    try:
        moment = parse_instant(value, tz, datetime.min.time())
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from exc
    if not NOW_YEARS[0] <= moment.year <= NOW_YEARS[1]:
        raise click.BadParameter(
            f"{value!r} is in the year {moment.year}: give a date and time between "
            f"{NOW_YEARS[0]} and {NOW_YEARS[1]} (YYYY-MM-DD or 'YYYY-MM-DD HH:MM')", param_hint="--now")
    real_now = datetime.now(UTC)
    if not allow_future and moment > real_now:
        raise click.BadParameter(
            f"{format_instant(moment, tz)} is in the future: a public build never shows the "
            "future. Use 'portal build --preview --now ...' to see the site as it will be.",
            param_hint="--now")
    if register_dir is not None:
        from .witness import read_public_floor

        floor = read_public_floor(register_dir, tz, real_now)
        if floor is not None and moment < floor.at:
            raise click.BadParameter(
                f"{format_instant(moment, tz)} is before what the public has already seen: "
                f"{floor.description}. A public build never goes back in time (it would "
                "republish what was withdrawn and take down what must stay). Use 'portal build "
                "--preview --now ...' to look at the site as it was.", param_hint="--now")
    return moment


class _PortalGroup(click.Group):
    """The ``portal`` group: a mistake in the portal itself is one line that says so, never a
    traceback on a communications officer's screen (``PORTAL_DEBUG=1`` shows it)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("PORTAL_DEBUG"):
                raise
            command = " ".join(["portal", *filter(None, [ctx.invoked_subcommand])])
            raise _InternalError(
                f"{command}: stopped by an unexpected error ({type(exc).__name__}: {exc}). "
                "Nothing is ever published half-built (the site is swapped in whole, and each "
                "record is written before what it records). This is a fault in the portal: report it "
                f"with the output of 'PORTAL_DEBUG=1 {command} ...'.") from exc


class _InternalError(click.ClickException):
    exit_code = 1

    def show(self, file=None) -> None:
        err_console.print(self.message, markup=False)


@click.group(cls=_PortalGroup)
@click.version_option(package_name="safeguarding-review-portal")
def main() -> None:
    """Publish safeguarding case reviews, case studies, briefings and action-plan progress.

    Run the commands in a site project directory (the one with mkdocs.yml).
    """


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Make a fresh site project in DIRECTORY that builds as it is."""
    made = _make_project_folder(directory)
    skeleton = Path(__file__).parent / "skeleton"
    try:
        shutil.copytree(skeleton, directory, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        (directory / "gitignore").rename(directory / ".gitignore")
    except OSError as exc:  # shutil.Error (several files) is an OSError too
        _remove_half_made(directory, made)
        reason = exc.strerror or (str(exc.args[0][0][2]) if isinstance(exc, shutil.Error) else str(exc))
        raise ContentErrors(f"{directory}: the project could not be made ({reason}): nothing was "
                            "left behind; choose a place with room that you can write to") from None
    console.print(f"Made a site project in [bold]{directory}[/]. Next:")
    console.print(f"  cd {directory}\n  portal check\n  portal build")


def _make_project_folder(directory: Path) -> Path | None:
    """Make ``directory`` (and the folders above it that are missing) for a new project and
    return the top-most folder made, or None where an empty folder was there already. A
    place that is a file, not empty, or cannot be written is refused, naming it."""
    def refuse(problem: str) -> None:
        raise click.BadParameter(f"{directory}: {problem}", param_hint="DIRECTORY")

    try:
        if directory.is_dir():
            if any(directory.iterdir()):
                refuse("exists and is not empty: choose a new directory")
            return None
        if directory.exists() or directory.is_symlink():
            refuse("exists and is not a folder: choose a new directory")
        existing = next(folder for folder in directory.absolute().parents if folder.exists())
        if not existing.is_dir():
            refuse(f"{existing} is a file, not a folder: choose a new directory")
        directory.mkdir(parents=True)
    except OSError as exc:
        refuse(f"cannot be made here ({exc.strerror or exc}): choose a place you can write to")
    top = directory.absolute()
    while top.parent != existing:
        top = top.parent
    return top


def _remove_half_made(directory: Path, made: Path | None) -> None:
    """Remove what a failed ``portal new`` made: the folders it made, or what it copied into
    the empty folder it was given."""
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        return
    for child in list(directory.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


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
@click.option("--in-place", is_flag=True,
              help="Update the existing site folder file by file instead of swapping in a new "
                   "folder (for a bind-mounted folder, e.g. docker -v ./site:...; the folder "
                   "itself is never renamed or deleted). Not atomic as a whole: while files are "
                   "moved in, readers may see a mix of old and new pages; the records are "
                   "written first all the same.")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def build(site_dir: Path | None, now_text: str | None, strict: bool, preview: bool, in_place: bool,
          config_file: str) -> None:
    """Build the public site: only live items, with search, feeds and JSON.

    The site is written to a temporary folder and swapped in only when complete, after
    its records (the ledger) are on disk: a failing build leaves the previous site
    untouched. One build at a time: a second waits for the first.
    """
    root = _project_root(config_file)
    kind = OutputKind.PREVIEW if preview else OutputKind.PUBLIC_SITE
    with _signals_stop_the_build() as signals, _disk_errors_reported(), \
            project_lock(root, "build", on_wait=_say_waiting):
        config, plugin = _load(config_file)
        target = _output_dir(config, plugin, site_dir, kind)
        now = _parse_now(now_text, _settings_tz(plugin), allow_future=preview,
                         register_dir=None if preview else root / plugin.config.register_dir)
        remove_stale_staging(target)
        staging = make_staging(target, kind)
        try:
            publication = _run_mkdocs(config_file, staging, now, strict, preview,
                                      previous_site=None if preview else target)  # the ledger's witness
            with signals.deferred():  # the records and the swap, never half of them
                recorded = None if preview else record_publication(publication)
                _publish(staging, target, in_place)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if preview:
        console.print(f"[yellow]Built an internal preview[/] in {target}: not for publication")
        return
    console.print(f"[green]Built[/] the public site in {target}")
    if recorded.ledger_lines:
        console.print(f"Recorded {recorded.ledger_lines} publication "
                      f"event{'s' if recorded.ledger_lines != 1 else ''} in "
                      f"{shown_path(recorded.ledger_path, root)} (commit it)")
    _remind_to_commit_ledger(publication.project)


def _project_root(config_file: str) -> Path:
    if not Path(config_file).is_file():
        raise click.UsageError(
            f"{config_file} not found: run portal in a site project directory (the one with "
            "mkdocs.yml), or make one with 'portal new DIR'")
    return Path(config_file).resolve().parent


def _say_waiting(holder: str) -> None:
    err_console.print(f"waiting for {holder} to finish (one build at a time)…", markup=False)


def _output_dir(config, plugin, site_dir: Path | None, kind: OutputKind) -> Path:
    """The folder to build into, once ``workspace.check_output_dir`` has allowed it."""
    root = Path(config.config_file_path).resolve().parent
    folders = ProjectFolders.of(config, plugin.config.register_dir)
    if site_dir is not None:
        target, option = Path(site_dir), "--site-dir"
    elif kind is OutputKind.PREVIEW:
        target, option = root / "preview", "the preview folder"
    else:
        target, option = Path(config.site_dir), f"{CONFIG_FILE}: site_dir"
    try:
        return check_output_dir(target, folders, kind)
    except WorkspaceError as exc:
        raise click.UsageError(f"{option}: {exc}") from exc


def _publish(staging: Path, target: Path, in_place: bool) -> None:
    if not in_place:
        swap_in(staging, target)
        return
    try:
        update_in_place(staging, target)
    except OSError as exc:
        raise ContentErrors(f"{exc.filename or target}: {exc.strerror or exc}: the site folder "
                            f"{target} was partly updated in place (the records are written): "
                            "run the build again to complete it") from exc


def _remind_to_commit_ledger(project) -> None:
    """Say so when the ledger has changes git has not committed: a ledger that lives only
    in one working copy (a CI job's checkout) protects nothing once that copy is gone.
    Silent where git is missing or the project is not a repository."""
    import subprocess

    path = project.ledger_path
    if path is None or shutil.which("git") is None:
        return
    try:
        status = subprocess.run(["git", "status", "--porcelain", "--", path.name],
                                cwd=path.parent, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return
    if status.returncode == 0 and status.stdout.strip():
        shown = shown_path(path, project.root)
        err_console.print(f"reminder: {shown} has changes that are not committed: commit it "
                          f"(git add {shown} && git commit): the twelve-month protection rests "
                          "on it", markup=False)


class _Stopped(BaseException):
    """A signal stopped the build (a BaseException, so no ``except Exception`` swallows it
    and every ``finally`` on the way out runs)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _SignalGuard:
    """SIGTERM, SIGINT and SIGHUP (cron timeouts, systemd, CI, Ctrl-C, a closed terminal)
    raise ``_Stopped`` so that the staging folder is removed on the way out; inside
    ``deferred()`` they wait until the records and the swap are both done."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self) -> None:
        self.deferring = False
        self.pending: int | None = None
        self.owner = os.getpid()

    def handle(self, signum, frame) -> None:
        if os.getpid() != self.owner:
            # a worker forked during the build (packs, scans) inherited this handler: it
            # just ends, as it would have without us; the build itself does the cleaning up
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if self.deferring:
            self.pending = signum
        else:
            raise _Stopped(signum)

    @contextmanager
    def deferred(self):
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False
        if self.pending is not None:
            err_console.print(f"portal build: {signal.Signals(self.pending).name} came while the "
                              "site was being published: the build was completed first",
                              markup=False)


@contextmanager
def _signals_stop_the_build():
    guard = _SignalGuard()
    previous = {}
    try:
        for signum in guard.SIGNALS:
            previous[signum] = signal.signal(signum, guard.handle)
    except ValueError:  # not the main thread: leave the signals as they are
        pass
    try:
        yield guard
    except _Stopped as stop:
        name = signal.Signals(stop.signum).name
        raise _StoppedError(f"portal build: stopped by {name}: nothing was published; the "
                            "previous site is unchanged", 128 + stop.signum) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if guard.pending is not None:
        sys.exit(128 + guard.pending)


class _StoppedError(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        err_console.print(self.message, markup=False)


@contextmanager
def _disk_errors_reported():
    """A failing disk (read-only, full, vanished) is a one-line error, never a traceback.

    A failure while writing into a build's staging folder (``.site.building-…``) names the
    output folder, not the file being copied (a full disk is the output's problem, though
    a copy names its source first): ``site/: No space left on device while writing the new
    site (copying …/wordcut.js)``."""
    import re

    def staged(name) -> tuple[Path, Path] | None:
        """(output folder, staging folder) if ``name`` lies in a staging folder."""
        path = Path(os.fsdecode(name)) if name is not None else None
        for folder in [path, *path.parents] if path is not None else []:
            match = re.fullmatch(r"\.(.+)\.building-[A-Za-z0-9_]+", folder.name)
            if match:
                return folder.parent / match[1], folder
        return None

    def shown(folder: Path) -> str:
        try:
            return f"{folder.resolve().relative_to(Path.cwd().resolve()).as_posix()}/"
        except ValueError:
            return f"{folder}/"

    try:
        yield
    except RecordError as exc:
        raise ContentErrors(str(exc)) from exc
    except WorkspaceError as exc:
        raise ContentErrors(f"{exc}: nothing was published; the previous site is unchanged") from exc
    except OSError as exc:
        hint = " (a mount point? use --in-place)" if exc.errno == errno.EBUSY else ""
        into = staged(exc.filename2) or staged(exc.filename)
        if into is None:
            raise ContentErrors(f"{exc.filename or 'portal build'}: {exc.strerror or exc}{hint}: "
                                "nothing was published; the previous site is unchanged") from exc
        target, staging = into
        if staged(exc.filename2) and exc.filename is not None:
            doing = f"copying {os.fsdecode(exc.filename)}"
        elif exc.filename2 is not None:
            doing = "putting it in place"
        else:
            doing = f"writing {Path(os.fsdecode(exc.filename)).relative_to(staging).as_posix()}"
            doing = "making its folder" if doing == "writing ." else doing
        raise ContentErrors(f"{shown(target)}: {exc.strerror or exc} while writing the new site "
                            f"({doing}){hint}: nothing was published; the previous site is "
                            "unchanged") from exc


def _run_mkdocs(config_file: str, site_dir: Path, now: datetime | None, strict: bool,
                preview: bool = False, previous_site: Path | None = None):
    """Run MkDocs into ``site_dir`` (the staging folder) and return the publication decision.
    The plugin writes no record here: ``portal build`` does, under its lock."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, MkDocsException

    config, plugin = _load(config_file, site_dir=str(site_dir), strict=strict)
    plugin.now = now
    plugin.preview = preview
    plugin.previous_site = previous_site
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


@main.command()
@click.option("--now", "now_text", metavar="T", help="Check as at this time (any time).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def check(now_text: str | None, as_json: bool, config_file: str) -> None:
    """Validate content and register and every publication rule; exit 1 on any error."""
    config, plugin, project, publication, tz = _open_project(config_file, now_text, with_witnesses=True)
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
    from .core.protection import archive_eligible_from

    for item_id, decision in sorted(publication.decisions.items()):
        item = project.items[item_id]
        row = {"item": item_id, "state": decision.state.value,
               "reasons": [b.message for b in decision.blocks]}
        if decision.is_live:
            eligible = archive_eligible_from(item, project.ledger, tz)
            row["archive_from"] = eligible.astimezone(tz).isoformat()
            row["reasons"].append(f"may be archived from {format_instant(eligible, tz)}")
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


def _open_project(config_file: str, now_text: str | None = None, *, with_witnesses: bool = False):
    """Load mkdocs.yml, the project and its publication decision at ``now``; with
    ``with_witnesses``, the ledger is checked against the public site as a build checks it."""
    from mkdocs.exceptions import PluginError

    config, plugin = _load(config_file)
    tz = _settings_tz(plugin)
    now = _parse_now(now_text, tz, allow_future=True) or datetime.now(UTC)
    try:
        project = plugin.load_project(config)
    except (PluginError, SettingsError) as exc:
        raise ContentErrors(str(exc)) from exc
    witnesses = plugin.read_witnesses(config) if with_witnesses and not project.errors else ()
    return config, plugin, project, project.decide(now, witnesses=witnesses), tz


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
    if not is_email_address(sender):  # mkdocs.yml is checked on loading; this is the last guard
        raise click.UsageError(f"{CONFIG_FILE}: plugins.portal.smtp.sender: expected one email "
                               f"address, got {sender!r}")
    return SmtpSettings(smtp.host, smtp.port, smtp.starttls, smtp.username, smtp.password_env, sender)


def _outbox(option: Path | None, config, plugin) -> Path:
    """Where .eml files go: ``--outbox`` as typed (from the current folder), else the
    outbox in mkdocs.yml read from the project folder, wherever the command runs. Never
    inside the content, register or theme folders nor a built site or preview, where
    the next build would publish an embargoed pack (bad usage, exit 2, nothing written)."""
    from .workspace import OutputKind, ProjectFolders, WorkspaceError, check_output_dir

    root = Path(config.config_file_path).resolve().parent
    folders = ProjectFolders.of(config, plugin.config.register_dir)
    target = option if option is not None else root / plugin.config.outbox
    try:
        return check_output_dir(target, folders, OutputKind.OUTBOX)
    except WorkspaceError as exc:
        where = "--outbox" if option is not None else f"{CONFIG_FILE}: plugins.portal.outbox"
        raise click.UsageError(f"{where}: {exc}") from exc


def _holding_lock(root: Path, command: str):
    """The project lock for a command that sends or writes packs, for a ``with`` block: a
    second one waits, then reads the register again and sends only what the first did not."""
    from contextlib import ExitStack

    from .workspace import LockBusy, WorkspaceError, project_lock

    def waiting(holder: str) -> None:
        err_console.print(f"waiting for {holder} to finish…", markup=False)

    held = ExitStack()
    try:
        held.enter_context(project_lock(root, command, on_wait=waiting))
    except (LockBusy, WorkspaceError) as exc:
        raise ContentErrors(str(exc)) from exc
    return held


def _read_register(project, plugin, item):
    """The item's register entry as it is now on disk (under the lock), and its file."""
    from . import register_io

    shown = f"{plugin.config.register_dir}/{item.id}.yaml"
    path = project.root / plugin.config.register_dir / f"{item.id}.yaml"
    try:
        return register_io.read_entry(path, shown, item.id), path
    except register_io.RegisterError as exc:
        raise ContentErrors(f"{exc}\nNothing was sent.") from exc


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
    the subject, the report attached. Without --send nothing is recorded.

    With --send each rule is recorded the moment the server accepts its pack, per
    address; a rule is met only when every address accepted it. Run again, it sends only
    to the addresses that have not accepted it yet.
    """
    from . import mail
    from .core.dates import local_date

    config, plugin, project, publication, tz = _open_project(config_file)
    _require_valid(project)
    item = _item(project, item_id)
    if item.status != "approved":
        raise ContentErrors(f"content/{item.src_uri}: status: the item is {item.status}, not approved: "
                            "only approved material is circulated")
    withdrawal = getattr(project.register.get(item.id), "withdrawal", None)
    if withdrawal is not None:
        raise ContentErrors(f"{plugin.config.register_dir}/{item.id}.yaml: withdrawal: the report was "
                            f"withdrawn on {withdrawal.on} ({withdrawal.reason_public}): a withdrawn report "
                            "is never circulated again. Nothing was written.")
    rules = [r for r in project.settings.circulation_rules if r.applies(item)
             and (not only_rules or r.id in only_rules)]
    unknown = set(only_rules) - {r.id for r in project.settings.circulation_rules}
    if unknown:
        raise click.BadParameter(f"no circulation rule {sorted(unknown)[0]!r}", param_hint="--rule")
    if not rules:
        raise ContentErrors(f"content/{item.src_uri}: no circulation rule applies to this item")
    smtp = _smtp(plugin)
    target = _outbox(outbox, config, plugin)
    site_url, partnership = config.site_url or "", plugin.config.partnership or config.site_name
    if not send:
        for rule in rules:
            pack = mail.circulation_pack(item, rule, project, smtp, site_url, partnership,
                                         publication.now, target)
            console.print(f"wrote {_write_eml(pack)}", markup=False)
        console.print("Not sent and nothing recorded. To record a send made by hand, add "
                      f"sent_on under circulation in {plugin.config.register_dir}/{item.id}.yaml.")
        return
    with _holding_lock(project.root, "circulate"):
        entry, register_file = _read_register(project, plugin, item)
        sends = []
        for rule in rules:
            recorded = entry.circulation.get(rule.id)
            if recorded and not resend:
                err_console.print(f"skipped {rule.id}: already recorded as sent on {recorded.sent_on} "
                                  "(--resend to send again)", markup=False)
                continue
            previous = None if recorded else entry.partial_circulation.get(rule.id)
            recipients = [a for a in rule.addresses if not previous or a not in previous.accepted]
            if not recipients:  # the refused address is no longer in the rule: it is met
                _complete_without_sending(register_file, rule, previous)
                continue
            pack = mail.circulation_pack(item, rule, project, smtp, site_url, partnership,
                                         publication.now, target, recipients,
                                         previous.reference if previous else "")
            console.print(f"wrote {_write_eml(pack)}", markup=False)
            sends.append(_CirculationSend(pack, rule, previous, replace=bool(recorded)))
        if sends:
            _send_circulation(sends, smtp, register_file, local_date(publication.now, tz))


def _complete_without_sending(register_file: Path, rule, previous) -> None:
    from . import register_io
    from .core.register import circulation_after_send, circulation_record

    result = circulation_after_send(previous, rule.addresses, {}, {}, previous.reference)
    try:
        register_io.record(register_file, "circulation", rule.id, circulation_record(result))
    except register_io.RegisterError as exc:
        raise ContentErrors(str(exc)) from exc
    console.print(f"{rule.id}: every address of the rule has accepted the pack; recorded as sent "
                  f"in {register_file}", markup=False)


def _write_eml(pack) -> Path:
    from . import mail

    try:
        return mail.write_eml(pack)
    except OSError as exc:
        raise ContentErrors(f"{pack.path}: cannot write the .eml ({exc.strerror or exc}): check the "
                            "outbox folder is writable and has space; nothing was sent") from exc


class _CirculationSend:
    """One rule's pack on its way: the partial record it continues, if any, and whether
    it replaces a complete record (``--resend``)."""

    def __init__(self, pack, rule, previous, replace: bool) -> None:
        self.pack, self.rule, self.previous, self.replace = pack, rule, previous, replace


def _send_circulation(sends: list[_CirculationSend], smtp, register_file: Path, today) -> None:
    """Send the packs, recording each rule the moment the server has answered its pack;
    exit 1 naming what was sent and recorded and what was not."""
    from . import mail, register_io
    from .core.register import Circulation, circulation_after_send, circulation_record

    by_rule = {send.rule.id: send for send in sends}
    recorded: list[str] = []
    problems: list[str] = []

    def on_answer(answer: mail.Answer) -> None:
        send = by_rule[answer.pack.rule_id]
        rule = send.rule
        for address, reply in answer.refused.items():
            problems.append(f"{rule.id}: {address} refused it ({reply})")
        if not answer.accepted and send.replace:
            return  # a resend nobody accepted leaves the earlier record as it is
        result = circulation_after_send(send.previous, rule.addresses,
                                        {a: today for a in answer.accepted}, answer.refused,
                                        str(answer.pack.message["Message-ID"]))
        try:
            lost = register_io.record(register_file, "circulation", rule.id,
                                      circulation_record(result), replace=send.replace)
        except register_io.RegisterError as exc:
            raise _NotRecorded(rule.id, answer.accepted, exc) from exc
        _warn_lost_comments(register_file, lost)
        recorded.append(rule.id)
        if isinstance(result, Circulation):
            console.print(f"sent {rule.id} to {', '.join(answer.accepted)}; recorded in "
                          f"{register_file}", markup=False)
        else:
            console.print(f"{rule.id}: accepted by {', '.join(answer.accepted) or 'no address'}, "
                          f"refused by {', '.join(answer.refused)}; recorded as not yet sent to "
                          f"every address in {register_file}", markup=False)

    try:
        mail.send([send.pack for send in sends], smtp, on_answer)
    except mail.MailError as exc:
        not_sent = [s.rule.id for s in sends if s.rule.id not in recorded]
        raise ContentErrors(f"{exc}; {_sent_summary(recorded, not_sent)}") from exc
    except _NotRecorded as exc:
        raise ContentErrors(
            f"{exc.cause}. The server ACCEPTED the {exc.rule_id} pack for {', '.join(exc.accepted)} "
            f"but it is not recorded: add it by hand under circulation: {exc.rule_id}: in "
            f"{register_file} (sent_on: {today.isoformat()}); the packs after it were not "
            "sent") from exc
    if problems:
        raise ContentErrors("not every address accepted the pack, so those rules are NOT met:\n  "
                            + "\n  ".join(problems) + "\nCorrect the address in mkdocs.yml if it is "
                            "wrong, then run the same command again: it sends only to the addresses "
                            "that have not accepted it ('portal check' lists what is missing).")


def _warn_lost_comments(register_file: Path, lost: list[str]) -> None:
    for comment in lost:
        err_console.print(f"warning: {register_file}: the comment {comment!r} was inside a {{...}} "
                          "mapping written over several lines and could not be kept: add it again",
                          markup=False)


class _NotRecorded(Exception):
    def __init__(self, rule_id: str, accepted, cause: Exception) -> None:
        super().__init__(rule_id)
        self.rule_id, self.accepted, self.cause = rule_id, accepted, cause


def _sent_summary(recorded: list[str], not_sent: list[str]) -> str:
    if not recorded:
        return "nothing was sent and nothing was recorded in the register"
    return (f"sent and recorded: {', '.join(recorded)}; not sent (nothing recorded): "
            f"{', '.join(not_sent) or 'none'}. Run the same command again to send only what "
            "was not sent")


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
    from . import mail
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
    smtp = _smtp(plugin)
    target = _outbox(outbox, config, plugin)
    site_url, partnership = config.site_url or "", plugin.config.partnership or config.site_name

    def submission():
        return mail.nspcc_pack(item, project, smtp, plugin.config.nspcc_address, site_url,
                               partnership, publication.now, target)

    if not send:
        console.print(f"wrote {_write_eml(submission())}", markup=False)
        console.print("Not sent and nothing recorded.")
        return
    with _holding_lock(project.root, "nspcc"):
        entry, register_file = _read_register(project, plugin, item)
        if entry.nspcc and not resend:
            shown = f"{plugin.config.register_dir}/{item.id}.yaml"
            raise ContentErrors(f"{shown}: nspcc: already recorded as submitted on "
                                f"{entry.nspcc.submitted_on}; pass --resend to send again (the "
                                "earlier record is kept)")
        pack = submission()
        console.print(f"wrote {_write_eml(pack)}", markup=False)
        _send_submission(pack, smtp, register_file, local_date(publication.now, tz), resend)


def _send_submission(pack, smtp, register_file: Path, today, resend: bool) -> None:
    """Send the NSPCC submission and record it the moment the server accepts it."""
    from . import mail, register_io

    refused: dict[str, str] = {}
    values = {"submitted_on": today, "reference": str(pack.message["Message-ID"])}

    def on_answer(answer: mail.Answer) -> None:
        refused.update(answer.refused)
        if answer.accepted:
            lost = register_io.record(register_file, "nspcc", None, values, replace=resend)
            _warn_lost_comments(register_file, lost)

    try:
        mail.send([pack], smtp, on_answer)
    except mail.MailError as exc:
        raise ContentErrors(f"{exc}; {_sent_summary([], ['nspcc'])}") from exc
    except register_io.RegisterError as exc:
        raise ContentErrors(f"{exc}. The server ACCEPTED the submission but it is not recorded: add "
                            f"nspcc: {{submitted_on: {today.isoformat()}, reference: "
                            f"\"{values['reference']}\"}} to {register_file} by hand") from exc
    if refused:
        reasons = "; ".join(f"{a} refused it ({why})" for a, why in refused.items())
        raise ContentErrors(f"{reasons}: check plugins.portal.nspcc_address in {CONFIG_FILE}; "
                            "nothing was recorded in the register")
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
    from .workspace import NotRegularFile, read_regular_file, write_atomic

    target = output or source.with_name(f"{source.stem}-scrubbed.pdf")
    _check_scrub_target(source, target)
    try:
        data, removed = scrub_pdf(read_regular_file(source))
    except NotRegularFile as exc:  # a named pipe would wait for a writer for ever
        kind = str(exc).partition(", ")[0]
        raise click.BadParameter(f"{source}: {kind}, not a regular file: give the PDF file itself",
                                 param_hint="SOURCE") from None
    except OSError as exc:
        raise ContentErrors(f"{source}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise ContentErrors(f"{source}: {exc}") from exc
    try:
        # A temporary file beside the target, renamed over it: a hard link to the original
        # (or any other name for it) is replaced, never written through.
        write_atomic(target, data)
    except OSError as exc:
        raise ContentErrors(f"{target}: cannot be written ({exc.strerror or exc}): nothing was "
                            "changed; choose another place with -o") from None
    console.print(f"wrote {target}; removed: {', '.join(removed) or 'nothing (no metadata)'}", markup=False)


def _check_scrub_target(source: Path, target: Path) -> None:
    """Refuse a target that is the source under another name (a hard or symbolic link: the
    original is kept), that is not a regular file (a device such as /dev/full would be
    replaced), or whose folder does not exist."""
    import stat

    def refuse(problem: str) -> None:
        raise click.BadParameter(f"{target}: {problem}", param_hint="--output")

    if not target.parent.is_dir():
        if target.parent.exists():
            refuse(f"{target.parent} is not a folder: choose a file in a folder")
        refuse(f"the folder {target.parent} does not exist: make it first, or choose another")
    try:
        found = os.stat(target)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        refuse(f"cannot be used ({exc.strerror})")
    if target.resolve() == source.resolve() or (found is not None and os.path.samefile(source, target)):
        refuse(f"is the same file as {source} (a link or another name for it): the original "
               "is kept, so choose another name")
    if found is not None and not stat.S_ISREG(found.st_mode):
        refuse("is not a regular file (a folder, device or pipe): choose a file name")


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
    if not is_email_address(address):
        raise click.BadParameter(f"expected one email address (e.g. list@example.org), got {address!r}",
                                 param_hint="--to")
    target = _outbox(outbox, config, plugin)
    items = [i for i in reversed(publication.live_items)
             if local_date(i.publish_at, tz).strftime("%Y-%m") == month]
    with _holding_lock(project.root, "digest"):
        pack = mail.digest_pack(items, month, project, _smtp(plugin), address,
                                config.site_url or "", plugin.config.partnership or config.site_name,
                                publication.now, target)
        written = _write_eml(pack)
    console.print(f"wrote {written} ({len(items)} publication{'s' if len(items) != 1 else ''})",
                  markup=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--seconds", is_flag=True, help="Print only the seconds until then (for scripts).")
@click.option("--now", "now_text", metavar="T", help="As at this time (default: now).")
@click.option("-f", "--config-file", default=CONFIG_FILE, show_default=True)
def due(as_json: bool, seconds: bool, now_text: str | None, config_file: str) -> None:
    """The next time at which a rebuild changes the public site (for a scheduler): a
    publication, the end of a legal hold, a withdrawal, an archive date, and what follows
    from them for progress pages. --json also lists each item and what changes.

    Prints nothing (and exits 0) when nothing is scheduled.
    """
    from .schedule import next_change

    _, _, project, publication, tz = _open_project(config_file, now_text)
    _require_valid(project)
    found = next_change(project, publication.now, decided=publication)
    if found is None:
        if as_json:
            click.echo(json.dumps({"next": None, "changes": []}))
        return
    wait = max(0, int((found.at - publication.now).total_seconds()))
    if as_json:
        click.echo(json.dumps({"next": found.at.astimezone(tz).isoformat(),
                               "item": found.changes[0].item_id, "seconds": wait,
                               "changes": [change.as_dict() for change in found.changes]}, indent=2))
    elif seconds:
        click.echo(str(wait))
    else:
        click.echo(found.at.astimezone(tz).isoformat())
        for change in found.changes:
            err_console.print(f"at {format_instant(found.at, tz)}: {change.description}", markup=False)


if __name__ == "__main__":  # pragma: no cover
    main()
