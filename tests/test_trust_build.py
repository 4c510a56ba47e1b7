"""The write path of ``portal build`` (issue 15, "Trust"), tried as an unlucky colleague and
a careless scheduler would: wrong output folders, two builds at once, kills and signals at
every phase, a full or read-only disk, a bind-mounted site folder, plain ``mkdocs build``.

Each test names the promise it checks. The promises, from SPEC §5:
- an output folder is never one of the project's own folders, nor a folder that is not
  empty and not a portal site, and nothing is deleted when one is refused;
- one build at a time (the project lock), and a second one sees what the first wrote;
- every ledger line is on disk before the site it records is visible;
- no command prints a traceback for bad input or a failing disk.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOW, REPO

BIN = Path(sys.executable).parent
PORTAL = str(BIN / "portal")
MKDOCS = str(BIN / "mkdocs")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def ledger_lines(site) -> list[str]:
    path = site.root / "embargo" / "ledger"
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def ledger_ids(site) -> set[str]:
    return {line.split("\t")[1] for line in ledger_lines(site) if line.startswith("published")}


def published_ids(site_dir: Path) -> set[str]:
    data = json.loads((site_dir / "api" / "publications.json").read_text())
    return {item["id"] for item in data["publications"]}


def leftovers(site) -> list[str]:
    return sorted(p.name for p in site.root.iterdir() if ".building-" in p.name or ".previous-" in p.name)


def start_build(site, *args: str, now: str | None = NOW) -> subprocess.Popen:
    extra = ["--now", now] if now else []
    return subprocess.Popen([PORTAL, "build", *extra, *args], cwd=site.root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_build(site, *args: str, now: str | None = NOW) -> subprocess.CompletedProcess:
    extra = ["--now", now] if now else []
    return subprocess.run([PORTAL, "build", *extra, *args], cwd=site.root, text=True,
                          capture_output=True, timeout=120)


# --- 1. output folders ----------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["embargo", "content", "content/reviews", "site_overrides", ".",
                                    "documents", "embargo/reviews"])
def test_a_project_folder_or_a_foreign_folder_is_never_an_output(site, folder):
    """Promise: `portal build --site-dir` never writes over (and so never deletes) the
    register, the content, the overrides, the project itself or a folder of other files."""
    (site.root / "documents").mkdir()
    (site.root / "documents" / "minutes.docx").write_text("minutes")
    assert site.build().exit_code == 0  # the ledger now holds lines
    before = snapshot(site.root / "embargo"), snapshot(site.root / "content"), snapshot(site.root / "documents")
    result = site.build("--site-dir", folder)
    assert result.exit_code == 2, result.output
    assert f"--site-dir: {folder}: " in result.output
    assert "Traceback" not in result.output
    after = snapshot(site.root / "embargo"), snapshot(site.root / "content"), snapshot(site.root / "documents")
    assert after == before


def test_site_dir_in_mkdocs_yml_is_checked_too(site):
    """Promise: `site_dir: embargo` in mkdocs.yml is refused like --site-dir embargo."""
    assert site.build().exit_code == 0
    before = snapshot(site.root / "embargo")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "\nsite_dir: embargo\n")
    result = site.build()
    assert result.exit_code == 2
    assert "mkdocs.yml: site_dir: " in result.output
    assert "register folder" in result.output
    assert snapshot(site.root / "embargo") == before


def test_a_preview_is_never_built_inside_the_public_site(site):
    """Promise: `portal build --preview --site-dir site/internal` is refused, so a preview
    can never be deployed with the public site."""
    assert site.build().exit_code == 0
    before = snapshot(site.site)
    result = site.build("--preview", "--site-dir", "site/internal", now=None)
    assert result.exit_code == 2
    assert "lies inside the built site" in result.output
    assert snapshot(site.site) == before


# --- 2. the deploy step ----------------------------------------------------------------------

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


def deploy(site_dir: Path, destination: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(REPO / "tools" / "deploy.sh"), str(site_dir), str(destination)],
                          capture_output=True, text=True, timeout=60)


@needs_rsync
def test_deploy_refuses_a_site_with_a_preview_anywhere_inside(site, tmp_path):
    """Promise: a preview marker at any depth of the site refuses the whole deploy."""
    assert site.build().exit_code == 0
    (site.site / "reviews" / "internal").mkdir()
    (site.site / "reviews" / "internal" / ".portal-preview").write_text("preview")
    result = deploy(site.site, tmp_path / "www")
    assert result.returncode == 1
    assert "is an internal preview or holds one" in result.stderr
    assert not (tmp_path / "www").exists()


@needs_rsync
def test_deploy_never_copies_the_lock_or_build_leftovers(site, tmp_path):
    """Promise: a lock file or a staging/retired folder inside the site never reaches the
    web root."""
    assert site.build().exit_code == 0
    (site.site / ".portal.lock").write_text("{}")
    for name in (".reviews.building-abc", ".reviews.previous-123"):
        (site.site / name).mkdir()
        (site.site / name / "index.html").write_text("EMBARGOED")
    result = deploy(site.site, tmp_path / "www")
    assert result.returncode == 0, result.stderr
    deployed = {p.name for p in (tmp_path / "www").iterdir()}
    assert "index.html" in deployed
    assert not deployed & {".portal.lock", ".reviews.building-abc", ".reviews.previous-123"}


# --- 3. the project lock ---------------------------------------------------------------------

def newly_live(site, count: int, start: int = 0) -> None:
    """Reviews live at NOW that the ledger does not hold yet."""
    for n in range(start, start + count):
        site.review(f"new-{n}")


def test_two_builds_at_once_record_each_publication_once(site):
    """Promise: two `portal build` run at the same moment (the scheduler's and a daily one)
    write each ledger line exactly once, both succeed, and later builds succeed."""
    newly_live(site, 3)
    first, second = start_build(site), start_build(site)
    results = [(p.wait(timeout=120), *p.communicate()) for p in (first, second)]
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    lines = ledger_lines(site)
    assert len(lines) == len(set(lines))
    published = [line.split("\t")[1] for line in lines if line.startswith("published")]
    assert len(published) == len(set(published))
    assert {"reviews/new-0", "reviews/new-1", "reviews/new-2"} <= set(published)
    again = run_build(site)
    assert again.returncode == 0, again.stderr
    assert ledger_lines(site) == lines


def test_a_second_build_waits_for_the_lock_and_says_so_once(site):
    """Promise: a build that finds the project locked says what it waits for, once, on
    stderr, and goes ahead when the lock is released."""
    from portal.workspace import project_lock

    with project_lock(site.root, "circulate"):
        waiting = start_build(site)
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting
    code = waiting.wait(timeout=120)
    out, err = waiting.communicate()
    assert code == 0, err
    assert err.count("waiting for 'portal circulate'") == 1


def test_a_second_build_sees_what_the_first_recorded(site):
    """Promise: the ledger is read under the lock, so a build after another never records
    the same publication again."""
    newly_live(site, 2)
    assert run_build(site).returncode == 0
    lines = ledger_lines(site)
    assert {"reviews/new-0", "reviews/new-1"} <= ledger_ids(site)
    second = run_build(site)
    assert second.returncode == 0, second.stderr
    assert "Recorded" not in second.stdout
    assert ledger_lines(site) == lines


# --- 4 and 10. the record before the effect; a failing disk ---------------------------------

def _failing_write_to(name: str, monkeypatch):
    """Make every write to a file called ``name`` fail with ENOSPC after writing a few bytes
    (as a full disk does), leaving every other write alone."""
    real_write = os.write

    def write(fd, data):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = ""
        if path.endswith(name):
            real_write(fd, bytes(data)[:7])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("record", ["embargo/ledger", "embargo/progress-history"])
def test_a_record_that_cannot_be_written_publishes_nothing(site, monkeypatch, record):
    """Promise: if the ledger (or the progress history) cannot be written (a full disk),
    nothing is published, the previous site stays byte for byte, the record file is left
    as it was (no half line), and no traceback is printed."""
    assert site.build().exit_code == 0
    newly_live(site, 1)
    (site.root / "embargo" / "progress-history").unlink()  # the next build writes it again
    before_site = snapshot(site.site)
    path = site.root / record
    before_record = path.read_bytes() if path.exists() else None
    _failing_write_to(Path(record).name, monkeypatch)
    result = site.build()
    assert result.exit_code == 1, result.output
    assert (f"{record}: cannot write (No space left on device): nothing was published; the previous "
            "site is unchanged") in result.output
    assert "Traceback" not in result.output
    assert snapshot(site.site) == before_site
    if record == "embargo/ledger":
        assert path.read_bytes() == before_record
    assert leftovers(site) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_register_publishes_nothing(site):
    """Promise: a read-only embargo/ makes the build fail before anything is published."""
    assert site.build().exit_code == 0
    newly_live(site, 1)
    before = snapshot(site.site)
    (site.root / "embargo" / "ledger").chmod(0o444)
    try:
        result = site.build()
    finally:
        (site.root / "embargo" / "ledger").chmod(0o644)
    assert result.exit_code == 1
    assert "embargo/ledger: cannot write (Permission denied): nothing was published" in result.output
    assert snapshot(site.site) == before


def test_the_ledger_is_on_disk_before_the_site_is_swapped_in(site, monkeypatch):
    """Promise: the ledger line exists at the moment the new site becomes visible."""
    from portal import cli

    newly_live(site, 1)
    seen = []
    real_swap = cli.swap_in

    def swap(staging, target):
        seen.append("reviews/new-0" in ledger_ids(site))
        real_swap(staging, target)

    monkeypatch.setattr(cli, "swap_in", swap)
    assert site.build().exit_code == 0
    assert seen == [True]


@pytest.mark.parametrize("where", ["staging", "page"])
def test_a_failing_disk_is_one_line_and_changes_nothing(site, monkeypatch, where):
    """Promise: a full disk anywhere in the build is `<path>: <reason>: nothing was
    published; the previous site is unchanged`, exit 1, no traceback."""
    import mkdocs.utils
    import portal.workspace

    assert site.build().exit_code == 0
    newly_live(site, 1)
    before = snapshot(site.site), snapshot(site.root / "embargo")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "/full/disk/file")

    if where == "staging":
        monkeypatch.setattr(portal.workspace.tempfile, "mkdtemp", full)
    else:
        monkeypatch.setattr(mkdocs.utils, "write_file", full)
    result = site.build()
    assert result.exit_code == 1, result.output
    assert ("/full/disk/file: No space left on device: nothing was published; the previous site is "
            "unchanged") in result.output
    assert "Traceback" not in result.output
    assert (snapshot(site.site), snapshot(site.root / "embargo")) == before
    assert leftovers(site) == []


# --- 5. signals and kills --------------------------------------------------------------------

def wait_for_staging(site, prefix: str = ".site.building-", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.startswith(prefix) for p in site.root.iterdir()):
            return
        time.sleep(0.01)
    raise AssertionError("the build never made its staging folder")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_removes_the_staging_folder(site, signum):
    """Promise: SIGTERM (cron timeouts, systemd, CI), SIGINT and SIGHUP stop a build with a
    one-line message and a non-zero exit, leaving no staging folder full of pages."""
    newly_live(site, 2)
    build = start_build(site)
    wait_for_staging(site)
    time.sleep(0.1)
    build.send_signal(signum)
    code = build.wait(timeout=60)
    out, err = build.communicate()
    if code == 0:
        pytest.skip("the build finished before the signal came")  # pragma: no cover
    assert code == 128 + signum
    assert f"portal build: stopped by {signal.Signals(signum).name}: nothing was published" in err
    assert "Traceback" not in err
    assert leftovers(site) == []
    assert not ledger_ids(site) & {"reviews/new-0", "reviews/new-1"}


def test_a_signal_stops_a_preview_build_without_leaving_embargoed_pages(site):
    """Promise: a preview build stopped by SIGTERM leaves no `.preview.building-*` folder."""
    build = start_build(site, "--preview", now=None)
    wait_for_staging(site, ".preview.building-")
    time.sleep(0.1)
    build.send_signal(signal.SIGTERM)
    code = build.wait(timeout=60)
    if code == 0:
        pytest.skip("the build finished before the signal came")  # pragma: no cover
    assert leftovers(site) == []


def test_kill_9_at_any_phase_never_publishes_without_a_record(site):
    """Promise: whenever a build is killed (kill -9, at random moments through all its
    phases), every item in the published api/publications.json is in the ledger; the next
    build succeeds and removes the staging and retired folders the killed ones left."""
    rng = random.Random(15)
    assert run_build(site).returncode == 0
    started = time.monotonic()
    timed = run_build(site)
    duration = max(0.3, time.monotonic() - started)
    assert timed.returncode == 0
    kills = 0
    for n in range(10):
        site.review(f"killed-{n}")
        build = start_build(site)
        time.sleep(rng.uniform(0, duration * 1.2))
        build.kill()
        build.wait(timeout=60)
        kills += 1
        if (site.site / "api" / "publications.json").exists():
            assert published_ids(site.site) <= ledger_ids(site), f"kill {n}"
        if time.monotonic() - started > 30:
            break
    assert kills >= 3
    final = run_build(site)
    assert final.returncode == 0, final.stderr
    assert leftovers(site) == []
    assert published_ids(site.site) <= ledger_ids(site)
    assert {f"reviews/killed-{n}" for n in range(kills)} <= published_ids(site.site)


def test_a_killed_preview_leaves_only_a_marked_folder(site):
    """Promise: the preview marker is written into the staging folder before any page, so a
    preview build killed at any moment leaves nothing unmarked with pages in it."""
    rng = random.Random(7)
    for _ in range(4):
        build = start_build(site, "--preview", now=None)
        time.sleep(rng.uniform(0.05, 0.8))
        build.kill()
        build.wait(timeout=60)
        for folder in site.root.glob(".preview.building-*"):
            assert (folder / ".portal-preview").exists() or not any(folder.iterdir()), folder


def test_the_preview_marker_is_in_the_staging_folder_before_mkdocs_runs(site, monkeypatch):
    """Promise: the marker is written before MkDocs writes any page, and MkDocs' clean of
    its output folder keeps it (it keeps dot-files)."""
    from portal import cli

    seen = []
    real_run = cli._run_mkdocs

    def run(config_file, staging, *args, **kwargs):
        seen.append((staging / ".portal-preview").is_file())
        publication = real_run(config_file, staging, *args, **kwargs)
        seen.append((staging / ".portal-preview").is_file())
        return publication

    monkeypatch.setattr(cli, "_run_mkdocs", run)
    assert site.build("--preview", now=None).exit_code == 0
    assert seen == [True, True]
    assert (site.root / "preview" / ".portal-preview").is_file()


def test_staging_and_retired_folders_and_the_lock_are_git_ignored(site, tmp_path):
    """Promise: a killed build's folders and the lock file are never committed (the project
    skeleton's and this repository's .gitignore both say so)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")  # pragma: no cover
    if (site.root / "gitignore").exists():  # as `portal new` names it
        (site.root / "gitignore").rename(site.root / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=site.root, check=True)
    for name in (".site.building-x1/index.html", ".preview.building-y2/index.html",
                 ".site.previous-123/index.html", ".portal.lock"):
        (site.root / name).parent.mkdir(parents=True, exist_ok=True)
        (site.root / name).write_text("x")
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=site.root)
        assert ignored.returncode == 0, name
    lines = (REPO / ".gitignore").read_text().splitlines()
    for pattern in (".*.building-*/", ".*.previous-*/", ".portal.lock"):
        assert pattern in lines, pattern


