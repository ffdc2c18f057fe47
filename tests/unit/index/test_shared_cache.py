"""Several processes on one cache: one writer at a time, no entry twice, others follow.

The bug this guards against: two notesift processes on one folder both saw a
new note and both stored it, so it was listed twice (`search ''` printed 191
lines where a fresh index has 190).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from tui.core.index.cachefile import BuildLock, is_damage, write_transaction
from tui.core.index.parsing import parse_source
from tui.core.index.sources import refs_from_walk, sign
from tui.core.index.store import IndexStore
from tui.core.index.store_schema import cache_path_for
from tui.core.search.searchable import SearchableIndex


def _notes(root: Path, count: int = 20) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / f"old{i:02d}.md").write_text(f"# Old {i}\n\nolder text {i}\n", encoding="utf-8")
    return root


def _duplicates(cache: Path, root: Path) -> list[tuple[str, int, int]]:
    db = sqlite3.connect(cache_path_for(root.resolve(), cache))
    try:
        return db.execute(
            "SELECT path, line, count(*) FROM entries GROUP BY path, line HAVING count(*) > 1"
        ).fetchall()
    finally:
        db.close()


def _fresh_ids(root: Path) -> list[str]:
    fresh = SearchableIndex(root, use_cache=False, jobs=1)
    fresh.refresh()
    try:
        return sorted(e.id for e in fresh.entries)
    finally:
        fresh.close()


def _updater(root: str, cache: str, names: list[str], go: object) -> None:
    """A process that, like a TUI's watcher, stores each new note once it appears."""
    index = SearchableIndex(Path(root), cache_dir=Path(cache), jobs=1)
    index.refresh()
    go.wait()  # type: ignore[attr-defined]
    for name in names:
        path = Path(root) / name
        while not path.exists():
            time.sleep(0.001)
        index.update_path(path)
    index.close()


def test_processes_storing_the_same_new_notes_list_each_once(tmp_path: Path) -> None:
    root, cache = _notes(tmp_path / "notes"), tmp_path / "cache"
    names = [f"new{i:02d}.md" for i in range(30)]
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    workers = [ctx.Process(target=_updater, args=(str(root), str(cache), names, go))
               for _ in range(3)]
    for worker in workers:
        worker.start()
    go.set()
    for name in names:
        (root / name).write_text(f"# {name}\n\nnew text\n", encoding="utf-8")
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert _duplicates(cache, root) == []
    shared = SearchableIndex(root, cache_dir=cache, jobs=1)
    try:
        assert sorted(e.id for e in shared.entries) == _fresh_ids(root)
    finally:
        shared.close()


def test_a_parse_another_process_already_stored_is_not_stored_again(tmp_path: Path) -> None:
    """The interleaving behind the duplicates, made deterministic: both processes
    compared signatures before either wrote, then both write."""
    root, cache = _notes(tmp_path / "notes", 3), tmp_path / "cache"
    first = SearchableIndex(root, cache_dir=cache, jobs=1)
    second = SearchableIndex(root, cache_dir=cache, jobs=1)
    first.refresh()
    second.refresh()
    note = root / "late.md"
    note.write_text("# Late\n\nlate text\n", encoding="utf-8")
    refs = {}
    for index in (first, second):
        walk = type("W", (), {"files": [note], "archives": []})()
        ref = refs_from_walk(index.root, walk)["late.md"]  # type: ignore[arg-type]
        assert sign(ref)
        assert index.store.signature("late.md") is None  # both decided to store it
        refs[id(index)] = ref
    for index in (first, second):
        ref = refs[id(index)]
        index.store.replace_sources({"late.md": parse_source(index.root, ref)}, [])
    try:
        assert _duplicates(cache, root) == []
        assert [e.title for e in second.store.entries_of_path("late.md")] == ["Late"]
    finally:
        first.close()
        second.close()


def test_a_second_process_follows_what_the_first_wrote(tmp_path: Path) -> None:
    root, cache = _notes(tmp_path / "notes", 3), tmp_path / "cache"
    writer = SearchableIndex(root, cache_dir=cache, jobs=1)
    reader = SearchableIndex(root, cache_dir=cache, jobs=1)
    writer.refresh()
    try:
        assert reader.store.changed_elsewhere() is True  # the writer's first build
        assert reader.store.changed_elsewhere() is False
        assert reader.search("zebra").hits == []
        (root / "zebra.md").write_text("# Zebra\n\nstripes\n", encoding="utf-8")
        writer.update_path(root / "zebra.md")
        assert reader.store.changed_elsewhere() is True
        assert [h.entry.title for h in reader.search("zebra").hits] == ["Zebra"]
    finally:
        writer.close()
        reader.close()


