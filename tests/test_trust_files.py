"""The project's own files and output folders, tried as an adversarial reviewer did after
the first round of issue 15 ("Trust"): routes that were still open on main 84bf6ac.

Promises checked here:
- An outbox is never a built site, a deployed copy of one, a web folder, a preview or the
  public site folder, and holds only .eml files: an embargoed pack can never be deployed.
- The deploy step refuses a preview by the mark on its pages, not only by its dot-file.
- A ledger or progress history without its final newline never loses a record.
- The project lock is never written through a link (it would truncate the ledger).
- A named pipe or socket among the project's files is an error naming it, never a hang.
- An error about the ledger names the file once; a full disk names the output folder.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO
from test_trust_mail import COMMANDS, files_under, pending

from portal import workspace
from portal.workspace import (
    OutputKind,
    ProjectFolders,
    WorkspaceError,
    append_durably,
    check_output_dir,
    project_lock,
)

PORTAL = str(Path(sys.executable).parent / "portal")
needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


def fake_site(folder: Path) -> Path:
    """What a public build leaves (its home page and JSON), as a deployed copy has it."""
    (folder / "api").mkdir(parents=True)
    (folder / "index.html").write_text("<html>public</html>")
    (folder / "api" / "publications.json").write_text('{"publications": []}')
    return folder


def deploy(site_dir: Path, destination: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(REPO / "tools" / "deploy.sh"), str(site_dir), str(destination)],
                          capture_output=True, text=True, timeout=120)


def run_build(site, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``portal build`` in a process of its own, so that a hang is a failed test, not a
    stopped test run."""
    return subprocess.run([PORTAL, "build", "--now", NOW, *args], cwd=site.root, text=True,
                          capture_output=True, timeout=timeout)


# --- 1. an outbox is never a site, a web folder or a preview -------------------------------------

def _built_site(site, tmp_path):
    fake_site(site.root / "site")
    return "site"


def _unbuilt_site_dir(site, tmp_path):
    return "site"  # site_dir, before any build: the next build would fill it around the packs


def _deployed_copy(site, tmp_path):
    return str(fake_site(tmp_path / "webroot"))


def _web_folder(site, tmp_path):
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text("<html>another site</html>")
    return str(tmp_path / "www")


def _inside_a_web_folder(site, tmp_path):
    _web_folder(site, tmp_path)
    return str(tmp_path / "www" / "outbox")


def _preview(site, tmp_path):
    (site.root / "elsewhere").mkdir()
    (site.root / "elsewhere" / ".portal-preview").write_text("preview\n")
    return "elsewhere"


def _other_files(site, tmp_path):
    (site.root / "papers" / "reviews").mkdir(parents=True)
    (site.root / "papers" / "reviews" / "old.eml").write_text("From: x\n")
    (site.root / "papers" / "minutes.docx").write_text("minutes")
    return "papers"


OUTBOX_CASES = [
    ("built-site", _built_site, "site: it is the public site folder (site_dir)"),
    ("site-dir-before-any-build", _unbuilt_site_dir, "site: it is the public site folder (site_dir)"),
    ("deployed-copy", _deployed_copy, "it is a site the portal built (it has index.html and api/publications.json)"),
    ("web-folder", _web_folder, "www: it is a web folder (it has index.html)"),
    ("inside-a-web-folder", _inside_a_web_folder, "a web folder (it has index.html): the outbox would be served"),
    ("preview", _preview, "elsewhere: it is an internal preview (it has .portal-preview)"),
    ("other-files", _other_files, "papers: it holds minutes.docx, not .eml files"),
]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("case, make, wording", OUTBOX_CASES, ids=[c[0] for c in OUTBOX_CASES])
def test_an_outbox_that_is_a_site_or_holds_other_files_is_refused(site, tmp_path, command, case,
                                                                   make, wording):
    """Promise: `--outbox` never names a built site, a deployed copy, a web folder, a
    preview, the public site folder or a folder of other files: exit 2 naming what was
    found, and nothing is written anywhere."""
    pending(site)
    outbox = make(site, tmp_path)
    before = files_under(site.root), outside(tmp_path)
    result = site.run(*COMMANDS[command], "--outbox", outbox)
    assert result.exit_code == 2, result.output
    assert "--outbox: " in result.output and wording in result.output
    assert "Traceback" not in result.output
    assert (files_under(site.root), outside(tmp_path)) == before


