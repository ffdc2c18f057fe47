"""A build's last steps: the word indexes merged into one segment each and the filter
indexes made once its rows are in (sorted in one go, they fill their pages), by the
next start when a build was cut short."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.search.searchable import SearchableIndex


def _tree(root: Path, files: int) -> None:
    for i in range(files):
        folder = root / f"d{i % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"n{i:03}.md").write_text(
            f"# Note {i}\n\nharbour lantern {i}\n\n"
            f"## Part\n\nquokka meadow {i}\n", encoding="utf-8")


def _indexes(index: SearchableIndex) -> set[str]:
    return {r[0] for r in index.store.query(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='entries'")}


def _answers(index: SearchableIndex) -> list[list[str]]:
    return [[h.entry.id for h in index.engine.search(q).hits]
            for q in ("quokka", "harbour", "kind:section meadow", "kind:note lantern 17", "d2/")]


def _segments(index: SearchableIndex) -> list[int]:
    """Segments of the word indexes (`fts`, `titles`): a segment's pages are the
    rows of `<table>_data` whose id holds its number above bit 37 (fts5_index.c)."""
    return [index.store.query(f"SELECT count(DISTINCT id >> 37) FROM {table}_data "
                              "WHERE id >> 37 > 0")[0][0] for table in ("fts", "titles")]


def _merging(index: SearchableIndex) -> list[int]:
    """The word indexes' automerge settings (0: held for a build's one merge)."""
    return [int(index.store.query(f"SELECT v FROM {table}_config WHERE k='automerge'")[0][0])
            for table in ("fts", "titles")]


def _in_memory(root: Path) -> list[list[str]]:
    memory = SearchableIndex(root, use_cache=False)
    memory.refresh()
    try:
        return _answers(memory)
    finally:
        memory.close()


def test_a_first_build_ends_with_its_filter_indexes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _tree(root, 150)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    assert {"entries_kind_path", "entries_author", "entries_title"} <= _indexes(index)
    # Its batches were committed one by one (searchable meanwhile), each a segment of
    # its own; the build ends with one: as small and as quick to search as can be,
    # whatever the machine's speed made of the batches.
    assert _segments(index) == [1, 1]
    assert _merging(index) == [16, 4]  # merging again for the edits to come
    # The same answers as an index kept in memory (whose writes make them at once).
    assert _answers(index) == _in_memory(root)
    index.close()


def test_a_small_folder_gets_its_filter_indexes_at_its_first_write(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _tree(root, 3)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    assert {"entries_kind_path", "entries_author"} <= _indexes(index)
    assert _answers(index) == _in_memory(root)
    index.close()


def test_a_build_cut_short_is_finished_by_the_next_start(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    _tree(root, 150)
    cache = tmp_path / "cache"
    first = SearchableIndex(root, cache_dir=cache, jobs=1)
    # Killed after its last batch was committed, before the build's last steps.
    monkeypatch.setattr(first.store, "sync_vocabulary", lambda **_: None)
    first.refresh()
    assert "entries_kind_path" not in _indexes(first)
    assert _merging(first) == [0, 0]  # its segments held for the one merge at its end
    first.close()
    monkeypatch.undo()
    second = SearchableIndex(root, cache_dir=cache, jobs=1)
    assert second.refresh().parsed == 0
    assert {"entries_kind_path", "entries_author"} <= _indexes(second)
    assert _segments(second) == [1, 1] and _merging(second) == [16, 4]
    assert _answers(second) == _in_memory(root)
    second.close()


def test_edits_after_a_build_keep_its_merge_and_answer_as_a_fresh_index(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _tree(root, 150)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    for i in range(5):  # each edit a small write of its own: a segment each, not a rebuild
        path = root / f"d{i % 4}" / f"n{i:03}.md"
        path.write_text(f"# Note {i}\n\nharbour quokka {i}\n", encoding="utf-8")
        index.update_path(path)
    # A small write adds a small segment: it never merges the whole index again
    # (a second at 100k entries for each saved file).
    assert all(1 < segments <= 6 for segments in _segments(index))
    assert _answers(index) == _in_memory(root)
    index.close()


def test_titles_are_searched_in_order_before_a_build_has_made_its_title_index(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    _tree(root, 150)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    # Every batch committed, the build's last steps not yet run (as while it runs).
    monkeypatch.setattr(index.store, "sync_vocabulary", lambda **_: None)
    index.refresh()
    assert "entries_title" not in _indexes(index)
    memory = SearchableIndex(root, use_cache=False)
    memory.refresh()
    # `nte17`: title letters in order (Note 17, Note 117…), found by a scan of the titles.
    found = [h.entry.id for h in index.engine.search("nte17").hits]
    assert found and found == [h.entry.id for h in memory.engine.search("nte17").hits]
    memory.close()
    index.close()


def test_a_first_build_leaves_its_index_in_the_file_not_the_wal(tmp_path: Path) -> None:
    # A TUI stays open after its first build: the index must not live on in the
    # -wal file beside an empty main file (twice the disk, every read via the WAL).
    root = tmp_path / "notes"
    _tree(root, 150)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    try:
        reads_meanwhile = index.engine.search("quokka").hits  # a reader, as the TUI has
        index.refresh()
        path = index.store.path
        assert path is not None
        wal = path.with_name(path.name + "-wal")
        wal_bytes = wal.stat().st_size if wal.exists() else 0
        assert wal_bytes < path.stat().st_size / 4, (wal_bytes, path.stat().st_size)
        assert len(index.engine.search("quokka").hits) > len(reads_meanwhile)
    finally:
        index.close()


def test_a_note_saved_during_another_process_build_leaves_its_end_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two TUIs: A builds, B's watcher stores a saved note meanwhile. B must not run
    A's end (merge half the index, release the held merging): A's finished index
    would be left in several segments (REVIEW4 F11)."""
    from tui.core.index.cachefile import BuildLock

    root = tmp_path / "notes"
    _tree(root, 150)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    try:
        # A's batches are in, its end is not (A is still parsing).
        monkeypatch.setattr(index.store, "sync_vocabulary", lambda **_: None)
        index.refresh()
        monkeypatch.undo()
        assert index.store.query("SELECT 1 FROM meta WHERE key='merge'")
        path = index.store.path
        assert path is not None
        builder = BuildLock(path)  # A's hold (another open file: flock tells them apart)
        builder.acquire()
        try:
            saved = root / "d1" / "n001.md"
            saved.write_text("# Note 1\n\nharbour lantern 1 saved\n", encoding="utf-8")
            index.update_paths([saved])
            assert index.store.query("SELECT 1 FROM meta WHERE key='merge'"), "A's end, run by B"
            assert _merging(index) == [0, 0]
        finally:
            builder.release()
        index.refresh()  # A's end
        assert _segments(index) == [1, 1]
        assert _merging(index) == [16, 4]
        assert _answers(index) == _in_memory(root)
    finally:
        index.close()


