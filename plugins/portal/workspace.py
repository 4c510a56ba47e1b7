"""What a portal command may write, where, and one at a time.

Two guarantees live here, so that every command that writes goes through the same code:

* **One writer at a time.** ``project_lock`` takes an exclusive lock on ``.portal.lock``
  in the project folder (``fcntl.flock``, which the kernel releases when the holder
  dies, even by ``kill -9``, so a lock is never left stale). The file names the holder
  (command, pid, start time) so that a second command can say what it is waiting for.
  ``build``, ``circulate --send``, ``nspcc --send`` and ``digest`` take it; two of them
  at once never interleave, and each reads the ledger and register only once it holds it.
* **An output folder is never one of the project's own.** ``check_output_dir`` is the one
  function that decides whether a folder may receive a built site, a preview or an
  outbox: never the project folder or a folder that holds it, never the content,
  register or overrides folders nor anything inside them, never a public site inside a
  preview or a preview inside a public site, never a preview or an outbox that is (or lies
  in) a built site, a web folder or the public site folder, and never a folder that already
  holds something other than what the command writes there.

It also holds the project's safe file primitives: ``read_regular_file`` (never blocks on a
named pipe or a device), ``append_durably`` and ``write_atomic``.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from .core.dates import UTC

LOCK_FILE = ".portal.lock"
PREVIEW_MARKER = ".portal-preview"
"""The file that marks an internal preview: no public build or deploy step publishes it."""


class WorkspaceError(Exception):
    """A folder or lock problem; the message names the folder and what to do."""


class LockBusy(WorkspaceError):
    """Another portal command holds the project lock."""


class OutputKind(Enum):
    PUBLIC_SITE = "the public site"
    PREVIEW = "the internal preview"
    OUTBOX = "the outbox"


_DEFAULT_FOLDER = {OutputKind.PUBLIC_SITE: "site/", OutputKind.PREVIEW: "preview/",
                   OutputKind.OUTBOX: "outbox/"}


@dataclass(frozen=True)
class ProjectFolders:
    """The folders of a site project that no command may write output into."""

    root: Path
    docs_dir: Path
    register_dir: Path
    overrides_dir: Path | None = None
    public_site_dir: Path | None = None

    @classmethod
    def of(cls, config, register_dir: str, *, with_site_dir: bool = True) -> ProjectFolders:
        """The folders of the project a loaded mkdocs.yml (``MkDocsConfig``) describes."""
        root = Path(config.config_file_path).resolve().parent
        custom_dir = config.theme.custom_dir
        return cls(root, Path(config.docs_dir), root / register_dir,
                   Path(custom_dir) if custom_dir else None,
                   Path(config.site_dir) if with_site_dir else None)

    def own_folders(self) -> list[tuple[str, Path]]:
        folders = [("the content folder (docs_dir)", self.docs_dir),
                   ("the register folder (register_dir)", self.register_dir)]
        if self.overrides_dir is not None:
            folders.append(("the theme overrides folder (custom_dir)", self.overrides_dir))
        folders.append(("the project's git folder", self.root / ".git"))
        return [(name, _resolved(path)) for name, path in folders]


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def is_preview(folder: Path) -> bool:
    return (folder / PREVIEW_MARKER).exists()


def is_portal_site(folder: Path) -> bool:
    """A folder a public ``portal build`` made (its home page and its JSON of publications)."""
    return (folder / "index.html").is_file() and (folder / "api" / "publications.json").is_file()


def is_web_folder(folder: Path) -> bool:
    """A folder a web server would serve as a site: it has a home page."""
    return (folder / "index.html").exists()


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def check_output_dir(target: Path, folders: ProjectFolders, kind: OutputKind) -> Path:
    """Return ``target`` resolved if ``kind`` may be written there; else raise
    ``WorkspaceError`` naming the folder, why, and what to choose instead.

    The folder and every folder above it are checked: a preview or an outbox written into
    (or as) a built site, a deployed copy of one or any web folder would be published by
    the next deploy with the embargoed pages or packs in it."""
    resolved = _resolved(target)
    shown = str(target)
    root = _resolved(folders.root)
    public = _resolved(folders.public_site_dir) if folders.public_site_dir is not None else None
    if resolved.exists() and not resolved.is_dir():
        raise WorkspaceError(f"{shown}: it is a file, not a folder: choose a folder for {kind.value}")
    if _is_within(root, resolved):
        raise WorkspaceError(
            f"{shown}: it is the project folder or holds it: {kind.value} goes in a folder of its "
            f"own (e.g. {_DEFAULT_FOLDER[kind]}), never over the project")
    for name, folder in folders.own_folders():
        if _is_within(resolved, folder) or _is_within(folder, resolved):
            raise WorkspaceError(
                f"{shown}: it is, holds or lies inside {name} ({folder}): {kind.value} is never "
                "written among the project's own files, which it would publish or destroy")
    for ancestor in resolved.parents:
        _check_ancestor(shown, ancestor, public, kind)
    if kind is not OutputKind.PUBLIC_SITE and resolved == public:
        raise WorkspaceError(f"{shown}: it is the public site folder (site_dir): {kind.value} "
                             "would be deployed with the site or deleted by the next build; it goes "
                             f"elsewhere (default {_DEFAULT_FOLDER[kind]})")
    if _is_empty(resolved):
        return resolved
    if kind is OutputKind.PUBLIC_SITE:
        if is_preview(resolved):
            raise WorkspaceError(
                f"{shown}: it holds an internal preview (it has {PREVIEW_MARKER}): a public build "
                "never writes over a preview. Choose another --site-dir or delete the preview.")
        if not is_portal_site(resolved):
            raise WorkspaceError(
                f"{shown}: the folder is not empty and is not a site the portal built (no "
                "index.html and api/publications.json): a build replaces the whole folder, so it "
                "must be empty or a previous build. Choose an empty or new folder.")
    elif kind is OutputKind.PREVIEW:
        if not is_preview(resolved):
            raise WorkspaceError(f"{shown}: the folder is not empty and is not a preview (no "
                                 f"{PREVIEW_MARKER}): choose an empty or new folder")
    else:
        found = _not_an_outbox(resolved)
        if found:
            raise WorkspaceError(
                f"{shown}: {found}: an outbox holds only .eml files and folders of them, and is "
                "never served by a web server (the packs are embargoed, the reports attached). "
                f"Choose an empty or new folder (default {_DEFAULT_FOLDER[kind]})")
    return resolved


def _check_ancestor(shown: str, ancestor: Path, public: Path | None, kind: OutputKind) -> None:
    if is_preview(ancestor) or is_portal_site(ancestor) or ancestor == public:
        raise WorkspaceError(
            f"{shown}: it lies inside the built site or preview {ancestor}: {kind.value} would "
            "be deployed with it or deleted by the next build. Choose a folder outside every "
            f"built site (default {_DEFAULT_FOLDER[kind]})")
    if kind is not OutputKind.PUBLIC_SITE and is_web_folder(ancestor):
        raise WorkspaceError(
            f"{shown}: it lies inside {ancestor}, a web folder (it has index.html): {kind.value} "
            "would be served with it. Choose a folder outside every site (default "
            f"{_DEFAULT_FOLDER[kind]})")


_ATOMIC_LEFTOVER = re.compile(r"^\.[^/]+\.eml\.\d+-[0-9a-f]{8}\.tmp$")
"""What ``write_atomic`` leaves of an .eml when the command is killed while writing it."""


def _not_an_outbox(folder: Path) -> str | None:
    """What in ``folder`` shows it is not an outbox (a site, a preview, anything but .eml
    files and folders of them), or None."""
    if is_preview(folder):
        return f"it is an internal preview (it has {PREVIEW_MARKER})"
    if is_portal_site(folder):
        return "it is a site the portal built (it has index.html and api/publications.json)"
    if is_web_folder(folder):
        return "it is a web folder (it has index.html)"
    strangers = []
    for current, subfolders, files in os.walk(folder):
        relative = Path(current).relative_to(folder)
        strangers += [relative / name for name in subfolders if (Path(current) / name).is_symlink()]
        strangers += [relative / name for name in files if not _is_outbox_file(Path(current) / name)]
        if len(strangers) > 3:
            break
    if not strangers:
        return None
    named = ", ".join(path.as_posix() for path in sorted(strangers)[:3])
    return f"it holds {named}{' and more' if len(strangers) > 3 else ''}, not .eml files"


def _is_outbox_file(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    return (path.suffix == ".eml" and not path.name.startswith(".")) \
        or bool(_ATOMIC_LEFTOVER.match(path.name))


def remove_stale_staging(target: Path) -> list[Path]:
    """Remove the staging and retired folders that killed builds of ``target`` left
    beside it. Only called while holding the project lock, so none is in use.

    A build killed between the two renames of ``swap_in`` leaves no ``target`` and the
    previous site retired beside it: that site is put back first (it is what the public
    has, and the ledger's witness), then the leftovers go."""
    removed = []
    parent = target.parent
    if not parent.is_dir():
        return removed
    retired = sorted((p for p in parent.glob(f".{target.name}.previous-*")
                      if p.is_dir() and not p.is_symlink()), key=lambda p: p.stat().st_mtime)
    if retired and not os.path.lexists(target) and (is_portal_site(retired[-1]) or is_preview(retired[-1])):
        retired.pop().rename(target)
    for leftover in [*parent.glob(f".{target.name}.building-*"), *retired]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


@contextmanager
def project_lock(root: Path, command: str, wait_seconds: float = 900.0,
                 on_wait=None) -> Iterator[None]:
    """Hold the project's write lock for the ``with`` block.

    A second command waits (up to ``wait_seconds``; ``on_wait(holder)`` is called once
    so it can say what it waits for) and then goes ahead with what the first one wrote.
    """
    path = root / LOCK_FILE
    handle = _open_lock_file(path)
    try:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise WorkspaceError(f"{path}: cannot take the project lock ({exc.strerror})") from exc
            holder = _read_holder(handle)
            if time.monotonic() >= deadline:
                raise LockBusy(f"{path}: {holder} still holds the project lock after "
                               f"{int(wait_seconds)} s: nothing was done. Run the command again "
                               "when it has finished.")
            if not told and on_wait is not None:
                on_wait(holder)
                told = True
            time.sleep(0.1)
        holder = {"command": command, "pid": os.getpid(), "host": socket.gethostname(),
                  "since": datetime.now(UTC).isoformat(timespec="seconds")}
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, (json.dumps(holder) + "\n").encode(), 0)
        except OSError:
            pass  # the lock holds without its description (e.g. a full disk)
        yield
    finally:
        os.close(handle)  # releases the lock


