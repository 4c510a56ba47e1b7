"""The small commands and the last parsers refuse what they cannot handle (issue 15, round 7).

Each test names the promise it checks. The routes: `portal scrub -o` into a missing folder
or onto /dev/full (a Python error), onto a hard link to the original (the original was
overwritten: the one thing scrub promises not to do) or from a named pipe (it hung);
`portal new` in /dev/null, /proc or under a file (a Python error) and a copy that failed
part-way (a half-made project left behind); an impossible UTC offset (`+25:00`) in
`publish_at` or `--now` (a ValueError traceback under plain `mkdocs build`); and a
`publications.json` nested 200,000 deep (a RecursionError instead of the corrupt-witness
error).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdfs import make_pdf
from portal.cli import main

BIN = Path(sys.executable).parent
PORTAL = str(BIN / "portal")
MKDOCS = str(BIN / "mkdocs")
UNEXPECTED = "stopped by an unexpected error"


def portal(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([PORTAL, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def assert_clean_refusal(result, code: int, *fragments: str) -> None:
    """Exit ``code``, every fragment in the message, no traceback, no 'unexpected error'."""
    out = getattr(result, "stderr", "") + getattr(result, "stdout", "")
    exit_code = getattr(result, "returncode", getattr(result, "exit_code", None))
    assert exit_code == code, out
    for fragment in fragments:
        assert fragment in out, (fragment, out)
    assert "Traceback" not in out and UNEXPECTED not in out, out


# --- 1. portal scrub -------------------------------------------------------------------------

@pytest.fixture
def original(tmp_path: Path) -> Path:
    path = make_pdf(tmp_path / "orig.pdf", "A report with its author in the metadata.")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("output, message", [
    ("nodir/out.pdf", "nodir/out.pdf: the folder nodir does not exist: make it first, or choose another"),
    ("afile/out.pdf", "afile/out.pdf: afile is not a folder: choose a file in a folder"),
], ids=["missing folder", "folder is a file"])
def test_scrub_refuses_an_output_whose_folder_is_not_there(original, output, message):
    """Promise: `portal scrub SRC -o OUT` where OUT's folder does not exist (or is a file)
    is bad usage naming OUT (exit 2), and nothing is made."""
    folder = original.parent
    (folder / "afile").write_text("a file")
    before = snapshot(folder)
    result = portal("scrub", "orig.pdf", "-o", output, cwd=folder)
    assert_clean_refusal(result, 2, f"Invalid value for --output: {message}")
    assert snapshot(folder) == before and not (folder / "nodir").exists()


def test_scrub_refuses_a_device_as_output(original):
    """Promise: `-o /dev/full` is refused before anything is written (a device is never
    replaced by a file, even when the portal runs as root), exit 2, naming it."""
    result = portal("scrub", "orig.pdf", "-o", "/dev/full", cwd=original.parent)
    assert_clean_refusal(result, 2, "/dev/full: is not a regular file (a folder, device or pipe): "
                                    "choose a file name")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_scrub_whose_write_fails_says_so_in_one_line_and_changes_nothing(original, monkeypatch):
    """Promise: a write that fails (a full disk) is one line naming OUT, exit 1; a file
    already at OUT keeps its bytes and no temporary file is left beside it."""
    import portal.workspace

    folder = original.parent
    (folder / "out.pdf").write_bytes(b"the previous copy")
    before = snapshot(folder)

    def full_disk(handle, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(portal.workspace.os, "write", full_disk)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["scrub", "orig.pdf", "-o", "out.pdf"], catch_exceptions=False)
    assert_clean_refusal(result, 1, "out.pdf: cannot be written (No space left on device): nothing "
                                    "was changed; choose another place with -o")
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(folder) == before and sorted(p.name for p in folder.iterdir()) == sorted(before)


@pytest.mark.parametrize("make_output", [
    lambda folder: os.link(folder / "orig.pdf", folder / "hl.pdf") or "hl.pdf",
    lambda folder: os.symlink("orig.pdf", folder / "sl.pdf") or "sl.pdf",
    lambda folder: "./orig.pdf",
    lambda folder: str(folder / "orig.pdf"),
], ids=["hard link", "symbolic link", "same name", "absolute name"])
def test_scrub_never_overwrites_the_original_under_another_name(original, make_output):
    """Promise: OUT that is SRC under any name (a hard link: same device and inode; a
    symbolic link or another spelling: the same resolved path) is refused, exit 2, and
    the original keeps every byte (it used to be overwritten through a hard link)."""
    kept = original.read_bytes()
    output = make_output(original.parent)
    result = portal("scrub", "orig.pdf", "-o", output, cwd=original.parent)
    assert_clean_refusal(result, 2, f"{Path(output)}: is the same file as orig.pdf (a link or another "
                                    "name for it): the original is kept, so choose another name")
    assert original.read_bytes() == kept


def test_scrub_replaces_its_output_whole_and_never_writes_through_a_link(original):
    """Promise: the copy is written to a temporary file in OUT's folder and renamed over
    OUT, so another file hard-linked to OUT is left as it was."""
    folder = original.parent
    (folder / "keep.pdf").write_bytes(b"someone else's file")
    os.link(folder / "keep.pdf", folder / "out.pdf")
    result = portal("scrub", "orig.pdf", "-o", "out.pdf", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert (folder / "keep.pdf").read_bytes() == b"someone else's file"
    assert (folder / "out.pdf").read_bytes().startswith(b"%PDF-")
    assert os.stat(folder / "out.pdf").st_ino != os.stat(folder / "keep.pdf").st_ino
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("make_source, kind", [
    (lambda folder: os.mkfifo(folder / "pipe.pdf") or "pipe.pdf", "a named pipe (FIFO)"),
    (lambda folder: "/dev/zero", "a device"),
], ids=["named pipe", "device"])
def test_scrub_refuses_a_source_that_is_not_a_regular_file(tmp_path, make_source, kind):
    """Promise: SRC that is a named pipe or a device is refused at once (it used to wait
    forever for a writer), exit 2, naming it, and no copy is made."""
    source = make_source(tmp_path)
    result = portal("scrub", source, "-o", "out.pdf", cwd=tmp_path, timeout=30)
    assert_clean_refusal(result, 2, f"Invalid value for SOURCE: {source}: {kind}, not a regular file: "
                                    "give the PDF file itself")
    assert not (tmp_path / "out.pdf").exists()


# --- 2. portal new ---------------------------------------------------------------------------

NEW_REFUSALS = [
    ("/dev/null", "/dev/null: exists and is not a folder: choose a new directory"),
    ("{tmp}/afile/x", "{tmp}/afile/x: {tmp}/afile is a file, not a folder: choose a new directory"),
    ("{tmp}/afile/x/y", "{tmp}/afile/x/y: {tmp}/afile is a file, not a folder: choose a new directory"),
    ("{tmp}/pipe", "{tmp}/pipe: exists and is not a folder: choose a new directory"),
    ("/proc/x", "/proc/x: cannot be made here (No such file or directory): choose a place you can "
                "write to"),
]


@pytest.mark.parametrize("directory, message", NEW_REFUSALS, ids=[c[0] for c in NEW_REFUSALS])
def test_new_refuses_a_place_where_no_project_can_be_made(tmp_path, directory, message):
    """Promise: `portal new DIR` where DIR is a file or device, under a file, or in a
    filesystem that makes no folders is bad usage naming DIR (exit 2), never a traceback."""
    (tmp_path / "afile").write_text("a file")
    os.mkfifo(tmp_path / "pipe")
    result = portal("new", directory.format(tmp=tmp_path), cwd=tmp_path)
    assert_clean_refusal(result, 2, "Invalid value for DIRECTORY: " + message.format(tmp=tmp_path))
    assert (tmp_path / "afile").read_text() == "a file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_new_refuses_a_folder_it_cannot_write(tmp_path):
    """Promise: an unwritable place is bad usage naming DIR (exit 2)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = portal("new", str(locked / "site"), cwd=tmp_path)
    assert_clean_refusal(result, 2, f"{locked}/site: cannot be made here (Permission denied)")


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="no /sys here")
def test_new_refuses_a_read_only_filesystem(tmp_path):
    """Promise: a place where even root cannot make a folder (/sys) is bad usage naming it."""
    result = portal("new", "/sys/x", cwd=tmp_path)
    assert_clean_refusal(result, 2, "/sys/x: cannot be made here (")
    assert not Path("/sys/x").exists()


