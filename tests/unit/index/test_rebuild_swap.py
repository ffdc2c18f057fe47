"""A rebuild from scratch (`notesift reindex`, the reindex action) replaces the cache
in one step: the processes sharing it answer from the old index until the new one
is complete, then follow it; a rebuild killed midway leaves the old cache working
and its own files are removed by the next start.

The bug: the rebuild deleted the cache and refilled it in place, so every running
TUI followed the empty file and showed 2/18, 55/307, … for the whole rebuild.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_helpers import HANG_S

from tui.core.index.cachefile import BuildLock, rebuild_path, rebuilds_left
from tui.core.index.fts_terms import HanVocabulary
from tui.core.search.searchable import SearchableIndex


def _notes(root: Path, count: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / f"n{i:03d}.md").write_text(f"# Quince {i}\n\nmedlar words {i}\n",
                                           encoding="utf-8")
    return root


def _open(root: Path, cache: Path) -> SearchableIndex:
    return SearchableIndex(root, cache_dir=cache, jobs=1)


def _found(index: SearchableIndex, query: str = "medlar") -> int:
    return len(index.search(query, limit=0).hits)


def test_others_answer_from_the_old_index_until_the_rebuild_is_complete(tmp_path: Path) -> None:
    root, cache = _notes(tmp_path / "notes", 30), tmp_path / "cache"
    builder, other = _open(root, cache), _open(root, cache)
    builder.refresh()
    other.refresh()
    (root / "n000.md").write_text("# Quince 0\n\nloquat words\n", encoding="utf-8")
    seen_mid_build: list[tuple[bool, int]] = []

    def progress(done: int, total: int) -> None:
        if done < total:  # what a TUI polling twice a second sees meanwhile
            seen_mid_build.append((other.follow_cache_file(), _found(other)))

    try:
        builder.rebuild(progress=progress)
        assert seen_mid_build, "the rebuild reported progress"
        assert all(found == 30 for _, found in seen_mid_build), seen_mid_build
        assert not any(followed for followed, _ in seen_mid_build)
        assert other.follow_cache_file(), "the other process follows the new file"
        assert (_found(other), _found(other, "loquat")) == (29, 1)
        assert (_found(builder), _found(builder, "loquat")) == (29, 1)
        assert not rebuilds_left(builder.store.path), "nothing left beside the cache"
    finally:
        builder.close()
        other.close()


def test_a_writer_on_the_old_file_loses_nothing_once_it_follows(tmp_path: Path) -> None:
    root, cache = _notes(tmp_path / "notes", 5), tmp_path / "cache"
    builder, other = _open(root, cache), _open(root, cache)
    builder.refresh()
    other.refresh()
    note = root / "late.md"

    def progress(done: int, total: int) -> None:
        if done == total and not note.exists():  # written after the rebuild read the tree
            note.write_text("# Late\n\nmedlar too\n", encoding="utf-8")
            other.update_path(note)  # the other process's watcher, into the old file

    try:
        builder.rebuild(progress=progress)
        assert other.follow_cache_file()
        other.refresh()  # what the app does after following a replaced file
        assert _found(other) == 6
        fresh = _open(root, cache)
        assert _found(fresh) == 6
        fresh.close()
    finally:
        builder.close()
        other.close()


def test_a_killed_rebuild_leaves_the_cache_working_and_its_files_are_removed(
    tmp_path: Path,
) -> None:
    root, cache = _notes(tmp_path / "notes", 300), tmp_path / "cache"
    first = _open(root, cache)
    first.refresh()
    path = first.store.path
    first.close()
    slow_rebuild = (
        "import sys, time\nfrom pathlib import Path\nimport tui.core.index.parsing as p\n"
        "real = p.parse_source\n"
        "def slow(root, ref):\n    time.sleep(0.05)\n    return real(root, ref)\n"
        "p.parse_source = slow\n"
        "from tui.core.search.searchable import SearchableIndex\n"
        "SearchableIndex(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]), jobs=1).rebuild()\n"
    )
    build = subprocess.Popen([sys.executable, "-c", slow_rebuild, str(root), str(cache)])
    try:
        deadline = time.monotonic() + HANG_S
        while not rebuilds_left(path):
            assert time.monotonic() < deadline and build.poll() is None, "no rebuild file"
            time.sleep(0.02)
        time.sleep(0.3)  # some batches written
        build.send_signal(signal.SIGKILL)
        build.wait(HANG_S)
    finally:
        with contextlib.suppress(OSError):
            os.kill(build.pid, signal.SIGKILL)
    assert rebuilds_left(path), "the killed rebuild's file is still there"
    again = _open(root, cache)
    try:
        assert not rebuilds_left(path), "the next start removed it"
        assert _found(again) == 300, "the old cache answers as before"
    finally:
        again.close()


def test_a_running_rebuilds_file_is_not_removed_by_a_start(tmp_path: Path) -> None:
    root, cache = _notes(tmp_path / "notes", 2), tmp_path / "cache"
    first = _open(root, cache)
    first.refresh()
    path = first.store.path
    first.close()
    running = rebuild_path(path).with_name(f"{path.name}.rebuild-1")
    running.write_bytes(b"")
    held = BuildLock(path)
    held.acquire()  # the process rebuilding holds the build lock throughout
    try:
        _open(root, cache).close()
        assert running.exists()
    finally:
        held.release()
    _open(root, cache).close()
    assert not running.exists()


def test_processes_following_a_rebuild_find_its_han_tables_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, cache = _notes(tmp_path / "notes", 5), tmp_path / "cache"
    (root / "zh.md").write_text("# 银行\n\n人工智能和银行的新闻\n", encoding="utf-8")
    builder, other = _open(root, cache), _open(root, cache)
    builder.refresh()
    other.refresh()
    try:
        builder.rebuild()
        assert other.follow_cache_file()

        def counted_again(*args: object, **kwargs: object) -> None:
            raise AssertionError("the follower counted the Han bigrams itself")

        monkeypatch.setattr(HanVocabulary, "of", counted_again)
        assert len(other.search("yinhang", limit=5).hits) >= 1
    finally:
        builder.close()
        other.close()
