"""Promise: an output folder is never one of the project's own folders, and writers never
run at once (SPEC §5: one project lock; one function decides what may be an output)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from portal.workspace import (
    LockBusy,
    OutputKind,
    ProjectFolders,
    WorkspaceError,
    check_output_dir,
    project_lock,
)


@pytest.fixture
def folders(tmp_path: Path) -> ProjectFolders:
    for name in ("content/reviews", "embargo", "site_overrides", ".git"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "embargo" / "ledger").write_text("# ledger\n")
    return ProjectFolders(tmp_path, tmp_path / "content", tmp_path / "embargo",
                          tmp_path / "site_overrides", tmp_path / "site")


@pytest.mark.parametrize("relative", ["embargo", "content", "content/reviews/x", "site_overrides",
                                      ".git", ".", "..", "embargo/sub"])
@pytest.mark.parametrize("kind", list(OutputKind))
def test_project_folders_are_never_outputs(folders, relative, kind):
    with pytest.raises(WorkspaceError):
        check_output_dir(folders.root / relative, folders, kind)


def test_a_non_empty_folder_that_is_not_a_site_is_refused(folders):
    other = folders.root / "documents"
    other.mkdir()
    (other / "minutes.docx").write_text("x")
    with pytest.raises(WorkspaceError, match="not empty and is not a site"):
        check_output_dir(other, folders, OutputKind.PUBLIC_SITE)
    with pytest.raises(WorkspaceError, match="not a preview"):
        check_output_dir(other, folders, OutputKind.PREVIEW)


def test_a_preview_never_lies_inside_a_public_site_nor_a_site_inside_a_preview(folders):
    site = folders.root / "site"
    (site / "api").mkdir(parents=True)
    (site / "index.html").write_text("<html>")
    (site / "api" / "publications.json").write_text("[]")
    with pytest.raises(WorkspaceError, match="inside the built site"):
        check_output_dir(site / "internal", folders, OutputKind.PREVIEW)
    with pytest.raises(WorkspaceError, match="inside the built site"):
        check_output_dir(site / "outbox", folders, OutputKind.OUTBOX)
    preview = folders.root / "preview"
    preview.mkdir()
    (preview / ".portal-preview").write_text("")
    with pytest.raises(WorkspaceError, match="inside the built site or preview"):
        check_output_dir(preview / "public", folders, OutputKind.PUBLIC_SITE)
    with pytest.raises(WorkspaceError, match="holds an internal preview"):
        check_output_dir(preview, folders, OutputKind.PUBLIC_SITE)
    assert check_output_dir(site, folders, OutputKind.PUBLIC_SITE) == site.resolve()
    assert check_output_dir(preview, folders, OutputKind.PREVIEW) == preview.resolve()


def test_a_symlink_to_a_project_folder_is_refused(folders):
    (folders.root / "out").symlink_to(folders.root / "embargo")
    with pytest.raises(WorkspaceError, match="register folder"):
        check_output_dir(folders.root / "out", folders, OutputKind.PUBLIC_SITE)


def _hold(root: str, seconds: float, started) -> None:
    with project_lock(Path(root), "build"):
        started.set()
        time.sleep(seconds)


def test_a_second_writer_waits_for_the_first(tmp_path):
    started = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(tmp_path), 1.0, started))
    holder.start()
    started.wait(10)
    told = []
    begun = time.monotonic()
    with project_lock(tmp_path, "circulate", on_wait=told.append):
        waited = time.monotonic() - begun
    holder.join()
    assert waited > 0.5
    assert told and "portal build" in told[0] and f"pid {holder.pid}" in told[0]


def test_a_writer_gives_up_with_a_clear_message(tmp_path):
    started = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(tmp_path), 2.0, started))
    holder.start()
    started.wait(10)
    with pytest.raises(LockBusy, match="still holds the project lock"):
        with project_lock(tmp_path, "digest", wait_seconds=0.3):
            pass
    holder.join()


def test_a_killed_holder_never_leaves_the_lock_held(tmp_path):
    started = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(tmp_path), 60, started))
    holder.start()
    started.wait(10)
    holder.kill()
    holder.join()
    with project_lock(tmp_path, "build", wait_seconds=2):
        pass