def outside(tmp_path: Path) -> set[str]:
    return {path for path in files_under(tmp_path) if not path.startswith("project")}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_outbox_setting_that_is_the_site_folder_is_refused(site, command):
    """Promise: `outbox: site` in mkdocs.yml is refused like `--outbox site`."""
    pending(site)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      outbox: outbox\n", "      outbox: site\n"))
    result = site.run(*COMMANDS[command])
    assert result.exit_code == 2, result.output
    assert "mkdocs.yml: plugins.portal.outbox: " in result.output
    assert "it is the public site folder (site_dir)" in result.output
    assert not (site.root / "site").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_outbox_of_earlier_packs_is_used_again(site, command):
    """Promise: an outbox that holds only .eml files, folders of them and what a killed
    write leaves is accepted (the refusal is not a nuisance in daily use)."""
    pending(site)
    old = site.root / "outbox" / "reviews" / "child-a"
    old.mkdir(parents=True)
    (old / "circulation-ofsted.eml").write_text("From: x\n")
    (old / ".nspcc.eml.1234-0a1b2c3d.tmp").write_text("From: x\n")
    result = site.run(*COMMANDS[command])
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote ") >= 1


@needs_rsync
def test_a_pack_is_never_written_into_the_built_site_so_never_deployed(site, tmp_path):
    """Promise: the reviewer's route (`portal circulate --outbox site`, then deploy.sh) puts
    no pack on the web server: the circulate is refused, and a site holding an .eml is
    refused by the deploy step too."""
    pending(site)
    assert site.build().exit_code == 0
    refused = site.run("circulate", "reviews/child-s", "--outbox", "site")
    assert refused.exit_code == 2
    assert not list(site.site.rglob("*.eml"))
    (site.site / "reviews" / "circulation-dfe.eml").write_text("From: x\n")  # copied in by hand
    result = deploy(site.site, tmp_path / "www")
    assert result.returncode == 1
    assert "holds an email pack" in result.stderr and "circulation-dfe.eml" in result.stderr
    assert not (tmp_path / "www").exists()


@pytest.fixture
def folders(tmp_path: Path) -> ProjectFolders:
    for name in ("content", "embargo", "site_overrides"):
        (tmp_path / name).mkdir()
    return ProjectFolders(tmp_path, tmp_path / "content", tmp_path / "embargo",
                          tmp_path / "site_overrides", tmp_path / "site")


def test_a_preview_is_never_written_into_a_web_folder(folders, tmp_path):
    """Promise: a preview inside a web folder (one with index.html) is refused: the web
    server would serve its embargoed pages."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("<html>")
    with pytest.raises(WorkspaceError, match="a web folder .it has index.html.: the internal preview"):
        check_output_dir(www / "preview", folders, OutputKind.PREVIEW)
    with pytest.raises(WorkspaceError, match="not empty and is not a preview"):
        check_output_dir(www, folders, OutputKind.PREVIEW)
    assert check_output_dir(tmp_path / "preview", folders, OutputKind.PREVIEW)


def test_an_outbox_holding_a_link_is_refused(folders, tmp_path):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "a.eml").symlink_to(tmp_path / "embargo")
    with pytest.raises(WorkspaceError, match="it holds a.eml, not .eml files"):
        check_output_dir(outbox, folders, OutputKind.OUTBOX)


# --- 2. the deploy step knows a preview by its pages --------------------------------------------

@needs_rsync
def test_deploy_refuses_a_copy_of_a_preview_without_its_marker_file(site, tmp_path):
    """Promise: `cp -r preview/* s2/` (the * skips .portal-preview) then deploy.sh s2 is
    refused: every preview page carries the preview's mark, and nothing is copied."""
    assert site.run("build", "--preview", "--now", NOW).exit_code == 0
    copy = tmp_path / "s2"
    copy.mkdir()
    subprocess.run(f"cp -r {site.root / 'preview'}/* {copy}/", shell=True, check=True)
    assert not (copy / ".portal-preview").exists()
    assert (copy / "reviews" / "example-embargoed" / "index.html").exists()
    result = deploy(copy, tmp_path / "www")
    assert result.returncode == 1, result.stdout
    assert "holds pages of an internal preview" in result.stderr
    assert not (tmp_path / "www").exists()


@needs_rsync
def test_deploy_refuses_a_single_preview_page_in_a_public_site(site, tmp_path):
    """Promise: one preview page copied into a public site refuses the whole deploy."""
    assert site.build().exit_code == 0
    assert site.run("build", "--preview", "--now", NOW).exit_code == 0
    page = site.root / "preview" / "reviews" / "example-embargoed" / "index.html"
    (site.site / "reviews" / "example-embargoed").mkdir(parents=True)
    shutil.copy(page, site.site / "reviews" / "example-embargoed" / "index.html")
    result = deploy(site.site, tmp_path / "www")
    assert result.returncode == 1
    assert "reviews/example-embargoed/index.html has the preview's mark" in result.stderr
    assert not (tmp_path / "www").exists()