# --- 6. file modes ---------------------------------------------------------------------------

@pytest.mark.parametrize("umask, folder_mode, file_mode", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_the_site_is_readable_as_the_umask_allows(site, umask, folder_mode, file_mode):
    """Promise: the built site folder and its files have the modes the umask gives (not
    mkdtemp's 0700), so a web server running as another user can read them."""
    previous = os.umask(umask)
    try:
        assert site.build().exit_code == 0
    finally:
        os.umask(previous)
    assert site.site.stat().st_mode & 0o777 == folder_mode
    assert (site.site / "index.html").stat().st_mode & 0o777 == file_mode
    assert (site.site / "reviews").stat().st_mode & 0o777 == folder_mode


# --- 7. in place, for a bind-mounted site folder --------------------------------------------

def test_in_place_keeps_the_folder_and_gives_the_same_site(site, monkeypatch):
    """Promise: `portal build --in-place` never renames or deletes the site folder itself
    (a bind mount), and leaves in it exactly what the build made: stale files and the pages
    of items no longer live are gone, new ones are in."""
    from portal import cli

    # published more than twelve months before NOW, so it may come down (its ledger line stays)
    site.review("gone-later", publish_at="2025-01-20", approved_on="2025-01-06")
    assert site.build().exit_code == 0
    inode = site.site.stat().st_ino
    (site.root / "content" / "reviews" / "gone-later.md").unlink()
    (site.root / "embargo" / "reviews" / "gone-later.yaml").unlink()
    newly_live(site, 2)
    (site.site / "stray.html").write_text("not from the build")
    (site.site / "reviews" / "stray-folder").mkdir()
    (site.site / "reviews" / "stray-folder" / "index.html").write_text("old")
    built = {}
    real_update = cli.update_in_place

    def update(staging, target):
        built.update(snapshot(staging))
        real_update(staging, target)

    monkeypatch.setattr(cli, "update_in_place", update)
    result = site.build("--in-place")
    assert result.exit_code == 0, result.output
    assert site.site.stat().st_ino == inode
    assert snapshot(site.site) == built
    assert sorted(p.relative_to(site.site) for p in site.site.rglob("*") if p.is_dir()) == sorted(
        {Path(name).parent for name in built} - {Path(".")} | {
            parent for name in built for parent in Path(name).parents if parent != Path(".")})
    assert not (site.site / "reviews" / "gone-later").exists()
    assert (site.site / "reviews" / "new-1" / "index.html").is_file()
    # the same pages as a normal build (Pagefind's index differs from one run to the next)
    assert site.build("--site-dir", "normal").exit_code == 0
    pages = {name: data for name, data in snapshot(site.site).items() if not name.startswith("pagefind")}
    assert pages == {name: data for name, data in snapshot(site.root / "normal").items()
                     if not name.startswith("pagefind")}
    assert leftovers(site) == []


def test_in_place_is_documented_as_not_atomic(site):
    """Promise: the trade-off of --in-place is stated where users choose it."""
    result = site.run("build", "--help")
    assert "--in-place" in result.output
    assert "Not atomic" in result.output


# --- 8. plain mkdocs build -------------------------------------------------------------------

def test_plain_mkdocs_build_keeps_the_ledger(site):
    """Promise: a public site published with plain `mkdocs build` is recorded in the ledger
    (the twelve-month rule depends on it), before MkDocs writes a page."""
    newly_live(site, 1)
    result = subprocess.run([MKDOCS, "build", "-q"], cwd=site.root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "reviews/new-0" in ledger_ids(site)
    assert published_ids(site.site) <= ledger_ids(site)
    lines = ledger_lines(site)
    again = subprocess.run([MKDOCS, "build", "-q"], cwd=site.root, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert ledger_lines(site) == lines


def test_plain_mkdocs_build_never_writes_into_the_register(site):
    """Promise: `mkdocs build -d embargo` (MkDocs empties its output folder) is refused."""
    assert site.build().exit_code == 0
    before = snapshot(site.root / "embargo")
    result = subprocess.run([MKDOCS, "build", "-q", "-d", "embargo"], cwd=site.root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "mkdocs.yml: site_dir: " in result.stderr
    assert snapshot(site.root / "embargo") == before


def test_mkdocs_serve_never_writes_the_ledger(site):
    """Promise: `mkdocs serve` (also with --clean, which MkDocs announces as a build) shows
    the site without recording anything."""
    import socket

    newly_live(site, 1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = subprocess.Popen([MKDOCS, "serve", "--clean", "-a", f"127.0.0.1:{port}"], cwd=site.root,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output = ""
        deadline = time.monotonic() + 60
        while "Serving on" not in output and time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line:
                break
            output += line
        assert "Serving on" in output, output
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert "reviews/new-0" not in ledger_ids(site)


# --- 9. mkdocs.yml mistakes ------------------------------------------------------------------

CONFIG_MISTAKES = [
    ("closure_days: []", "closure_days: 5",
     "mkdocs.yml: plugins.portal.closure_days: expected a list of dates"),
    (None, "site_name: [1]", "mkdocs.yml: site_name: Expected type: str but received: list"),
    (None, "site_name: [unclosed", "mkdocs.yml: line "),
]


@pytest.mark.parametrize("old, new, message", CONFIG_MISTAKES)
def test_a_mistake_in_mkdocs_yml_names_the_file_and_option(site, old, new, message):
    """Promise: a wrong type or broken YAML in mkdocs.yml is `mkdocs.yml: option: message`,
    exit 1, no traceback, and the previous site is unchanged."""
    assert site.build().exit_code == 0
    before = snapshot(site.site)
    config = site.root / "mkdocs.yml"
    text = config.read_text()
    if old is None:
        text = "\n".join(new if line.startswith("site_name:") else line for line in text.splitlines())
    else:
        assert old in text
        text = text.replace(old, new)
    config.write_text(text)
    result = run_build(site)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site.site) == before


def test_an_unexpected_error_is_one_line_and_a_traceback_only_on_request(site, monkeypatch):
    """Promise: no traceback reaches a user, even for a fault in the portal itself: one
    line naming the command and the error, exit 1; PORTAL_DEBUG=1 shows the traceback."""
    from portal import cli

    def broken(*args, **kwargs):
        raise RuntimeError("a fault nobody foresaw")

    monkeypatch.setattr(cli, "_open_project", broken)
    monkeypatch.delenv("PORTAL_DEBUG", raising=False)
    result = site.run("check")
    assert result.exit_code == 1
    assert result.output.startswith("portal check: stopped by an unexpected error (RuntimeError: "
                                    "a fault nobody foresaw)")
    assert "Traceback" not in result.output and "PORTAL_DEBUG=1 portal check" in result.output
    monkeypatch.setenv("PORTAL_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a fault nobody foresaw"):
        site.run("check")
