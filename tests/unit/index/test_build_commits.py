"""A first build keeps its batches' transaction open between commits (fewer index
segments); whatever ends it, what was written stays and the cache is left unlocked."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.core.index import parsing
from tui.core.index import store as store_module
from tui.core.index.prepared import prepare_source
from tui.core.ingest.note_parser import parse_note
from tui.core.search.searchable import SearchableIndex

TOTAL = parsing.BATCH_SOURCES + 16  # a bulk build: more sources than one batch


def _notes(root: Path) -> Path:
    root.mkdir()
    for i in range(TOTAL):
        (root / f"n{i:03d}.md").write_text(f"# Note {i}\n\nharbour lights {i}\n", "utf-8")
    return root


def _hits(root: Path, cache: Path) -> int:
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    try:
        index.refresh()  # also proves the cache is not left locked
        return len(index.engine.search("harbour", limit=0).hits)
    finally:
        index.close()


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Batches by count only: the first source, then BATCH_SOURCES; one commit at once.
    monkeypatch.setattr(parsing, "time", SimpleNamespace(monotonic=lambda: 0.0))


@pytest.mark.usefixtures("frozen_clock")
def test_a_build_that_fails_midway_keeps_every_batch_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes")
    real = parsing.parse_source
    parsed = []

    def failing(root: Path, ref: parsing.SourceRef) -> parsing.PreparedSource:
        if len(parsed) == TOTAL - 5:
            raise RuntimeError("a parse worker died")
        parsed.append(ref.key)
        return real(root, ref)

    monkeypatch.setattr(parsing, "parse_source", failing)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    try:
        with pytest.raises(RuntimeError):
            index.refresh()
        # The first source was committed alone, the next BATCH_SOURCES written after it.
        assert len(index.engine.search("harbour", limit=0).hits) == 1 + parsing.BATCH_SOURCES
    finally:
        index.close()
    monkeypatch.setattr(parsing, "parse_source", real)
    assert _hits(root, tmp_path / "cache") == TOTAL


@pytest.mark.usefixtures("frozen_clock")
def test_a_write_that_fails_takes_back_its_uncommitted_batches_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes")
    real = store_module.write_sources
    calls = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("out of memory mid-write")  # not damage: nothing heals it
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "write_sources", failing)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    try:
        with pytest.raises(MemoryError):
            index.refresh()
        assert len(index.engine.search("harbour", limit=0).hits) == 1  # the first commit
    finally:
        index.close()
    monkeypatch.setattr(store_module, "write_sources", real)
    assert _hits(root, tmp_path / "cache") == TOTAL


@pytest.mark.usefixtures("frozen_clock")
def test_a_write_during_a_build_is_searchable_at_once_with_what_the_build_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes")
    real = parsing.parse_source
    reached, opened = threading.Event(), threading.Event()
    parsed = []

    def gated(root: Path, ref: parsing.SourceRef) -> parsing.PreparedSource:
        if len(parsed) == TOTAL - 5:  # the second batch is written, not committed
            reached.set()
            opened.wait(30)
        parsed.append(ref.key)
        return real(root, ref)

    monkeypatch.setattr(parsing, "parse_source", gated)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    build = threading.Thread(target=index.refresh)
    build.start()
    try:
        assert reached.wait(30)
        assert len(index.engine.search("harbour", limit=0).hits) == 1
        late = parse_note("late.md", "# Late\n\nharbour quay\n").entries
        index.store.replace_sources({"late.md": prepare_source("1", late, [])}, [])
        # Its own commit, after the build's batches (committed, not joined).
        assert len(index.engine.search("harbour", limit=0).hits) == 2 + parsing.BATCH_SOURCES
        assert len(index.engine.search("quay", limit=0).hits) == 1
    finally:
        opened.set()
        build.join(30)
        index.close()
    assert _hits(root, tmp_path / "cache") == TOTAL