@pytest.mark.parametrize("directory, existing", [
    ("made/for/it", None),
    ("empty", "empty"),
], ids=["new folders", "an empty folder"])
def test_a_project_that_cannot_be_copied_whole_is_removed(tmp_path, monkeypatch, directory, existing):
    """Promise: when copying the skeleton fails part-way (a full disk), `portal new` says so
    in one line naming DIR (exit 1) and leaves nothing behind: the folders it made are
    removed, and an empty folder it was given is empty again."""
    if existing:
        (tmp_path / existing).mkdir()
    real_copyfile, copied = shutil.copyfile, []

    def fills_up(source, target, *args, **kwargs):
        if len(copied) >= 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        copied.append(target)
        return real_copyfile(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", fills_up)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", directory], catch_exceptions=False)
    assert_clean_refusal(result, 1, f"{directory}: the project could not be made (", "No space left on device",
                         "nothing was left behind")
    assert len(result.stderr.strip().splitlines()) == 1
    assert copied, "the copy never started"
    if existing:
        assert (tmp_path / existing).is_dir() and not any((tmp_path / existing).iterdir())
    else:
        assert not (tmp_path / "made").exists()


def test_new_still_makes_a_project_in_new_or_empty_folders(tmp_path):
    """Promise: the refusals above leave the ordinary cases working: nested new folders and
    an existing empty folder."""
    (tmp_path / "empty").mkdir()
    for directory in ("a/b/c", "empty"):
        result = portal("new", directory, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / directory / "mkdocs.yml").is_file()
        assert (tmp_path / directory / ".gitignore").is_file()


