"""Regressions for defects found in review: each failed before its fix."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from tui_helpers import app_settings, ready

from tui.app import make_app
from tui.core.index.store import IndexStore, cache_path_for
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine
from tui.core.search.searchable import SearchableIndex


def test_a_file_name_that_is_not_utf8_is_skipped_with_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "good.md").write_text("# Good\n\nhello there\n", encoding="utf-8")
    try:
        with open(os.path.join(os.fsencode(root), b"\xffbad.md"), "wb") as handle:
            handle.write(b"# Bad name\n\nhello too\n")
    except OSError:
        pytest.skip("this filesystem refuses non-UTF-8 names")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    assert [h.entry.path for h in index.engine.search("hello").hits] == ["good.md"]
    assert any("not valid UTF-8" in w for w in index.warnings)


@pytest.mark.asyncio
async def test_markup_like_titles_do_not_break_the_panels(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "plan.md").write_text("# Plan [/draft] ideas [red]x\n\nbody\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        for key in ("alt+p", "alt+p", "alt+l"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running


def test_rowids_are_never_reused_so_cached_entries_cannot_go_stale(tmp_path: Path) -> None:
    from tui.core.search.engine import prepare_source

    store = IndexStore(tmp_path / "db.sqlite")
    first = Entry("a", "note", "Old A", "a.md", 1, 1, "old")
    store.replace_sources({"a.md": prepare_source("1", [first], [])}, [])
    (rowid,) = [r for (r,) in store.query("SELECT rowid FROM entries")]
    assert store.entries([rowid])[rowid].title == "Old A"
    second = Entry("b", "note", "New B", "b.md", 1, 1, "new")
    store.replace_sources({"b.md": prepare_source("1", [second], [])}, ["a.md"])
    rows = store.query("SELECT rowid FROM entries")
    assert rows and rows[0][0] != rowid
    assert store.entries([rowid]) == {}


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


def test_a_nul_in_the_query_is_harmless() -> None:
    engine = SearchEngine.from_entries([Entry("x", "note", "Title", "t.md", 1, 1, "a\x00b text")])
    result = engine.search("a\x00b")
    assert result.errors == []

