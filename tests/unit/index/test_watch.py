"""The notes watcher against real files and a real observer.

Each editor's save dance must arrive as one clean batch naming only the real
note; temp files, hidden folders and `.git` must never leak through; and the
watcher must survive callback bugs and inotify limits.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from tui.core.index.watch import LIMIT_NOTICE, ChangeBatch, NotesWatcher
from tui.core.search.searchable import SearchableIndex

QUIET_MS = 300  # generous, so a loaded CI box still sees one batch per save
WAIT_S = 60.0  # only a hang takes this long: every wait polls for what it expects


class Recorder:
    """Collects batches from the watcher thread."""

    def __init__(self) -> None:
        self.batches: list[ChangeBatch] = []
        self._lock = threading.Lock()

    def __call__(self, batch: ChangeBatch) -> None:
        with self._lock:
            self.batches.append(ChangeBatch(set(batch.paths), batch.rescan))

    def snapshot(self) -> list[ChangeBatch]:
        with self._lock:
            return list(self.batches)

    @property
    def union(self) -> set[Path]:
        return {p for b in self.snapshot() for p in b.paths}

    @property
    def rescan(self) -> bool:
        return any(b.rescan for b in self.snapshot())


def wait_for(predicate: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    """Poll until `predicate()` holds; no fixed long sleeps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def settle() -> None:
    """Give a would-be extra batch the chance to show up (two quiet windows)."""
    time.sleep(2 * QUIET_MS / 1000)


@pytest.fixture
def start_watcher() -> Iterator[Callable[..., tuple[NotesWatcher, Recorder]]]:
    started: list[NotesWatcher] = []

    def make(root: Path, **options: object) -> tuple[NotesWatcher, Recorder]:
        recorder = Recorder()
        options.setdefault("quiet_ms", QUIET_MS)
        options.setdefault("poll_interval", 0.2)
        watcher = NotesWatcher(root, recorder, **options)  # type: ignore[arg-type]
        watcher.start()
        started.append(watcher)
        return watcher, recorder

    yield make
    for watcher in started:
        watcher.stop()


# -- editor save patterns -------------------------------------------------------


def vim_save(note: Path, text: str) -> None:
    """vim with backupcopy=no: rename to `note~`, probe `4913`, write anew, drop backup."""
    swap = note.parent / f".{note.name}.swp"
    swap.write_bytes(b"swap")
    probe = note.parent / "4913"
    probe.write_bytes(b"")
    probe.unlink()
    backup = note.with_name(note.name + "~")
    os.rename(note, backup)
    note.write_text(text, encoding="utf-8")
    backup.unlink()
    swap.unlink()


def jetbrains_save(note: Path, text: str) -> None:
    """JetBrains safe-write: tmp written, original parked as old, tmp renamed in."""
    tmp = note.with_name(note.name + "___jb_tmp___")
    old = note.with_name(note.name + "___jb_old___")
    tmp.write_text(text, encoding="utf-8")
    os.rename(note, old)
    os.rename(tmp, note)
    old.unlink()


def replace_save(note: Path, text: str) -> None:
    """The classic atomic write: a temp file then `os.replace`."""
    tmp = note.with_name(note.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, note)