# --- 3. impossible UTC offsets and dates -----------------------------------------------------

LONDON = "Europe/London"
OFFSET_MESSAGE = "the UTC offset +25:00 is impossible (offsets run from -12:00 to +14:00)"

INSTANTS = [
    ("2099-01-06T10:00+25:00", OFFSET_MESSAGE),
    ("2099-01-06T10:00+2400", "the UTC offset +2400 is impossible (offsets run from -12:00 to +14:00)"),
    ("2099-01-06T10:00-12:01", "the UTC offset -12:01 is impossible (offsets run from -12:00 to +14:00)"),
    ("2099-01-06T10:00+05:99", "the UTC offset +05:99 is impossible (offsets run from -12:00 to +14:00)"),
    ("9999-12-31T23:00-12:00", "9999-12-31T23:00-12:00 is outside the dates the portal can handle "
                               "(give a date between the years 1 and 9999)"),
    ("0001-01-01T00:30+01:00", "0001-01-01T00:30+01:00 is outside the dates the portal can handle"),
    (datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=3))),
     "0001-01-01 00:00+03:00 is outside the dates the portal can handle"),
]


@pytest.mark.parametrize("value, message", INSTANTS, ids=[str(c[0]) for c in INSTANTS])
def test_an_impossible_offset_or_date_is_a_date_error(value, message):
    """Promise: parse_instant turns every ValueError or OverflowError of an offset or a
    date into its DateError, with what would be right."""
    from portal.core.dates import DateError, load_timezone, parse_instant

    with pytest.raises(DateError) as caught:
        parse_instant(value, load_timezone(LONDON), time(0, 1))
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("value, zone, expected", [
    ("2026-01-01T10:00+14:00", LONDON, datetime(2025, 12, 31, 20, 0, tzinfo=timezone.utc)),
    ("2026-01-01T10:00-12:00", LONDON, datetime(2026, 1, 1, 22, 0, tzinfo=timezone.utc)),
    ("2026-01-01T10:00-0530", LONDON, datetime(2026, 1, 1, 15, 30, tzinfo=timezone.utc)),
    ("2026-01-01T10:00Z", LONDON, datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc)),
    ("9999-12-31 23:59", LONDON, datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)),
    (date(2026, 3, 1), LONDON, datetime(2026, 3, 1, 0, 1, tzinfo=timezone.utc)),
])
def test_offsets_in_use_are_still_read(value, zone, expected):
    """Promise: every offset in use on Earth (-12:00 to +14:00) still reads as before."""
    from portal.core.dates import load_timezone, parse_instant

    assert parse_instant(value, load_timezone(zone), time(0, 1)) == expected