def test_every_preview_page_has_the_mark_and_no_public_page_does(site):
    """Promise: the mark deploy.sh looks for is on every HTML page of a preview and on no
    page of a public build (so a public site always deploys)."""
    marks = ('<meta name="portal-preview" content="internal">', 'class="portal-preview-banner"')
    assert site.build().exit_code == 0
    assert site.run("build", "--preview", "--now", NOW).exit_code == 0
    preview_pages = list((site.root / "preview").rglob("*.html"))
    public_pages = list(site.site.rglob("*.html"))
    assert preview_pages and public_pages
    for page in preview_pages:
        assert marks[0] in page.read_text(), page
    for page in public_pages:
        assert not any(mark in page.read_text() for mark in marks), page


# --- 3. a record file without its final newline -------------------------------------------------

def test_a_ledger_saved_without_its_final_newline_loses_no_record(site):
    """Promise: `printf '%s' "$(cat embargo/ledger)" > embargo/ledger` (an editor dropping
    the last newline), then a new publication: both lines are whole, and every later build
    succeeds."""
    assert site.build().exit_code == 0
    ledger = site.root / "embargo" / "ledger"
    ledger.write_text(ledger.read_text().rstrip("\n"))
    site.review("child-new")
    assert site.build().exit_code == 0
    lines = [line for line in ledger.read_text().splitlines() if line and not line.startswith("#")]
    assert all(len(line.split("\t")) == 5 for line in lines), lines
    assert any("\treviews/child-new\t" in line for line in lines)
    assert any("\treviews/example-review\t" in line for line in lines)
    again = site.build()
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("before, after", [
    ("", "# header\nb\n"),
    ("a", "a\nb\n"),
    ("a\n", "a\nb\n"),
    ("# header\na\tb", "# header\na\tb\nb\n"),
])
def test_append_durably_never_glues_a_line_onto_the_last(tmp_path, before, after):
    """Promise: the ledger and the progress history (both appended by append_durably) get
    their missing final newline before a new line."""
    path = tmp_path / "progress-history"
    path.write_text(before)
    append_durably(path, ["b\n"], header="# header\n")
    assert path.read_text() == after


def test_a_glued_ledger_line_says_how_to_mend_it(site):
    """Promise: a ledger already broken this way names the line and the remedy."""
    assert site.build().exit_code == 0
    ledger = site.root / "embargo" / "ledger"
    text = ledger.read_text()
    ledger.write_text(text.rstrip("\n") + "published\treviews/x\t2026-01-20T00:01:00+00:00\tsha256:00\tX\n")
    result = site.build()
    assert result.exit_code == 1
    assert "two lines run together: put a line break before the 'published'" in result.stderr


# --- 4. the lock is never written through a link -----------------------------------------------

@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_lock_file_linked_to_the_ledger_never_truncates_it(site, link):
    """Promise: `ln -s embargo/ledger .portal.lock; portal build` (or a hard link) leaves
    the ledger byte for byte and fails naming the lock file; nothing is published."""
    assert site.build().exit_code == 0
    ledger = site.root / "embargo" / "ledger"
    before = ledger.read_bytes(), sorted(p.name for p in site.site.iterdir())
    lock = site.root / ".portal.lock"
    lock.unlink(missing_ok=True)
    if link == "symbolic":
        lock.symlink_to("embargo/ledger")
    else:
        os.link(ledger, lock)
    site.review("child-new")
    result = run_build(site)
    assert result.returncode == 1, result.stderr
    assert ".portal.lock: the project lock is a " in result.stderr
    assert "rm .portal.lock" in result.stderr
    assert "Traceback" not in result.stderr
    assert (ledger.read_bytes(), sorted(p.name for p in site.site.iterdir())) == before


def test_a_lock_that_is_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / ".portal.lock")
    with pytest.raises(WorkspaceError, match=r"the project lock is a named pipe \(FIFO\)"):
        with project_lock(tmp_path, "build", wait_seconds=1):
            pass


# --- 5. a pipe or socket among the project's files is refused, never waited on ------------------

def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _socket(path: Path) -> None:
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


SPECIAL = [
    ("embargo/reviews/zz.yaml", _fifo, "a named pipe (FIFO)"),
    ("embargo/reviews/example-review.yaml", _fifo, "a named pipe (FIFO)"),
    ("embargo/ledger", _fifo, "a named pipe (FIFO)"),
    ("embargo/progress-history", _fifo, "a named pipe (FIFO)"),
    ("embargo/reviews/example-review.identifiers", _fifo, "a named pipe (FIFO)"),
    ("embargo/notes", _fifo, "a named pipe (FIFO)"),
    ("themes.yml", _fifo, "a named pipe (FIFO)"),
    ("embargo/ledger", _socket, "a socket"),
    ("embargo/reviews/zz.yaml", _socket, "a socket"),
]


