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
  preview or a preview inside a public site, and never a folder that already holds
  something other than what the command writes there.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
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


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def check_output_dir(target: Path, folders: ProjectFolders, kind: OutputKind) -> Path:
    """Return ``target`` resolved if ``kind`` may be written there; else raise
    ``WorkspaceError`` naming the folder, why, and what to choose instead."""
    resolved = _resolved(target)
    shown = str(target)
    root = _resolved(folders.root)
    if resolved.exists() and not resolved.is_dir():
        raise WorkspaceError(f"{shown}: it is a file, not a folder: choose a folder for {kind.value}")
    if _is_within(root, resolved):
        raise WorkspaceError(
            f"{shown}: it is the project folder or holds it: {kind.value} goes in a folder of its "
            "own (e.g. site/), never over the project")
    for name, folder in folders.own_folders():
        if _is_within(resolved, folder) or _is_within(folder, resolved):
            raise WorkspaceError(
                f"{shown}: it is, holds or lies inside {name} ({folder}): {kind.value} is never "
                "written among the project's own files, which it would publish or destroy")
    public = _resolved(folders.public_site_dir) if folders.public_site_dir is not None else None
    for ancestor in resolved.parents:
        if is_preview(ancestor) or is_portal_site(ancestor) or ancestor == public:
            raise WorkspaceError(
                f"{shown}: it lies inside the built site or preview {ancestor}: {kind.value} would "
                "be deployed with it or deleted by the next build. Choose a folder outside every "
                f"built site (default {_DEFAULT_FOLDER[kind]})")
    if kind is OutputKind.PREVIEW and folders.public_site_dir is not None \
            and resolved == _resolved(folders.public_site_dir):
        raise WorkspaceError(f"{shown}: it is the public site folder (site_dir): a preview goes "
                             "elsewhere (default preview/)")
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
    return resolved


def remove_stale_staging(target: Path) -> list[Path]:
    """Remove the staging and retired folders that killed builds of ``target`` left
    beside it. Only called while holding the project lock, so none is in use."""
    removed = []
    parent = target.parent
    if not parent.is_dir():
        return removed
    for prefix in (f".{target.name}.building-", f".{target.name}.previous-"):
        for leftover in parent.glob(f"{prefix}*"):
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
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot open the project lock ({exc.strerror}): is the "
                             "project folder writable?") from exc
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


def _read_holder(handle: int) -> str:
    try:
        data = json.loads(os.pread(handle, 4096, 0).decode() or "{}")
        return f"'portal {data['command']}' (pid {data['pid']}, since {data['since']})"
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return "another portal command"