def test_a_note_that_vanished_while_it_was_being_read_is_indexed_when_it_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notes folder away for a moment of a first build (a network or USB drive):
    the files the walk listed could not be read. They came back unchanged, and were
    kept as indexed with nothing in them until each one changed (TRY5 §9)."""
    import os

    from tui.core.index.note_index import NoteIndex

    root = tmp_path / "notes"
    _tree(root, 150)
    away = tmp_path / "away"
    parse = NoteIndex._parse_and_store

    def vanish_then_parse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        root.rename(away)  # after the walk and the signatures, before the reads
        return parse(self, *args, **kwargs)

    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    try:
        monkeypatch.setattr(NoteIndex, "_parse_and_store", vanish_then_parse)
        index.refresh()
        monkeypatch.undo()
        assert index.store.count() == 0
        away.rename(root)  # back, every file as it was (same mtime, same size)
        assert all(os.path.getmtime(p) for p in root.rglob("*.md"))
        index.refresh()
        assert _answers(index) == _in_memory(root)
        assert not [w for w in index.warnings if "vanished" in w]
    finally:
        index.close()


def test_a_note_unreadable_at_first_is_found_by_the_next_one_shot_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 000 then 644: a one-shot search (no walk: no folder changed) kept missing
    the note until --rescan (TRY5 §10, REVIEW5 F3). Unreadable as a user, simulated for
    root: the permission check and the read both refuse it at first."""
    import os
    from pathlib import Path as P

    root = tmp_path / "notes"
    _tree(root, 3)
    locked = root / "locked.md"
    locked.write_text("# Locked\n\nwombat\n", encoding="utf-8")
    real_open, real_access = P.open, os.access

    def refuse_open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(P, "open", refuse_open)
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: str(p) != str(locked)
                        and real_access(p, mode, **kw))
    cache = tmp_path / "cache"
    first = SearchableIndex(root, cache_dir=cache, jobs=1)
    first.refresh()
    assert not first.engine.search("wombat").hits
    first.close()
    monkeypatch.undo()  # chmod 644
    later = SearchableIndex(root, cache_dir=cache, jobs=1)
    try:
        stats = later.quick_refresh()
        assert not stats.walked
        assert [h.entry.path for h in later.engine.search("wombat").hits] == ["locked.md"]
    finally:
        later.close()
