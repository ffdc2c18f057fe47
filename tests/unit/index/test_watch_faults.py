"""Watcher faults (issue 6): a real watcher feeding a real index must end up right.

Each test drives a real `NotesWatcher` on a temporary notes tree and applies every
batch to a `SearchableIndex` the way the app does: `refresh()` on `rescan`, otherwise
`update_path` for each path. Once things settle, the index must hold exactly what
a fresh index of the disk holds, and the watcher must still be alive.

Batches are queued by the watcher thread and applied on the test thread, so the
index is only ever touched from one thread.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.core.index.watch import ChangeBatch, NotesWatcher
from tui.core.search.searchable import SearchableIndex

QUIET_MS = 150
SETTLE_S = 60.0  # how long the index may take to catch up with the disk (a hang)
QUIET_CHECK_S = 3 * QUIET_MS / 1000  # after a match: would a late batch undo it?

Snapshot = list[tuple[str, str]]


def snapshot(index: SearchableIndex) -> Snapshot:
    return sorted((entry.id, entry.text) for entry in index.entries)


def disk_snapshot(root: Path) -> Snapshot:
    """What a fresh index of the disk holds right now."""
    fresh = SearchableIndex(root, use_cache=False)
    try:
        fresh.refresh()
        return snapshot(fresh)
    finally:
        fresh.close()


def paths_of(index: SearchableIndex) -> set[str]:
    return {entry.path for entry in index.entries}


class Synced:
    """A watcher whose batches are applied to an index, as the app would."""

    def __init__(self, root: Path, **options: object) -> None:
        self.root = root
        self.index = SearchableIndex(root, use_cache=False)
        self.index.refresh()
        self.batches: list[ChangeBatch] = []
        self._queue: queue.Queue[ChangeBatch] = queue.Queue()
        options.setdefault("quiet_ms", QUIET_MS)
        self.watcher = NotesWatcher(root, self._on_batch, **options)  # type: ignore[arg-type]

    def _on_batch(self, batch: ChangeBatch) -> None:
        self._queue.put(ChangeBatch(set(batch.paths), batch.rescan))

    def apply_pending(self) -> int:
        applied = 0
        while True:
            try:
                batch = self._queue.get_nowait()
            except queue.Empty:
                return applied
            self.batches.append(batch)
            if batch.rescan:
                self.index.refresh()
            else:
                for path in batch.paths:
                    self.index.update_path(path)
            applied += 1

    @property
    def rescanned(self) -> bool:
        return any(b.rescan for b in self.batches)

    def settle(self, timeout: float = SETTLE_S) -> Snapshot:
        """Apply batches until the index equals the disk and stays equal; return it.

        The disk must not change any more: its snapshot is taken once, up front.
        """
        expected = disk_snapshot(self.root)
        deadline = time.monotonic() + timeout
        while True:
            self.apply_pending()
            if snapshot(self.index) == expected:
                time.sleep(QUIET_CHECK_S)  # a late batch must not break the match
                if self.apply_pending() == 0 and snapshot(self.index) == expected:
                    break
                continue
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        got = snapshot(self.index)
        assert got == expected, _diff(got, expected)
        assert self.watcher.is_alive()
        assert not self.watcher.errors
        return got

    def close(self) -> None:
        self.watcher.stop()
        self.index.close()


def _diff(got: Snapshot, expected: Snapshot) -> str:
    extra = sorted(set(got) - set(expected))[:5]
    missing = sorted(set(expected) - set(got))[:5]
    return f"index differs from disk: {len(got)} vs {len(expected)} entries; " + (
        f"stale/extra {extra!r}; missing {missing!r}"
    )


@pytest.fixture
def synced() -> Iterator[Callable[..., Synced]]:
    made: list[Synced] = []

    def make(root: Path, **options: object) -> Synced:
        sync = Synced(root, **options)
        sync.watcher.start()
        made.append(sync)
        assert sync.watcher.mode == "native" and sync.watcher.is_alive()
        return sync

    yield make
    for sync in made:
        sync.close()


# -- vim's backupcopy settings --------------------------------------------------------


def _vim_swap(note: Path) -> Path:
    swap = note.parent / f".{note.name}.swp"
    swap.write_bytes(b"b0VIM 9.0")
    return swap


def vim_backupcopy_yes(note: Path, text: str) -> None:
    """backupcopy=yes: copy to `note~`, then truncate and write the original in place."""
    swap = _vim_swap(note)
    backup = note.with_name(note.name + "~")
    shutil.copyfile(note, backup)
    with open(note, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    backup.unlink()
    swap.unlink()


def vim_backupcopy_no(note: Path, text: str) -> None:
    """backupcopy=no: probe `4913`, rename the original to `note~`, write a new file."""
    swap = _vim_swap(note)
    probe = note.parent / "4913"
    probe.write_bytes(b"")
    probe.unlink()
    backup = note.with_name(note.name + "~")
    os.rename(note, backup)
    with open(note, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    backup.unlink()
    swap.unlink()


def vim_backupcopy_auto(note: Path, text: str) -> None:
    """backupcopy=auto: in place when renaming would break a hard link, else rename."""
    if note.stat().st_nlink > 1 or note.is_symlink():
        vim_backupcopy_yes(note, text)
    else:
        vim_backupcopy_no(note, text)


VIM_SAVES = {"yes": vim_backupcopy_yes, "no": vim_backupcopy_no, "auto": vim_backupcopy_auto}
VIM_TEXT = "# Note\n\nsecond version, from vim\n\n## Added by vim\n\nnew section\n"


@pytest.mark.parametrize("backupcopy", sorted(VIM_SAVES))
def test_vim_save_patterns_keep_the_index_in_sync(
    root: Path, synced: Callable[..., Synced], backupcopy: str
) -> None:
    sync = synced(root)
    VIM_SAVES[backupcopy](root / "note.md", VIM_TEXT)
    got = sync.settle()
    assert any("new section" in text for _, text in got)
    assert not any("first version" in text for _, text in got)
    assert not sync.rescanned


def test_vim_auto_on_a_hard_linked_note_writes_in_place(
    root: Path, tmp_path: Path, synced: Callable[..., Synced]
) -> None:
    note = root / "note.md"
    os.link(note, tmp_path / "outside-link.md")  # outside the root: only one indexed name
    sync = synced(root)
    inode = note.stat().st_ino
    vim_backupcopy_auto(note, VIM_TEXT)
    assert note.stat().st_ino == inode  # really written in place
    got = sync.settle()
    assert any("new section" in text for _, text in got)


VIM = shutil.which("vim")


@pytest.mark.skipif(VIM is None, reason="vim not installed")
@pytest.mark.parametrize(("backupcopy", "renames"), [("yes", False), ("no", True), ("auto", True)])
def test_real_vim_saves_keep_the_index_in_sync(
    root: Path, tmp_path: Path, synced: Callable[..., Synced], backupcopy: str, renames: bool
) -> None:
    """The real thing. `backupskip=` matters: its default skips backups under /tmp,
    where vim would then write in place whatever `backupcopy` says."""
    sync = synced(root)
    note = root / "note.md"
    inode = note.stat().st_ino
    subprocess.run(
        [
            str(VIM),
            "-u",
            "NONE",
            "-i",
            "NONE",
            "-N",
            "-es",
            "-c",
            f"set backupcopy={backupcopy} writebackup nobackup backupskip=",
            "-c",
            "call append(line('$'), ['', '## Added by vim', '', 'new section'])",
            "-c",
            "wq",
            str(note),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=20,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert "new section" in note.read_text(encoding="utf-8")
    assert (note.stat().st_ino != inode) == renames  # vim really did what we asked
    got = sync.settle()
    assert any("new section" in text for _, text in got)
    assert not sync.rescanned
    assert sorted(p.name for p in root.iterdir()) == ["note.md", "other.md"]


# -- git checkout ---------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_checkout_of_500_changed_files(root: Path, synced: Callable[..., Synced]) -> None:
    git(root, "init", "-q", "-b", "main")
    for d in range(5):
        (root / f"d{d}").mkdir()
        for i in range(100):
            (root / f"d{d}" / f"n{i:03}.md").write_text(
                f"# D{d} N{i}\n\nmain body {i}\n", encoding="utf-8"
            )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "main")
    git(root, "checkout", "-q", "-b", "other")
    # 500 changed files: 450 edited, 25 deleted, 25 added.
    for d in range(5):
        for i in range(100):
            path = root / f"d{d}" / f"n{i:03}.md"
            if i < 90:
                path.write_text(
                    f"# D{d} N{i}\n\nother body {i}\n\n## More\n\nx\n", encoding="utf-8"
                )
            elif i < 95:
                path.unlink()
            else:
                (root / f"d{d}" / f"new{i:03}.md").write_text(f"# New {d} {i}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "other")
    git(root, "checkout", "-q", "main")

    sync = synced(root)
    assert any("main body" in text for _, text in snapshot(sync.index))
    git(root, "checkout", "-q", "other")
    got = sync.settle()
    assert any("other body" in text for _, text in got)
    assert not any("main body 0\n" in text for _, text in got)
    assert not any(p.startswith(".git") for p in paths_of(sync.index))

    git(root, "checkout", "-q", "main")  # and back again
    got = sync.settle()
    assert not any("other body" in text for _, text in got)


# -- a multi-byte character split across two writes --------------------------------------


@pytest.mark.parametrize("quiet_ms", [QUIET_MS, 10], ids=["quiet-150ms", "quiet-10ms"])
def test_a_utf8_character_split_across_writes(
    root: Path, synced: Callable[..., Synced], quiet_ms: int
) -> None:
    """With 10 ms of quiet a batch fires between the halves: the index sees `\\ufffd`
    for a moment, and must still end up with the whole character."""
    sync = synced(root, quiet_ms=quiet_ms)
    text = "# Café 🙂\n\nnaïve 日本語 — split here: 🙂 done\n"
    data = text.encode("utf-8")
    cut = data.index("🙂".encode()) + 2  # inside the 4-byte emoji of the title
    note = root / "note.md"
    with open(note, "wb") as handle:
        handle.write(data[:cut])
        handle.flush()
        time.sleep(0.05)
        handle.write(data[cut:])
        handle.flush()
    got = sync.settle()
    joined = "\n".join(t for _, t in got)
    assert "🙂 done" in joined
    assert "\ufffd" not in joined


# -- bursts, directory moves, lost events ----------------------------------------------------


@pytest.mark.slow
def test_a_burst_of_1000_files(root: Path, synced: Callable[..., Synced]) -> None:
    (root / "bulk").mkdir()
    sync = synced(root)
    for i in range(1000):
        (root / "bulk" / f"f{i:04}.md").write_text(f"# F{i}\n\nbody {i}\n", encoding="utf-8")
    got = sync.settle()
    assert sum(1 for _, text in got if text.startswith("# F") or "body " in text) >= 1000
    assert len(paths_of(sync.index)) == 1002


def test_a_directory_rename_moves_its_notes(root: Path, synced: Callable[..., Synced]) -> None:
    folder = root / "projects"
    folder.mkdir()
    for i in range(20):
        (folder / f"p{i:02}.md").write_text(f"# P{i}\n\nproject {i}\n", encoding="utf-8")
    sync = synced(root)
    assert len(paths_of(sync.index)) == 22
    os.rename(folder, root / "archive-2024")
    sync.settle()
    paths = paths_of(sync.index)
    assert not any(p.startswith("projects/") for p in paths)
    assert {f"archive-2024/p{i:02}.md" for i in range(20)} <= paths
    assert len(paths) == 22


def test_queue_overflow_rescans_and_recovers_lost_changes(
    root: Path, synced: Callable[..., Synced]
) -> None:
    """Changes whose events were lost (made before the watch began) come back via the
    rescan that watchdog's overflow warning triggers."""
    sync = synced(root)
    sync.watcher.stop()  # lose everything from here on ...
    (root / "other.md").unlink()
    (root / "lost.md").write_text("# Lost\n\nnever reported\n", encoding="utf-8")
    (root / "note.md").write_text("# Note\n\nchanged unseen\n", encoding="utf-8")
    sync.watcher.start()  # ... and pick up again, unaware
    assert sync.watcher.is_alive()
    time.sleep(QUIET_CHECK_S)
    sync.apply_pending()
    assert snapshot(sync.index) != disk_snapshot(root)  # really stale

    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    got = sync.settle()
    assert sync.rescanned
    assert paths_of(sync.index) == {"note.md", "lost.md"}
    assert any("changed unseen" in text for _, text in got)