def _open_lock_file(path: Path) -> int:
    """The lock file, opened for writing the holder into it: never through a symbolic link
    and never anything but a file of its own (a link to the ledger, even a hard one, would be
    truncated by the next command)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        handle = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise WorkspaceError(_lock_refusal(path, "a symbolic link")) from exc
        if exc.errno == errno.ENXIO:  # a socket
            raise WorkspaceError(_lock_refusal(path, _kind_of_file(path))) from exc
        raise WorkspaceError(f"{path}: cannot open the project lock ({exc.strerror}): is the "
                             "project folder writable?") from exc
    facts = os.fstat(handle)
    problem = None
    if not stat.S_ISREG(facts.st_mode):
        problem = _kind_of_mode(facts.st_mode)
    elif facts.st_nlink > 1:
        problem = f"a hard link to another file ({facts.st_nlink} names for it)"
    if problem:
        os.close(handle)
        raise WorkspaceError(_lock_refusal(path, problem))
    return handle


def _lock_refusal(path: Path, what: str) -> str:
    return (f"{path}: the project lock is {what}, not a file of its own: the portal never "
            f"writes through it (it would overwrite what it points to). Delete it (rm {LOCK_FILE}; "
            "the portal makes it again) and run the command again")


def _kind_of_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _kind_of_file(path: Path) -> str:
    try:
        return _kind_of_mode(os.stat(path).st_mode)
    except OSError:
        return "a special file"


def _read_holder(handle: int) -> str:
    try:
        data = json.loads(os.pread(handle, 4096, 0).decode() or "{}")
        return f"'portal {data['command']}' (pid {data['pid']}, since {data['since']})"
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return "another portal command"


# --- reading the project's own files ----------------------------------------------------

class NotRegularFile(WorkspaceError, ValueError):
    """A project file that is a named pipe, socket, device or folder: reading it could block
    forever (while the project lock is held) or never end. The message says what it is and
    what to do; the caller puts the file's name in front."""


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path``, refusing anything but a regular file (a symbolic link to one is
    fine) before reading it: ``NotRegularFile``. A missing file raises ``FileNotFoundError``."""
    _require_regular(path, os.stat(path).st_mode)
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a swapped-in pipe: no wait
    try:
        _require_regular(path, os.fstat(handle).st_mode)
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def special_file_problem(path: Path) -> str | None:
    """Why ``path`` may not be read (a named pipe, socket, device or folder), without
    opening it; None for a regular file, a link to one, or nothing there."""
    try:
        _require_regular(path, os.stat(path).st_mode)
    except NotRegularFile as exc:
        return str(exc)
    except OSError:
        return None
    return None


def _require_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegularFile(f"{_kind_of_mode(mode)}, not a regular file: the portal never reads "
                             "it (a pipe or a device could stop the command forever): delete it, "
                             "or put the file it should be in its place")


# --- records before effects -------------------------------------------------------------

class RecordError(WorkspaceError):
    """A record (ledger or history line) could not be written, so its effect must not follow."""


def append_durably(path: Path, lines: list[str], header: str = "") -> None:
    """Append ``lines`` to ``path`` and return only once they are on disk.

    ``header`` starts a new or empty file; a file whose last line lacks its newline (as some
    editors save it) gets one first, so a new line is never glued onto it. The lines go in
    one ``write`` and are ``fsync``-ed (with the folder, for a new file), so the effect they
    record may follow; a write that fails part-way (a full disk) is cut back to where it
    started, so the file never ends in half a line. Anything but a regular file (a named
    pipe) is refused (``NotRegularFile``), never waited on.
    """
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    is_new = not path.exists()
    # O_NONBLOCK: a named pipe in the file's place is refused below, never waited on.
    handle = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC,
                     0o644)
    try:
        facts = os.fstat(handle)
        _require_regular(path, facts.st_mode)
        size = facts.st_size
        start = header if size == 0 else _missing_newline(handle, size)
        data = (start + "".join(lines)).encode("utf-8")
        try:
            written = 0
            while written < len(data):
                written += os.write(handle, data[written:])
            os.fsync(handle)
        except OSError:
            try:
                os.ftruncate(handle, size)
            except OSError:
                pass
            raise
    finally:
        os.close(handle)
    if is_new:
        _fsync_folder(path.parent)


def _missing_newline(handle: int, size: int) -> str:
    """A newline if the file does not end with one (saved by an editor that drops the last
    one): without it the first appended line would be glued onto the last line there."""
    return "" if os.pread(handle, 1, size - 1) == b"\n" else "\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step: a reader (or a crash) sees the old file or
    the new one, never half of one. An existing file keeps its mode; a new one gets the
    usual mode for the user's umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            if mode is not None:
                os.fchmod(handle, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename is still atomic
    finally:
        os.close(handle)


@dataclass(frozen=True)
class Recorded:
    """What ``record_publication`` wrote: ledger lines, and where."""

    ledger_lines: int
    ledger_path: Path


def record_publication(publication) -> Recorded:
    """Write the records of a public build before the site they describe is published:
    the ledger's first publications and content changes, then the progress history's
    changed RAG totals. Raise ``RecordError`` (naming the file) if either cannot be written:
    the caller must then publish nothing."""
    from .core.ledger import HEADER
    from .progress_view import HISTORY_HEADER, history_updates, read_history

    project = publication.project
    ledger = project.ledger_path  # set by load_project, wherever register_dir is
    history = ledger.parent / "progress-history"
    ledger_lines = publication.ledger_updates()
    _append_record(project.root, ledger, lambda: ledger_lines, HEADER)
    _append_record(project.root, history,
                   lambda: history_updates(publication, read_history(history)), HISTORY_HEADER)
    return Recorded(len(ledger_lines), ledger)


def _append_record(root: Path, path: Path, lines, header: str) -> None:
    try:
        append_durably(path, lines(), header)
    except NotRegularFile as exc:
        raise RecordError(f"{shown_path(path, root)}: {exc}. Nothing was published; the previous "
                          "site is unchanged") from exc
    except OSError as exc:
        raise RecordError(f"{shown_path(path, root)}: cannot write ({exc.strerror or exc}): nothing "
                          "was published; the previous site is unchanged") from exc


def shown_path(path: Path, root: Path) -> str:
    """``path`` as a user reads it: relative to the project folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