def test_a_local_time_past_the_last_year_is_a_date_error():
    """Promise: a local time whose UTC instant falls after 9999 (west of Greenwich) is a
    DateError, not an OverflowError."""
    from portal.core.dates import DateError, load_timezone, parse_instant

    with pytest.raises(DateError, match="9999-12-31 23:59 is outside the dates the portal can handle"):
        parse_instant("9999-12-31 23:59", load_timezone("America/New_York"), time(0, 1))


PUBLISH_AT_ERROR = f"content/reviews/offset.md: publish_at: {OFFSET_MESSAGE}"


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_impossible_offset_in_publish_at_is_a_content_error(site, command):
    """Promise: `publish_at: "2099-01-06T10:00+25:00"` is `file: publish_at: message`, exit
    1, in portal check and portal build (which leaves the previous site in place)."""
    assert site.build().exit_code == 0
    before = {p: p.read_bytes() for p in site.site.rglob("*") if p.is_file()}
    site.review("offset", publish_at="2099-01-06T10:00+25:00")
    result = site.check() if command == "check" else site.build()
    assert_clean_refusal(result, 1, PUBLISH_AT_ERROR)
    assert {p: p.read_bytes() for p in site.site.rglob("*") if p.is_file()} == before


def test_an_impossible_offset_in_publish_at_stops_plain_mkdocs_build(site):
    """Promise: plain `mkdocs build` reports the same error, without a traceback."""
    site.review("offset", publish_at="2099-01-06T10:00+25:00")
    result = subprocess.run([MKDOCS, "build", "-q"], cwd=site.root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert PUBLISH_AT_ERROR in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["check", "build", "due", "schedule"])
def test_an_impossible_offset_in_now_is_bad_usage(site, command):
    """Promise: `--now 2026-11-24T12:00+25:00` is bad usage of --now (exit 2) in every
    command that takes it."""
    result = site.run(command, "--now", "2026-11-24T12:00+25:00")
    assert_clean_refusal(result, 2, "--now", OFFSET_MESSAGE)


# --- 4. a publications.json nested too deeply ------------------------------------------------

DEEP = b"[" * 200_000 + b"]" * 200_000
DEEP_MESSAGE = "not a portal publications.json (nested too deeply or too large to read: RecursionError)"


@pytest.mark.parametrize("data", [DEEP, b'{"publications": ' + DEEP + b"}",
                                  b'{"a":' * 200_000 + b"1" + b"}" * 200_000],
                         ids=["arrays", "inside publications", "objects"])
def test_a_deeply_nested_witness_is_a_witness_error(data):
    """Promise: JSON nested 200,000 deep (json.loads recurses per level and raises
    RecursionError, which is not a ValueError) is the corrupt-witness error, naming where
    it was read."""
    from portal.witness import WitnessError, witness_from_json

    with pytest.raises(WitnessError) as caught:
        witness_from_json(data, "site/api/publications.json")
    assert str(caught.value) == f"site/api/publications.json: {DEEP_MESSAGE}"


def test_a_deeply_nested_previous_site_record_fails_the_build_cleanly(site):
    """Promise: a previous site whose api/publications.json is nested 200,000 deep fails
    portal check and portal build with the corrupt-witness error (exit 1, no traceback),
    and the build leaves that site in place."""
    assert site.build().exit_code == 0
    (site.site / "api/publications.json").write_bytes(DEEP)
    before = {p: p.read_bytes() for p in site.site.rglob("*") if p.is_file()}
    result = site.build()
    assert_clean_refusal(result, 1, f"site/api/publications.json: {DEEP_MESSAGE}",
                         "a corrupt record is not an absent one")
    assert {p: p.read_bytes() for p in site.site.rglob("*") if p.is_file()} == before
    assert_clean_refusal(site.check(), 1, DEEP_MESSAGE)


def test_a_deeply_nested_record_at_witness_url_fails_the_build_cleanly(site, tmp_path):
    """Promise: the same from the live site at witness_url: an error naming the URL."""
    from test_trust_protection import serve_directory, set_witness_url

    live = tmp_path / "live"
    (live / "api").mkdir(parents=True)
    (live / "api/publications.json").write_bytes(DEEP)
    server = serve_directory(live)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/publications.json"
        set_witness_url(site, url)
        assert_clean_refusal(site.build(), 1, f"{url}: {DEEP_MESSAGE}")
    finally:
        server.shutdown()