def test_write_transaction_takes_the_lock_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    one = sqlite3.connect(path, timeout=0.05)
    two = sqlite3.connect(path, timeout=0.05)
    one.execute("PRAGMA journal_mode=WAL")
    one.execute("CREATE TABLE t (v)")
    one.commit()
    with write_transaction(one):
        one.execute("SELECT count(*) FROM t").fetchone()
        with pytest.raises(sqlite3.OperationalError, match="locked"), write_transaction(two):
            pass
        one.execute("INSERT INTO t VALUES (1)")
    assert two.execute("SELECT count(*) FROM t").fetchone() == (1,)
    one.close()
    two.close()


def _hold_build_lock(cache: str, held: object, release: object) -> None:
    lock = BuildLock(Path(cache))
    lock.acquire()
    held.set()  # type: ignore[attr-defined]
    release.wait(30)  # type: ignore[attr-defined]
    lock.release()


def test_a_refresh_waits_for_another_process_building_the_same_cache(tmp_path: Path) -> None:
    root, cache = _notes(tmp_path / "notes", 3), tmp_path / "cache"
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    ctx = multiprocessing.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_build_lock,
                         args=(str(index.cache_path), held, release))
    holder.start()
    assert held.wait(30)
    told: list[str] = []

    def on_wait() -> None:
        told.append("waiting")
        release.set()  # the other build ends once we said we wait

    stats = index.refresh(on_wait=on_wait)
    holder.join(30)
    try:
        assert told == ["waiting"]
        assert stats.sources == 3
    finally:
        index.close()


def test_busy_is_not_damage_and_malformed_is() -> None:
    assert not is_damage(sqlite3.OperationalError("database is locked"))
    assert is_damage(sqlite3.DatabaseError("database disk image is malformed"))
    assert is_damage(sqlite3.DatabaseError("file is not a database"))
    assert is_damage(sqlite3.OperationalError("no such table: entries"))
    assert is_damage(sqlite3.OperationalError("disk I/O error"))
    assert not is_damage(ValueError("x"))


def test_a_one_shot_search_says_it_waits_for_a_build_in_progress(tmp_path: Path) -> None:
    import subprocess

    from tui_helpers import notesift_command, user_env

    root = _notes(tmp_path / "notes", 3)
    cache = cache_path_for(root.resolve(), tmp_path / "cache" / "notesift")
    cache.parent.mkdir(parents=True)
    ctx = multiprocessing.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_build_lock, args=(str(cache), held, release))
    holder.start()
    assert held.wait(30)
    search = subprocess.Popen(
        [notesift_command(), "search", "--dir", str(root), "older"], env=user_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        other = subprocess.run(  # the same folder with another cache: nothing to wait for
            [notesift_command(), "search", "--dir", str(root), "older"],
            env={**user_env(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "other-cache")},
            capture_output=True, text=True, timeout=120)
        assert other.returncode == 0 and other.stderr == ""
        assert search.stderr is not None
        said = search.stderr.readline()  # said before any result, naming the busy index
        assert "waiting for it" in said and str(cache) in said
        release.set()
        out, _ = search.communicate(timeout=120)
    finally:
        release.set()
        holder.join(30)
    assert search.returncode == 0 and out.count("\n") == 3


def test_a_locked_cache_is_left_alone(tmp_path: Path) -> None:
    """Another process holding the write lock: a new one opens and reads (WAL), never deletes."""
    path = cache_path_for(tmp_path / "notes", tmp_path / "cache")
    holder = IndexStore(path)
    lock = sqlite3.connect(path, timeout=0)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        other = IndexStore(path)  # a warm open writes nothing, so it need not wait
        assert other.path == path and other.problem is None
        assert other.count() == 0
        other.close()
    finally:
        lock.rollback()
        lock.close()
    assert path.exists(), "the other process's database was not deleted"
    holder.close()


def _told_while_waiting(path: Path, held_for: float) -> list[str]:
    """What `acquire` says when another holder keeps the lock `held_for` seconds."""
    from fake_clock import FakeClock

    holder, clock, told = BuildLock(path), FakeClock(), []
    holder.acquire()
    started = clock()

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        if clock() - started >= held_for:
            holder.release()  # the other process's build ends

    lock = BuildLock(path)
    lock.acquire(lambda: told.append("waiting"), clock=clock, sleep=sleep)
    assert lock.held
    lock.release()
    return told


def test_a_short_wait_for_the_build_lock_says_nothing_a_long_one_says_so_once(
    tmp_path: Path,
) -> None:
    """Twelve `notesift tag` at once each waited a moment for another's refresh, and each
    printed "another notesift is indexing this folder; waiting for it"."""
    path = tmp_path / "index.sqlite"
    assert _told_while_waiting(path, 0.5) == []
    assert _told_while_waiting(path, 3.0) == ["waiting"]
