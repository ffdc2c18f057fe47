"""Payload blobs packed with a dictionary learnt from the collection: smaller, read back whole."""

from __future__ import annotations

import marshal
import zlib
from pathlib import Path

import pytest

from tui.core.index import payloads
from tui.core.search.searchable import SearchableIndex

WORDS = ("quokka", "harbour", "lantern", "migration", "compiler", "pattern", "river",
         "meadow", "signal", "kernel", "orchard", "vector", "granite", "beacon")


def _tree(root: Path, files: int = 200) -> None:
    """Enough notes for a bulk build (more than a batch) with enough text to learn from."""
    for i in range(files):
        sections = "\n\n".join(
            f"## Part {j} of note {i}\n\n" + " ".join(WORDS[(i * 7 + j * 3 + k) % len(WORDS)]
                                                     for k in range(60))
            for j in range(4))
        (root / f"d{i % 5}").mkdir(parents=True, exist_ok=True)
        (root / f"d{i % 5}" / f"n{i:03}.md").write_text(
            f"# Note {i}\n\nauthor: someone\n\n{sections}\n", encoding="utf-8")


def _snapshot(index: SearchableIndex) -> list[tuple[object, ...]]:
    return sorted((e.id, e.title, e.text, e.breadcrumb, e.line, e.end_line, e.tags)
                  for e in index.entries)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_packs_payloads_smaller_and_reads_them_back_whole(
        tmp_path: Path, jobs: int) -> None:
    root = tmp_path / "notes"
    _tree(root)
    memory = SearchableIndex(root, use_cache=False)
    memory.refresh()
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=jobs)
    index.refresh()
    assert _snapshot(index) == _snapshot(memory)
    blobs = [bytes(b) for (b,) in index.store.query("SELECT payload FROM payloads")]
    # The first batches are packed before there is a dictionary; the rest with it.
    with_dictionary = [b for b in blobs if b[0] == 1]
    assert len(with_dictionary) >= len(blobs) // 4
    # Each blob is smaller than plain zlib of the same records would be.
    plain = sum(len(zlib.compress(marshal.dumps([marshal.dumps(r) for r in
                                                 payloads.unpack_chunk(b)]), 1))
                for b in with_dictionary)
    assert sum(map(len, with_dictionary)) < plain * 0.8
    hits = index.engine.search("orchard kernel").hits
    assert hits and all("orchard" in h.entry.text for h in hits)
    index.close()
    memory.close()


def test_another_process_reads_blobs_packed_with_a_dictionary_it_never_saw(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "notes"
    (root).mkdir()
    cache = tmp_path / "cache"
    early = SearchableIndex(root, cache_dir=cache, jobs=1)
    early.refresh()  # opened before there was any dictionary
    _tree(root)
    builder = SearchableIndex(root, cache_dir=cache, jobs=1)
    builder.refresh()
    expected = _snapshot(builder)
    builder.close()
    # A process of its own knows only what its cache file tells it.
    monkeypatch.setattr(payloads, "_KNOWN", {})
    early.refresh()
    assert early.refresh().parsed == 0
    assert _snapshot(early) == expected
    assert [h.entry.path for h in early.engine.search("n042").hits][:1] == ["d2/n042.md"]
    early.close()


@pytest.mark.parametrize("damage", ["deleted", "garbled"])
def test_a_lost_or_damaged_dictionary_heals_the_cache_with_one_notice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """Every search touching those entries was an internal error until a reindex by
    hand, and substring searches skipped them (REVIEW3 #5): now the cache is rebuilt
    once, with a notice, and the search answers."""
    import sqlite3

    root = tmp_path / "notes"
    _tree(root)
    cache = tmp_path / "cache"
    builder = SearchableIndex(root, cache_dir=cache, jobs=1)
    builder.refresh()
    expected = _snapshot(builder)
    path = builder.cache_path
    builder.close()
    db = sqlite3.connect(str(path))
    if damage == "deleted":
        db.execute("DELETE FROM zdicts")
    else:
        db.execute("UPDATE zdicts SET data = zeroblob(length(data))")
    db.commit()
    db.close()
    monkeypatch.setattr(payloads, "_KNOWN", {})  # a new process
    monkeypatch.setattr(payloads, "_PRIMED", {})
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    index.refresh()
    hits = index.search("orchard kernel").hits
    assert hits and all("orchard" in h.entry.text for h in hits)
    assert _snapshot(index) == expected
    assert len(index.notices) == 1 and "rebuilt" in index.notices[0], index.notices
    index.close()