# --- staging and publishing ---------------------------------------------------------------

PREVIEW_NOTE = "An internal preview built by 'portal build --preview'. Never publish this folder.\n"


def make_staging(target: Path, kind: OutputKind) -> Path:
    """A new, empty folder beside ``target`` to build into (same filesystem, so it can be
    renamed into place), readable as the umask allows (``mkdtemp`` alone makes it 0700,
    and a web server running as another user could not read the site).

    A preview's staging folder gets its marker before anything else is written in it (MkDocs'
    clean keeps dot-files), so a folder left by a killed preview build is always marked.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    if kind is OutputKind.PREVIEW:
        (staging / PREVIEW_MARKER).write_text(PREVIEW_NOTE, encoding="utf-8")
    os.chmod(staging, 0o777 & ~current_umask())
    return staging


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def swap_in(staging: Path, target: Path) -> None:
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


def update_in_place(staging: Path, target: Path) -> None:
    """Make ``target``'s content equal to ``staging``'s without renaming or removing ``target``
    itself (a bind-mounted folder cannot be replaced by a rename).

    New and changed files are moved in one by one (``os.replace``, so each file is whole at
    every moment; unchanged ones are left alone), then whatever the new site no longer has is
    deleted. Not atomic as a whole: while it runs, the folder mixes old and new files.
    """
    target.mkdir(parents=True, exist_ok=True)
    kept: set[Path] = {Path(".")}
    for folder, subfolders, files in os.walk(staging):
        subfolders.sort()
        relative = Path(folder).relative_to(staging)
        destination = target / relative
        if relative != Path("."):
            _make_folder(destination)
        for name in sorted(files, key=lambda n: (n != PREVIEW_MARKER, n)):  # the marker first
            kept.add(relative / name)
            source, copy = Path(folder) / name, destination / name
            if copy.is_dir() and not copy.is_symlink():
                shutil.rmtree(copy)
            elif _has_same_bytes(source, copy):
                continue
            os.replace(source, copy)
        kept.update(relative / name for name in subfolders)
    _delete_all_but(target, kept)


def _make_folder(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        folder.unlink()
    folder.mkdir(exist_ok=True)


def _has_same_bytes(source: Path, copy: Path) -> bool:
    import filecmp

    return copy.is_file() and not copy.is_symlink() and filecmp.cmp(source, copy, shallow=False)


def _delete_all_but(target: Path, kept: set[Path]) -> None:
    for folder, subfolders, files in os.walk(target, topdown=False):
        relative = Path(folder).relative_to(target)
        for name in files:
            if relative / name not in kept:
                os.unlink(Path(folder) / name)
        for name in subfolders:
            path = Path(folder) / name
            if relative / name in kept and not path.is_symlink():
                continue
            if path.is_symlink():
                path.unlink()
            else:
                shutil.rmtree(path)