@pytest.mark.parametrize("relative, make, what", SPECIAL, ids=[f"{c[0]}-{c[1].__name__[1:]}" for c in SPECIAL])
def test_a_pipe_or_socket_in_the_project_is_an_error_never_a_hang(site, relative, make, what):
    """Promise: `mkfifo embargo/reviews/zz.yaml` (or the ledger, the progress history, a
    deny-list or the themes file being a pipe or socket) makes `portal build` fail at once
    naming the file, the previous site untouched, the lock released."""
    assert site.build().exit_code == 0
    before = sorted(p.name for p in site.site.iterdir())
    make(site.root / relative)
    result = run_build(site, timeout=90)
    assert result.returncode == 1, result.stderr
    assert f"{relative}: {what}, not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in site.site.iterdir()) == before
    with project_lock(site.root, "test", wait_seconds=1):
        pass


def test_read_regular_file_refuses_without_opening(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    with pytest.raises(workspace.NotRegularFile, match="a named pipe"):
        workspace.read_regular_file(tmp_path / "pipe")
    with pytest.raises(workspace.NotRegularFile, match="a folder"):
        workspace.read_regular_file(tmp_path / "folder")
    (tmp_path / "file").write_bytes(b"x" * 3_000_000)
    (tmp_path / "link").symlink_to(tmp_path / "file")
    assert workspace.read_regular_file(tmp_path / "link") == b"x" * 3_000_000


def test_a_record_file_that_is_a_pipe_is_never_appended_to(tmp_path):
    os.mkfifo(tmp_path / "ledger")
    with pytest.raises(workspace.NotRegularFile):
        append_durably(tmp_path / "ledger", ["line\n"])


# --- 6 and 7. messages that name the right file, once --------------------------------------------

def test_a_ledger_error_names_the_ledger_once(site):
    """Promise: `embargo/ledger: line 7: ...`, never `embargo/ledger: embargo/ledger: ...`."""
    assert site.build().exit_code == 0
    ledger = site.root / "embargo" / "ledger"
    number = len(ledger.read_text().splitlines()) + 1
    ledger.write_text(ledger.read_text() + "published\treviews/x\tyesterday\n")
    result = site.build()
    assert result.exit_code == 1
    assert f"embargo/ledger: line {number}: expected 5 tab-separated columns, got 3" in result.stderr
    assert "embargo/ledger: embargo/ledger" not in result.stderr


def test_a_full_disk_names_the_output_folder_not_the_file_copied(site, monkeypatch):
    """Promise: a full disk while the build copies the theme's files is reported against
    the site folder being written (`site/: No space left on device while writing the new
    site (copying …)`), not as if the source in the virtualenv were at fault; nothing is
    published."""
    assert site.build().exit_code == 0
    before = sorted(p.name for p in site.site.iterdir())
    real_sendfile = os.sendfile

    def sendfile(out_fd, in_fd, offset, count):
        if ".site.building-" in os.readlink(f"/proc/self/fd/{out_fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_sendfile(out_fd, in_fd, offset, count)

    monkeypatch.setattr(os, "sendfile", sendfile)
    result = site.build()
    assert result.exit_code == 1, result.output
    assert "site/: No space left on device while writing the new site (copying " in result.output
    assert "): nothing was published; the previous site is unchanged" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in site.site.iterdir()) == before


def test_a_full_disk_while_writing_a_page_names_the_output_folder(site, monkeypatch):
    import mkdocs.utils

    def full(content, output_path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", full)
    result = site.build("--preview", now=NOW)
    assert result.exit_code == 1, result.output
    assert "preview/: No space left on device while writing the new site (writing " in result.output
    assert "nothing was published; the previous site is unchanged" in result.output


@needs_rsync
@pytest.mark.parametrize("name, make, message", [
    ("upper-case pack", lambda s: (s / "PACK.EML").write_text("Subject: EMBARGOED"), "holds an email"),
    ("outlook message", lambda s: (s / "reviews" / "x.msg").write_text("x"), "holds an email"),
    ("mailbox", lambda s: (s / "x.mbox").write_text("x"), "holds an email"),
    ("link to a preview", lambda s: (s / "internal").symlink_to(s.parent / "preview"), "symbolic link"),
    ("link to the register", lambda s: (s / "reviews" / "r").symlink_to("/etc"), "symbolic link"),
])
def test_deploy_refuses_emails_in_any_case_and_any_symbolic_link(site, tmp_path, name, make, message):
    """Promise: deploy.sh never copies an email (any letter case, .msg and .mbox too) nor a
    symbolic link, which could lead to a preview or the register that its checks never
    look through (rsync -a would copy the link itself)."""
    assert site.build().exit_code == 0
    built = tmp_path / "built"
    shutil.copytree(site.site, built)
    (tmp_path / "preview").mkdir()
    (tmp_path / "preview" / ".portal-preview").write_text("")
    make(built)
    result = deploy(built, tmp_path / "www")
    assert result.returncode == 1, name
    assert message in result.stderr
    assert not (tmp_path / "www").exists()
