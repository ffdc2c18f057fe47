"""The cached index: incremental refresh, per-path updates, bad input never raising."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.index.prepared import prepare_source
from tui.core.index.store import IndexStore
from tui.core.ingest.entry import Entry
from tui.core.search.searchable import SearchableIndex


def _snapshot(index: SearchableIndex) -> list[tuple[str, str]]:
    return sorted((e.id, e.text) for e in index.entries)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_example_notes_index_every_kind(example_notes: Path) -> None:
    index = SearchableIndex(example_notes, use_cache=False)
    index.refresh()
    kinds = {e.kind for e in index.entries}
    assert kinds == {"note", "section", "tweet", "key"}
    archive_tweets = [e for e in index.entries if e.kind == "tweet" and e.path.endswith(".js")]
    assert archive_tweets, "the official X archive should contribute tweets"


def test_second_run_on_unchanged_tree_parses_nothing(example_notes: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = SearchableIndex(example_notes, cache_dir=cache)
    cold = first.refresh()
    assert cold.parsed == cold.sources > 0
    before = _snapshot(first)
    first.close()
    second = SearchableIndex(example_notes, cache_dir=cache)
    warm = second.refresh()
    assert warm.parsed == 0
    assert warm.reused == warm.sources
    assert _snapshot(second) == before


def test_only_changed_files_are_reparsed(example_notes: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    SearchableIndex(example_notes, cache_dir=cache).refresh()
    note = example_notes / "topics" / "fresh.md"
    _write(note, "# Fresh topic\n\nquokka migration patterns\n")
    stats = SearchableIndex(example_notes, cache_dir=cache).refresh()
    assert stats.parsed == 1


def test_update_path_adds_changes_and_removes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _write(root / "a.md", "# Alpha\n\nfirst body\n")
    index = SearchableIndex(root, use_cache=False)
    index.refresh()
    new = root / "b.md"
    _write(new, "# Beta\n\nwombat facts\n")
    assert index.update_path(new)
    assert [h.entry.path for h in index.engine.search("wombat").hits] == ["b.md"]
    _write(new, "# Beta\n\nplatypus facts now\n")
    os.utime(new, ns=(1, 1))
    assert index.update_path(new)
    assert index.engine.search("wombat").hits == []
    assert index.engine.search("platypus").hits
    new.unlink()
    assert index.update_path(new)
    assert index.engine.search("platypus").hits == []


def test_updates_match_a_fresh_index_of_the_disk(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    for n in range(5):
        _write(root / f"n{n}.md", f"# Note {n}\n\nbody {n}\n")
    index = SearchableIndex(root, use_cache=False)
    index.refresh()
    _write(root / "n1.md", "# Note one, rewritten\n\nnew words\n")
    (root / "n2.md").unlink()
    _write(root / "sub" / "n9.md", "# Nine\n\nnested\n")
    for name in ("n1.md", "n2.md", "sub/n9.md"):
        index.update_path(root / name)
    fresh = SearchableIndex(root, use_cache=False)
    fresh.refresh()
    assert _snapshot(index) == _snapshot(fresh)


def test_unreadable_and_binary_files_become_warnings(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _write(root / "good.md", "# Good\n\nreadable text\n")
    (root / "blob.md").write_bytes(b"\x00\x01\x02binary")
    index = SearchableIndex(root, use_cache=False)
    index.refresh()
    assert [e.path for e in index.entries] == ["good.md"]
    assert any("blob.md" in w for w in index.warnings)


def test_cached_warnings_survive_a_warm_start(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _write(root / "good.md", "# Good\n")
    (root / "blob.md").write_bytes(b"\x00binary")
    cache = tmp_path / "cache"
    SearchableIndex(root, cache_dir=cache).refresh()
    warm = SearchableIndex(root, cache_dir=cache)
    warm.refresh()
    assert any("blob.md" in w for w in warm.warnings)


def test_a_corrupt_cache_is_ignored_not_fatal(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    _write(root / "a.md", "# Alpha\n")
    cache = tmp_path / "cache"
    index = SearchableIndex(root, cache_dir=cache)
    index.refresh()
    index.close()
    for db in cache.glob("*.sqlite"):
        db.write_bytes(b"this is not a database" * 100)
    again = SearchableIndex(root, cache_dir=cache)
    again.refresh()
    assert [e.title for e in again.entries if e.kind == "note"] == ["Alpha"]


def test_parallel_and_serial_parsing_agree(example_notes: Path) -> None:
    serial = SearchableIndex(example_notes, use_cache=False, jobs=1)
    serial.refresh()
    parallel = SearchableIndex(example_notes, use_cache=False, jobs=2)
    import tui.core.index.parsing as index_module

    threshold = index_module.PARALLEL_THRESHOLD
    index_module.PARALLEL_THRESHOLD = 1
    try:
        parallel.refresh()
    finally:
        index_module.PARALLEL_THRESHOLD = threshold
    assert _snapshot(serial) == _snapshot(parallel)


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


def test_rowids_are_never_reused_so_cached_entries_cannot_go_stale(tmp_path: Path) -> None:
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