def vscode_save(note: Path, text: str) -> None:
    """VS Code writes in place: truncate, then write (in two chunks here)."""
    with open(note, "w", encoding="utf-8") as handle:
        handle.flush()
        handle.write(text[: len(text) // 2])
        handle.flush()
        handle.write(text[len(text) // 2 :])


SAVES = {
    "vim": vim_save,
    "jetbrains": jetbrains_save,
    "replace": replace_save,
    "vscode": vscode_save,
}
NEW_TEXT = "# Note\n\nsecond version\n\n## Added\n\nnew section\n"


@pytest.mark.parametrize("mode", ["native", "polling"])
@pytest.mark.parametrize("editor", sorted(SAVES))
def test_editor_save_is_one_clean_batch(root: Path, start_watcher, editor: str, mode: str) -> None:
    watcher, rec = start_watcher(root, force_polling=(mode == "polling"))
    assert watcher.mode == mode and watcher.is_alive()
    note = root / "note.md"
    SAVES[editor](note, NEW_TEXT)
    assert wait_for(lambda: note in rec.union)
    settle()
    assert rec.union == {note}
    assert len(rec.snapshot()) == 1
    assert not rec.rescan


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_checkout_is_one_batch_without_git_internals(root: Path, start_watcher) -> None:
    git(root, "init", "-q", "-b", "main")
    for i in range(20):
        (root / f"n{i:02}.md").write_text(f"# N{i}\n\nv1\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "checkout", "-q", "-b", "edit")
    for i in range(0, 20, 2):
        (root / f"n{i:02}.md").write_text(f"# N{i}\n\nv2\n", encoding="utf-8")
    (root / "note.md").unlink()
    git(root, "commit", "-q", "-a", "-m", "v2")

    _, rec = start_watcher(root)
    git(root, "checkout", "-q", "main")
    expected = {root / f"n{i:02}.md" for i in range(0, 20, 2)} | {root / "note.md"}
    assert wait_for(lambda: expected <= rec.union)
    settle()
    assert rec.union == expected
    assert len(rec.snapshot()) == 1
    assert (root / "note.md").read_text(encoding="utf-8").startswith("# Note")


# -- plain create / delete / rename ------------------------------------------------------


def test_create_delete_and_rename_notes(root: Path, start_watcher) -> None:
    _, rec = start_watcher(root)
    new = root / "sub" / "new.md"
    new.parent.mkdir()
    new.write_text("# New\n", encoding="utf-8")
    assert wait_for(lambda: new in rec.union)

    rec.batches.clear()
    (root / "other.md").unlink()
    assert wait_for(lambda: root / "other.md" in rec.union)

    rec.batches.clear()
    renamed = root / "renamed.md"
    os.rename(root / "note.md", renamed)
    assert wait_for(lambda: {root / "note.md", renamed} <= rec.union)
    settle()
    assert rec.union == {root / "note.md", renamed}
    assert not rec.rescan


def test_moving_a_note_to_a_temp_name_reports_only_the_note(root: Path, start_watcher) -> None:
    _, rec = start_watcher(root)
    os.rename(root / "note.md", root / "note.md~")
    assert wait_for(lambda: root / "note.md" in rec.union)
    settle()
    assert rec.union == {root / "note.md"}


def test_directory_moves_and_deletes_ask_for_a_rescan(root: Path, start_watcher, tmp_path) -> None:
    outside = tmp_path.resolve() / "outside"
    outside.mkdir()
    (outside / "a.md").write_text("# A\n", encoding="utf-8")
    _, rec = start_watcher(root)
    shutil.move(str(outside), str(root / "moved-in"))
    assert wait_for(lambda: rec.rescan)

    rec.batches.clear()
    shutil.rmtree(root / "moved-in")
    assert wait_for(lambda: rec.rescan)


def test_a_burst_of_300_files_asks_for_a_rescan(root: Path, start_watcher) -> None:
    _, rec = start_watcher(root)
    bulk = root / "bulk"
    bulk.mkdir()
    for i in range(300):
        (bulk / f"f{i:03}.md").write_text(f"# F{i}\n", encoding="utf-8")
    assert wait_for(lambda: rec.rescan)


# -- what must be ignored ---------------------------------------------------------------


def test_hidden_dirs_git_and_temp_files_are_ignored(root: Path, start_watcher) -> None:
    _, rec = start_watcher(root)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "objects" / "ab").write_bytes(b"blob")
    (root / ".git" / "HEAD.md").write_text("x", encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("# s\n", encoding="utf-8")
    (root / ".#note.md").write_text("lock", encoding="utf-8")
    (root / "note.md.swp").write_bytes(b"swap")
    (root / "note.md.swx").write_bytes(b"swap")
    (root / "note.md~").write_text("backup", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG")
    shutil.rmtree(root / ".git")
    sentinel = root / "sentinel.md"
    sentinel.write_text("# S\n", encoding="utf-8")
    assert wait_for(lambda: sentinel in rec.union)
    settle()
    assert rec.union == {sentinel}
    assert not rec.rescan


def test_ignore_file_change_rescans_and_its_rules_apply(root: Path, start_watcher) -> None:
    _, rec = start_watcher(root)
    (root / ".notesiftignore").write_text("drafts/\n", encoding="utf-8")
    assert wait_for(lambda: rec.rescan)
    settle()
    rec.batches.clear()
    (root / "drafts").mkdir()
    (root / "drafts" / "wip.md").write_text("# wip\n", encoding="utf-8")
    sentinel = root / "sentinel.md"
    sentinel.write_text("# S\n", encoding="utf-8")
    assert wait_for(lambda: sentinel in rec.union)
    settle()
    assert rec.union == {sentinel}


# -- robustness ---------------------------------------------------------------------------


def test_a_raising_callback_does_not_kill_the_watcher(root: Path) -> None:
    seen: list[ChangeBatch] = []

    def flaky(batch: ChangeBatch) -> None:
        if not seen:
            seen.append(batch)
            raise RuntimeError("consumer bug")
        seen.append(batch)

    watcher = NotesWatcher(root, flaky, quiet_ms=QUIET_MS)
    watcher.start()
    try:
        (root / "one.md").write_text("# 1\n", encoding="utf-8")
        assert wait_for(lambda: bool(watcher.errors))
        assert "consumer bug" in watcher.errors[0]
        (root / "two.md").write_text("# 2\n", encoding="utf-8")
        assert wait_for(lambda: any(root / "two.md" in b.paths for b in seen[1:]))
        assert watcher.is_alive()
    finally:
        watcher.stop()


def _failing_schedule_factory(err: int) -> Callable[[], BaseObserver]:
    def factory() -> BaseObserver:
        observer = Observer()

        def schedule(*args: object, **kwargs: object) -> None:
            raise OSError(err, "inotify watch limit reached")

        observer.schedule = schedule  # type: ignore[method-assign]
        return observer

    return factory


def _raising_factory() -> BaseObserver:
    raise OSError(errno.EMFILE, "inotify instance limit reached")


@pytest.mark.parametrize(
    "factory",
    [_failing_schedule_factory(errno.ENOSPC), _raising_factory],
    ids=["schedule-ENOSPC", "factory-EMFILE"],
)
def test_inotify_limit_falls_back_to_polling(root: Path, start_watcher, factory) -> None:
    watcher, rec = start_watcher(root, observer_factory=factory)
    assert watcher.mode == "polling"
    assert watcher.notice == LIMIT_NOTICE
    assert watcher.is_alive()
    new = root / "new.md"
    new.write_text("# New\n", encoding="utf-8")
    assert wait_for(lambda: new in rec.union)


def test_inotify_limit_while_adding_watches_on_start(
    root: Path, start_watcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real failure point: inotify_add_watch inside the emitter's thread start."""
    inotify = pytest.importorskip("watchdog.observers.inotify")

    def boom(self: object) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(inotify.InotifyEmitter, "on_thread_start", boom)
    watcher, rec = start_watcher(root, observer_factory=inotify.InotifyObserver)
    assert (watcher.mode, watcher.notice) == ("polling", LIMIT_NOTICE)
    (root / "note.md").write_text("# Changed\n", encoding="utf-8")
    assert wait_for(lambda: root / "note.md" in rec.union)


def test_queue_overflow_asks_for_a_rescan(root: Path, start_watcher) -> None:
    """watchdog 7 only logs an overflow (and resyncs its watches); we listen there."""
    watcher, rec = start_watcher(root)
    assert watcher.mode == "native"
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    assert wait_for(lambda: rec.rescan)


def test_a_dead_observer_is_replaced_by_polling(root: Path, start_watcher) -> None:
    told: list[tuple[str, str | None]] = []
    watcher, rec = start_watcher(root, on_state=lambda *state: told.append(state))
    assert told == [("native", None)]
    observer = watcher._observer
    assert observer is not None
    observer.stop()
    observer.join(WAIT_S)
    assert wait_for(lambda: watcher.mode == "polling" and rec.rescan)
    assert watcher.notice and "polling" in watcher.notice
    assert told == [("native", None), ("polling", watcher.notice)]  # said once, unasked
    rec.batches.clear()
    (root / "late.md").write_text("# Late\n", encoding="utf-8")
    assert wait_for(lambda: root / "late.md" in rec.union)


def test_missing_root_turns_watching_off_without_raising(tmp_path: Path) -> None:
    watcher = NotesWatcher(tmp_path / "nope", lambda batch: None)
    watcher.start()
    try:
        assert watcher.mode == "off"
        assert watcher.notice
        assert not watcher.is_alive()
    finally:
        watcher.stop()


def test_stop_is_idempotent(root: Path) -> None:
    never_started = NotesWatcher(root, lambda batch: None)
    never_started.stop()
    watcher = NotesWatcher(root, lambda batch: None)
    watcher.start()
    assert watcher.is_alive()
    watcher.stop()
    watcher.stop()
    assert not watcher.is_alive()
    assert watcher.mode == "off"


def test_the_watcher_says_when_it_stops_and_when_its_root_goes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    told: list[tuple[str, str | None]] = []
    watcher = NotesWatcher(root, lambda batch: None, on_state=lambda *state: told.append(state))
    watcher.start()
    try:
        root.rmdir()
        assert wait_for(lambda: len(told) == 2), told
        assert told[1] == ("native", f"the notes folder {root} was removed or moved")
    finally:
        watcher.stop()
    assert told[-1][0] == "off"


# -- end to end with the index -------------------------------------------------------------


def _entries(index: SearchableIndex) -> list[tuple[str, str]]:
    return sorted((e.id, e.text) for e in index.entries)


# Random batches against a fresh scan (6 CPU-s): the full suite runs it; the create, delete
# and rename tests stay in the quick tier.
@pytest.mark.slow
def test_applying_batches_keeps_the_index_equal_to_a_fresh_scan(root: Path, start_watcher) -> None:
    index = SearchableIndex(root, use_cache=False, jobs=1)
    index.refresh()
    _, rec = start_watcher(root)
    note = root / "note.md"
    steps: list[Callable[[], None]] = [
        lambda: vim_save(note, "# Note\n\nvim\n\n## V\n\nvim section\n"),
        lambda: jetbrains_save(note, "# Note\n\njetbrains\n"),
        lambda: replace_save(note, "# Note\n\nreplaced\n\n## R\n\nr\n"),
        lambda: vscode_save(note, "# Note\n\nvscode\n"),
        lambda: (root / "fresh.md").write_text("# Fresh\n\nnew note\n", encoding="utf-8"),
        lambda: os.rename(root / "other.md", root / "moved.md"),
        lambda: (root / "fresh.md").unlink(),
    ]
    for step in steps:
        done = len(rec.snapshot())
        step()
        assert wait_for(lambda done=done: len(rec.snapshot()) > done)
        settle()
        for batch in rec.snapshot()[done:]:
            if batch.rescan:
                index.refresh()
            else:
                for path in batch.paths:
                    index.update_path(path)
        fresh = SearchableIndex(root, use_cache=False, jobs=1)
        fresh.refresh()
        assert _entries(index) == _entries(fresh)


def test_the_watcher_applies_the_walks_gitignore_semantics(root: Path, start_watcher) -> None:
    """Same classifier as the walk: `drafts/*.md` spares `drafts/sub/`, `.gitignore` counts,
    Syncthing conflict copies never arrive."""
    (root / ".notesiftignore").write_text("drafts/*.md\n", encoding="utf-8")
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    (root / "drafts" / "sub").mkdir(parents=True)
    (root / "build").mkdir()
    _, rec = start_watcher(root)
    (root / "drafts" / "wip.md").write_text("# wip\n", encoding="utf-8")
    (root / "build" / "out.md").write_text("# out\n", encoding="utf-8")
    (root / "note.sync-conflict-20240501-101010-ABCDEFG.md").write_text("# c\n", encoding="utf-8")
    deeper = root / "drafts" / "sub" / "kept.md"
    deeper.write_text("# kept\n", encoding="utf-8")
    assert wait_for(lambda: deeper in rec.union)
    settle()
    assert rec.union == {deeper}
